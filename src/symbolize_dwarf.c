/* symbolize_dwarf.c: the inlined-call scopes around a pc, with each CU's
 * functions indexed by address. */
#include "config.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "symbolize_priv.h"

/* One address range of a function with code. */
struct func_range {
	Dwarf_Addr lo, hi;
	Dwarf_Die die;		/* valid while the module's Dwarf lives */
};

/* The functions of one CU, sorted by address. */
struct cu_funcs {
	void *cu_addr;		/* the CU DIE's address in the debug data */
	struct func_range *ranges;
	size_t n, alloc;
};

struct scope_index {
	struct cu_funcs **slots;	/* open addressing by cu_addr */
	size_t nslots, count;
};

struct scope_index *scope_index_new(void)
{
	struct scope_index *x = xcalloc(1, sizeof(*x));

	x->nslots = 256;
	x->slots = xcalloc(x->nslots, sizeof(*x->slots));
	return x;
}

void scope_index_free(struct scope_index *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->nslots; i++)
		if (x->slots[i]) {
			free(x->slots[i]->ranges);
			free(x->slots[i]);
		}
	free(x->slots);
	free(x);
}

static size_t slot_of(const struct scope_index *x, const void *cu_addr)
{
	uint64_t h = (uint64_t)(uintptr_t)cu_addr * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (x->nslots - 1);
}

static void index_grow(struct scope_index *x)
{
	size_t n = x->nslots * 2, i, j;
	struct cu_funcs **slots = xcalloc(n, sizeof(*slots));
	struct cu_funcs **old = x->slots;
	size_t old_n = x->nslots;

	x->slots = slots;
	x->nslots = n;
	for (i = 0; i < old_n; i++) {
		if (!old[i])
			continue;
		j = slot_of(x, old[i]->cu_addr);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = old[i];
	}
	free(old);
}

static int add_function(Dwarf_Die *func, void *arg)
{
	struct cu_funcs *f = arg;
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	/* Abstract definitions of inline functions have no code. */
	while ((off = dwarf_ranges(func, off, &base, &lo, &hi)) > 0) {
		if (lo >= hi)
			continue;
		if (f->n == f->alloc)
			f->ranges = xgrow(f->ranges, &f->alloc, f->n + 1,
					  sizeof(*f->ranges));
		f->ranges[f->n++] = (struct func_range){
			.lo = lo, .hi = hi, .die = *func,
		};
	}
	return DWARF_CB_OK;
}

static int range_cmp(const void *a, const void *b)
{
	const struct func_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static struct cu_funcs *cu_funcs_get(struct scope_index *x,
				     Dwarf_Die *cudie)
{
	void *cu_addr = cudie->addr;
	struct cu_funcs *f;
	size_t i = slot_of(x, cu_addr);

	while (x->slots[i]) {
		if (x->slots[i]->cu_addr == cu_addr)
			return x->slots[i];
		i = (i + 1) & (x->nslots - 1);
	}
	f = xcalloc(1, sizeof(*f));
	f->cu_addr = cu_addr;
	/* dwarf_getfuncs finds subprograms inside namespaces and classes
	 * too, not only at the top of the CU. */
	dwarf_getfuncs(cudie, add_function, f, 0);
	if (f->n)
		qsort(f->ranges, f->n, sizeof(*f->ranges), range_cmp);
	x->slots[i] = f;
	if (++x->count * 2 > x->nslots)
		index_grow(x);
	return f;
}

static bool is_scope(int tag)
{
	return tag == DW_TAG_inlined_subroutine ||
	       tag == DW_TAG_lexical_block || tag == DW_TAG_try_block ||
	       tag == DW_TAG_catch_block;
}

static bool has_code_range(Dwarf_Die *die)
{
	return dwarf_hasattr(die, DW_AT_low_pc) ||
	       dwarf_hasattr(die, DW_AT_ranges);
}

/* Append to chain the scopes under parent that hold pc, outermost
 * first.  A block without addresses is looked through. */
static size_t descend(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *chain,
		      size_t n, size_t max)
{
	Dwarf_Die child;

	if (n == max || dwarf_child(parent, &child) != 0)
		return n;
	do {
		if (!is_scope(dwarf_tag(&child)))
			continue;
		if (has_code_range(&child)) {
			if (dwarf_haspc(&child, pc) != 1)
				continue;
			chain[n] = child;
			return descend(&chain[n], pc, chain, n + 1, max);
		} else {
			size_t m = descend(&child, pc, chain, n, max);

			if (m > n)
				return m;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

size_t scope_chain(struct scope_index *x, Dwarf_Die *cudie, Dwarf_Addr pc,
		   Dwarf_Die *chain, size_t max)
{
	struct cu_funcs *f = cu_funcs_get(x, cudie);
	size_t lo = 0, hi = f->n;

	if (max == 0)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->ranges[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || pc >= f->ranges[lo - 1].hi)
		return 0;
	chain[0] = f->ranges[lo - 1].die;
	return descend(&chain[0], pc, chain, 1, max);
}
