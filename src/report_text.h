/* report_text.h: helpers shared by the terminal reports (not a contract). */
#ifndef MEMATTACH_REPORT_TEXT_H
#define MEMATTACH_REPORT_TEXT_H

#include <stdio.h>

#include "capture.h"
#include "reports.h"

/* Where a report writes: stdout, or o->output created safely (0600, no
 * silent overwrite).  NULL after printing one error line. */
FILE *report_output_open(const struct report_options *o);
/* Flush and close; -1 after printing one error line on a write error. */
int report_output_close(FILE *f, const struct report_options *o);

/* After a report: one warning line if native frames could not be
 * symbolized because a module's file changed since the capture. */
void report_warn_symbols(const struct report_options *o,
			 const struct capture *cap);

/* "function at file:line" (or "function" alone when there is no file). */
void report_location_text(const struct capture_location *l, char *buf,
			  size_t len);

/* The "capture" object of the JSON reports: what was read and how. */
void report_json_capture(FILE *out, const struct report_options *o,
			 const struct capture *cap, const struct analysis *a);

/* A tree of the view's stacks, outermost first, shared by tree and
 * folded: node 0 is the root; every other node is a location under its
 * parent. */
struct report_trie {
	uint32_t *loc;		/* by node */
	uint32_t *parent;
	uint64_t *bytes;	/* the node's subtree */
	uint64_t *count;
	uint64_t *own_bytes;	/* stacks that end at the node */
	uint64_t *own_count;
	uint32_t *first_child;	/* 0 = none (the root is never a child) */
	uint32_t *next_sibling;
	size_t n;
};

void report_trie_build(struct report_trie *t, struct capture *cap,
		       const struct analysis *a, bool show_native);
void report_trie_free(struct report_trie *t);

#endif /* MEMATTACH_REPORT_TEXT_H */
