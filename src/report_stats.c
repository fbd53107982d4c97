/* report_stats.c: memattach report stats: totals, allocators, sizes and
 * the top allocating locations over the whole capture. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "capture_map.h"
#include "error.h"
#include "json.h"
#include "report_text.h"

#define TOP 10
#define BAR_WIDTH 40

/* Every allocation of the capture, by the location that made it. */
struct site_total {
	uint32_t loc;
	uint64_t bytes;
	uint64_t count;
};

static int cmp_bytes(const void *x, const void *y)
{
	const struct site_total *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return a->loc < b->loc ? -1 : a->loc > b->loc;
}

static int cmp_count(const void *x, const void *y)
{
	const struct site_total *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_bytes(x, y);
}

static struct site_total *site_totals(struct capture *cap,
				      const struct analysis *a,
				      bool show_native, size_t *n)
{
	struct keymap by_loc;
	struct site_total *t = NULL;
	size_t tcap = 0, i;
	uint32_t *locs = NULL;
	size_t lcap = 0;

	keymap_init(&by_loc, 1);
	for (i = 0; i < a->nsites; i++) {
		const struct analysis_site *s = &a->sites[i];
		uint32_t k;
		int added;

		/* Every stack has at least one location ("[no Python
		 * frame]" when empty). */
		capture_stack_locations_buf(cap, s->stack, s->native_stack,
					    show_native, &locs, &lcap);
		/* The allocating location: the innermost frame. */
		k = keymap_intern(&by_loc, &locs[0], &added);
		if (added) {
			t = xgrow(t, &tcap, (size_t)k + 1, sizeof(*t));
			t[k] = (struct site_total){ .loc = locs[0] };
		}
		t[k].bytes += s->bytes;
		t[k].count += s->count;
	}
	*n = by_loc.count;
	keymap_free(&by_loc);
	free(locs);
	return t;
}

/* Power-of-two sizes read best in binary units: "[512 B, 1 KiB)". */
static void pow2_text(unsigned b, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };

	snprintf(buf, len, "%llu %s", 1ull << (b % 10), units[b / 10]);
}

static void hist_label(unsigned b, char *buf, size_t len)
{
	char lo[24], hi[24];

	if (b == 0)
		snprintf(lo, sizeof(lo), "0 B");
	else
		pow2_text(b, lo, sizeof(lo));
	pow2_text(b + 1, hi, sizeof(hi));
	snprintf(buf, len, "[%s, %s)", lo, hi);
}

static void print_top(FILE *out, struct capture *cap, const char *title,
		      const struct site_total *t, size_t n)
{
	char loc[1024], bytes[32];
	size_t i;

	fprintf(out, "\n%s:\n", title);
	for (i = 0; i < n && i < TOP; i++) {
		report_location_text(capture_location(cap, t[i].loc), loc,
				     sizeof(loc));
		fprintf(out, "  %2zu. %12s  %10" PRIu64 " allocations  %s\n",
			i + 1, report_bytes(t[i].bytes, bytes, sizeof(bytes)),
			t[i].count, loc);
	}
	if (!n)
		fputs("  (no allocations)\n", out);
}

static void print_text(FILE *out, struct capture *cap,
		       const struct report_options *o,
		       const struct analysis *a, struct site_total *t,
		       size_t n)
{
	const char *pv = capture_header(cap, "python_version");
	const char *pid = capture_header(cap, "pid");
	char b1[32], b2[32];
	uint64_t maxc = 0;
	unsigned i, lo = ANALYSIS_HIST_BUCKETS, hi = 0;

	fprintf(out, "Capture: %s (pid %s, Python %s), %.3f s, %" PRIu64
		" events%s\n", o->capture_path, pid ? pid : "?",
		pv ? pv : "?", (double)a->duration_ms / 1000,
		capture_event_count(cap),
		capture_complete(cap) ? "" : " (incomplete)");
	if (o->analysis.ntids)
		fprintf(out, "Threads: %zu selected\n", o->analysis.ntids);
	fprintf(out, "Total allocated: %s in %" PRIu64 " allocations, %"
		PRIu64 " frees\n", report_bytes(a->total_bytes, b1, sizeof(b1)),
		a->total_count, a->free_count);
	fprintf(out, "Peak memory: %s at %.3f s (event %" PRIu64 ")\n",
		report_bytes(a->peak_bytes, b1, sizeof(b1)),
		(double)a->peak_time_ms / 1000, a->peak_index);
	fprintf(out, "Live at the end: %s\n",
		report_bytes(a->end_bytes, b2, sizeof(b2)));

	fputs("\nAllocators:\n", out);
	for (i = 1; i < KIND_MAX; i++)
		if (a->kind_count[i])
			fprintf(out, "  %-15s %10" PRIu64 " allocations  %12s\n",
				capture_kind_name(i), a->kind_count[i],
				report_bytes(a->kind_bytes[i], b1,
					     sizeof(b1)));
	if (!a->total_count)
		fputs("  (no allocations)\n", out);

	fputs("\nAllocation sizes:\n", out);
	for (i = 0; i < ANALYSIS_HIST_BUCKETS; i++) {
		if (!a->hist_count[i])
			continue;
		if (i < lo)
			lo = i;
		hi = i;
		if (a->hist_count[i] > maxc)
			maxc = a->hist_count[i];
	}
	for (i = lo; i <= hi && lo < ANALYSIS_HIST_BUCKETS; i++) {
		char label[80], bar[BAR_WIDTH + 1];
		size_t w = (size_t)((a->hist_count[i] * BAR_WIDTH +
				     maxc - 1) / maxc);

		hist_label(i, label, sizeof(label));
		memset(bar, '#', w);
		bar[w] = 0;
		fprintf(out, "  %-21s %-*s %" PRIu64 "\n", label, BAR_WIDTH,
			bar, a->hist_count[i]);
	}
	if (!a->total_count)
		fputs("  (no allocations)\n", out);

	if (n)
		qsort(t, n, sizeof(*t), cmp_bytes);
	print_top(out, cap, "Top locations by size", t, n);
	if (n)
		qsort(t, n, sizeof(*t), cmp_count);
	print_top(out, cap, "Top locations by count", t, n);
}

