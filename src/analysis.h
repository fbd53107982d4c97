/* analysis.h: turning a capture's events into the numbers reports show. */
#ifndef MEMATTACH_ANALYSIS_H
#define MEMATTACH_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

enum analysis_view {
	VIEW_PEAK,	/* memory live at the moment the tracked heap peaked */
	VIEW_LEAKS,	/* memory still live at the end of the capture */
};

struct analysis_options {
	enum analysis_view view;
	/* Keep only these threads (kernel tids); ntids 0 keeps all. */
	const uint32_t *tids;
	size_t ntids;
};

/*
 * Live allocations of the chosen view, aggregated by
 * (stack, native_stack, tid, kind).
 */
struct analysis_record {
	uint32_t stack;
	uint32_t native_stack;
	uint32_t tid;
	uint8_t kind;
	uint64_t bytes;
	uint64_t count;
};

/* Every allocation made during the capture (freed or not), by stack and
 * thread. */
struct analysis_site {
	uint32_t stack;
	uint32_t native_stack;
	uint32_t tid;
	uint64_t bytes;
	uint64_t count;
};

/* One point of the memory-over-time graph. */
struct analysis_point {
	uint64_t time_ms;
	uint64_t rss;		/* from the payload's samples, 0 if unknown */
	uint64_t heap;		/* tracked live bytes at that time */
};

#define ANALYSIS_HIST_BUCKETS 48	/* bucket i: sizes in [2^i, 2^(i+1)) */

struct analysis {
	/* The chosen view's live allocations. */
	struct analysis_record *records;
	size_t nrecords;
	uint64_t view_bytes;		/* sum of records' bytes */
	uint64_t view_count;

	uint64_t peak_bytes;		/* highest tracked live bytes */
	uint64_t peak_index;		/* event index at which it happened */
	uint64_t peak_time_ms;
	uint64_t end_bytes;		/* tracked live bytes at the end */

	/* All allocations of the (thread-filtered) capture. */
	uint64_t total_bytes;
	uint64_t total_count;
	uint64_t free_count;
	uint64_t kind_bytes[KIND_MAX + 1];
	uint64_t kind_count[KIND_MAX + 1];
	uint64_t hist_count[ANALYSIS_HIST_BUCKETS];
	uint64_t hist_bytes[ANALYSIS_HIST_BUCKETS];
	struct analysis_site *sites;
	size_t nsites;

	struct analysis_point *points;
	size_t npoints;
	uint64_t duration_ms;
};

/*
 * Replay cap (twice: once to find the peak, once to collect what was live
 * there) and fill out.  Returns 0, or -1 with a message in err.
 */
int analysis_run(struct capture *cap, const struct analysis_options *opt,
		 struct analysis *out, char *err, size_t errlen);
void analysis_free(struct analysis *a);

/*
 * Per-location totals over a set of records, as the summary shows them:
 * own = bytes whose innermost location is loc; total = bytes of stacks
 * that contain loc anywhere (counted once per stack even if recursive).
 */
struct location_total {
	uint32_t loc;
	uint64_t own_bytes;
	uint64_t total_bytes;
	uint64_t own_count;
	uint64_t total_count;
	/* Distinct threads that allocated under loc during the capture,
	 * whether or not that memory is in the view: which threads use a
	 * code path is worth knowing even when their memory was freed
	 * before the peak. */
	uint32_t nthreads;
};

/* Returns an array of *n entries, sorted by total_bytes descending. */
struct location_total *analysis_location_totals(struct capture *cap,
						 const struct analysis *a,
						 bool show_native, size_t *n);

#endif /* MEMATTACH_ANALYSIS_H */
