/* attach.c: memattach PID: inject the payload into a running Python. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "attach_control.h"
#include "capture_events.h"
#include "capture_writer.h"
#include "commands.h"
#include "error.h"
#include "inject.h"
#include "output.h"
#include "payload.h"
#include "payload_path.h"

struct attach_options {
	pid_t pid;
	double duration;	/* seconds, 0 = until stopped */
	const char *output;
	bool force;
	bool native;
	bool pymalloc;
	bool background;
	bool quiet;
};

static void attach_usage(void)
{
	error_msg("usage: memattach PID [--duration S] [-o FILE] [-f] "
		  "[--native] [--trace-python-allocators] [--background] "
		  "[-v] [-q]");
}

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v <= 0 || v > INT_MAX) {
		error_msg("%s: not a process id", s);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

static int parse_attach_options(int argc, char **argv,
				struct attach_options *o)
{
	enum { OPT_NATIVE = 256, OPT_BACKGROUND, OPT_PYMALLOC };
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "native", no_argument, NULL, OPT_NATIVE },
		{ "trace-python-allocators", no_argument, NULL, OPT_PYMALLOC },
		{ "background", no_argument, NULL, OPT_BACKGROUND },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	if (parse_pid(argv[0], &o->pid))
		return -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:fvq", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'd':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(o->duration > 0) || o->duration > 1e7) {
				error_msg("--duration %s: not a number of "
					  "seconds", optarg);
				return -1;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case OPT_NATIVE:
			o->native = true;
			break;
		case OPT_PYMALLOC:
			o->pymalloc = true;
			break;
		case OPT_BACKGROUND:
			o->background = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			o->quiet = true;
			break;
		default:
			attach_usage();
			return -1;
		}
	}
	if (optind < argc) {
		error_msg("%s: unexpected argument", argv[optind]);
		attach_usage();
		return -1;
	}
	return 0;
}

