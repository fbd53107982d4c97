/* analysis.c: replaying a capture into the numbers the reports show. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "addr_table.h"
#include "analysis.h"
#include "capture_map.h"
#include "error.h"

/* The memory-over-time graph keeps at most this many points: samples are
 * merged in pairs (keeping the maxima) whenever it fills up. */
#define MAX_POINTS 2000

struct replay {
	struct capture *cap;
	struct keymap tids;		/* thread filter, empty = all */
	struct keymap recs;		/* (stack, native, tid, kind) */
	struct addr_table heap;
	struct range_table maps;
	uint64_t live;
	bool totals;			/* pass 1: totals, peak, graph */
	uint64_t stop_index;		/* pass 2: stop after this event */
	struct analysis *out;

	struct keymap sites;		/* (stack, native, tid) -> site */
	size_t sites_cap;
	size_t points_cap;
	struct analysis_point pending;	/* samples not yet a point */
	unsigned pending_n, stride;
	uint64_t interval_max;		/* max live since the last sample */
	uint64_t events_since_sample;
	uint64_t last_time, last_rss;
};

static unsigned hist_bucket(uint64_t size)
{
	unsigned b = size ? 63u - (unsigned)__builtin_clzll(size) : 0;

	return b < ANALYSIS_HIST_BUCKETS ? b : ANALYSIS_HIST_BUCKETS - 1;
}

static void count_allocation(struct replay *r, const struct capture_event *ev)
{
	struct analysis *a = r->out;
	uint32_t key[3] = { ev->stack, ev->native_stack, ev->tid };
	uint32_t site = keymap_intern(&r->sites, key, NULL);
	unsigned b = hist_bucket(ev->size);

	a->total_bytes += ev->size;
	a->total_count++;
	a->kind_bytes[ev->kind] += ev->size;
	a->kind_count[ev->kind]++;
	a->hist_count[b]++;
	a->hist_bytes[b] += ev->size;
	if (site >= a->nsites) {
		a->sites = xgrow(a->sites, &r->sites_cap, (size_t)site + 1,
				 sizeof(*a->sites));
		a->sites[site] = (struct analysis_site){
			.stack = ev->stack, .native_stack = ev->native_stack,
			.tid = ev->tid,
		};
		a->nsites = (size_t)site + 1;
	}
	a->sites[site].bytes += ev->size;
	a->sites[site].count++;
}

static int on_event(const struct capture_event *ev, void *arg)
{
	struct replay *r = arg;
	struct analysis *a = r->out;
	uint64_t gone = 0, size = ev->size;
	uint32_t rec;

	if (ev->is_free) {
		bool found;

		if (ev->kind == KIND_MUNMAP) {
			gone = range_table_remove(&r->maps, ev->addr, size);
			found = gone > 0;
		} else {
			/* Unknown addresses were allocated before the
			 * capture began (or by a filtered-out thread). */
			found = addr_table_take(&r->heap, ev->addr, &gone,
						&rec);
		}
		r->live -= gone;
		if (r->totals && found)
			a->free_count++;
	} else {
		uint32_t key[4] = { ev->stack, ev->native_stack, ev->tid,
				    ev->kind };

		if (r->tids.count && keymap_find(&r->tids, &ev->tid) ==
				     UINT32_MAX)
			goto next;
		rec = keymap_intern(&r->recs, key, NULL);
		if (ev->kind == KIND_MMAP) {
			if (size > UINT64_MAX - ev->addr)
				size = UINT64_MAX - ev->addr;
			gone = range_table_add(&r->maps, ev->addr, size, rec);
		} else {
			addr_table_put(&r->heap, ev->addr, size, rec, &gone);
		}
		r->live += size - gone;
		if (r->totals) {
			count_allocation(r, ev);
			if (r->live > a->peak_bytes) {
				a->peak_bytes = r->live;
				a->peak_index = ev->index;
				a->peak_time_ms = ev->time_ms;
			}
		}
	}
next:
	if (r->live > r->interval_max)
		r->interval_max = r->live;
	r->events_since_sample++;
	r->last_time = ev->time_ms;
	return !r->totals && ev->index >= r->stop_index;
}

