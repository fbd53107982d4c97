/* capture.c: opening a capture and replaying its LZ4-framed record stream. */
#include "config.h"

#include <errno.h>
#include <lz4frame.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture_priv.h"
#include "error.h"
#include "wire.h"

/* Compressed bytes read from the file at a time. */
#define READ_CHUNK (256 * 1024)
/* Free room kept for each decompression step (the writer's blocks are at
 * most 64 KiB, so one call usually yields a whole block). */
#define OUT_ROOM (128 * 1024)
/* No honest string is this long; a bigger length is corruption, and the
 * bound keeps the record buffer (hence memory) bounded. */
#define MAX_STR (16u << 20)

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

struct capture *capture_open(const char *path, char *err, size_t errlen)
{
	uint8_t hdr[WIRE_FILE_HEADER_SIZE];
	struct capture *cap;
	struct stat st;
	uint32_t version;
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		set_err(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0) {
		set_err(err, errlen, "%s", strerror(errno));
		fclose(f);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		set_err(err, errlen, "is a directory");
		fclose(f);
		return NULL;
	}
	n = fread(hdr, 1, sizeof(hdr), f);
	if (n == 0 && ferror(f)) {
		set_err(err, errlen, "%s", strerror(errno));
		fclose(f);
		return NULL;
	}
	if (n == 0) {
		set_err(err, errlen, "file is empty");
		fclose(f);
		return NULL;
	}
	if (memcmp(hdr, WIRE_FILE_MAGIC, n < 8 ? n : 8)) {
		set_err(err, errlen, "not a memattach capture");
		fclose(f);
		return NULL;
	}
	if (n < sizeof(hdr)) {
		set_err(err, errlen,
			"cut short inside the file header (%zu of %d bytes)",
			n, WIRE_FILE_HEADER_SIZE);
		fclose(f);
		return NULL;
	}
	version = (uint32_t)hdr[8] | (uint32_t)hdr[9] << 8 |
		  (uint32_t)hdr[10] << 16 | (uint32_t)hdr[11] << 24;
	if (version != WIRE_FILE_VERSION) {
		set_err(err, errlen,
			"unsupported capture version %u (this memattach "
			"reads version %u)", version, WIRE_FILE_VERSION);
		fclose(f);
		return NULL;
	}
	/* The flags word is reserved: version 1 writers leave it 0 and
	 * readers ignore it. */
	cap = xcalloc(1, sizeof(*cap));
	cap->path = xstrdup(path);
	cap->file = f;
	cap->file_size = (uint64_t)st.st_size;
	keymap_init(&cap->tid_index, 1);
	keymap_init(&cap->stack_cache, 3);
	return cap;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	fclose(cap->file);
	cap_tables_free(cap);
	free(cap->damage);
	free(cap->path);
	free(cap);
}

/* ---- record decoding ---------------------------------------------- */

enum step { STEP_OK, STEP_MORE, STEP_BAD, STEP_STOP };

struct decoder {
	struct capture *cap;
	const struct capture_callbacks *cb;
	uint64_t stream_off;	/* offset of the next record in the stream */
	uint64_t addr;		/* previous event's address */
	uint64_t time_ms;
	uint64_t index;		/* events so far */
	uint32_t tid;
	bool ended;		/* the last record was WIRE_END */
	char why[160];		/* what was wrong with a STEP_BAD record */
};

struct cursor {
	const uint8_t *p, *end;
};

/* 1 = read, 0 = the buffer ends first, -1 = not a valid varint. */
static int get_uv(struct cursor *c, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;
	const uint8_t *p = c->p;

	for (;;) {
		uint8_t b;

		if (p == c->end)
			return 0;
		b = *p++;
		if (shift == 63 && b > 1)
			return -1;	/* more than 64 bits */
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
		if (shift > 63)
			return -1;
	}
	c->p = p;
	*v = r;
	return 1;
}

static int get_str(struct cursor *c, const uint8_t **s, size_t *len)
{
	uint64_t n;
	int r = get_uv(c, &n);

	if (r <= 0)
		return r;
	if (n > MAX_STR)
		return -1;
	if ((uint64_t)(c->end - c->p) < n)
		return 0;
	*s = c->p;
	*len = (size_t)n;
	c->p += n;
	return 1;
}

/* Read fields in order; any short read is STEP_MORE, any bad one BAD. */
#define UV(var) do { int r_ = get_uv(&c, &(var)); \
	if (r_ <= 0) return r_ ? bad(d, "bad varint") : STEP_MORE; } while (0)
#define STR(s, n) do { int r_ = get_str(&c, &(s), &(n)); \
	if (r_ <= 0) return r_ ? bad(d, "bad string length") : STEP_MORE; \
	} while (0)

static enum step bad(struct decoder *d, const char *why)
{
	snprintf(d->why, sizeof(d->why), "%s", why);
	return STEP_BAD;
}

static bool alloc_kind_ok(unsigned kind)
{
	return kind >= KIND_MALLOC && kind < KIND_MAX && kind != KIND_FREE &&
	       kind != KIND_MUNMAP;
}

