/* symbolize_cache.c: interned strings and the per-address frame cache. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "symbolize_priv.h"

#define STRTAB_BLOCK (64 * 1024)

/* FNV-1a: strings here are short paths and names; it spreads them well
 * enough and costs nothing next to a DWARF lookup. */
static uint64_t hash_string(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
}

/* Blocks are chained through their first pointer-sized bytes. */
void strtab_free(struct strtab *t)
{
	char *b = t->block;

	while (b) {
		char *prev;

		memcpy(&prev, b, sizeof(prev));
		free(b);
		b = prev;
	}
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static char *strtab_store(struct strtab *t, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	if (!t->block || t->block_used + len > t->block_size) {
		size_t size = len + sizeof(char *) > STRTAB_BLOCK ?
			      len + sizeof(char *) : STRTAB_BLOCK;
		char *b = xmalloc(size);

		memcpy(b, &t->block, sizeof(char *));
		t->block = b;
		t->block_size = size;
		t->block_used = sizeof(char *);
	}
	p = t->block + t->block_used;
	memcpy(p, s, len);
	t->block_used += len;
	return p;
}

static void strtab_grow(struct strtab *t)
{
	size_t n = t->nslots * 2, i;
	const char **slots = xcalloc(n, sizeof(*slots));

	for (i = 0; i < t->nslots; i++) {
		size_t j;

		if (!t->slots[i])
			continue;
		j = hash_string(t->slots[i]) & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
}

const char *strtab_intern(struct strtab *t, const char *s)
{
	size_t i;

	if ((t->count + 1) * 2 > t->nslots)
		strtab_grow(t);
	i = hash_string(s) & (t->nslots - 1);
	while (t->slots[i]) {
		if (strcmp(t->slots[i], s) == 0)
			return t->slots[i];
		i = (i + 1) & (t->nslots - 1);
	}
	t->slots[i] = strtab_store(t, s);
	t->count++;
	return t->slots[i];
}

const char *strtab_intern_fmt(struct strtab *t, const char *fmt, ...)
{
	char buf[512], *big;
	const char *ret;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return strtab_intern(t, "");
	if ((size_t)len < sizeof(buf))
		return strtab_intern(t, buf);
	/* Long C++ names do exist: no truncation. */
	big = xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)len + 1, fmt, ap);
	va_end(ap);
	ret = strtab_intern(t, big);
	free(big);
	return ret;
}

struct addr_cache_slot {
	uint64_t key;		/* address << 1 | return_address; 0 = empty */
	uint32_t first;		/* index into frames */
	uint32_t count;
};

/* Address 0 as a non-return address would be key 0: tell it apart by
 * never storing it (it is never a real code address anyway). */
static uint64_t cache_key(uint64_t addr, bool return_address)
{
	return addr << 1 | (return_address ? 1u : 0u);
}

void addr_cache_init(struct addr_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->nslots = 4096;
	c->slots = xcalloc(c->nslots, sizeof(*c->slots));
}

void addr_cache_free(struct addr_cache *c)
{
	free(c->slots);
	free(c->frames);
	memset(c, 0, sizeof(*c));
}

void addr_cache_clear(struct addr_cache *c)
{
	memset(c->slots, 0, c->nslots * sizeof(*c->slots));
	c->count = 0;
	c->nframes = 0;
}

const struct sym_frame *addr_cache_find(const struct addr_cache *c,
					uint64_t addr, bool return_address,
					size_t *count)
{
	uint64_t key = cache_key(addr, return_address);
	size_t i = hash_u64(key) & (c->nslots - 1);

	if (key == 0)
		return NULL;
	while (c->slots[i].key) {
		if (c->slots[i].key == key) {
			*count = c->slots[i].count;
			return &c->frames[c->slots[i].first];
		}
		i = (i + 1) & (c->nslots - 1);
	}
	return NULL;
}

static void addr_cache_grow(struct addr_cache *c)
{
	size_t n = c->nslots * 2, i;
	struct addr_cache_slot *slots = xcalloc(n, sizeof(*slots));

	for (i = 0; i < c->nslots; i++) {
		size_t j;

		if (!c->slots[i].key)
			continue;
		j = hash_u64(c->slots[i].key) & (n - 1);
		while (slots[j].key)
			j = (j + 1) & (n - 1);
		slots[j] = c->slots[i];
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = n;
}

const struct sym_frame *addr_cache_add(struct addr_cache *c, uint64_t addr,
				       bool return_address,
				       const struct sym_frame *frames,
				       size_t count)
{
	uint64_t key = cache_key(addr, return_address);
	struct sym_frame *stored;
	size_t i;

	if (c->nframes + count > c->frames_alloc)
		c->frames = xgrow(c->frames, &c->frames_alloc,
				  c->nframes + count, sizeof(*c->frames));
	stored = &c->frames[c->nframes];
	memcpy(stored, frames, count * sizeof(*frames));
	if (key == 0)
		return stored;
	if ((c->count + 1) * 2 > c->nslots)
		addr_cache_grow(c);
	i = hash_u64(key) & (c->nslots - 1);
	while (c->slots[i].key)
		i = (i + 1) & (c->nslots - 1);
	c->slots[i] = (struct addr_cache_slot){
		.key = key,
		.first = (uint32_t)c->nframes,
		.count = (uint32_t)count,
	};
	c->count++;
	c->nframes += count;
	return stored;
}
