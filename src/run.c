/* run.c: memattach run: record a Python program from its first allocation. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_events.h"
#include "capture_writer.h"
#include "commands.h"
#include "error.h"
#include "output.h"
#include "payload.h"
#include "payload_path.h"

struct run_options {
	const char *output;
	const char *python;
	bool force;
	bool native;
	bool pymalloc;	/* --trace-python-allocators */
	bool quiet;
	char **prog_argv;	/* what follows the options: script/-m/-c */
	int prog_argc;
};

static void run_usage(void)
{
	error_msg("usage: memattach run [-o FILE] [-f] [--native] "
		  "[--trace-python-allocators] [--python PATH] [-q] (script.py [args] | -m module [args] "
		  "| -c code [args])");
}

/* Options end at the script, -m or -c: everything after belongs to Python,
 * so getopt's permutation must not touch it. */
static int parse_run_options(int argc, char **argv, struct run_options *o)
{
	int i;

	o->python = PYTHON3;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") || !strcmp(a, "--output") ||
		    !strcmp(a, "--python")) {
			if (i + 1 >= argc) {
				error_msg("run: %s: needs an argument", a);
				return -1;
			}
			if (!strcmp(a, "--python"))
				o->python = argv[++i];
			else
				o->output = argv[++i];
		} else if (!strncmp(a, "--output=", 9)) {
			o->output = a + 9;
		} else if (!strncmp(a, "--python=", 9)) {
			o->python = a + 9;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--native")) {
			o->native = true;
		} else if (!strcmp(a, "--trace-python-allocators")) {
			o->pymalloc = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose++;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-m") || !strcmp(a, "-c")) {
			if (i + 1 >= argc) {
				error_msg("run: %s: needs an argument", a);
				return -1;
			}
			break;
		} else if (a[0] == '-' && a[1]) {
			error_msg("run: %s: unknown option", a);
			run_usage();
			return -1;
		} else {
			break;
		}
	}
	if (i >= argc) {
		error_msg("run: no program given");
		run_usage();
		return -1;
	}
	o->prog_argv = argv + i;
	o->prog_argc = argc - i;
	return 0;
}

/* Name of what runs, for the default output file name. */
static const char *program_label(const struct run_options *o)
{
	const char *first = o->prog_argv[0], *slash;

	if (!strcmp(first, "-m"))
		return o->prog_argv[1];
	if (!strcmp(first, "-c"))
		return "code";
	slash = strrchr(first, '/');
	return slash ? slash + 1 : first;
}

static char *default_output(const struct run_options *o)
{
	char *label = xstrdup(program_label(o)), *dot, *s;

	dot = strrchr(label, '.');
	if (dot && !strcmp(dot, ".py"))
		*dot = 0;
	for (s = label; *s; s++)
		if (*s == '/' || *s == ' ')
			*s = '_';
	s = xasprintf("memattach-%s.%d.bin", label, (int)getpid());
	free(label);
	return s;
}

static int check_program(const struct run_options *o)
{
	const char *script = o->prog_argv[0];
	struct stat stt;

	if (access(o->python, X_OK) < 0) {
		perror_msg("python %s", o->python);
		return -1;
	}
	if (!strcmp(script, "-m") || !strcmp(script, "-c"))
		return 0;
	if (stat(script, &stt) < 0) {
		perror_msg("%s", script);
		return -1;
	}
	if (S_ISDIR(stt.st_mode) &&
	    access(xasprintf("%s/__main__.py", script), R_OK) < 0) {
		error_msg("%s: is a directory without __main__.py", script);
		return -1;
	}
	if (access(script, R_OK) < 0) {
		perror_msg("%s", script);
		return -1;
	}
	return 0;
}

static char *join_argv(const char *python, char **argv, int argc)
{
	size_t len = strlen(python) + 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	strcpy(s, python);
	for (i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void set_preload(const char *payload)
{
	const char *old = getenv("LD_PRELOAD");

	if (old && *old)
		setenv("LD_PRELOAD", xasprintf("%s:%s", payload, old), 1);
	else
		setenv("LD_PRELOAD", payload, 1);
}

static void exec_python(const struct run_options *o, const char *payload,
			int sock)
{
	char **argv = xcalloc((size_t)o->prog_argc + 2, sizeof(char *));
	char num[16];
	int i;

	argv[0] = (char *)o->python;
	for (i = 0; i < o->prog_argc; i++)
		argv[i + 1] = o->prog_argv[i];
	snprintf(num, sizeof(num), "%d", sock);
	setenv(PAYLOAD_ENV_FD, num, 1);
	snprintf(num, sizeof(num), "%u",
		 (o->native ? PAYLOAD_FLAG_NATIVE : 0u) |
		 (o->pymalloc ? PAYLOAD_FLAG_PYMALLOC : 0u));
	setenv(PAYLOAD_ENV_FLAGS, num, 1);
	set_preload(payload);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execv(o->python, argv);
	perror_msg("exec %s", o->python);
	_exit(127);
}

static pid_t child_pid;

/* A SIGTERM or SIGHUP for memattach is meant for the program. */
static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* Leave the way the program left: same code, or death by the same signal. */
static int pass_exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit no_core = { 0, 0 };

		/* The program already dumped core if it was going to. */
		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return 1;
}

int cmd_run(int argc, char **argv)
{
	struct run_options o = { 0 };
	struct capture_stream_stats st;
	struct timespec t0;
	const char *payload;
	char *output, *header, *cmdline, refusal[256];
	long long events;
	int sv[2], out_fd, status, rc;

	if (parse_run_options(argc, argv, &o) || check_program(&o))
		return 2;
	payload = payload_path();
	if (!payload)
		return 1;
	output = o.output ? xstrdup(o.output) : default_output(&o);
	out_fd = output_create(output, o.force);
	if (out_fd < 0)
		return 1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		perror_msg_and_die("socketpair");
	clock_gettime(CLOCK_MONOTONIC, &t0);

	signal(SIGINT, SIG_IGN);	/* Ctrl-C is the program's to handle */
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	fflush(NULL);
	child_pid = fork();
	if (child_pid < 0)
		perror_msg_and_die("fork");
	if (child_pid == 0) {
		int fd = dup(sv[1]);	/* without CLOEXEC, for the payload */

		if (fd < 0)
			perror_msg_and_die("dup");
		exec_python(&o, payload, fd);
	}
	close(sv[1]);

	cmdline = join_argv(o.python, o.prog_argv, o.prog_argc);
	header = capture_header_text_argv(child_pid, cmdline, "run",
					  o.native && o.pymalloc ?
					  "native trace-python-allocators" :
					  o.native ? "native" :
					  o.pymalloc ? "trace-python-allocators"
						     : "");
	rc = capture_stream(sv[0], out_fd, header, -1, &st);
	close(sv[0]);
	if (close(out_fd) < 0 && !rc) {
		perror_msg("%s", output);
		rc = -1;
	}
	while (waitpid(child_pid, &status, 0) < 0)
		if (errno != EINTR)
			perror_msg_and_die("waitpid");
	/* A clean end tells the count; otherwise read the file (a refusal
	 * is told there too). */
	refusal[0] = 0;
	events = rc ? -1 : st.events >= 0 ? st.events :
		 capture_file_events(output, refusal, sizeof(refusal));
	if (refusal[0])
		error_msg("warning: nothing was traced: %s", refusal);
	if (!o.quiet)
		capture_print_written(output, &st, &t0, events);
	free(header);
	free(cmdline);
	free(output);
	if (rc && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	return pass_exit_status(status);
}
