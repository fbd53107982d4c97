/* addr_table.c: the live allocations of a replay, found by address. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "addr_table.h"
#include "capture_map.h"
#include "error.h"

void addr_table_init(struct addr_table *t)
{
	memset(t, 0, sizeof(*t));
}

void addr_table_free(struct addr_table *t)
{
	free(t->slots);
	addr_table_init(t);
}

static size_t slot_of(uint64_t addr, size_t mask)
{
	/* Heap addresses share their low bits (alignment) and high bits:
	 * mix them so that neighbours spread over the table. */
	return (size_t)map_mix64(addr) & mask;
}

static void grow(struct addr_table *t)
{
	struct addr_entry *old = t->slots;
	size_t i, nold = t->nslots;

	t->nslots = nold ? nold * 2 : 1024;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	for (i = 0; i < nold; i++) {
		size_t s;

		if (!old[i].used)
			continue;
		s = slot_of(old[i].addr, t->nslots - 1);
		while (t->slots[s].used)
			s = (s + 1) & (t->nslots - 1);
		t->slots[s] = old[i];
	}
	free(old);
}

void addr_table_put(struct addr_table *t, uint64_t addr, uint64_t size,
		    uint32_t rec, uint64_t *old_size)
{
	size_t s, mask;

	*old_size = 0;
	/* Load at most 5/8: probes stay short, memory stays modest. */
	if ((t->count + 1) * 8 > t->nslots * 5)
		grow(t);
	mask = t->nslots - 1;
	for (s = slot_of(addr, mask); t->slots[s].used; s = (s + 1) & mask)
		if (t->slots[s].addr == addr) {
			*old_size = t->slots[s].size;
			t->slots[s].size = size;
			t->slots[s].rec = rec;
			return;
		}
	t->slots[s] = (struct addr_entry){
		.addr = addr, .size = size, .rec = rec, .used = 1,
	};
	t->count++;
}

bool addr_table_take(struct addr_table *t, uint64_t addr, uint64_t *size,
		     uint32_t *rec)
{
	size_t s, mask, hole, j;

	if (!t->count)
		return false;
	mask = t->nslots - 1;
	for (s = slot_of(addr, mask); t->slots[s].used; s = (s + 1) & mask)
		if (t->slots[s].addr == addr)
			break;
	if (!t->slots[s].used)
		return false;
	*size = t->slots[s].size;
	*rec = t->slots[s].rec;
	/* Backward-shift deletion: no tombstones, so a long replay with
	 * millions of frees never degrades the probes. */
	hole = s;
	for (j = (s + 1) & mask; t->slots[j].used; j = (j + 1) & mask) {
		size_t home = slot_of(t->slots[j].addr, mask);

		/* Move j into the hole unless its home lies cyclically
		 * in (hole, j]. */
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			t->slots[hole] = t->slots[j];
			hole = j;
		}
	}
	t->slots[hole].used = 0;
	t->count--;
	return true;
}

/* ---- ranges --------------------------------------------------------- */

void range_table_free(struct range_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* First range whose end is above addr. */
static size_t first_ending_after(const struct range_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void insert_at(struct range_table *t, size_t i, struct addr_range r)
{
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
	memmove(t->v + i + 1, t->v + i, (t->n - i) * sizeof(*t->v));
	t->v[i] = r;
	t->n++;
}

static void remove_at(struct range_table *t, size_t i)
{
	memmove(t->v + i, t->v + i + 1, (t->n - i - 1) * sizeof(*t->v));
	t->n--;
}

uint64_t range_table_remove(struct range_table *t, uint64_t start,
			    uint64_t size)
{
	uint64_t end, removed = 0;
	size_t i;

	if (size == 0) {
		i = first_ending_after(t, start);
		if (i < t->n && t->v[i].start == start) {
			removed = t->v[i].end - t->v[i].start;
			remove_at(t, i);
		}
		return removed;
	}
	end = start + size < start ? UINT64_MAX : start + size;
	i = first_ending_after(t, start);
	while (i < t->n && t->v[i].start < end) {
		struct addr_range *r = &t->v[i];
		uint64_t cut_lo = r->start > start ? r->start : start;
		uint64_t cut_hi = r->end < end ? r->end : end;

		removed += cut_hi - cut_lo;
		if (r->start < cut_lo && r->end > cut_hi) {
			/* A hole in the middle: the range splits. */
			struct addr_range tail = *r;

			tail.start = cut_hi;
			r->end = cut_lo;
			insert_at(t, i + 1, tail);
			break;
		}
		if (r->start < cut_lo) {
			r->end = cut_lo;
			i++;
		} else if (r->end > cut_hi) {
			r->start = cut_hi;
			i++;
		} else {
			remove_at(t, i);
		}
	}
	return removed;
}

uint64_t range_table_add(struct range_table *t, uint64_t start,
			 uint64_t size, uint32_t rec)
{
	uint64_t removed, end;

	if (size == 0)
		return 0;
	end = start + size < start ? UINT64_MAX : start + size;
	removed = range_table_remove(t, start, end - start);
	insert_at(t, first_ending_after(t, start),
		  (struct addr_range){ .start = start, .end = end, .rec = rec });
	return removed;
}
