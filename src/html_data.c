/* html_data.c: string table, location table and stack trie of the pages. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "html_data.h"
#include "json.h"

static uint64_t hash_bytes(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t hash_pair(uint32_t a, uint32_t b)
{
	uint64_t h = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;

	return h ^ (h >> 29);
}

static uint32_t *new_slots(size_t n)
{
	return xcalloc(n, sizeof(uint32_t));
}

/* ---- strings -------------------------------------------------------- */

static void strings_rehash(struct html_data *d)
{
	size_t n = (d->string_mask + 1) * 2, i;

	free(d->string_slots);
	d->string_slots = new_slots(n);
	d->string_mask = n - 1;
	for (i = 0; i < d->nstrings; i++) {
		size_t s = hash_bytes(d->strings[i]) & d->string_mask;

		while (d->string_slots[s])
			s = (s + 1) & d->string_mask;
		d->string_slots[s] = (uint32_t)i + 1;
	}
}

static uint32_t string_id(struct html_data *d, const char *str)
{
	size_t s;

	if (!str)
		return HTML_NONE;
	if (2 * (d->nstrings + 1) > d->string_mask + 1)
		strings_rehash(d);
	s = hash_bytes(str) & d->string_mask;
	while (d->string_slots[s]) {
		uint32_t id = d->string_slots[s] - 1;

		if (!strcmp(d->strings[id], str))
			return id;
		s = (s + 1) & d->string_mask;
	}
	d->strings = xgrow(d->strings, &d->strings_cap, d->nstrings + 1,
			   sizeof(*d->strings));
	/* Locations outlive the page, so their text is borrowed, not
	 * copied. */
	d->strings[d->nstrings] = (char *)str;
	d->string_slots[s] = (uint32_t)++d->nstrings;
	return (uint32_t)(d->nstrings - 1);
}

/* ---- locations ------------------------------------------------------ */

static uint32_t location_index(struct html_data *d, uint32_t loc)
{
	const struct capture_location *l;
	uint32_t *e;

	if (loc >= d->ncapture_locs) {
		/* Locations are dense and only grow during a replay; a
		 * larger id means the table grew since init. */
		size_t n = capture_location_count(d->cap);

		if (loc >= n)
			return HTML_NONE;
		d->loc_index = xrealloc(d->loc_index, n * sizeof(uint32_t));
		memset(d->loc_index + d->ncapture_locs, 0,
		       (n - d->ncapture_locs) * sizeof(uint32_t));
		d->ncapture_locs = n;
	}
	if (d->loc_index[loc])
		return d->loc_index[loc] - 1;
	l = capture_location(d->cap, loc);
	if (!l)
		return HTML_NONE;
	d->locs = xgrow(d->locs, &d->locs_cap, 4 * (d->nlocs + 1),
			sizeof(uint32_t));
	e = d->locs + 4 * d->nlocs;
	e[0] = string_id(d, l->function ? l->function : "?");
	e[1] = string_id(d, l->file ? l->file : "?");
	e[2] = l->line;
	e[3] = l->native;
	d->loc_index[loc] = (uint32_t)++d->nlocs;
	return (uint32_t)(d->nlocs - 1);
}

/* ---- the trie ------------------------------------------------------- */

static void nodes_rehash(struct html_data *d)
{
	size_t n = (d->node_mask + 1) * 2, i;

	free(d->node_slots);
	d->node_slots = new_slots(n);
	d->node_mask = n - 1;
	/* Node 0, the root, is never looked up as a child. */
	for (i = 1; i < d->nnodes; i++) {
		size_t s = hash_pair(d->node_parent[i], d->node_loc[i]) &
			   d->node_mask;

		while (d->node_slots[s])
			s = (s + 1) & d->node_mask;
		d->node_slots[s] = (uint32_t)i;
	}
}

static uint32_t new_node(struct html_data *d, uint32_t parent, uint32_t loc)
{
	size_t cap = d->nodes_cap;

	d->node_parent = xgrow(d->node_parent, &cap, d->nnodes + 1,
			       sizeof(uint32_t));
	cap = d->nodes_cap;
	d->node_loc = xgrow(d->node_loc, &cap, d->nnodes + 1,
			    sizeof(uint32_t));
	d->nodes_cap = cap;
	d->node_parent[d->nnodes] = parent;
	d->node_loc[d->nnodes] = loc;
	return (uint32_t)d->nnodes++;
}

static uint32_t child(struct html_data *d, uint32_t parent, uint32_t loc)
{
	size_t s;
	uint32_t id;

	if (2 * (d->nnodes + 1) > d->node_mask + 1)
		nodes_rehash(d);
	s = hash_pair(parent, loc) & d->node_mask;
	while ((id = d->node_slots[s])) {
		if (d->node_parent[id] == parent && d->node_loc[id] == loc)
			return id;
		s = (s + 1) & d->node_mask;
	}
	id = new_node(d, parent, loc);
	d->node_slots[s] = id;
	return id;
}

