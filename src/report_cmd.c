/* report_cmd.c: memattach report KIND FILE [options]: picks the report. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "error.h"
#include "reports.h"

struct report_kind {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
};

static const struct report_kind kinds[] = {
	{ "summary", report_summary, "own and total memory per location" },
	{ "stats", report_stats, "totals, allocators, sizes, top locations" },
	{ "flamegraph", report_flamegraph, "HTML flame graph" },
	{ "table", report_table, "HTML table of allocations" },
	{ "tree", report_tree, "the biggest allocation paths as a tree" },
	{ "folded", report_folded, "folded stacks for flame graph tools" },
};

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: memattach report KIND FILE [options]\nkinds:\n", out);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(out, "  %-11s %s\n", kinds[i].name, kinds[i].what);
	fputs("See memattach(1).\n", out);
}

int cmd_report(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		error_msg("report: missing the report kind "
			  "(summary, stats, flamegraph, table, tree, folded)");
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].name))
			continue;
		return kinds[i].fn(argc - 1, argv + 1);
	}
	error_msg("report: %s: unknown report (summary, stats, flamegraph, "
		  "table, tree, folded)", argv[1]);
	return 2;
}
