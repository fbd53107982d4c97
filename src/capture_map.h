/* capture_map.h: interning small fixed-size keys to dense indexes. */
#ifndef MEMATTACH_CAPTURE_MAP_H
#define MEMATTACH_CAPTURE_MAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The reader and the analysis aggregate by composite ids (a stack pair, a
 * (stack, native stack, thread, kind) record, a (location, thread)
 * pair...).  A keymap gives each distinct key of nwords 32-bit words a
 * dense index from 0, in order of first insertion, so that the values can
 * live in plain arrays beside it.  Open addressing with linear probing;
 * nothing is ever removed.
 */
struct keymap {
	unsigned nwords;	/* words per key */
	uint32_t *keys;		/* count * nwords words, by index */
	size_t count;
	size_t keys_cap;	/* in keys */
	uint32_t *slots;	/* index + 1, 0 = empty */
	size_t nslots;		/* power of two */
};

void keymap_init(struct keymap *m, unsigned nwords);
void keymap_free(struct keymap *m);
/* Index of key, inserting it if new; *added (may be NULL) says which. */
uint32_t keymap_intern(struct keymap *m, const uint32_t *key, int *added);
/* Index of key, or UINT32_MAX if absent. */
uint32_t keymap_find(const struct keymap *m, const uint32_t *key);
static inline const uint32_t *keymap_key(const struct keymap *m, uint32_t i)
{
	return m->keys + (size_t)i * m->nwords;
}

/* A good 64-bit mix (splitmix64's finalizer), shared by the hash tables. */
static inline uint64_t map_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

#endif /* MEMATTACH_CAPTURE_MAP_H */
