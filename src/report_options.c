/* report_options.c: the options every report shares, loading a capture
 * for a report, and byte counts for humans. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "reports.h"

enum {
	OPT_JSON = 256,
	OPT_LEAKS,
	OPT_THREAD,
	OPT_THREADS,
	OPT_NO_NATIVE,
	OPT_SORT,
	OPT_BIGGEST,
	OPT_COLOR,
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "leaks", no_argument, NULL, OPT_LEAKS },
	{ "thread", required_argument, NULL, OPT_THREAD },
	{ "threads", no_argument, NULL, OPT_THREADS },
	{ "no-native", no_argument, NULL, OPT_NO_NATIVE },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "biggest", required_argument, NULL, OPT_BIGGEST },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "limit", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

/* Which ROPT_ bit allows an option. */
static unsigned option_bit(int c)
{
	switch (c) {
	case 'o': case 'f': return ROPT_OUTPUT;
	case OPT_JSON: return ROPT_JSON;
	case OPT_LEAKS: return ROPT_LEAKS;
	case OPT_THREAD: case OPT_THREADS: return ROPT_THREADS;
	case OPT_NO_NATIVE: return ROPT_NATIVE;
	case OPT_SORT: return ROPT_SORT;
	case OPT_BIGGEST: return ROPT_BIGGEST;
	case OPT_COLOR: return ROPT_COLOR;
	case 'n': return ROPT_LIMIT;
	}
	return 0;
}

static int parse_count(const char *report, const char *opt, const char *s,
		       unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v == 0 || v > 1000000000ul ||
	    *s == '-' || *s == '+') {
		error_msg("report %s: %s %s: not a positive number", report,
			  opt, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int report_parse_options(int argc, char **argv, unsigned accepted,
			 struct report_options *o)
{
	const char *report = argv[0];
	const char *color = "auto";
	uint32_t *tids = NULL;
	size_t ntids = 0, tids_cap = 0;
	unsigned long v;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->show_native = true;
	o->analysis.view = VIEW_PEAK;
	opterr = 0;
	optind = 0;	/* glibc: a full restart of getopt's state */
	/* GNU getopt permutes: options may come before or after FILE. */
	while ((c = getopt_long(argc, argv, ":o:fn:", long_options, NULL)) !=
	       -1) {
		if (c == '?' || c == ':') {
			char shortopt[3] = { '-', (char)optopt, 0 };
			const char *arg = optopt ? shortopt : argv[optind - 1];

			if (c == ':')
				error_msg("report %s: %s needs a value",
					  report, arg);
			else
				error_msg("report %s: unknown option %s",
					  report, arg);
			goto bad;
		}
		if (!(option_bit(c) & accepted)) {
			error_msg("report %s: %s is not an option of this "
				  "report", report, argv[optind - 1]);
			goto bad;
		}
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_LEAKS:
			o->analysis.view = VIEW_LEAKS;
			break;
		case OPT_THREAD:
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || v > UINT32_MAX ||
			    *optarg == '-') {
				error_msg("report %s: --thread %s: not a "
					  "thread id", report, optarg);
				goto bad;
			}
			tids = xgrow(tids, &tids_cap, ntids + 1,
				     sizeof(*tids));
			tids[ntids++] = (uint32_t)v;
			break;
		case OPT_THREADS:
			o->per_thread = true;
			break;
		case OPT_NO_NATIVE:
			o->show_native = false;
			break;
		case OPT_SORT:
			o->sort = optarg;
			break;
		case OPT_BIGGEST:
			if (parse_count(report, "--biggest", optarg,
					&o->biggest))
				goto bad;
			break;
		case 'n':
			if (parse_count(report, "--limit", optarg, &o->limit))
				goto bad;
			break;
		case OPT_COLOR:
			color = optarg ? optarg : "always";
			if (strcmp(color, "auto") && strcmp(color, "always") &&
			    strcmp(color, "never")) {
				error_msg("report %s: --color=%s: use auto, "
					  "always or never", report, color);
				goto bad;
			}
			break;
		}
	}
	if (optind >= argc) {
		error_msg("report %s: missing the capture FILE", report);
		goto bad;
	}
	if (optind + 1 < argc) {
		error_msg("report %s: unexpected argument %s", report,
			  argv[optind + 1]);
		goto bad;
	}
	o->capture_path = argv[optind];
	o->analysis.tids = tids;
	o->analysis.ntids = ntids;
	if (!strcmp(color, "always"))
		o->color = true;
	else if (!strcmp(color, "auto"))
		o->color = !o->output && isatty(STDOUT_FILENO) &&
			   !getenv("NO_COLOR");
	return 0;
bad:
	free(tids);
	return -1;
}

int report_load(const struct report_options *o, struct capture **capp,
		struct analysis *a)
{
	const char *path = o->capture_path;
	struct capture *cap;
	char err[256];

	*capp = NULL;
	cap = capture_open(path, err, sizeof(err));
	if (!cap) {
		error_msg("%s: %s", path, err);
		return -1;
	}
	if (analysis_run(cap, &o->analysis, a, err, sizeof(err))) {
		error_msg("%s: %s", path, err);
		capture_close(cap);
		return -1;
	}
	if (capture_damage(cap))
		error_msg("warning: %s: %s; the report covers the %" PRIu64
			  " events before it", path, capture_damage(cap),
			  capture_event_count(cap));
	else if (!capture_complete(cap))
		error_msg("warning: %s: no end record (the capture was "
			  "stopped before it finished); the report covers "
			  "its %" PRIu64 " events", path,
			  capture_event_count(cap));
	if (capture_lost_count(cap))
		error_msg("warning: %s: the payload lost %" PRIu64 " events "
			  "(out of memory for its tables)", path,
			  capture_lost_count(cap));
	*capp = cap;
	return 0;
}

const char *report_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {
		"KB", "MB", "GB", "TB", "PB", "EB",
	};
	double v = (double)bytes;
	size_t u = 0;

	/* Decimal units, as Memray prints them: 100000 bytes is
	 * "100.00 KB". */
	if (bytes < 1000) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	v /= 1000;
	while (v >= 999.995 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
	return buf;
}
