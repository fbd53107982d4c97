/* report_summary.c: memattach report summary: memory per location. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "capture_map.h"
#include "error.h"
#include "json.h"
#include "report_text.h"

#define DEFAULT_ROWS 25
#define LOCATION_WIDTH 72

/* One row: a location, or a location in one thread with --threads. */
struct row {
	struct location_total t;
	uint32_t tid;			/* with --threads */
	size_t part;			/* index of the records it sums */
};

/* The relations of one part, computed once for all its rows. */
struct part_relations {
	uint32_t *tids, *callers;	/* sorted pairs */
	size_t ntids, ncallers;
	bool done;
};

enum sort_key { SORT_TOTAL, SORT_OWN, SORT_ALLOCATIONS, SORT_LOCATION };

static struct capture *sort_cap;	/* for qsort's location compare */
static enum sort_key sort_key;

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	const struct capture_location *la, *lb;
	int c = 0;

	switch (sort_key) {
	case SORT_TOTAL:
		c = cmp_u64_desc(a->t.total_bytes, b->t.total_bytes);
		break;
	case SORT_OWN:
		c = cmp_u64_desc(a->t.own_bytes, b->t.own_bytes);
		break;
	case SORT_ALLOCATIONS:
		c = cmp_u64_desc(a->t.total_count, b->t.total_count);
		break;
	case SORT_LOCATION:
		la = capture_location(sort_cap, a->t.loc);
		lb = capture_location(sort_cap, b->t.loc);
		c = strcmp(la->function, lb->function);
		if (!c)
			c = strcmp(la->file, lb->file);
		if (!c)
			c = la->line < lb->line ? -1 : la->line > lb->line;
		break;
	}
	if (!c)
		c = cmp_u64_desc(a->t.total_bytes, b->t.total_bytes);
	if (!c)
		c = a->t.loc < b->t.loc ? -1 : a->t.loc > b->t.loc;
	if (!c)
		c = a->tid < b->tid ? -1 : a->tid > b->tid;
	return c;
}

static int parse_sort(const char *s, enum sort_key *k)
{
	if (!s || !strcmp(s, "total"))
		*k = SORT_TOTAL;
	else if (!strcmp(s, "own"))
		*k = SORT_OWN;
	else if (!strcmp(s, "allocations") || !strcmp(s, "count"))
		*k = SORT_ALLOCATIONS;
	else if (!strcmp(s, "location"))
		*k = SORT_LOCATION;
	else {
		error_msg("report summary: --sort %s: use total, own, "
			  "allocations or location", s);
		return -1;
	}
	return 0;
}

/* The records of one thread, as an analysis of their own. */
static struct analysis *thread_part(const struct analysis *a, uint32_t tid)
{
	struct analysis *p = xcalloc(1, sizeof(*p));
	size_t i;

	p->records = xcalloc(a->nrecords + 1, sizeof(*p->records));
	for (i = 0; i < a->nrecords; i++)
		if (a->records[i].tid == tid)
			p->records[p->nrecords++] = a->records[i];
	return p;
}

/* ---- JSON ----------------------------------------------------------- */

/* For each location: its threads and its direct callers, from the stacks
 * of the records a row sums.  Pairs (loc, tid) and (loc, caller). */
static void relations_build(struct capture *cap, const struct analysis *a,
			    bool show_native, struct keymap *tids,
			    struct keymap *callers)
{
	uint32_t *locs = NULL;
	size_t lcap = 0, i, j;

	/* Callers: from the stacks that hold the view's memory. */
	for (i = 0; i < a->nrecords; i++) {
		const struct analysis_record *r = &a->records[i];
		size_t depth = capture_stack_locations_buf(
			cap, r->stack, r->native_stack, show_native,
			&locs, &lcap);

		for (j = 0; j + 1 < depth; j++) {
			uint32_t kc[2] = { locs[j], locs[j + 1] };

			keymap_intern(callers, kc, NULL);
		}
	}
	/* Threads: every thread that allocated there during the capture
	 * (see struct location_total's nthreads). */
	for (i = 0; i < a->nsites; i++) {
		const struct analysis_site *s = &a->sites[i];
		size_t depth = capture_stack_locations_buf(
			cap, s->stack, s->native_stack, show_native,
			&locs, &lcap);

		for (j = 0; j < depth; j++) {
			uint32_t kt[2] = { locs[j], s->tid };

			keymap_intern(tids, kt, NULL);
		}
	}
	free(locs);
}

