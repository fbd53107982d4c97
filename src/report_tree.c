/* report_tree.c: memattach report tree: the biggest allocation paths as a
 * tree in the terminal. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report_text.h"

#define DEFAULT_BIGGEST 10
/* Deeper than this, a branch is summarized: the indentation alone would
 * make lines unreadable (and a corrupt capture could nest very deep). */
#define MAX_DEPTH 128

struct tree_print {
	FILE *out;
	struct capture *cap;
	const struct report_trie *t;
	const bool *shown;	/* node is on a path being shown */
	bool color;
	uint64_t root_bytes;
	char prefix[MAX_DEPTH * 4 * 3 + 1];	/* box drawing is UTF-8 */
};

static const char *paint(const struct tree_print *p, const char *code)
{
	return p->color ? code : "";
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_label(struct tree_print *p, uint32_t node)
{
	const struct capture_location *l =
		capture_location(p->cap, p->t->loc[node]);
	char bytes[32];

	fprintf(p->out, "%s%s%s (%.2f %%) %s%s%s", paint(p, "\033[1;31m"),
		report_bytes(p->t->bytes[node], bytes, sizeof(bytes)),
		paint(p, "\033[0m"), percent(p->t->bytes[node], p->root_bytes),
		paint(p, "\033[1;32m"), l->function, paint(p, "\033[0m"));
	if (l->file[0]) {
		fprintf(p->out, " %sat %s", paint(p, "\033[2m"), l->file);
		if (l->line)
			fprintf(p->out, ":%" PRIu32, l->line);
		fputs(paint(p, "\033[0m"), p->out);
	}
	putc('\n', p->out);
}

static const struct report_trie *sort_trie;

static int cmp_node_bytes(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	if (sort_trie->bytes[a] != sort_trie->bytes[b])
		return sort_trie->bytes[a] > sort_trie->bytes[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void print_children(struct tree_print *p, uint32_t node,
			   unsigned depth)
{
	const struct report_trie *t = p->t;
	uint32_t *kids = NULL, c;
	size_t nkids = 0, kcap = 0, nshown = 0, i, plen;
	uint64_t hidden_bytes = 0, hidden_n = 0;

	for (c = t->first_child[node]; c; c = t->next_sibling[c]) {
		if (!p->shown[c]) {
			hidden_bytes += t->bytes[c];
			hidden_n++;
			continue;
		}
		kids = xgrow(kids, &kcap, nkids + 1, sizeof(*kids));
		kids[nkids++] = c;
	}
	sort_trie = t;
	if (nkids)
		qsort(kids, nkids, sizeof(*kids), cmp_node_bytes);
	plen = strlen(p->prefix);
	if (depth >= MAX_DEPTH && nkids) {
		/* Summarize the whole rest of the branch. */
		hidden_n += nkids;
		for (i = 0; i < nkids; i++)
			hidden_bytes += t->bytes[kids[i]];
		nkids = 0;
	}
	for (i = 0; i < nkids; i++) {
		bool last = i + 1 == nkids && !hidden_n;

		fprintf(p->out, "%s%s", p->prefix, last ? "└── " : "├── ");
		print_label(p, kids[i]);
		strcat(p->prefix, last ? "    " : "│   ");
		print_children(p, kids[i], depth + 1);
		p->prefix[plen] = 0;
		nshown++;
	}
	if (hidden_n) {
		char bytes[32];

		fprintf(p->out, "%s└── %s... %" PRIu64 " more: %s (%.2f %%)%s\n",
			p->prefix, paint(p, "\033[2m"), hidden_n,
			report_bytes(hidden_bytes, bytes, sizeof(bytes)),
			percent(hidden_bytes, p->root_bytes),
			paint(p, "\033[0m"));
	}
	free(kids);
}

static int cmp_node_own(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	if (sort_trie->own_bytes[a] != sort_trie->own_bytes[b])
		return sort_trie->own_bytes[a] > sort_trie->own_bytes[b] ? -1
									 : 1;
	return a < b ? -1 : a > b;
}

static void print_tree(FILE *out, struct capture *cap,
		       const struct report_options *o,
		       const struct report_trie *t)
{
	struct tree_print p = {
		.out = out, .cap = cap, .t = t, .color = o->color,
		.root_bytes = t->bytes[0],
	};
	unsigned biggest = o->biggest ? o->biggest : DEFAULT_BIGGEST;
	uint32_t *ends = xmalloc((t->n + 1) * sizeof(*ends));
	bool *shown = xcalloc(t->n + 1, sizeof(*shown));
	size_t nends = 0, i;
	uint64_t covered = 0;
	char bytes[32], total[32];

	/* The paths shown are those of the biggest allocation sites. */
	for (i = 1; i < t->n; i++)
		if (t->own_bytes[i])
			ends[nends++] = (uint32_t)i;
	sort_trie = t;
	qsort(ends, nends, sizeof(*ends), cmp_node_own);
	if (nends > biggest)
		nends = biggest;
	for (i = 0; i < nends; i++) {
		uint32_t n;

		covered += t->own_bytes[ends[i]];
		for (n = ends[i]; n && !shown[n]; n = t->parent[n])
			shown[n] = true;
	}
	p.shown = shown;
	fprintf(out, "%s: %s in %" PRIu64 " allocations (%s); the %zu "
		"biggest paths below hold %s (%.2f %%)\n",
		o->analysis.view == VIEW_LEAKS ? "Memory live at the end"
					       : "Memory at the peak",
		report_bytes(t->bytes[0], total, sizeof(total)), t->count[0],
		o->analysis.ntids ? "selected threads" : "all threads", nends,
		report_bytes(covered, bytes, sizeof(bytes)),
		percent(covered, t->bytes[0]));
	fprintf(out, "%s%s%s (100.00 %%) <root>\n", paint(&p, "\033[1;31m"),
		total, paint(&p, "\033[0m"));
	print_children(&p, 0, 0);
	free(ends);
	free(shown);
}

int report_tree(int argc, char **argv)
{
	struct report_options o;
	struct report_trie t;
	struct capture *cap;
	struct analysis a;
	FILE *out;
	int rc = 1;

	if (report_parse_options(argc, argv,
				 ROPT_OUTPUT | ROPT_LEAKS | ROPT_THREADS |
				 ROPT_NATIVE | ROPT_BIGGEST | ROPT_COLOR, &o))
		return 2;
	if (o.per_thread) {
		error_msg("report tree: --threads is not an option of this "
			  "report (use --thread TID)");
		free((void *)o.analysis.tids);
		return 2;
	}
	if (report_load(&o, &cap, &a))
		goto out_opts;
	report_trie_build(&t, cap, &a, o.show_native);
	out = report_output_open(&o);
	if (out) {
		print_tree(out, cap, &o, &t);
		rc = report_output_close(out, &o) ? 1 : 0;
	}
	report_warn_symbols(&o, cap);
	report_trie_free(&t);
	analysis_free(&a);
	capture_close(cap);
out_opts:
	free((void *)o.analysis.tids);
	return rc;
}