static enum step emit_event(struct decoder *d, struct capture_event *ev)
{
	int stop = 0;

	ev->index = d->index++;
	ev->time_ms = d->time_ms;
	ev->tid = d->tid;
	if (d->cb && d->cb->event)
		stop = d->cb->event(ev, d->cb->arg);
	return stop ? STEP_STOP : STEP_OK;
}

/*
 * Decode one record at c->p.  On STEP_OK (or STEP_STOP) c->p moves past it;
 * on STEP_MORE the buffer holds only part of it.  Metadata is applied only
 * when apply is set (see meta_upto).
 */
static enum step decode_one(struct decoder *d, struct cursor *cur, bool apply)
{
	struct capture *cap = d->cap;
	struct cursor c = *cur;
	struct capture_event ev = { 0 };
	const uint8_t *s = NULL;
	uint64_t a = 0, b = 0, e = 0, f = 0;
	size_t n = 0;
	unsigned tag, kind;
	enum step st = STEP_OK;
	int rc = 0;

	if (c.p == c.end)
		return STEP_MORE;
	tag = *c.p++;
	kind = WIRE_TAG_KIND(tag);
	switch (tag) {
	case WIRE_HEADER:
	case WIRE_INFO:
		STR(s, n);
		if (apply)
			cap_add_kv_text(cap, s, n);
		break;
	case WIRE_STRING:
		UV(a);
		STR(s, n);
		if (apply)
			rc = cap_define_string(cap, a, s, n);
		break;
	case WIRE_FRAME:
		UV(a);
		UV(b);
		UV(e);
		UV(f);
		if (apply)
			rc = cap_define_frame(cap, a, b, e, f);
		break;
	case WIRE_NODE:
	case WIRE_NODE_ENTRY:
		UV(a);
		UV(b);
		UV(e);
		if (apply)
			rc = cap_define_node(cap, a, b, e,
					     tag == WIRE_NODE_ENTRY);
		break;
	case WIRE_NATIVE_NODE:
		UV(a);
		UV(b);
		UV(e);
		if (apply)
			rc = cap_define_native_node(cap, a, b, e);
		break;
	case WIRE_MAPPING:
		UV(a);
		UV(b);
		UV(e);
		UV(f);
		STR(s, n);
		if (apply)
			rc = cap_add_mapping(cap, a, b, e, f, s, n);
		break;
	case WIRE_THREAD:
		UV(a);
		if (a > UINT32_MAX)
			return bad(d, "thread id out of range");
		d->tid = (uint32_t)a;
		cap_note_thread(cap, d->tid);
		break;
	case WIRE_THREAD_NAME:
		UV(a);
		STR(s, n);
		if (a > UINT32_MAX)
			return bad(d, "thread id out of range");
		if (apply)
			cap_set_thread_name(cap, (uint32_t)a, s, n);
		break;
	case WIRE_TIME:
		UV(a);
		UV(b);
		d->time_ms = a;
		if (d->cb && d->cb->sample) {
			struct capture_sample smp = {
				.time_ms = a, .rss = b,
				.event_index = d->index,
			};

			if (d->cb->sample(&smp, d->cb->arg))
				st = STEP_STOP;
		}
		break;
	case WIRE_END:
		break;
	case WIRE_LOST:
		UV(a);
		if (apply)	/* saturate: a count, not a wrap-around */
			cap->lost = a > UINT64_MAX - cap->lost ? UINT64_MAX
							       : cap->lost + a;
		break;
	default:
		switch (WIRE_TAG_CLASS(tag)) {
		case WIRE_ALLOC:
		case WIRE_ALLOC_NATIVE:
			if (!alloc_kind_ok(kind))
				return bad(d, "bad allocator kind");
			UV(a);
			if (WIRE_TAG_CLASS(tag) == WIRE_ALLOC_NATIVE)
				UV(b);
			UV(e);
			UV(f);
			if (!cap_stack_ids_ok(cap, a, b))
				return bad(d, "stack id out of range");
			if (b)
				cap->has_native = true;
			d->addr += (uint64_t)wire_unzigzag(e);
			ev.stack = (uint32_t)a;
			ev.native_stack = (uint32_t)b;
			ev.addr = d->addr;
			ev.size = f;
			ev.kind = (uint8_t)kind;
			st = emit_event(d, &ev);
			break;
		case WIRE_FREE:
		case WIRE_FREE_SIZED:
			if (kind != KIND_FREE && kind != KIND_MUNMAP)
				return bad(d, "bad free kind");
			UV(e);
			if (WIRE_TAG_CLASS(tag) == WIRE_FREE_SIZED)
				UV(f);
			d->addr += (uint64_t)wire_unzigzag(e);
			ev.addr = d->addr;
			ev.size = f;
			ev.kind = (uint8_t)kind;
			ev.is_free = true;
			st = emit_event(d, &ev);
			break;
		default:
			snprintf(d->why, sizeof(d->why),
				 "unknown record tag 0x%02x", tag);
			return STEP_BAD;
		}
	}
	if (rc)
		return bad(d, "bad or out-of-order id");
	d->ended = tag == WIRE_END;
	*cur = c;
	return st;
}

