/* capture_writer.c: copying the payload's record stream into a capture file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4frame.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capture_writer.h"
#include "error.h"
#include "wire.h"

/* Records are gathered up to one LZ4 block before compressing, so blocks
 * are full-sized (better ratio) yet never older than FLUSH_MS. */
#define BLOCK_BYTES (64 * 1024)
#define READ_BYTES (256 * 1024)
#define FLUSH_MS 100
#define TAIL_BYTES 64

struct writer {
	int out_fd;
	LZ4F_cctx *cctx;
	uint8_t *pending;	/* raw records not yet compressed */
	size_t npending;
	uint8_t *zbuf;		/* compressed output */
	size_t zcap;
	struct capture_stream_stats *st;
	uint8_t tail[TAIL_BYTES];	/* the stream's last bytes */
	size_t ntail;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int write_all(struct writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(w->out_fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror_msg("writing the capture");
			return -1;
		}
		p += n;
		len -= (size_t)n;
		w->st->file_bytes += (uint64_t)n;
	}
	return 0;
}

static int lz4_check(size_t rc, const char *what)
{
	if (LZ4F_isError(rc)) {
		error_msg("%s: %s", what, LZ4F_getErrorName(rc));
		return -1;
	}
	return 0;
}

/* Compress what is pending into complete blocks and write them out. */
static int writer_flush(struct writer *w)
{
	size_t n;

	if (!w->npending)
		return 0;
	n = LZ4F_compressUpdate(w->cctx, w->zbuf, w->zcap, w->pending,
				w->npending, NULL);
	if (lz4_check(n, "compressing the capture"))
		return -1;
	w->npending = 0;
	return write_all(w, w->zbuf, n);
}

/* The stream's last bytes: where the payload's closing count sits. */
static void keep_tail(struct writer *w, const uint8_t *p, size_t len)
{
	if (len >= TAIL_BYTES) {
		memcpy(w->tail, p + len - TAIL_BYTES, TAIL_BYTES);
		w->ntail = TAIL_BYTES;
		return;
	}
	if (w->ntail + len > TAIL_BYTES) {
		size_t drop = w->ntail + len - TAIL_BYTES;

		memmove(w->tail, w->tail + drop, w->ntail - drop);
		w->ntail -= drop;
	}
	memcpy(w->tail + w->ntail, p, len);
	w->ntail += len;
}

/*
 * A clean stream ends with INFO "events=N\n" then END: the INFO's tag,
 * a one-byte length, the text, and the END tag.  Anything else leaves the
 * count unknown (-1).
 */
static long long closing_event_count(const struct writer *w)
{
	const uint8_t *t = w->tail;
	size_t n = w->ntail, start;

	if (n < 12 || t[n - 1] != WIRE_END || t[n - 2] != '\n')
		return -1;
	for (start = n - 2; start > 2 && t[start - 1] != '='; start--)
		;
	if (start < 9 || memcmp(t + start - 7, "events=", 7))
		return -1;
	start -= 7;
	if (t[start - 2] != WIRE_INFO || t[start - 1] != n - 1 - start)
		return -1;
	return strtoll((const char *)t + start + 7, NULL, 10);
}

static int writer_add(struct writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	w->st->raw_bytes += len;
	keep_tail(w, p, len);
	while (len) {
		size_t room = BLOCK_BYTES - w->npending;
		size_t take = len < room ? len : room;

		memcpy(w->pending + w->npending, p, take);
		w->npending += take;
		p += take;
		len -= take;
		if (w->npending == BLOCK_BYTES && writer_flush(w))
			return -1;
	}
	return 0;
}

static int writer_begin(struct writer *w, const char *header_text)
{
	static const LZ4F_preferences_t prefs = {
		.frameInfo = {
			.blockSizeID = LZ4F_max64KB,
			.blockMode = LZ4F_blockLinked,
			/* A checksum per block lets the reader tell a
			 * damaged block from a cut one and keep the
			 * prefix before it. */
			.blockChecksumFlag = LZ4F_blockChecksumEnabled,
		},
		/* Every update ends on a block boundary: what was written
		 * is readable even if memattach is killed right after. */
		.autoFlush = 1,
	};
	uint8_t fh[WIRE_FILE_HEADER_SIZE] = { 0 };
	uint8_t rec[1 + WIRE_UV_MAX];
	size_t n, hlen = strlen(header_text);

	if (lz4_check(LZ4F_createCompressionContext(&w->cctx, LZ4F_VERSION),
		      "starting compression"))
		return -1;
	w->pending = xmalloc(BLOCK_BYTES);
	w->zcap = LZ4F_compressBound(BLOCK_BYTES, &prefs);
	if (w->zcap < LZ4F_HEADER_SIZE_MAX)
		w->zcap = LZ4F_HEADER_SIZE_MAX;
	w->zbuf = xmalloc(w->zcap);

	memcpy(fh, WIRE_FILE_MAGIC, 8);
	fh[8] = WIRE_FILE_VERSION & 0xff;
	if (write_all(w, fh, sizeof(fh)))
		return -1;
	n = LZ4F_compressBegin(w->cctx, w->zbuf, w->zcap, &prefs);
	if (lz4_check(n, "starting compression") || write_all(w, w->zbuf, n))
		return -1;

	rec[0] = WIRE_HEADER;
	n = 1 + wire_put_uv(rec + 1, hlen);
	if (writer_add(w, rec, n) || writer_add(w, header_text, hlen))
		return -1;
	w->st->raw_bytes -= n + hlen;	/* count the payload's bytes only */
	return writer_flush(w);
}

