/* live.c: memattach live PID: a capture with a screen that follows it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "capture.h"
#include "commands.h"
#include "error.h"
#include "live_ui.h"

/*
 * The capture itself is the attach command's, unchanged, run in a child
 * process that writes the capture file as usual.  The screen re-reads
 * that file's readable prefix on every refresh (the writer flushes a
 * complete LZ4 block every 100 ms) through the same reader and analysis
 * as the reports, so what the screen shows is exactly what a report of
 * the file would show at that moment.  A refresh costs one pass over the
 * events so far; the interval stretches when passes get long.
 */

#define MAX_ROWS 4096

struct live_options {
	const char *pid_text;
	const char *output;
	bool force;
	bool native;
	double interval;	/* seconds between refreshes */
};

static void live_usage(void)
{
	error_msg("usage: memattach live PID [-o FILE] [-f] [--native] "
		  "[--interval S]");
}

static int parse_live_options(int argc, char **argv, struct live_options *o)
{
	int i;

	o->interval = 1.0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "-o") || !strcmp(a, "--output") ||
		     !strcmp(a, "--interval")) && i + 1 < argc) {
			if (!strcmp(a, "--interval")) {
				char *end;

				o->interval = strtod(argv[++i], &end);
				if (*end || o->interval < 0.1 ||
				    o->interval > 3600) {
					error_msg("live: --interval %s: not a "
						  "number of seconds (0.1 to "
						  "3600)", argv[i]);
					return -1;
				}
			} else {
				o->output = argv[++i];
			}
		} else if (!strcmp(a, "-f") || !strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--native")) {
			o->native = true;
		} else if (a[0] == '-') {
			error_msg("live: %s: unknown option", a);
			live_usage();
			return -1;
		} else if (!o->pid_text) {
			o->pid_text = a;
		} else {
			error_msg("live: %s: unexpected argument", a);
			return -1;
		}
	}
	if (!o->pid_text || !*o->pid_text ||
	    strspn(o->pid_text, "0123456789") != strlen(o->pid_text)) {
		error_msg("live: %s: not a process id",
			  o->pid_text ? o->pid_text : "(missing)");
		live_usage();
		return -1;
	}
	return 0;
}

/* Run the attach command in a child; its messages go to errfd so that
 * they don't scribble over the screen, and are shown once it is gone. */
static pid_t start_capture(const struct live_options *o, const char *file,
			   int errfd)
{
	char *argv[10];
	int argc = 0;
	pid_t child = fork();

	if (child < 0)
		perror_msg_and_die("fork");
	if (child > 0)
		return child;
	dup2(errfd, STDERR_FILENO);
	dup2(errfd, STDOUT_FILENO);
	close(errfd);
	argv[argc++] = (char *)o->pid_text;
	argv[argc++] = (char *)"-o";
	argv[argc++] = (char *)file;
	if (o->force)
		argv[argc++] = (char *)"-f";
	if (o->native)
		argv[argc++] = (char *)"--native";
	argv[argc] = NULL;
	_exit(cmd_attach(argc, argv));
}

