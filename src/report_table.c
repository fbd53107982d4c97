/* report_table.c: `memattach report table`, a sortable HTML table. */
#include "config.h"

#include <stdlib.h>

#include "capture.h"
#include "error.h"
#include "html_data.h"
#include "html_page.h"
#include "reports.h"

struct table_page {
	const struct report_options *o;
	const struct analysis *a;
	struct html_data data;
	uint32_t *nodes;	/* per analysis record: its stack's trie node */
	uint32_t *threads;	/* per analysis record: its thread index */
};

static void put_data(FILE *out, void *arg)
{
	struct table_page *pg = arg;
	const struct analysis *a = pg->a;
	size_t i;

	fputs("{\"report\":\"table\",\n", out);
	html_data_put_common(out, &pg->data, pg->o, pg->a);
	/* One row per record: node, thread, allocator, bytes, count. */
	fputs("\"records\":[", out);
	for (i = 0; i < a->nrecords; i++) {
		if (i)
			putc(',', out);
		html_put_uint(out, pg->nodes[i]);
		putc(',', out);
		html_put_uint(out, pg->threads[i]);
		putc(',', out);
		html_put_uint(out, a->records[i].kind);
		putc(',', out);
		html_put_uint(out, a->records[i].bytes);
		putc(',', out);
		html_put_uint(out, a->records[i].count);
	}
	fputs("]}", out);
}

int report_table(int argc, char **argv)
{
	struct report_options o;
	struct table_page pg = { .o = &o };
	struct capture *cap;
	struct analysis a;
	size_t i;
	int rc;

	if (report_parse_options(argc, argv, ROPT_OUTPUT | ROPT_LEAKS |
				 ROPT_THREADS | ROPT_NATIVE, &o) < 0)
		return 2;
	if (report_load(&o, &cap, &a) < 0)
		return 1;
	pg.a = &a;
	html_data_init(&pg.data, cap, o.show_native);
	pg.nodes = xcalloc(a.nrecords + 1, sizeof(uint32_t));
	pg.threads = xcalloc(a.nrecords + 1, sizeof(uint32_t));
	for (i = 0; i < a.nrecords; i++) {
		pg.nodes[i] = html_data_leaf(&pg.data, a.records[i].stack,
					     a.records[i].native_stack);
		pg.threads[i] = html_data_thread(&pg.data,
						 a.records[i].tid);
	}
	rc = html_page_write(&o, "table", "table.html", put_data, &pg);
	free(pg.nodes);
	free(pg.threads);
	html_data_free(&pg.data);
	analysis_free(&a);
	capture_close(cap);
	return rc < 0 ? 1 : 0;
}