/* ---- the LZ4 frame stream ---------------------------------------- */

static void set_damage(char **damage, const char *fmt, ...)
	ATTR_PRINTF(2, 3);

static void set_damage(char **damage, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (*damage)
		return;		/* the first damage is the one that counts */
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	*damage = msg ? msg : xstrdup("damaged capture");
}

struct stream {
	uint8_t *buf;		/* decompressed bytes not yet decoded */
	size_t len, pos;
	size_t cap;
};

/* Decode every complete record in the buffer.  Returns a step: STEP_MORE
 * when it needs more bytes (the normal case), BAD or STOP to end. */
static enum step decode_buffer(struct decoder *d, struct stream *s)
{
	struct cursor c = { s->buf + s->pos, s->buf + s->len };

	for (;;) {
		const uint8_t *start = c.p;
		bool apply = d->stream_off >= d->cap->meta_upto;
		enum step st = decode_one(d, &c, apply);

		if (st == STEP_MORE || st == STEP_BAD)
			return st;
		d->stream_off += (uint64_t)(c.p - start);
		s->pos = (size_t)(c.p - s->buf);
		if (st == STEP_STOP)
			return st;
	}
}

/* Make room for OUT_ROOM more bytes after the undecoded tail. */
static void stream_make_room(struct stream *s)
{
	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	if (s->cap - s->len < OUT_ROOM)
		s->buf = xgrow(s->buf, &s->cap, s->len + OUT_ROOM, 1);
}

int capture_replay(struct capture *cap, const struct capture_callbacks *cb,
		   char *err, size_t errlen)
{
	struct decoder d = { .cap = cap, .cb = cb };
	struct stream s = { 0 };
	LZ4F_dctx *dctx = NULL;
	uint8_t *in = NULL;
	uint64_t file_off = WIRE_FILE_HEADER_SIZE;
	size_t hint = 0;	/* 0: between frames */
	char *damage = NULL;
	bool stopped = false, any_input = false;
	enum step st = STEP_MORE;
	int rc = -1;

	if (fseeko(cap->file, WIRE_FILE_HEADER_SIZE, SEEK_SET) < 0) {
		set_err(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx,
							 LZ4F_VERSION))) {
		set_err(err, errlen, "cannot start LZ4 decompression");
		return -1;
	}
	in = xmalloc(READ_CHUNK);
	for (;;) {
		size_t in_len = fread(in, 1, READ_CHUNK, cap->file), in_pos = 0;

		if (in_len == 0) {
			if (ferror(cap->file)) {
				set_err(err, errlen, "%s", strerror(errno));
				goto out;
			}
			break;
		}
		any_input = true;
		for (;;) {
			size_t src = in_len - in_pos, dst, room;

			stream_make_room(&s);
			room = dst = s.cap - s.len;
			hint = LZ4F_decompress(dctx, s.buf + s.len, &dst,
					       in + in_pos, &src, NULL);
			if (LZ4F_isError(hint)) {
				set_damage(&damage,
					   "corrupt data near byte %llu: %s",
					   (unsigned long long)file_off,
					   LZ4F_getErrorName(hint));
				goto done;
			}
			in_pos += src;
			file_off += src;
			s.len += dst;
			st = decode_buffer(&d, &s);
			if (st == STEP_BAD) {
				set_damage(&damage,
					   "bad record at stream offset %llu"
					   " (near file byte %llu): %s",
					   (unsigned long long)d.stream_off,
					   (unsigned long long)file_off,
					   d.why);
				goto done;
			}
			if (st == STEP_STOP) {
				stopped = true;
				goto done;
			}
			/* A full output buffer may leave decoded bytes
			 * inside the context: call again to drain them. */
			if (in_pos == in_len && dst < room)
				break;
		}
	}
	if (!any_input)
		set_damage(&damage, "no records after the file header");
	else if (hint != 0)
		set_damage(&damage,
			   "cut short: the file ends inside an LZ4 frame "
			   "(after %llu bytes)",
			   (unsigned long long)file_off);
	else if (s.pos < s.len)
		set_damage(&damage,
			   "cut short inside a record at stream offset %llu",
			   (unsigned long long)d.stream_off);
done:
	rc = 0;
	if (!stopped) {
		/* Only a replay that went to the end says what the file
		 * holds; one stopped early by its caller knows less. */
		free(cap->damage);
		cap->damage = damage;
		damage = NULL;
		cap->complete = !cap->damage && d.ended;
		cap->events = d.index;
	}
	if (d.stream_off > cap->meta_upto)
		cap->meta_upto = d.stream_off;
out:
	free(damage);
	free(in);
	free(s.buf);
	LZ4F_freeDecompressionContext(dctx);
	return rc;
}

const char *capture_damage(const struct capture *cap)
{
	return cap->damage;
}

bool capture_complete(const struct capture *cap)
{
	return cap->complete;
}

uint64_t capture_event_count(const struct capture *cap)
{
	return cap->events;
}

uint64_t capture_lost_count(const struct capture *cap)
{
	return cap->lost;
}

bool capture_has_native(const struct capture *cap)
{
	return cap->has_native;
}
