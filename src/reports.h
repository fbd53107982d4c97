/* reports.h: the report commands and the options they share. */
#ifndef MEMATTACH_REPORTS_H
#define MEMATTACH_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

/* Which options a report accepts (bits for report_parse_options). */
#define ROPT_OUTPUT	0x001u	/* -o/--output FILE, -f/--force */
#define ROPT_JSON	0x002u	/* --json */
#define ROPT_LEAKS	0x004u	/* --leaks */
#define ROPT_THREADS	0x008u	/* --thread TID (repeatable), --threads */
#define ROPT_NATIVE	0x010u	/* --no-native */
#define ROPT_SORT	0x020u	/* --sort COLUMN */
#define ROPT_BIGGEST	0x040u	/* --biggest N */
#define ROPT_COLOR	0x080u	/* --color=auto|always|never */
#define ROPT_LIMIT	0x100u	/* -n/--limit N (rows shown) */

struct report_options {
	const char *capture_path;	/* the FILE operand */
	const char *output;		/* -o, NULL = default/stdout */
	bool force;
	bool json;
	bool show_native;		/* false with --no-native */
	bool per_thread;		/* --threads: split rows by thread */
	bool color;			/* resolved: TTY and not --color=never */
	const char *sort;		/* column name, NULL = report default */
	unsigned biggest;		/* --biggest, 0 = report default */
	unsigned limit;			/* --limit, 0 = report default */
	struct analysis_options analysis;	/* view + thread filter */
};

/*
 * Parse a report's argv (argv[0] is the report name, e.g. "summary").
 * Prints one error line and returns -1 on a bad option or a missing FILE.
 */
int report_parse_options(int argc, char **argv, unsigned accepted,
			 struct report_options *o);

/*
 * Open the capture and run the analysis for o; prints one error line and
 * returns -1 on failure.  Prints a warning line if the capture is damaged
 * or incomplete (the report then covers the readable prefix).
 */
int report_load(const struct report_options *o, struct capture **cap,
		struct analysis *a);

/* Format a byte count for humans: "1.23 MB" (decimal, like Memray). */
const char *report_bytes(uint64_t bytes, char *buf, size_t len);

int report_summary(int argc, char **argv);
int report_stats(int argc, char **argv);
int report_flamegraph(int argc, char **argv);
int report_table(int argc, char **argv);
int report_tree(int argc, char **argv);
int report_folded(int argc, char **argv);

#endif /* MEMATTACH_REPORTS_H */
