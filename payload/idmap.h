/* idmap.h: a small open-addressing hash map from a 128-bit key to an id. */
#ifndef PAYLOAD_IDMAP_H
#define PAYLOAD_IDMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every table of the payload (strings, frames, stack nodes) maps a pair of
 * 64-bit words to a dense id.  Id 0 marks an empty slot: ids start at 1,
 * as in the capture format.  Memory comes from libc's real allocator.
 */
struct idmap {
	uint64_t *k1, *k2;
	uint32_t *id;
	size_t cap, n;
};

/* The id of (a, b), or 0. */
uint32_t idmap_get(const struct idmap *m, uint64_t a, uint64_t b);
/* Insert (a, b) -> id (not present yet); -1 if out of memory. */
int idmap_put(struct idmap *m, uint64_t a, uint64_t b, uint32_t id);
/* Forget every entry (keeps the memory for the next capture). */
void idmap_clear(struct idmap *m);

#endif
