/* addr_table.h: the live allocations of a replay, found by address. */
#ifndef MEMATTACH_ADDR_TABLE_H
#define MEMATTACH_ADDR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Heap blocks (malloc and friends) are freed by their exact address, so
 * they live in an open-addressing hash: addr -> (size, record).  "record"
 * is the caller's id for what the block is attributed to.
 */
struct addr_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t rec;
	uint32_t used;
};

struct addr_table {
	struct addr_entry *slots;
	size_t nslots;		/* power of two */
	size_t count;
};

void addr_table_init(struct addr_table *t);
void addr_table_free(struct addr_table *t);
/* Insert; an address already present (its free was never seen) is
 * replaced and its old size returned through *old_size (else 0). */
void addr_table_put(struct addr_table *t, uint64_t addr, uint64_t size,
		    uint32_t rec, uint64_t *old_size);
/* Remove addr; false if it is not live (allocated before the capture). */
bool addr_table_take(struct addr_table *t, uint64_t addr, uint64_t *size,
		     uint32_t *rec);

/*
 * Mappings (mmap) can be unmapped in part, so they live in a table of
 * ranges sorted by start.  A process has few of them compared with heap
 * blocks, which keeps the sorted inserts cheap.
 */
struct addr_range {
	uint64_t start, end;	/* [start, end) */
	uint32_t rec;
};

struct range_table {
	struct addr_range *v;
	size_t n, cap;
};

void range_table_free(struct range_table *t);
/* Add [start, start + size); whatever it overlaps is unmapped first (a
 * MAP_FIXED mapping replaces the old one).  Returns the bytes removed. */
uint64_t range_table_add(struct range_table *t, uint64_t start,
			 uint64_t size, uint32_t rec);
/* Remove [start, start + size), splitting ranges as needed; size 0 means
 * the whole range that starts at start.  Returns the bytes removed. */
uint64_t range_table_remove(struct range_table *t, uint64_t start,
			    uint64_t size);

#endif /* MEMATTACH_ADDR_TABLE_H */
