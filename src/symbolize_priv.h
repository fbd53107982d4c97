/* symbolize_priv.h: the pieces behind symbolize.h (cache, strings, ELF). */
#ifndef MEMATTACH_SYMBOLIZE_PRIV_H
#define MEMATTACH_SYMBOLIZE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "symbolize.h"

/*
 * Interned strings: a report names the same few thousand functions and
 * files millions of times, so each distinct string is stored once, in
 * blocks that never move (the pointers handed out stay valid).
 */
struct strtab {
	const char **slots;	/* open addressing, NULL = empty */
	size_t nslots;		/* a power of two */
	size_t count;
	char *block;		/* current block; older ones are chained */
	size_t block_used;
	size_t block_size;
};

void strtab_init(struct strtab *t);
void strtab_free(struct strtab *t);
const char *strtab_intern(struct strtab *t, const char *s);
const char *strtab_intern_fmt(struct strtab *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Resolved addresses: key = address and whether it was a return address
 * (the lookup differs), value = a run of frames in one shared array.
 */
struct addr_cache {
	struct addr_cache_slot *slots;
	size_t nslots;		/* a power of two */
	size_t count;
	struct sym_frame *frames;
	size_t nframes;
	size_t frames_alloc;
};

void addr_cache_init(struct addr_cache *c);
void addr_cache_free(struct addr_cache *c);
/* Forget every address (the module map changed); strings stay. */
void addr_cache_clear(struct addr_cache *c);
/* The frames of a cached address and their count, or NULL. */
const struct sym_frame *addr_cache_find(const struct addr_cache *c,
					uint64_t addr, bool return_address,
					size_t *count);
/* Store count frames for an address; returns the stored copy. */
const struct sym_frame *addr_cache_add(struct addr_cache *c, uint64_t addr,
				       bool return_address,
				       const struct sym_frame *frames,
				       size_t count);

/* What symbolization needs from an ELF file on disk. */
#define SYM_BUILD_ID_MAX 64
struct elf_layout {
	bool is_exec;		/* ET_EXEC: loaded at its link address */
	uint8_t build_id[SYM_BUILD_ID_MAX];
	size_t build_id_len;	/* 0 if the file has no build-id note */
	size_t nloads;
	struct elf_load {
		uint64_t vaddr;
		uint64_t offset;
		uint64_t filesz;
		uint64_t align;
	} loads[16];
};

/* Read path's type, PT_LOAD segments and build-id; -1 if it is not an
 * ELF file we can read (errno-free: the caller only needs to know). */
int elf_layout_read(const char *path, struct elf_layout *out);

/*
 * The load bias of a file mapped at start from file offset: the
 * difference between run-time and link-time addresses.  false if no
 * PT_LOAD segment starts at that offset.
 */
bool elf_layout_bias(const struct elf_layout *l, uint64_t start,
		     uint64_t offset, uint64_t *bias);

/*
 * A module's function symbols sorted by address.  libdwfl's own lookup
 * (dwfl_module_addrinfo) scans the whole table on every call, which
 * costs ~0.4 ms an address on python3.11; this costs a binary search.
 */
struct sym_table;

struct sym_table *sym_table_build(Dwfl_Module *mod);
void sym_table_free(struct sym_table *t);
/* The function symbol around addr (a module address), or NULL. */
const char *sym_table_lookup(const struct sym_table *t, uint64_t addr);

/*
 * The chain of scopes around a pc in one CU, outermost first: the
 * subprogram, then the lexical blocks and inlined subroutines inside it.
 * Each CU's functions are indexed by address once (dwarf_getscopes
 * walks the whole CU on every call).
 */
struct scope_index;

struct scope_index *scope_index_new(void);
void scope_index_free(struct scope_index *x);
/* Fills chain (up to max) and returns its length; 0 if no subprogram
 * of the CU holds pc. */
size_t scope_chain(struct scope_index *x, Dwarf_Die *cudie, Dwarf_Addr pc,
		   Dwarf_Die *chain, size_t max);

#endif /* MEMATTACH_SYMBOLIZE_PRIV_H */