uint32_t html_data_leaf(struct html_data *d, uint32_t stack,
			uint32_t native_stack)
{
	size_t depth, i;
	uint32_t node = 0;

	depth = capture_stack_locations_buf(d->cap, stack, native_stack,
					    d->show_native, &d->stack_buf,
					    &d->stack_cap);
	if (depth == 0)
		return child(d, 0, HTML_NONE);
	/* The capture gives the innermost frame first; the trie wants the
	 * outermost (the thread's entry point) nearest the root. */
	for (i = depth; i-- > 0;) {
		uint32_t loc = location_index(d, d->stack_buf[i]);

		node = child(d, node, loc);
	}
	return node;
}

/* ---- threads -------------------------------------------------------- */

static void sort_threads(struct html_data *d)
{
	size_t i, j;

	/* Insertion sort: the list is short and nearly sorted already
	 * (kernel tids grow with creation time). */
	for (i = 0; i < d->nthreads; i++) {
		uint32_t tid = d->thread_tids[i];

		for (j = i; j > 0 && d->sorted_tids[j - 1] > tid; j--) {
			d->sorted_tids[j] = d->sorted_tids[j - 1];
			d->sorted_index[j] = d->sorted_index[j - 1];
		}
		d->sorted_tids[j] = tid;
		d->sorted_index[j] = (uint32_t)i;
	}
}

uint32_t html_data_thread(struct html_data *d, uint32_t tid)
{
	size_t lo = 0, hi = d->nthreads, cap;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->sorted_tids[mid] < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->nthreads && d->sorted_tids[lo] == tid)
		return d->sorted_index[lo];
	/* An event's thread always has a WIRE_THREAD record, so this only
	 * happens with a damaged capture; keep the record anyway. */
	cap = d->nthreads;
	d->thread_tids = xgrow(d->thread_tids, &cap, d->nthreads + 1,
			       sizeof(uint32_t));
	cap = d->nthreads;
	d->sorted_tids = xgrow(d->sorted_tids, &cap, d->nthreads + 1,
			       sizeof(uint32_t));
	cap = d->nthreads;
	d->sorted_index = xgrow(d->sorted_index, &cap, d->nthreads + 1,
				sizeof(uint32_t));
	d->thread_tids[d->nthreads++] = tid;
	sort_threads(d);
	return (uint32_t)(d->nthreads - 1);
}

/* ---- setup ---------------------------------------------------------- */

void html_data_init(struct html_data *d, struct capture *cap,
		    bool show_native)
{
	size_t i, n;

	memset(d, 0, sizeof(*d));
	d->cap = cap;
	d->show_native = show_native;
	d->string_mask = 1023;
	d->string_slots = new_slots(d->string_mask + 1);
	d->node_mask = 1023;
	d->node_slots = new_slots(d->node_mask + 1);
	d->ncapture_locs = capture_location_count(cap);
	d->loc_index = xcalloc(d->ncapture_locs ? d->ncapture_locs : 1,
			       sizeof(uint32_t));
	new_node(d, HTML_NONE, HTML_NONE);	/* the root */

	n = capture_thread_count(cap);
	d->thread_tids = xcalloc(n + 1, sizeof(uint32_t));
	d->sorted_tids = xcalloc(n + 1, sizeof(uint32_t));
	d->sorted_index = xcalloc(n + 1, sizeof(uint32_t));
	for (i = 0; i < n; i++)
		d->thread_tids[i] = capture_thread_tid(cap, i);
	d->nthreads = n;
	sort_threads(d);

	d->stack_cap = 256;
	d->stack_buf = xcalloc(d->stack_cap, sizeof(uint32_t));
}

void html_data_free(struct html_data *d)
{
	free(d->strings);
	free(d->string_slots);
	free(d->loc_index);
	free(d->locs);
	free(d->node_parent);
	free(d->node_loc);
	free(d->node_slots);
	free(d->thread_tids);
	free(d->sorted_tids);
	free(d->sorted_index);
	free(d->stack_buf);
	memset(d, 0, sizeof(*d));
}

/* ---- writing -------------------------------------------------------- */

