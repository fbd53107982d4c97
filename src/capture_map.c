/* capture_map.c: interning small fixed-size keys to dense indexes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture_map.h"
#include "error.h"

void keymap_init(struct keymap *m, unsigned nwords)
{
	memset(m, 0, sizeof(*m));
	m->nwords = nwords;
}

void keymap_free(struct keymap *m)
{
	free(m->keys);
	free(m->slots);
	keymap_init(m, m->nwords);
}

static uint64_t key_hash(const uint32_t *key, unsigned nwords)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	unsigned i;

	for (i = 0; i < nwords; i++)
		h = map_mix64(h ^ key[i]);
	return h;
}

static void rehash(struct keymap *m, size_t nslots)
{
	size_t i, mask = nslots - 1;

	free(m->slots);
	m->slots = xcalloc(nslots, sizeof(*m->slots));
	m->nslots = nslots;
	for (i = 0; i < m->count; i++) {
		size_t s = key_hash(keymap_key(m, (uint32_t)i), m->nwords) &
			   mask;

		while (m->slots[s])
			s = (s + 1) & mask;
		m->slots[s] = (uint32_t)i + 1;
	}
}

uint32_t keymap_find(const struct keymap *m, const uint32_t *key)
{
	size_t s, mask;

	if (!m->nslots)
		return UINT32_MAX;
	mask = m->nslots - 1;
	s = key_hash(key, m->nwords) & mask;
	while (m->slots[s]) {
		uint32_t i = m->slots[s] - 1;

		if (!memcmp(keymap_key(m, i), key, m->nwords * 4))
			return i;
		s = (s + 1) & mask;
	}
	return UINT32_MAX;
}

uint32_t keymap_intern(struct keymap *m, const uint32_t *key, int *added)
{
	uint32_t i = keymap_find(m, key);
	size_t s, mask;

	if (added)
		*added = i == UINT32_MAX;
	if (i != UINT32_MAX)
		return i;
	/* Keep the load under one half so that probes stay short. */
	if ((m->count + 1) * 2 > m->nslots)
		rehash(m, m->nslots ? m->nslots * 2 : 64);
	if (m->count + 1 > m->keys_cap)
		m->keys = xgrow(m->keys, &m->keys_cap, m->count + 1,
				m->nwords * sizeof(uint32_t));
	i = (uint32_t)m->count++;
	memcpy(m->keys + (size_t)i * m->nwords, key, m->nwords * 4);
	mask = m->nslots - 1;
	s = key_hash(key, m->nwords) & mask;
	while (m->slots[s])
		s = (s + 1) & mask;
	m->slots[s] = i + 1;
	return i;
}