/* Sites for the screen: live memory now, per location, sorted. */
struct live_state {
	struct live_row rows[MAX_ROWS];
	size_t nrows;
	struct live_frame frame;
	uint32_t threads[256];
	char *thread_names[256];
	size_t nthreads;
	uint64_t last_events;
	double last_seconds;
	struct capture *cap;	/* kept until the next refresh: rows point
				 * into its strings */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_rows(const void *a, const void *b, enum live_sort sort)
{
	const struct live_row *x = a, *y = b;
	uint64_t kx, ky;

	switch (sort) {
	case LIVE_SORT_OWN:
		kx = x->own_bytes;
		ky = y->own_bytes;
		break;
	case LIVE_SORT_COUNT:
		kx = x->count;
		ky = y->count;
		break;
	default:
		kx = x->total_bytes;
		ky = y->total_bytes;
	}
	return kx < ky ? 1 : kx > ky ? -1 : 0;
}

static enum live_sort current_sort;

static int compare_current(const void *a, const void *b)
{
	return compare_rows(a, b, current_sort);
}

/* Re-read the capture; returns 0, or -1 if it cannot be read yet. */
static int refresh(struct live_state *st, const char *file,
		   size_t thread_index)
{
	char err[256];
	struct capture *cap = capture_open(file, err, sizeof(err));
	struct analysis_options opt = { VIEW_LEAKS, NULL, 0 };
	struct analysis a;
	struct location_total *totals;
	uint32_t tid = 0;
	size_t n, i;

	if (!cap)
		return -1;
	/* The thread list comes from a first pass; the filter applies to
	 * the one that counts. */
	if (thread_index && thread_index <= st->nthreads) {
		tid = st->threads[thread_index - 1];
		opt.tids = &tid;
		opt.ntids = 1;
	}
	if (analysis_run(cap, &opt, &a, err, sizeof(err))) {
		capture_close(cap);
		return -1;
	}
	totals = analysis_location_totals(cap, &a, true, &n);
	st->nrows = 0;
	for (i = 0; i < n && st->nrows < MAX_ROWS; i++) {
		const struct capture_location *l =
			capture_location(cap, totals[i].loc);
		struct live_row *r = &st->rows[st->nrows++];

		r->function = l->function;
		r->file = l->file;
		r->line = l->line;
		r->total_bytes = totals[i].total_bytes;
		r->own_bytes = totals[i].own_bytes;
		r->count = totals[i].own_count;
	}
	free(totals);
	qsort(st->rows, st->nrows, sizeof(st->rows[0]), compare_current);

	for (i = 0; i < st->nthreads; i++)
		free(st->thread_names[i]);
	st->nthreads = 0;
	for (i = 0; i < capture_thread_count(cap) && i < 256; i++) {
		const char *name;

		st->threads[i] = capture_thread_tid(cap, i);
		name = capture_thread_name(cap, st->threads[i]);
		st->thread_names[i] = xstrdup(name ? name : "");
		st->nthreads++;
	}

	st->frame.seconds = (double)a.duration_ms / 1000.0;
	st->frame.heap_bytes = a.end_bytes;
	st->frame.peak_bytes = a.peak_bytes;
	st->frame.rss_bytes = a.npoints ? a.points[a.npoints - 1].rss : 0;
	if (st->frame.seconds > st->last_seconds)
		st->frame.events_per_second =
			(double)(capture_event_count(cap) - st->last_events) /
			(st->frame.seconds - st->last_seconds);
	st->last_events = capture_event_count(cap);
	st->last_seconds = st->frame.seconds;
	analysis_free(&a);
	if (st->cap)
		capture_close(st->cap);
	st->cap = cap;	/* the rows' strings live in it */
	st->frame.python_version = capture_header(cap, "python_version");
	return 0;
}

static void show_child_messages(int fd)
{
	char buf[4096];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
}

/* The child's messages are kept in memory (a memfd): no file on disk,
 * nothing another user could read or swap. */
static int private_log(void)
{
	return memfd_create("memattach-live-messages", MFD_CLOEXEC);
}

int cmd_live(int argc, char **argv)
{
	struct live_options o = { 0 };
	struct live_state *st;
	char *file;
	int logfd, status = 0;
	pid_t child;
	bool ended = false;
	size_t thread_index = 0, scroll = 0;
	double next = 0, interval;

	if (parse_live_options(argc, argv, &o))
		return 2;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		error_msg("live: needs a terminal (use memattach %s "
			  "--duration S for a capture without a screen)",
			  o.pid_text);
		return 2;
	}
	file = o.output ? xstrdup(o.output)
			: xasprintf("memattach-live.%s.bin", o.pid_text);
	if (!o.force && access(file, F_OK) == 0) {
		error_msg("%s: already exists (use -f to overwrite)", file);
		return 1;
	}
	logfd = private_log();
	if (logfd < 0)
		perror_msg_and_die("live: a file for the capture's messages");
	child = start_capture(&o, file, logfd);
	st = xcalloc(1, sizeof(*st));
	st->frame.pid = atoi(o.pid_text);
	interval = o.interval;
	current_sort = LIVE_SORT_TOTAL;
	if (live_ui_begin()) {
		kill(child, SIGTERM);
		waitpid(child, &status, 0);
		error_msg("live: cannot start the terminal screen");
		return 1;
	}
	for (;;) {
		enum live_key k;

		if (!ended && waitpid(child, &status, WNOHANG) == child)
			ended = true;
		if (now_s() >= next) {
			double t0 = now_s();

			if (refresh(st, file, thread_index) == 0) {
				double took = now_s() - t0;

				/* Never spend more than half the time
				 * reading. */
				interval = took * 2 > o.interval ? took * 2
								 : o.interval;
			}
			next = now_s() + interval;
		}
		st->frame.ended = ended;
		st->frame.rows = st->rows;
		st->frame.nrows = st->nrows;
		st->frame.thread_index = thread_index;
		st->frame.nthreads = st->nthreads;
		st->frame.thread = thread_index ? st->threads[thread_index - 1]
						: 0;
		st->frame.thread_name = thread_index ?
			st->thread_names[thread_index - 1] : NULL;
		live_ui_draw(&st->frame, current_sort, scroll);
		k = live_ui_key(200);
		if (k == LIVE_KEY_QUIT)
			break;
		switch (k) {
		case LIVE_KEY_SORT_TOTAL:
			current_sort = LIVE_SORT_TOTAL;
			break;
		case LIVE_KEY_SORT_OWN:
			current_sort = LIVE_SORT_OWN;
			break;
		case LIVE_KEY_SORT_COUNT:
			current_sort = LIVE_SORT_COUNT;
			break;
		case LIVE_KEY_THREAD_NEXT:
			thread_index = (thread_index + 1) % (st->nthreads + 1);
			next = 0;
			break;
		case LIVE_KEY_THREAD_PREV:
			thread_index = thread_index ? thread_index - 1
						    : st->nthreads;
			next = 0;
			break;
		case LIVE_KEY_UP:
			if (scroll)
				scroll--;
			break;
		case LIVE_KEY_DOWN:
			if (scroll + 1 < st->nrows)
				scroll++;
			break;
		default:
			break;
		}
		if (k >= LIVE_KEY_SORT_TOTAL && k <= LIVE_KEY_SORT_COUNT)
			qsort(st->rows, st->nrows, sizeof(st->rows[0]),
			      compare_current);
	}
	live_ui_end();
	if (!ended) {
		/* The capture's own Ctrl-C path: stop, flush, detach. */
		kill(child, SIGTERM);
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	}
	show_child_messages(logfd);
	close(logfd);
	if (st->cap)
		capture_close(st->cap);
	free(st);
	free(file);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1;
}