static int writer_end(struct writer *w)
{
	size_t n;

	if (writer_flush(w))
		return -1;
	n = LZ4F_compressEnd(w->cctx, w->zbuf, w->zcap, NULL);
	if (lz4_check(n, "finishing the capture"))
		return -1;
	return write_all(w, w->zbuf, n);
}

static void writer_free(struct writer *w)
{
	LZ4F_freeCompressionContext(w->cctx);
	free(w->pending);
	free(w->zbuf);
}

static void send_stop(int sock)
{
	const char c = WIRE_CTL_STOP;

	/* MSG_NOSIGNAL: a payload that is already gone must not kill us. */
	while (send(sock, &c, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

int capture_stream(int sock, int out_fd, const char *header_text,
		   int stop_fd, struct capture_stream_stats *st)
{
	struct capture_stream_stats dummy;
	struct writer w = { .out_fd = out_fd };
	uint8_t *buf = xmalloc(READ_BYTES);
	uint64_t last_flush = now_ms();
	int rc = -1;

	w.st = st ? st : &dummy;
	memset(w.st, 0, sizeof(*w.st));
	w.st->events = -1;
	if (writer_begin(&w, header_text))
		goto out;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sock, .events = POLLIN },
			{ .fd = stop_fd, .events = POLLIN },
		};
		uint64_t now;
		ssize_t n;
		int pr;

		pr = poll(pfd, stop_fd >= 0 ? 2 : 1, FLUSH_MS);
		if (pr < 0 && errno != EINTR) {
			perror_msg("waiting for the payload");
			goto out;
		}
		if (pr > 0 && stop_fd >= 0 && pfd[1].revents) {
			send_stop(sock);
			stop_fd = -1;	/* asked once; now drain to EOF */
		}
		if (pr > 0 && pfd[0].revents) {
			n = read(sock, buf, READ_BYTES);
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				/* ECONNRESET: the target died; keep what came */
				if (errno != ECONNRESET)
					perror_msg("reading the payload's stream");
				break;
			}
			if (n == 0)
				break;
			if (n > 0 && writer_add(&w, buf, (size_t)n))
				goto out;
		}
		now = now_ms();
		if (now - last_flush >= FLUSH_MS) {
			if (writer_flush(&w))
				goto out;
			last_flush = now;
		}
	}
	w.st->events = closing_event_count(&w);
	rc = writer_end(&w);
out:
	if (rc)
		/* Our end is going away: the payload's dead-man switch
		 * restores the target's hooks when it sees this. */
		shutdown(sock, SHUT_RDWR);
	writer_free(&w);
	free(buf);
	return rc;
}

/* Replace what would break the "key=value\n" format. */
static void sanitize(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' || s[i] == '\0')
			s[i] = ' ';
}

static char *read_cmdline(int pid)
{
	char path[64], *buf = xmalloc(4096);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, 4095);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		buf[0] = 0;
		return buf;
	}
	while (n > 0 && buf[n - 1] == 0)
		n--;
	sanitize(buf, (size_t)n);
	buf[n] = 0;
	return buf;
}

char *capture_header_text(int pid, const char *mode, const char *options)
{
	char *argv = read_cmdline(pid);
	char *s = capture_header_text_argv(pid, argv, mode, options);

	free(argv);
	return s;
}

char *capture_header_text_argv(int pid, const char *argv_text,
			       const char *mode, const char *options)
{
	char *argv = xstrdup(argv_text), *opts = xstrdup(options), *s;
	struct timespec ts;

	sanitize(argv, strlen(argv));
	sanitize(opts, strlen(opts));
	clock_gettime(CLOCK_REALTIME, &ts);
	s = xasprintf("format_version=%u\npid=%d\nargv=%s\n"
		      "start_time=%lld.%03ld\nmode=%s\noptions=%s\n"
		      "memattach_version=%s\n",
		      WIRE_FILE_VERSION, pid, argv, (long long)ts.tv_sec,
		      ts.tv_nsec / 1000000, mode, opts, PACKAGE_VERSION);
	free(argv);
	free(opts);
	return s;
}
