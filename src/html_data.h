/* html_data.h: the data the HTML reports embed, deduplicated for size. */
#ifndef MEMATTACH_HTML_DATA_H
#define MEMATTACH_HTML_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"
#include "capture.h"
#include "reports.h"

/*
 * A page's data is one JSON object inside <script type="application/json">.
 * Everything repeated is stored once and referred to by index:
 *
 *   "strings":   every function name, file name and thread name once;
 *   "locs":      flat [function, file, line, native] per location used,
 *                function and file being string indexes;
 *   "nodes":     flat [parent, loc] per node of the trie of root-to-leaf
 *                location paths; node 0 is the root (parent -1, loc -1),
 *                a parent always comes before its children, and loc -1
 *                below the root stands for "no stack recorded";
 *   "threads":   flat [tid, name string or -1] per thread;
 *   "kinds":     allocator names, indexed by enum wire_kind.
 *
 * so a record of the analysis becomes a handful of integers.
 */

#define HTML_NONE UINT32_MAX	/* "-1" in the JSON */

struct html_data {
	struct capture *cap;
	bool show_native;

	/* The string table and its open-addressing index (slot = id + 1). */
	char **strings;
	size_t nstrings, strings_cap;
	uint32_t *string_slots;
	size_t string_mask;

	/* Capture location id -> emitted location index + 1 (0: unused). */
	uint32_t *loc_index;
	size_t ncapture_locs;
	uint32_t *locs;			/* 4 per emitted location */
	size_t nlocs, locs_cap;

	/* The trie: parent and location per node, and its index. */
	uint32_t *node_parent, *node_loc;
	size_t nnodes, nodes_cap;
	uint32_t *node_slots;
	size_t node_mask;

	/* Threads sorted by tid, for tid -> index lookups. */
	uint32_t *thread_tids;		/* in capture order */
	uint32_t *sorted_tids, *sorted_index;
	size_t nthreads;

	/* Scratch for capture_stack_locations. */
	uint32_t *stack_buf;
	size_t stack_cap;
};

void html_data_init(struct html_data *d, struct capture *cap,
		    bool show_native);
void html_data_free(struct html_data *d);

/* The trie node of a stack pair (creating the path), never 0. */
uint32_t html_data_leaf(struct html_data *d, uint32_t stack,
			uint32_t native_stack);
/* The index of tid in "threads" (adding it if the capture lacks it). */
uint32_t html_data_thread(struct html_data *d, uint32_t tid);

/* Write an unsigned number / a possibly-none index, without locale. */
void html_put_uint(FILE *out, uint64_t v);
void html_put_index(FILE *out, uint32_t v);

/*
 * Write the members shared by both pages, each followed by a comma:
 * "meta" (capture facts and the view), "strings", "locs", "nodes",
 * "threads", "kinds".  Call it after every html_data_leaf and
 * html_data_thread call, since it writes what they collected.
 */
void html_data_put_common(FILE *out, struct html_data *d,
			  const struct report_options *o,
			  const struct analysis *a);

#endif /* MEMATTACH_HTML_DATA_H */