static void push_point(struct replay *r, struct analysis_point p)
{
	struct analysis *a = r->out;
	size_t i;

	if (a->npoints == MAX_POINTS) {
		/* Halve the resolution: each point now covers twice as
		 * many samples, and keeps their highest values. */
		for (i = 0; i < MAX_POINTS / 2; i++) {
			struct analysis_point *x = &a->points[2 * i];
			struct analysis_point *y = &a->points[2 * i + 1];

			a->points[i] = (struct analysis_point){
				.time_ms = y->time_ms,
				.rss = x->rss > y->rss ? x->rss : y->rss,
				.heap = x->heap > y->heap ? x->heap : y->heap,
			};
		}
		a->npoints = MAX_POINTS / 2;
		r->stride *= 2;
	}
	a->points = xgrow(a->points, &r->points_cap, a->npoints + 1,
			  sizeof(*a->points));
	a->points[a->npoints++] = p;
}

/*
 * A point's heap value is the highest tracked live size since the previous
 * point, not the value at the sample's instant: a peak between two
 * samples must show on the graph.
 */
static int on_sample(const struct capture_sample *s, void *arg)
{
	struct replay *r = arg;
	struct analysis_point *p = &r->pending;

	if (!r->totals)
		return 0;
	p->time_ms = s->time_ms;
	if (s->rss > p->rss)
		p->rss = s->rss;
	if (r->interval_max > p->heap)
		p->heap = r->interval_max;
	r->interval_max = r->live;
	r->events_since_sample = 0;
	r->last_time = s->time_ms;
	r->last_rss = s->rss;
	if (s->time_ms > r->out->duration_ms)
		r->out->duration_ms = s->time_ms;
	if (++r->pending_n >= r->stride) {
		push_point(r, *p);
		memset(p, 0, sizeof(*p));
		r->pending_n = 0;
	}
	return 0;
}

static void replay_init(struct replay *r, struct capture *cap,
			const struct analysis_options *opt, struct analysis *out)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->out = out;
	r->stride = 1;
	keymap_init(&r->tids, 1);
	keymap_init(&r->recs, 4);
	keymap_init(&r->sites, 3);
	for (i = 0; i < opt->ntids; i++)
		keymap_intern(&r->tids, &opt->tids[i], NULL);
	addr_table_init(&r->heap);
}

static void replay_free(struct replay *r)
{
	keymap_free(&r->tids);
	keymap_free(&r->recs);
	keymap_free(&r->sites);
	addr_table_free(&r->heap);
	range_table_free(&r->maps);
}

/* Sum what is live in r's tables into out->records. */
static void collect_live(struct replay *r, const struct keymap *recs)
{
	struct analysis *a = r->out;
	uint64_t *bytes = xcalloc(recs->count + 1, sizeof(*bytes));
	uint64_t *count = xcalloc(recs->count + 1, sizeof(*count));
	size_t i, n = 0;

	for (i = 0; i < r->heap.nslots; i++) {
		const struct addr_entry *e = &r->heap.slots[i];

		if (e->used) {
			bytes[e->rec] += e->size;
			count[e->rec]++;
		}
	}
	for (i = 0; i < r->maps.n; i++) {
		const struct addr_range *m = &r->maps.v[i];

		bytes[m->rec] += m->end - m->start;
		count[m->rec]++;
	}
	a->records = xcalloc(recs->count + 1, sizeof(*a->records));
	for (i = 0; i < recs->count; i++) {
		const uint32_t *k = keymap_key(recs, (uint32_t)i);

		if (!count[i])
			continue;
		a->records[n++] = (struct analysis_record){
			.stack = k[0], .native_stack = k[1], .tid = k[2],
			.kind = (uint8_t)k[3], .bytes = bytes[i],
			.count = count[i],
		};
		a->view_bytes += bytes[i];
		a->view_count += count[i];
	}
	a->nrecords = n;
	free(bytes);
	free(count);
}

int analysis_run(struct capture *cap, const struct analysis_options *opt,
		 struct analysis *out, char *err, size_t errlen)
{
	struct capture_callbacks cb = { on_event, on_sample, NULL };
	struct replay r1, r2;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	replay_init(&r1, cap, opt, out);
	r1.totals = true;
	cb.arg = &r1;
	if (capture_replay(cap, &cb, err, errlen))
		goto out1;
	if (r1.pending_n)
		push_point(&r1, r1.pending);
	if (r1.events_since_sample && r1.out->npoints) {
		/* Events after the last sample: end the graph with them. */
		push_point(&r1, (struct analysis_point){
			.time_ms = r1.last_time, .rss = r1.last_rss,
			.heap = r1.interval_max,
		});
	}
	if (r1.last_time > out->duration_ms)
		out->duration_ms = r1.last_time;
	out->end_bytes = r1.live;