static void json_top(FILE *out, struct capture *cap, const char *key,
		     const struct site_total *t, size_t n)
{
	size_t i;

	fprintf(out, ",\n\"%s\": [", key);
	for (i = 0; i < n && i < TOP; i++) {
		const struct capture_location *l =
			capture_location(cap, t[i].loc);

		fputs(i ? ", {\"function\": " : "{\"function\": ", out);
		json_put_string(out, l->function);
		fputs(", \"file\": ", out);
		json_put_string(out, l->file);
		fprintf(out, ", \"line\": %" PRIu32 ", \"bytes\": %" PRIu64
			", \"allocations\": %" PRIu64 "}", l->line,
			t[i].bytes, t[i].count);
	}
	fputs("]", out);
}

static void print_json(FILE *out, struct capture *cap,
		       const struct report_options *o,
		       const struct analysis *a, struct site_total *t,
		       size_t n)
{
	unsigned i;
	bool first = true;

	fputs("{\"capture\": ", out);
	report_json_capture(out, o, cap, a);
	fprintf(out,
		",\n\"total_bytes\": %" PRIu64 ", \"total_allocations\": %"
		PRIu64 ", \"frees\": %" PRIu64 ", \"peak_bytes\": %" PRIu64
		", \"peak_time_ms\": %" PRIu64 ", \"peak_event\": %" PRIu64
		", \"end_bytes\": %" PRIu64, a->total_bytes, a->total_count,
		a->free_count, a->peak_bytes, a->peak_time_ms, a->peak_index,
		a->end_bytes);
	fputs(",\n\"allocators\": {", out);
	for (i = 1; i < KIND_MAX; i++) {
		if (!a->kind_count[i])
			continue;
		fprintf(out, "%s\"%s\": {\"allocations\": %" PRIu64
			", \"bytes\": %" PRIu64 "}", first ? "" : ", ",
			capture_kind_name(i), a->kind_count[i],
			a->kind_bytes[i]);
		first = false;
	}
	fputs("},\n\"histogram\": [", out);
	first = true;
	for (i = 0; i < ANALYSIS_HIST_BUCKETS; i++) {
		if (!a->hist_count[i])
			continue;
		fprintf(out, "%s{\"min\": %llu, \"max\": %llu, "
			"\"allocations\": %" PRIu64 ", \"bytes\": %" PRIu64 "}",
			first ? "" : ", ", i ? 1ull << i : 0ull,
			(1ull << (i + 1)) - 1, a->hist_count[i],
			a->hist_bytes[i]);
		first = false;
	}
	fputs("]", out);
	if (n)
		qsort(t, n, sizeof(*t), cmp_bytes);
	json_top(out, cap, "top_by_size", t, n);
	if (n)
		qsort(t, n, sizeof(*t), cmp_count);
	json_top(out, cap, "top_by_count", t, n);
	fputs("}\n", out);
}

int report_stats(int argc, char **argv)
{
	struct report_options o;
	struct site_total *t;
	struct capture *cap;
	struct analysis a;
	size_t n;
	FILE *out;
	int rc = 1;

	if (report_parse_options(argc, argv,
				 ROPT_OUTPUT | ROPT_JSON | ROPT_THREADS |
				 ROPT_NATIVE, &o))
		return 2;
	if (o.per_thread) {
		error_msg("report stats: --threads is not an option of this "
			  "report (use --thread TID)");
		free((void *)o.analysis.tids);
		return 2;
	}
	if (report_load(&o, &cap, &a))
		goto out_opts;
	t = site_totals(cap, &a, o.show_native, &n);
	out = report_output_open(&o);
	if (out) {
		if (o.json)
			print_json(out, cap, &o, &a, t, n);
		else
			print_text(out, cap, &o, &a, t, n);
		rc = report_output_close(out, &o) ? 1 : 0;
	}
	report_warn_symbols(&o, cap);
	free(t);
	analysis_free(&a);
	capture_close(cap);
out_opts:
	free((void *)o.analysis.tids);
	return rc;
}