/* memattach-<comm>.<pid>.bin, with comm made safe for a file name. */
static char *default_output(const struct inject_target *t)
{
	char comm[sizeof(t->comm)];
	size_t i;

	snprintf(comm, sizeof(comm), "%s", t->comm[0] ? t->comm : "python");
	for (i = 0; comm[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", comm[i]))
			comm[i] = '_';
	return xasprintf("memattach-%s.%d.bin", comm, (int)t->pid);
}

/* The capture's path as detach and status will print it, from anywhere. */
static char *absolute(const char *path)
{
	char *abs = realpath(path, NULL);

	return abs ? abs : xstrdup(path);
}

/* The header's options line: words separated by single spaces. */
static char *options_text(const struct attach_options *o)
{
	char dur[32] = "", *s;
	size_t len;

	if (o->duration > 0)
		snprintf(dur, sizeof(dur), "duration=%g", o->duration);
	s = xasprintf("%s%s%s%s", o->native ? "native " : "",
		      o->pymalloc ? "trace-python-allocators " : "",
		      o->background ? "background " : "", dur);
	len = strlen(s);
	if (len && s[len - 1] == ' ')
		s[len - 1] = 0;
	return s;
}

static void log_line(const char *line)
{
	if (verbose)
		verbose_msg("%s", line);
}

/*
 * Fail on a bad output path before the target is touched: create the file
 * now, or with -f over an existing one, only check that it can be written
 * (*replacing), so that a failed attach does not cost the old file.
 * Returns the new file's fd, -2 when replacing, -1 after an error line.
 */
static int open_output_early(const char *path, bool force, bool *replacing)
{
	struct stat st;

	*replacing = force && lstat(path, &st) == 0;
	if (!*replacing)
		return output_create(path, force);
	if (!S_ISREG(st.st_mode)) {
		error_msg("%s: not a regular file", path);
		return -1;
	}
	if (access(path, W_OK) < 0) {
		perror_msg("%s", path);
		return -1;
	}
	return -2;
}

static int stop_pipe[2] = { -1, -1 };

/* Ctrl-C, SIGTERM, SIGHUP, the --duration alarm: ask the payload to stop.
 * A second Ctrl-C kills memattach outright; the payload's dead-man switch
 * then restores the target by itself. */
static void request_stop(int sig)
{
	const char c = 's';
	int saved = errno;

	if (write(stop_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a stop is already pending */
	}
	if (sig != SIGALRM)
		signal(sig, SIG_DFL);
	errno = saved;
}

static void install_stop_handlers(const struct attach_options *o)
{
	struct sigaction sa = { .sa_handler = request_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!o->background)
		sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o->duration > 0) {
		struct itimerval it = { { 0, 0 }, { 0, 0 } };

		it.it_value.tv_sec = (time_t)o->duration;
		it.it_value.tv_usec = (suseconds_t)((o->duration -
			floor(o->duration)) * 1e6);
		if (!it.it_value.tv_sec && !it.it_value.tv_usec)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
	}
}

/* Signals that would stop memattach in the middle of a remote call, which
 * would leave the borrowed thread running our registers: held until the
 * target is let go. */
static void block_stop_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* --background: the parent returns the shell, the child keeps capturing. */
static int daemonize(pid_t target, const char *file, bool quiet)
{
	pid_t child;
	int null;

	fflush(NULL);
	child = fork();
	if (child < 0) {
		perror_msg("fork");
		return -1;
	}
	if (child > 0) {
		if (!quiet)
			fprintf(stderr, "memattach: capturing %d in the "
				"background into %s (memattach detach %d "
				"ends it)\n", (int)target, file, (int)target);
		_exit(0);
	}
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	return 0;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static int start_capture(const struct attach_options *o,
			 const struct inject_target *t,
			 struct inject_payload_result *res)
{
	const char *payload = payload_path();
	char err[INJECT_ERR_LEN];
	uint32_t flags = (o->native ? PAYLOAD_FLAG_NATIVE : 0u) |
			 (o->pymalloc ? PAYLOAD_FLAG_PYMALLOC : 0u);
	sigset_t old;
	int rc;

	if (!payload)
		return -1;
	inject_set_logger(log_line);
	block_stop_signals(&old);
	rc = inject_payload(t->pid, payload, flags, res, NULL, err,
			    sizeof(err));
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		error_msg("%s", err);
		return -1;
	}
	/*
	 * The bench parses this line: keep its shape.  It is the longest
	 * any thread was stopped, the borrowed one's (which ran dlopen and
	 * the start); the others were let go as soon as it was chosen.
	 */
	verbose_msg("all threads stopped together %.1f ms",
		    ms(res->all_stopped_ns));
	verbose_msg("target stopped %.1f ms (attach)",
		    ms(res->borrowed_stopped_ns));
	verbose_msg("borrowed thread %d%s", (int)res->borrowed_tid,
		    res->reused ? "; the payload was already loaded" : "");
	return 0;
}

int cmd_attach(int argc, char **argv)
{
	struct attach_options o = { 0 };
	struct inject_target t;
	struct inject_payload_result res;
	struct capture_stream_stats st = { 0 };
	struct control_server *srv;
	struct timespec t0;
	char err[INJECT_ERR_LEN], *output, *file, *header, *opts;
	int listen_fd, out_fd, rc;
	bool replacing;
	long long events;

	if (parse_attach_options(argc, argv, &o))
		return 2;
	if (inject_check_target(o.pid, &t, err, sizeof(err))) {
		error_msg("%s", err);
		return 1;
	}
	verbose_msg("%d (%s) runs Python %lu.%lu (%s)", (int)o.pid, t.comm,
		    t.py_version >> 24, (t.py_version >> 16) & 0xff,
		    t.python_object);
	/* Holding @memattach-PID is what keeps a second memattach out. */
	listen_fd = control_listen(o.pid);
	if (listen_fd == -2) {
		error_msg("%d: a capture is already running (memattach "
			  "detach %d ends it)", (int)o.pid, (int)o.pid);
		return 1;
	}
	if (listen_fd < 0)
		return 1;
	output = o.output ? xstrdup(o.output) : default_output(&t);
	out_fd = open_output_early(output, o.force, &replacing);
	if (out_fd == -1)
		return 1;
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		perror_msg_and_die("pipe");
	if (start_capture(&o, &t, &res)) {
		if (!replacing)
			unlink(output);	/* the empty file we created */
		return 1;
	}
	/* -f over an existing file: it is truncated only now that there
	 * is a capture to put in it. */
	if (replacing) {
		out_fd = output_create(output, true);
		if (out_fd < 0) {
			/* the payload detaches on EOF */
			close(res.sock);
			return 1;
		}
	}
	file = absolute(output);
	if (o.background && daemonize(o.pid, file, o.quiet)) {
		close(res.sock);	/* the payload detaches on EOF */
		return 1;
	}
	install_stop_handlers(&o);
	if (!o.quiet && !o.background)
		fprintf(stderr, "memattach: capturing %d into %s%s\n",
			(int)o.pid, file, o.duration > 0 ? "" :
			" (Ctrl-C stops)");
	srv = control_start(listen_fd, stop_pipe[1], file, &st);
	opts = options_text(&o);
	header = capture_header_text(o.pid, "attach", opts);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = capture_stream(res.sock, out_fd, header, stop_pipe[0], &st);
	close(res.sock);
	if (close(out_fd) < 0 && !rc) {
		perror_msg("%s", file);
		rc = -1;
	}
	events = rc ? -1 : st.events >= 0 ? st.events :
		 capture_file_events(file, NULL, 0);
	control_finish(srv, rc, events);
	/* Detaching stops nothing: the payload's own writer thread puts the
	 * hooks back.  The bench parses this line too. */
	verbose_msg("target stopped 0.0 ms (detach)");
	if (rc)
		error_msg("%s: the capture is incomplete (what was written "
			  "before the error is readable)", file);
	else if (!o.quiet && !o.background)
		capture_print_written(file, &st, &t0, events);
	free(header);
	free(opts);
	free(file);
	free(output);
	return rc ? 1 : 0;
}
