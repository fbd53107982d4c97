/* attach_control.c: "@memattach-PID", the control socket of a capture. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "attach_control.h"
#include "error.h"

struct control_server {
	int listen_fd;
	int stop_fd;
	char *file;
	const struct capture_stream_stats *st;
	struct timespec start;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int rc;
	long long events;	/* in the finished capture, -1 if unknown */
};

static socklen_t control_address(pid_t pid, struct sockaddr_un *sa)
{
	int len;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* sun_path[0] = 0: the abstract namespace, no file to clean up and
	 * nothing left behind by a memattach killed with -9. */
	len = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
		       "memattach-%d", (int)pid);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   (size_t)len);
}

/* The same user as us, or root. */
static bool peer_trusted(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

int control_listen(pid_t pid)
{
	struct sockaddr_un sa;
	socklen_t len = control_address(pid, &sa);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror_msg("socket");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
		int e = errno;

		close(fd);
		if (e == EADDRINUSE)
			return -2;
		errno = e;
		perror_msg("binding @memattach-%d", (int)pid);
		return -1;
	}
	if (listen(fd, 8) < 0) {
		perror_msg("listen");
		close(fd);
		return -1;
	}
	return fd;
}

int control_request(pid_t pid, const char *request)
{
	struct sockaddr_un sa;
	socklen_t len = control_address(pid, &sa);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t rlen = strlen(request);

	if (fd < 0) {
		perror_msg("socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		int e = errno;

		close(fd);
		if (e == ECONNREFUSED || e == ENOENT)
			return -2;
		errno = e;
		perror_msg("connecting to @memattach-%d", (int)pid);
		return -1;
	}
	if (!peer_trusted(fd)) {
		error_msg("@memattach-%d: held by another user; not trusting "
			  "it", (int)pid);
		close(fd);
		return -1;
	}
	if (send(fd, request, rlen, MSG_NOSIGNAL) != (ssize_t)rlen) {
		perror_msg("@memattach-%d", (int)pid);
		close(fd);
		return -1;
	}
	return fd;
}

/* Read the whole reply (it ends at EOF). */
char *control_read_reply(int fd)
{
	size_t len = 0, cap = 256;
	char *buf = xmalloc(cap);
	ssize_t n;

	for (;;) {
		if (len + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	return buf;
}

/* The value after "key " on its own line, or "?". */
const char *control_reply_field(const char *reply, const char *key,
			       char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *p = reply;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			size_t vlen = strcspn(p + klen + 1, "\n");

			snprintf(out, outlen, "%.*s", (int)vlen, p + klen + 1);
			return out;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	snprintf(out, outlen, "?");
	return out;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void reply(int fd, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = send(fd, text, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

/* The stats are written by the capture loop in the other thread; a
 * relaxed atomic read gives a value that was true a moment ago. */
static unsigned long long stat_load(const uint64_t *p)
{
	return (unsigned long long)__atomic_load_n(p, __ATOMIC_RELAXED);
}

static void serve_one(struct control_server *srv, int fd)
{
	char req[64] = "", *text;
	ssize_t n;

	if (!peer_trusted(fd)) {
		reply(fd, "denied\n");
		return;
	}
	n = recv(fd, req, sizeof(req) - 1, 0);
	if (n <= 0)
		return;
	req[n] = 0;
	if (!strncmp(req, "status", 6)) {
		text = xasprintf("running %s\nbytes %llu\nfile_bytes %llu\n"
				 "seconds %.1f\n", srv->file,
				 stat_load(&srv->st->raw_bytes),
				 stat_load(&srv->st->file_bytes),
				 seconds_since(&srv->start));
	} else if (!strncmp(req, "detach", 6)) {
		const char c = 'd';

		if (write(srv->stop_fd, &c, 1) < 0 && errno != EAGAIN)
			perror_msg("stopping the capture");
		pthread_mutex_lock(&srv->lock);
		while (!srv->done)
			pthread_cond_wait(&srv->cond, &srv->lock);
		pthread_mutex_unlock(&srv->lock);
		/* Free the name before answering: whoever asked may attach
		 * again the moment it has the answer. */
		close(srv->listen_fd);
		srv->listen_fd = -1;
		text = xasprintf("%s %s\nevents %lld\nbytes %llu\n"
				 "file_bytes %llu\nseconds %.1f\n",
				 srv->rc ? "failed" : "done", srv->file,
				 srv->events,
				 stat_load(&srv->st->raw_bytes),
				 stat_load(&srv->st->file_bytes),
				 seconds_since(&srv->start));
	} else {
		text = xstrdup("unknown request\n");
	}
	reply(fd, text);
	free(text);
}

static void *control_thread(void *arg)
{
	struct control_server *srv = arg;

	for (;;) {
		struct pollfd pfd = { .fd = srv->listen_fd, .events = POLLIN };
		bool done;
		int fd;

		pthread_mutex_lock(&srv->lock);
		done = srv->done;
		pthread_mutex_unlock(&srv->lock);
		if (done || srv->listen_fd < 0)
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve_one(srv, fd);
		close(fd);
	}
	return NULL;
}

struct control_server *control_start(int listen_fd, int stop_fd,
				     const char *file,
				     const struct capture_stream_stats *st)
{
	struct control_server *srv = xcalloc(1, sizeof(*srv));
	sigset_t all, old;

	srv->listen_fd = listen_fd;
	srv->stop_fd = stop_fd;
	srv->file = xstrdup(file);
	srv->st = st;
	clock_gettime(CLOCK_MONOTONIC, &srv->start);
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->cond, NULL);
	/* Signals (Ctrl-C, the --duration alarm) are for the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = pthread_create(&srv->thread, NULL, control_thread, srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (errno)
		perror_msg_and_die("pthread_create");
	return srv;
}

void control_finish(struct control_server *srv, int rc, long long events)
{
	pthread_mutex_lock(&srv->lock);
	srv->done = true;
	srv->rc = rc;
	srv->events = events;
	pthread_cond_broadcast(&srv->cond);
	pthread_mutex_unlock(&srv->lock);
	pthread_join(srv->thread, NULL);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	free(srv->file);
	free(srv);
}