	if (opt->view == VIEW_LEAKS || out->peak_bytes == 0) {
		collect_live(&r1, &r1.recs);
		rc = 0;
		goto out1;
	}
	/* Second pass: the same replay, stopped right after the event at
	 * which the peak was reached; what is live then is the view. */
	replay_init(&r2, cap, opt, out);
	r2.stop_index = out->peak_index;
	cb.arg = &r2;
	if (capture_replay(cap, &cb, err, errlen) == 0) {
		collect_live(&r2, &r2.recs);
		rc = 0;
	}
	replay_free(&r2);
out1:
	replay_free(&r1);
	if (rc)
		analysis_free(out);
	return rc;
}

void analysis_free(struct analysis *a)
{
	free(a->records);
	free(a->sites);
	free(a->points);
	memset(a, 0, sizeof(*a));
}

/* ---- per-location totals ------------------------------------------ */

static int cmp_total(const void *x, const void *y)
{
	const struct location_total *a = x, *b = y;

	if (a->total_bytes != b->total_bytes)
		return a->total_bytes > b->total_bytes ? -1 : 1;
	if (a->own_bytes != b->own_bytes)
		return a->own_bytes > b->own_bytes ? -1 : 1;
	return a->loc < b->loc ? -1 : a->loc > b->loc;
}

struct location_total *analysis_location_totals(struct capture *cap,
						 const struct analysis *a,
						 bool show_native, size_t *n)
{
	struct location_total *t = NULL, *res;
	uint64_t *stamp = NULL;
	uint32_t *locs = NULL;
	size_t tcap = 0, scap = 0, lcap = 0, nloc = 0, i, j, k;
	struct keymap loc_tids;

	keymap_init(&loc_tids, 2);
	for (i = 0; i < a->nrecords; i++) {
		const struct analysis_record *r = &a->records[i];
		size_t depth = capture_stack_locations_buf(
			cap, r->stack, r->native_stack, show_native,
			&locs, &lcap);

		nloc = capture_location_count(cap);
		if (nloc > tcap) {
			size_t old = tcap, old_s = scap;

			t = xgrow(t, &tcap, nloc, sizeof(*t));
			memset(t + old, 0, (tcap - old) * sizeof(*t));
			stamp = xgrow(stamp, &scap, nloc, sizeof(*stamp));
			memset(stamp + old_s, 0,
			       (scap - old_s) * sizeof(*stamp));
		}
		if (!depth)
			continue;
		t[locs[0]].own_bytes += r->bytes;
		t[locs[0]].own_count += r->count;
		for (j = 0; j < depth; j++) {
			uint32_t l = locs[j];

			/* A recursive function appears several times in
			 * one stack but holds its bytes once. */
			if (stamp[l] == i + 1)
				continue;
			stamp[l] = i + 1;
			t[l].total_bytes += r->bytes;
			t[l].total_count += r->count;
		}
	}
	for (i = 0; i < a->nsites; i++) {
		const struct analysis_site *s = &a->sites[i];
		size_t depth = capture_stack_locations_buf(
			cap, s->stack, s->native_stack, show_native,
			&locs, &lcap);

		nloc = capture_location_count(cap);
		if (nloc > tcap) {
			size_t old = tcap;

			t = xgrow(t, &tcap, nloc, sizeof(*t));
			memset(t + old, 0, (tcap - old) * sizeof(*t));
		}
		for (j = 0; j < depth; j++) {
			uint32_t key[2] = { locs[j], s->tid };
			int added;

			keymap_intern(&loc_tids, key, &added);
			if (added)
				t[locs[j]].nthreads++;
		}
	}
	res = xcalloc(nloc + 1, sizeof(*res));
	for (i = 0, k = 0; i < nloc; i++) {
		if (!t[i].total_count && !t[i].total_bytes)
			continue;
		res[k] = t[i];
		res[k++].loc = (uint32_t)i;
	}
	qsort(res, k, sizeof(*res), cmp_total);
	*n = k;
	keymap_free(&loc_tids);
	free(t);
	free(stamp);
	free(locs);
	return res;
}
