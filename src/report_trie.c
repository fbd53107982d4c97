/* report_trie.c: the view's stacks as a tree from the root, for the tree
 * and folded reports. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture_map.h"
#include "error.h"
#include "report_text.h"

static uint32_t node_for(struct report_trie *t, struct keymap *children,
			 size_t *cap, uint32_t parent, uint32_t loc)
{
	uint32_t key[2] = { parent, loc };
	int added;
	uint32_t n = keymap_intern(children, key, &added) + 1;

	if (!added)
		return n;
	if (n >= *cap) {
		size_t c = *cap;

#define GROW(field) do { c = *cap; \
	t->field = xgrow(t->field, &c, (size_t)n + 1, sizeof(*t->field)); \
	} while (0)
		GROW(loc);
		GROW(parent);
		GROW(bytes);
		GROW(count);
		GROW(own_bytes);
		GROW(own_count);
		GROW(first_child);
		GROW(next_sibling);
#undef GROW
		*cap = c;
	}
	t->loc[n] = loc;
	t->parent[n] = parent;
	t->bytes[n] = t->count[n] = t->own_bytes[n] = t->own_count[n] = 0;
	t->first_child[n] = 0;
	/* Children are chained newest first; reports sort them anyway. */
	t->next_sibling[n] = t->first_child[parent];
	t->first_child[parent] = n;
	t->n = (size_t)n + 1;
	return n;
}

void report_trie_build(struct report_trie *t, struct capture *cap,
		       const struct analysis *a, bool show_native)
{
	struct keymap children;
	uint32_t *locs = NULL;
	size_t lcap = 0, tcap = 16, i;

	memset(t, 0, sizeof(*t));
	keymap_init(&children, 2);
	t->loc = xcalloc(tcap, sizeof(*t->loc));
	t->parent = xcalloc(tcap, sizeof(*t->parent));
	t->bytes = xcalloc(tcap, sizeof(*t->bytes));
	t->count = xcalloc(tcap, sizeof(*t->count));
	t->own_bytes = xcalloc(tcap, sizeof(*t->own_bytes));
	t->own_count = xcalloc(tcap, sizeof(*t->own_count));
	t->first_child = xcalloc(tcap, sizeof(*t->first_child));
	t->next_sibling = xcalloc(tcap, sizeof(*t->next_sibling));
	t->n = 1;
	t->loc[0] = UINT32_MAX;
	for (i = 0; i < a->nrecords; i++) {
		const struct analysis_record *r = &a->records[i];
		size_t depth, j;
		uint32_t node = 0;

		depth = capture_stack_locations_buf(
			cap, r->stack, r->native_stack, show_native,
			&locs, &lcap);
		t->bytes[0] += r->bytes;
		t->count[0] += r->count;
		/* Stacks are innermost first; the tree grows from the
		 * outermost frame. */
		for (j = depth; j-- > 0;) {
			node = node_for(t, &children, &tcap, node, locs[j]);
			t->bytes[node] += r->bytes;
			t->count[node] += r->count;
		}
		t->own_bytes[node] += r->bytes;
		t->own_count[node] += r->count;
	}
	keymap_free(&children);
	free(locs);
}

void report_trie_free(struct report_trie *t)
{
	free(t->loc);
	free(t->parent);
	free(t->bytes);
	free(t->count);
	free(t->own_bytes);
	free(t->own_count);
	free(t->first_child);
	free(t->next_sibling);
	memset(t, 0, sizeof(*t));
}
