/* report_flamegraph.c: `memattach report flamegraph`, an HTML flame graph. */
#include "config.h"

#include <stdlib.h>

#include "capture.h"
#include "error.h"
#include "html_data.h"
#include "html_page.h"
#include "reports.h"

/* The memory graph needs no more points than a screen has pixels. */
#define MAX_POINTS 2000

/* Bytes and count of one (stack path, thread): the allocator is merged. */
struct flame_record {
	uint32_t node;
	uint32_t thread;
	uint64_t bytes;
	uint64_t count;
};

struct flame_page {
	const struct report_options *o;
	const struct analysis *a;
	struct html_data data;
	struct flame_record *records;
	size_t nrecords;
};

static int by_node_then_thread(const void *pa, const void *pb)
{
	const struct flame_record *x = pa, *y = pb;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return 0;
}

static void collect(struct flame_page *pg)
{
	const struct analysis *a = pg->a;
	size_t i, n = 0;

	pg->records = xcalloc(a->nrecords + 1, sizeof(*pg->records));
	for (i = 0; i < a->nrecords; i++) {
		const struct analysis_record *r = &a->records[i];

		pg->records[i] = (struct flame_record){
			.node = html_data_leaf(&pg->data, r->stack,
					       r->native_stack),
			.thread = html_data_thread(&pg->data, r->tid),
			.bytes = r->bytes,
			.count = r->count,
		};
	}
	/* Records differing only by allocator (or by native frames hidden
	 * with --no-native) land on the same node: merge them. */
	qsort(pg->records, a->nrecords, sizeof(*pg->records),
	      by_node_then_thread);
	for (i = 0; i < a->nrecords; i++) {
		if (n && !by_node_then_thread(&pg->records[n - 1],
					      &pg->records[i])) {
			pg->records[n - 1].bytes += pg->records[i].bytes;
			pg->records[n - 1].count += pg->records[i].count;
		} else {
			pg->records[n++] = pg->records[i];
		}
	}
	pg->nrecords = n;
}

static void put_points(FILE *out, const struct analysis *a)
{
	size_t stride = (a->npoints + MAX_POINTS - 1) / MAX_POINTS, i, j;

	if (stride == 0)
		stride = 1;
	fputs("\"points\":[", out);
	/* Thin long captures by keeping each bucket's highest values, so
	 * that the peak stays visible on the graph. */
	for (i = 0; i < a->npoints; i += stride) {
		struct analysis_point p = a->points[i];

		for (j = i + 1; j < i + stride && j < a->npoints; j++) {
			if (a->points[j].rss > p.rss)
				p.rss = a->points[j].rss;
			if (a->points[j].heap > p.heap)
				p.heap = a->points[j].heap;
		}
		if (i)
			putc(',', out);
		html_put_uint(out, p.time_ms);
		putc(',', out);
		html_put_uint(out, p.rss);
		putc(',', out);
		html_put_uint(out, p.heap);
	}
	fputs("]", out);
}

static void put_data(FILE *out, void *arg)
{
	struct flame_page *pg = arg;
	size_t i;

	fputs("{\"report\":\"flamegraph\",\n", out);
	html_data_put_common(out, &pg->data, pg->o, pg->a);
	fputs("\"records\":[", out);
	for (i = 0; i < pg->nrecords; i++) {
		const struct flame_record *r = &pg->records[i];

		if (i)
			putc(',', out);
		html_put_uint(out, r->node);
		putc(',', out);
		html_put_uint(out, r->thread);
		putc(',', out);
		html_put_uint(out, r->bytes);
		putc(',', out);
		html_put_uint(out, r->count);
	}
	fputs("],\n", out);
	put_points(out, pg->a);
	fputs("}", out);
}

int report_flamegraph(int argc, char **argv)
{
	struct report_options o;
	struct flame_page pg = { .o = &o };
	struct capture *cap;
	struct analysis a;
	int rc;

	if (report_parse_options(argc, argv, ROPT_OUTPUT | ROPT_LEAKS |
				 ROPT_THREADS | ROPT_NATIVE, &o) < 0)
		return 2;
	if (report_load(&o, &cap, &a) < 0)
		return 1;
	pg.a = &a;
	html_data_init(&pg.data, cap, o.show_native);
	collect(&pg);
	rc = html_page_write(&o, "flamegraph", "flamegraph.html", put_data,
			     &pg);
	free(pg.records);
	html_data_free(&pg.data);
	analysis_free(&a);
	capture_close(cap);
	return rc < 0 ? 1 : 0;
}
