/* symbolize_symtab.c: a module's function symbols, sorted for lookup. */
#include "config.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "symbolize_priv.h"

struct sym_entry {
	uint64_t addr;
	uint64_t size;
	const char *name;	/* owned by the module's ELF data */
	unsigned rank;		/* lower is the better name of an address */
};

struct sym_table {
	struct sym_entry *entries;
	size_t n;
};

/*
 * Aliases share an address (glibc's malloc and __libc_malloc): show the
 * name a programmer calls, a global one with the fewest leading
 * underscores.
 */
static unsigned sym_rank(const GElf_Sym *sym, const char *name)
{
	unsigned rank, underscores = 0;

	switch (GELF_ST_BIND(sym->st_info)) {
	case STB_GLOBAL: rank = 0; break;
	case STB_WEAK: rank = 1; break;
	default: rank = 2; break;
	}
	while (name[underscores] == '_' && underscores < 3)
		underscores++;
	return rank * 4 + underscores;
}

static int sym_entry_cmp(const void *a, const void *b)
{
	const struct sym_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct sym_table *sym_table_build(Dwfl_Module *mod)
{
	struct sym_table *t = xcalloc(1, sizeof(*t));
	int count = dwfl_module_getsymtab(mod), i;
	size_t alloc = 0, out;

	for (i = 1; i < count; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name;
		int type;

		name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx,
					       NULL, NULL);
		if (!name || !name[0] || shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_FUNC && type != STT_GNU_IFUNC)
			continue;
		if (t->n == alloc)
			t->entries = xgrow(t->entries, &alloc, t->n + 1,
					   sizeof(*t->entries));
		t->entries[t->n++] = (struct sym_entry){
			.addr = addr,
			.size = sym.st_size,
			.name = name,
			.rank = sym_rank(&sym, name),
		};
	}
	if (t->n)
		qsort(t->entries, t->n, sizeof(*t->entries), sym_entry_cmp);
	/* One entry an address: the best name, the largest size. */
	for (out = 0, i = 0; (size_t)i < t->n; i++) {
		if (out > 0 && t->entries[out - 1].addr == t->entries[i].addr) {
			if (t->entries[i].size > t->entries[out - 1].size)
				t->entries[out - 1].size = t->entries[i].size;
			continue;
		}
		t->entries[out++] = t->entries[i];
	}
	t->n = out;
	return t;
}

void sym_table_free(struct sym_table *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t);
}

const char *sym_table_lookup(const struct sym_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;
	const struct sym_entry *e;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->entries[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e = &t->entries[lo - 1];
	if (e->size > 0)
		return addr < e->addr + e->size ? e->name : NULL;
	/* A symbol without a size (hand-written assembly) reaches to the
	 * next one. */
	return e->name;
}