static int cmp_pair(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y;

	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* The pairs of a keymap sorted, so that one location's are contiguous. */
static uint32_t *sorted_pairs(const struct keymap *m)
{
	uint32_t *v = xmalloc((m->count + 1) * 2 * sizeof(*v));

	if (m->count)
		memcpy(v, m->keys, m->count * 2 * sizeof(*v));
	qsort(v, m->count, 2 * sizeof(*v), cmp_pair);
	return v;
}

static const uint32_t *pairs_of(const uint32_t *v, size_t n, uint32_t loc,
				size_t *count)
{
	size_t lo = 0, hi = n, k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[2 * mid] < loc)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < n && v[2 * k] == loc; k++)
		;
	*count = k - lo;
	return v + 2 * lo;
}

static void json_location_fields(FILE *out, const struct capture_location *l)
{
	fputs("\"function\": ", out);
	json_put_string(out, l->function);
	fputs(", \"file\": ", out);
	json_put_string(out, l->file);
	fprintf(out, ", \"line\": %" PRIu32 ", \"native\": %s", l->line,
		l->native ? "true" : "false");
}

static void print_json(FILE *out, struct capture *cap,
		       const struct report_options *o,
		       const struct analysis *a,
		       const struct analysis *const *parts, size_t nparts,
		       const struct row *rows, size_t nrows)
{
	struct part_relations *rel = xcalloc(nparts + 1, sizeof(*rel));
	size_t i, j;

	fputs("{\"capture\": ", out);
	report_json_capture(out, o, cap, a);
	fputs(",\n\"locations\": [", out);
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		const struct capture_location *l =
			capture_location(cap, r->t.loc);
		struct part_relations *pr = &rel[r->part];
		const uint32_t *p;
		size_t n;

		if (!pr->done) {
			struct keymap tids, callers;

			keymap_init(&tids, 2);
			keymap_init(&callers, 2);
			relations_build(cap, parts[r->part], o->show_native,
					&tids, &callers);
			pr->tids = sorted_pairs(&tids);
			pr->ntids = tids.count;
			pr->callers = sorted_pairs(&callers);
			pr->ncallers = callers.count;
			pr->done = true;
			keymap_free(&tids);
			keymap_free(&callers);
		}
		fputs(i ? ",\n {" : "\n {", out);
		json_location_fields(out, l);
		fprintf(out,
			", \"own_bytes\": %" PRIu64 ", \"total_bytes\": %"
			PRIu64 ", \"allocations\": %" PRIu64
			", \"own_allocations\": %" PRIu64,
			r->t.own_bytes, r->t.total_bytes, r->t.total_count,
			r->t.own_count);
		if (o->per_thread)
			fprintf(out, ", \"thread\": %" PRIu32, r->tid);
		fputs(", \"threads\": [", out);
		p = pairs_of(pr->tids, pr->ntids, r->t.loc, &n);
		for (j = 0; j < n; j++)
			fprintf(out, "%s%" PRIu32, j ? ", " : "", p[2 * j + 1]);
		fputs("], \"callers\": [", out);
		p = pairs_of(pr->callers, pr->ncallers, r->t.loc, &n);
		for (j = 0; j < n; j++) {
			fputs(j ? ", {" : "{", out);
			json_location_fields(out,
					     capture_location(cap, p[2 * j + 1]));
			fputs("}", out);
		}
		fputs("]}", out);
	}
	fputs("\n]}\n", out);
	for (i = 0; i < nparts; i++) {
		free(rel[i].tids);
		free(rel[i].callers);
	}
	free(rel);
}

/* ---- terminal table -------------------------------------------------- */

/* Fit "function at file:line" in width: keep the function, then as much
 * of the end of the path as fits (the file name matters most). */
static void fit_location(const struct capture_location *l, char *buf,
			 size_t width)
{
	char full[1024];
	size_t len, head, tail;

	report_location_text(l, full, sizeof(full));
	len = strlen(full);
	if (len <= width) {
		memcpy(buf, full, len + 1);
		return;
	}
	tail = (width - 3) / 2;
	head = width - 3 - tail;
	memcpy(buf, full, head);
	memcpy(buf + head, "...", 3);
	memcpy(buf + head + 3, full + len - tail, tail + 1);
}

