/* stacks.c: the tables behind stack ids, and the per-thread fast path. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "idmap.h"
#include "pyframes.h"
#include "stacks.h"
#include "stream.h"

static struct idmap strings;	/* (hash, length) -> string id */
static struct idmap code_pos;	/* (code, offset ^ identity) -> frame id */
static struct idmap frames;	/* (function<<32|file, line) -> frame id */
static struct idmap nodes;	/* (parent<<1|entry, frame) -> node id */
static struct idmap native_nodes;	/* (parent, pc) -> node id */
static uint32_t next_string, next_frame, next_node, next_native;
uint32_t stacks_generation = 1;

void stacks_reset(void)
{
	idmap_clear(&strings);
	idmap_clear(&code_pos);
	idmap_clear(&frames);
	idmap_clear(&nodes);
	idmap_clear(&native_nodes);
	next_string = next_frame = next_node = next_native = 0;
	stacks_generation++;	/* every thread's cache is stale now */
}

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint32_t stacks_string(const char *s, size_t len)
{
	uint64_t h = fnv1a(s, len);
	uint32_t id = idmap_get(&strings, h, len);

	if (id)
		return id;
	id = ++next_string;
	if (idmap_put(&strings, h, len, id))
		return 0;
	rec_string(id, s, len);
	return id;
}

static uint32_t frame_from_content(const struct py_frame_ref *f)
{
	char function[512], file[1024];
	uint32_t line, fid, fileid, id;

	pyframes_describe(f, function, sizeof(function), file, sizeof(file),
			  &line);
	fid = stacks_string(function, strlen(function));
	fileid = stacks_string(file, strlen(file));
	id = idmap_get(&frames, (uint64_t)fid << 32 | fileid, line);
	if (id)
		return id;
	id = ++next_frame;
	if (idmap_put(&frames, (uint64_t)fid << 32 | fileid, line, id))
		return 0;
	rec_frame(id, fid, fileid, line);
	return id;
}

/* The frame id of a (code, offset): by address first, checked against
 * the code object's identity since addresses are reused. */
static uint32_t frame_of(const struct py_frame_ref *f)
{
	struct py_code_identity ident;
	uint64_t key2;
	uint32_t id;

	pyframes_identity(f->code, &ident);
	key2 = ((uint64_t)(uint32_t)f->offset << 32) ^
	       (ident.name * 31 + ident.file) ^ (uint64_t)ident.firstlineno;
	id = idmap_get(&code_pos, f->code, key2);
	if (id)
		return id;
	id = frame_from_content(f);
	if (id && idmap_put(&code_pos, f->code, key2, id))
		return 0;
	return id;
}

static uint32_t python_node(uint32_t parent, uint32_t frame, bool entry)
{
	uint64_t k = (uint64_t)parent << 1 | entry;
	uint32_t id = idmap_get(&nodes, k, frame);

	if (id)
		return id;
	id = ++next_node;
	if (idmap_put(&nodes, k, frame, id))
		return 0;
	rec_node(id, parent, frame, entry);
	return id;
}

static uint64_t lost;

uint64_t stacks_lost(void)
{
	return lost;
}

static void sync_generation(struct thread_rec *t)
{
	if (t->generation != stacks_generation) {
		t->generation = stacks_generation;
		t->py.depth = 0;
		t->native.depth = 0;
	}
}

uint32_t stacks_python(struct thread_rec *t, size_t n)
{
	struct py_stack_cache *c = &t->py;
	uint32_t node = 0;
	size_t i = 0;

	sync_generation(t);
	/* Outer levels unchanged since the last event keep their nodes:
	 * same (code, offset) all the way from the root means same path. */
	for (; i < n && i < c->depth; i++) {
		const struct py_frame_ref *f = &t->frames[n - 1 - i];

		if (c->level[i].code != f->code ||
		    c->level[i].offset != f->offset ||
		    c->level[i].entry != f->entry)
			break;
		node = c->level[i].node;
	}
	for (; i < n; i++) {
		const struct py_frame_ref *f = &t->frames[n - 1 - i];
		uint32_t frame = frame_of(f);

		node = frame ? python_node(node, frame, f->entry) : 0;
		if (!node) {
			lost++;
			c->depth = 0;
			return 0;
		}
		c->level[i].code = f->code;
		c->level[i].offset = f->offset;
		c->level[i].entry = f->entry;
		c->level[i].node = node;
	}
	c->depth = (uint32_t)n;
	return node;
}

uint32_t stacks_native(struct thread_rec *t, size_t n)
{
	struct native_stack_cache *c = &t->native;
	uint32_t node = 0, id;
	size_t i = 0;

	sync_generation(t);
	for (; i < n && i < c->depth; i++) {
		if (c->level[i].pc != t->pcs[n - 1 - i])
			break;
		node = c->level[i].node;
	}
	for (; i < n; i++) {
		uintptr_t pc = t->pcs[n - 1 - i];

		id = idmap_get(&native_nodes, node, pc);
		if (!id) {
			id = ++next_native;
			if (idmap_put(&native_nodes, node, pc, id)) {
				lost++;
				c->depth = 0;
				return 0;
			}
			rec_native_node(id, node, pc);
		}
		node = id;
		c->level[i].pc = pc;
		c->level[i].node = node;
	}
	c->depth = (uint32_t)n;
	return node;
}

void stacks_name_thread_now(struct thread_rec *t)
{
	char path[64], name[64];
	ssize_t n;
	int fd;

	t->named = stacks_generation;
	snprintf(path, sizeof(path), "/proc/self/task/%u/comm", t->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, name, sizeof(name) - 1);
	close(fd);
	if (n <= 0)
		return;
	if (name[n - 1] == '\n')
		n--;
	name[n] = 0;
	rec_thread_name(t->tid, name);
}
