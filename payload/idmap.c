/* idmap.c: linear probing, grown at half load. */
#include "config.h"

#include <string.h>

#include "idmap.h"
#include "real_alloc.h"

static size_t slot_of(uint64_t a, uint64_t b, size_t cap)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (size_t)h & (cap - 1);
}

uint32_t idmap_get(const struct idmap *m, uint64_t a, uint64_t b)
{
	size_t i;

	if (!m->cap)
		return 0;
	for (i = slot_of(a, b, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->id[i])
			return 0;
		if (m->k1[i] == a && m->k2[i] == b)
			return m->id[i];
	}
}

static void insert(struct idmap *m, uint64_t a, uint64_t b, uint32_t id)
{
	size_t i = slot_of(a, b, m->cap);

	while (m->id[i])
		i = (i + 1) & (m->cap - 1);
	m->k1[i] = a;
	m->k2[i] = b;
	m->id[i] = id;
	m->n++;
}

static int grow(struct idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i;
	struct idmap n = { 0 };

	n.k1 = real.malloc(cap * sizeof(uint64_t));
	n.k2 = real.malloc(cap * sizeof(uint64_t));
	n.id = real.calloc(cap, sizeof(uint32_t));
	n.cap = cap;
	if (!n.k1 || !n.k2 || !n.id) {
		real.free(n.k1);
		real.free(n.k2);
		real.free(n.id);
		return -1;
	}
	for (i = 0; i < m->cap; i++)
		if (m->id[i])
			insert(&n, m->k1[i], m->k2[i], m->id[i]);
	real.free(m->k1);
	real.free(m->k2);
	real.free(m->id);
	*m = n;
	return 0;
}

int idmap_put(struct idmap *m, uint64_t a, uint64_t b, uint32_t id)
{
	if (2 * (m->n + 1) > m->cap && grow(m))
		return -1;
	insert(m, a, b, id);
	return 0;
}

void idmap_clear(struct idmap *m)
{
	if (m->cap)
		memset(m->id, 0, m->cap * sizeof(uint32_t));
	m->n = 0;
}