static void print_table(FILE *out, struct capture *cap,
			const struct report_options *o,
			const struct analysis *a, const struct row *rows,
			size_t nrows, size_t shown)
{
	char loc[LOCATION_WIDTH + 1], own[32], total[32], peak[32];
	size_t i, width = 8;

	for (i = 0; i < shown; i++) {
		char full[1024];

		report_location_text(capture_location(cap, rows[i].t.loc),
				     full, sizeof(full));
		if (strlen(full) > width)
			width = strlen(full);
	}
	if (width > LOCATION_WIDTH)
		width = LOCATION_WIDTH;
	fprintf(out, "%s: %s in %" PRIu64 " allocations (%s)\n",
		o->analysis.view == VIEW_LEAKS ? "Memory live at the end"
					       : "Memory at the peak",
		report_bytes(a->view_bytes, peak, sizeof(peak)), a->view_count,
		o->analysis.ntids ? "selected threads" : "all threads");
	fprintf(out, "%-*s  %12s  %12s  %11s  %s\n", (int)width, "Location",
		"Own memory", "Total memory", "Allocations",
		o->per_thread ? "Thread" : "Threads");
	for (i = 0; i < shown; i++) {
		const struct row *r = &rows[i];

		fit_location(capture_location(cap, r->t.loc), loc, width);
		fprintf(out, "%-*s  %12s  %12s  %11" PRIu64 "  ", (int)width,
			loc, report_bytes(r->t.own_bytes, own, sizeof(own)),
			report_bytes(r->t.total_bytes, total, sizeof(total)),
			r->t.total_count);
		if (o->per_thread) {
			const char *name = capture_thread_name(cap, r->tid);

			fprintf(out, "%" PRIu32 "%s%s%s\n", r->tid,
				name ? " (" : "", name ? name : "",
				name ? ")" : "");
		} else {
			fprintf(out, "%" PRIu32 "\n", r->t.nthreads);
		}
	}
	if (shown < nrows)
		fprintf(out, "(%zu more rows; -n N shows more)\n",
			nrows - shown);
}

int report_summary(int argc, char **argv)
{
	struct report_options o;
	struct capture *cap;
	struct analysis a;
	struct analysis **parts = NULL, *whole = &a;
	struct row *rows = NULL;
	size_t nrows = 0, rows_cap = 0, nparts = 0, i, j, shown;
	FILE *out;
	int rc = 1;

	if (report_parse_options(argc, argv,
				 ROPT_OUTPUT | ROPT_JSON | ROPT_LEAKS |
				 ROPT_THREADS | ROPT_NATIVE | ROPT_SORT |
				 ROPT_LIMIT, &o) ||
	    parse_sort(o.sort, &sort_key))
		return 2;
	if (report_load(&o, &cap, &a))
		goto out_opts;
	if (o.per_thread) {
		nparts = capture_thread_count(cap);
		parts = xcalloc(nparts + 1, sizeof(*parts));
		for (i = 0; i < nparts; i++)
			parts[i] = thread_part(&a,
					       capture_thread_tid(cap, i));
	}
	if (!o.per_thread) {
		parts = &whole;
		nparts = 1;
	}
	for (i = 0; i < nparts; i++) {
		const struct analysis *part = parts[i];
		struct location_total *t;
		size_t n;

		t = analysis_location_totals(cap, part, o.show_native, &n);
		rows = xgrow(rows, &rows_cap, nrows + n + 1, sizeof(*rows));
		for (j = 0; j < n; j++)
			rows[nrows++] = (struct row){
				.t = t[j], .part = i,
				.tid = o.per_thread ?
				       capture_thread_tid(cap, i) : 0,
			};
		free(t);
	}
	sort_cap = cap;
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_row);
	shown = o.limit ? o.limit : (o.json ? nrows : DEFAULT_ROWS);
	if (shown > nrows)
		shown = nrows;
	out = report_output_open(&o);
	if (out) {
		if (o.json)
			print_json(out, cap, &o, &a,
				   (const struct analysis *const *)parts,
				   nparts, rows, shown);
		else
			print_table(out, cap, &o, &a, rows, nrows, shown);
		rc = report_output_close(out, &o) ? 1 : 0;
	}
	report_warn_symbols(&o, cap);
	for (i = 0; o.per_thread && i < nparts; i++) {
		analysis_free(parts[i]);
		free(parts[i]);
	}
	if (o.per_thread)
		free(parts);
	free(rows);
	analysis_free(&a);
	capture_close(cap);
out_opts:
	free((void *)o.analysis.tids);
	return rc;
}
