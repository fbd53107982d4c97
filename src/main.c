/* main.c: the memattach command: picks a command and hands it argv. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "error.h"

static void usage(FILE *out)
{
	fputs("usage: memattach PID [--duration S] [-o FILE] [-f] [--native]\n"
	      "                     [--trace-python-allocators] [--background]"
	      " [-v] [-q]\n"
	      "       memattach run [-o FILE] [-f] [--native]"
	      " [--trace-python-allocators]\n"
	      "                     [--python PATH] [-q]\n"
	      "                     (script.py [args] | -m module [args] | -c code)\n"
	      "       memattach live PID [-o FILE] [-f] [--native]"
	      " [--interval S]\n"
	      "       memattach detach PID\n"
	      "       memattach status PID\n"
	      "       memattach report (summary|stats|flamegraph|table|tree|folded)\n"
	      "                     FILE [options]\n"
	      "       memattach --help | --version\n"
	      "See memattach(1).\n", out);
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int dispatch(int (*fn)(int, char **), int argc, char **argv)
{
	return fn(argc, argv);
}

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "run", cmd_run },
	{ "report", cmd_report },
	{ "detach", cmd_detach },
	{ "status", cmd_status },
	{ "live", cmd_live },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("memattach %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return dispatch(commands[i].fn, argc - 1,
					argv + 1);
	if (is_pid(argv[1]))
		return dispatch(cmd_attach, argc - 1, argv + 1);
	error_msg("%s: unknown command (see memattach --help)", argv[1]);
	return 2;
}