void html_put_uint(FILE *out, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

void html_put_index(FILE *out, uint32_t v)
{
	if (v == HTML_NONE)
		fputs("-1", out);
	else
		html_put_uint(out, v);
}

static void put_key(FILE *out, const char *key)
{
	json_put_string(out, key);
	putc(':', out);
}

static void put_string_or_null(FILE *out, const char *s)
{
	if (s)
		json_put_string(out, s);
	else
		fputs("null", out);
}

static void put_meta(FILE *out, struct html_data *d,
		     const struct report_options *o, const struct analysis *a)
{
	static const char *const header_keys[] = {
		"pid", "argv", "python_version", "start_time", "mode",
	};
	const char *base = strrchr(o->capture_path, '/');
	size_t i;

	put_key(out, "meta");
	putc('{', out);
	put_key(out, "capture");
	json_put_string(out, base ? base + 1 : o->capture_path);
	for (i = 0; i < sizeof(header_keys) / sizeof(header_keys[0]); i++) {
		putc(',', out);
		put_key(out, header_keys[i]);
		put_string_or_null(out, capture_header(d->cap,
						       header_keys[i]));
	}
	fputs(",", out);
	put_key(out, "view");
	json_put_string(out, o->analysis.view == VIEW_LEAKS ? "leaks" :
			"peak");
	fputs(",", out);
	put_key(out, "damage");
	put_string_or_null(out, capture_damage(d->cap));
	fputs(",", out);
	put_key(out, "complete");
	fputs(capture_complete(d->cap) ? "true" : "false", out);
	fputs(",", out);
	put_key(out, "native");
	fputs(d->show_native && capture_has_native(d->cap) ? "true" :
	      "false", out);
#define PUT_NUMBER(name, value) do {		\
		putc(',', out);			\
		put_key(out, name);		\
		html_put_uint(out, value);	\
	} while (0)
	PUT_NUMBER("events", capture_event_count(d->cap));
	PUT_NUMBER("lost", capture_lost_count(d->cap));
	PUT_NUMBER("view_bytes", a->view_bytes);
	PUT_NUMBER("view_count", a->view_count);
	PUT_NUMBER("peak_bytes", a->peak_bytes);
	PUT_NUMBER("peak_time_ms", a->peak_time_ms);
	PUT_NUMBER("end_bytes", a->end_bytes);
	PUT_NUMBER("total_bytes", a->total_bytes);
	PUT_NUMBER("total_count", a->total_count);
	PUT_NUMBER("free_count", a->free_count);
	PUT_NUMBER("duration_ms", a->duration_ms);
#undef PUT_NUMBER
	putc(',', out);
	put_key(out, "thread_filter");
	putc('[', out);
	for (i = 0; i < o->analysis.ntids; i++) {
		if (i)
			putc(',', out);
		html_put_uint(out, o->analysis.tids[i]);
	}
	fputs("]},\n", out);
}

static void put_strings(FILE *out, const struct html_data *d)
{
	size_t i;

	put_key(out, "strings");
	putc('[', out);
	for (i = 0; i < d->nstrings; i++) {
		if (i)
			putc(',', out);
		json_put_string(out, d->strings[i]);
	}
	fputs("],\n", out);
}

static void put_flat(FILE *out, const char *key, const uint32_t *v,
		     size_t n)
{
	size_t i;

	put_key(out, key);
	putc('[', out);
	for (i = 0; i < n; i++) {
		if (i)
			putc(',', out);
		html_put_index(out, v[i]);
	}
	fputs("],\n", out);
}

void html_data_put_common(FILE *out, struct html_data *d,
			  const struct report_options *o,
			  const struct analysis *a)
{
	uint32_t *thread_names = xcalloc(d->nthreads + 1, sizeof(uint32_t));
	size_t i;

	for (i = 0; i < d->nthreads; i++)
		thread_names[i] = string_id(d,
			capture_thread_name(d->cap, d->thread_tids[i]));

	put_meta(out, d, o, a);
	put_strings(out, d);
	put_flat(out, "locs", d->locs, 4 * d->nlocs);

	put_key(out, "nodes");
	putc('[', out);
	for (i = 0; i < d->nnodes; i++) {
		if (i)
			putc(',', out);
		html_put_index(out, d->node_parent[i]);
		putc(',', out);
		html_put_index(out, d->node_loc[i]);
	}
	fputs("],\n", out);

	put_key(out, "threads");
	putc('[', out);
	for (i = 0; i < d->nthreads; i++) {
		if (i)
			putc(',', out);
		html_put_uint(out, d->thread_tids[i]);
		putc(',', out);
		html_put_index(out, thread_names[i]);
	}
	fputs("],\n", out);
	free(thread_names);

	put_key(out, "kinds");
	putc('[', out);
	for (i = 0; i <= KIND_MAX; i++) {
		const char *name = capture_kind_name((unsigned)i);

		if (i)
			putc(',', out);
		put_string_or_null(out, name);
	}
	fputs("],\n", out);
}
