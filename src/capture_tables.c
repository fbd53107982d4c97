/* capture_tables.c: a capture's metadata: strings, frames, stack tries,
 * threads, mappings, header lines, and stacks turned into locations. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture_priv.h"
#include "error.h"
#include "symbolize.h"

#define EVAL_FUNCTION "_PyEval_EvalFrameDefault"
#define MAX_INLINE 16
#define NO_FRAME "[no Python frame]"
#define LOC_CHUNK 1024

/* Grow a table indexed by id so that id fits; returns -1 if id is not
 * plausible (0, or far beyond the ids seen so far). */
static int fit_id(void **arr, size_t *n, size_t *capacity, uint64_t id,
		  size_t size)
{
	if (id == 0 || id > UINT32_MAX - 1 || id >= *n + ID_SLACK)
		return -1;
	if (id >= *n) {
		*arr = xgrow(*arr, capacity, (size_t)id + 1, size);
		memset((char *)*arr + *n * size, 0,
		       ((size_t)id + 1 - *n) * size);
		*n = (size_t)id + 1;
	}
	return 0;
}

int cap_define_string(struct capture *cap, uint64_t id, const uint8_t *s,
		      size_t len)
{
	char *copy;

	if (fit_id((void **)&cap->strings, &cap->nstrings, &cap->strings_cap,
		   id, sizeof(*cap->strings)))
		return -1;
	if (cap->strings[id])
		return 0;	/* first definition wins */
	copy = xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = 0;
	cap->strings[id] = copy;
	return 0;
}

int cap_define_frame(struct capture *cap, uint64_t id, uint64_t function,
		     uint64_t file, uint64_t line)
{
	struct cap_frame *f;

	if (function > UINT32_MAX || file > UINT32_MAX || line > UINT32_MAX ||
	    fit_id((void **)&cap->frames, &cap->nframes, &cap->frames_cap, id,
		   sizeof(*cap->frames)))
		return -1;
	f = &cap->frames[id];
	if (f->defined)
		return 0;
	*f = (struct cap_frame){
		.function = (uint32_t)function, .file = (uint32_t)file,
		.line = (uint32_t)line, .loc = UINT32_MAX, .defined = true,
	};
	return 0;
}

int cap_define_node(struct capture *cap, uint64_t id, uint64_t parent,
		    uint64_t frame, bool entry)
{
	struct cap_node *n;

	/* A trie node is created after its parent, so parent < id; this
	 * also guarantees that walking up a stack ends. */
	if (parent >= id || frame > UINT32_MAX ||
	    fit_id((void **)&cap->nodes, &cap->nnodes, &cap->nodes_cap, id,
		   sizeof(*cap->nodes)))
		return -1;
	n = &cap->nodes[id];
	if (n->defined)
		return 0;
	*n = (struct cap_node){
		.parent = (uint32_t)parent, .frame = (uint32_t)frame,
		.entry = entry, .defined = true,
	};
	return 0;
}

int cap_define_native_node(struct capture *cap, uint64_t id,
			   uint64_t parent, uint64_t pc)
{
	struct cap_native_node *n;

	if (parent >= id ||
	    fit_id((void **)&cap->native_nodes, &cap->nnative,
		   &cap->native_cap, id, sizeof(*cap->native_nodes)))
		return -1;
	n = &cap->native_nodes[id];
	if (n->defined)
		return 0;
	*n = (struct cap_native_node){
		.pc = pc, .parent = (uint32_t)parent, .defined = true,
	};
	return 0;
}

int cap_add_mapping(struct capture *cap, uint64_t start, uint64_t end,
		    uint64_t offset, uint64_t path, const uint8_t *build_id,
		    size_t build_id_len)
{
	struct cap_mapping *m;

	if (start >= end || path > UINT32_MAX || build_id_len > 64)
		return -1;
	cap->mappings = xgrow(cap->mappings, &cap->mappings_cap,
			      cap->nmappings + 1, sizeof(*cap->mappings));
	m = &cap->mappings[cap->nmappings++];
	*m = (struct cap_mapping){
		.start = start, .end = end, .offset = offset,
		.path = (uint32_t)path, .build_id_len = build_id_len,
	};
	if (build_id_len) {
		m->build_id = xmalloc(build_id_len);
		memcpy(m->build_id, build_id, build_id_len);
	}
	return 0;
}

void cap_add_kv_text(struct capture *cap, const uint8_t *s, size_t len)
{
	const uint8_t *end = s + len;

	while (s < end) {
		const uint8_t *nl = memchr(s, '\n', (size_t)(end - s));
		const uint8_t *line_end = nl ? nl : end;
		const uint8_t *eq = memchr(s, '=', (size_t)(line_end - s));

		if (eq && eq > s) {
			struct cap_kv *kv;

			cap->kv = xgrow(cap->kv, &cap->kv_cap, cap->nkv + 1,
					sizeof(*cap->kv));
			kv = &cap->kv[cap->nkv++];
			kv->key = xmalloc((size_t)(eq - s) + 1);
			memcpy(kv->key, s, (size_t)(eq - s));
			kv->key[eq - s] = 0;
			kv->value = xmalloc((size_t)(line_end - eq));
			memcpy(kv->value, eq + 1, (size_t)(line_end - eq - 1));
			kv->value[line_end - eq - 1] = 0;
		}
		s = nl ? nl + 1 : end;
	}
}

const char *capture_header(const struct capture *cap, const char *key)
{
	size_t i;

	/* memattach's own header comes first, then the payload's info. */
	for (i = 0; i < cap->nkv; i++)
		if (!strcmp(cap->kv[i].key, key))
			return cap->kv[i].value;
	return NULL;
}

static size_t thread_slot(struct capture *cap, uint32_t tid)
{
	int added;
	uint32_t i = keymap_intern(&cap->tid_index, &tid, &added);

	if (added) {
		size_t old = cap->threads_cap;

		cap->tids = xgrow(cap->tids, &cap->threads_cap,
				  cap->nthreads + 1, sizeof(*cap->tids));
		if (cap->threads_cap != old) {
			size_t c = old;

			cap->thread_names = xgrow(cap->thread_names, &c,
						  cap->threads_cap,
						  sizeof(char *));
		}
		cap->tids[cap->nthreads] = tid;
		cap->thread_names[cap->nthreads] = NULL;
		cap->nthreads++;
	}
	return i;
}

void cap_note_thread(struct capture *cap, uint32_t tid)
{
	thread_slot(cap, tid);
}

void cap_set_thread_name(struct capture *cap, uint32_t tid,
			 const uint8_t *s, size_t len)
{
	size_t i = thread_slot(cap, tid);
	char *name = xmalloc(len + 1);

	memcpy(name, s, len);
	name[len] = 0;
	/* A thread may be renamed; the last name is the one it had. */
	free(cap->thread_names[i]);
	cap->thread_names[i] = name;
}

size_t capture_thread_count(const struct capture *cap)
{
	return cap->nthreads;
}

uint32_t capture_thread_tid(const struct capture *cap, size_t i)
{
	return i < cap->nthreads ? cap->tids[i] : 0;
}

const char *capture_thread_name(const struct capture *cap, uint32_t tid)
{
	uint32_t i = keymap_find(&cap->tid_index, &tid);

	return i == UINT32_MAX ? NULL : cap->thread_names[i];
}

bool cap_stack_ids_ok(const struct capture *cap, uint64_t stack,
		      uint64_t native_stack)
{
	return stack < cap->nnodes + ID_SLACK &&
	       native_stack < cap->nnative + ID_SLACK;
}

const char *capture_kind_name(unsigned kind)
{
	static const char *const names[KIND_MAX] = {
		[KIND_MALLOC] = "MALLOC",
		[KIND_CALLOC] = "CALLOC",
		[KIND_REALLOC] = "REALLOC",
		[KIND_POSIX_MEMALIGN] = "POSIX_MEMALIGN",
		[KIND_ALIGNED_ALLOC] = "ALIGNED_ALLOC",
		[KIND_MEMALIGN] = "MEMALIGN",
		[KIND_VALLOC] = "VALLOC",
		[KIND_PVALLOC] = "PVALLOC",
		[KIND_MMAP] = "MMAP",
		[KIND_FREE] = "FREE",
		[KIND_MUNMAP] = "MUNMAP",
		[KIND_PYMALLOC_RAW] = "PYMALLOC_RAW",
		[KIND_PYMALLOC_MEM] = "PYMALLOC_MEM",
		[KIND_PYMALLOC_OBJ] = "PYMALLOC_OBJ",
	};

	return kind < KIND_MAX && names[kind] ? names[kind] : "UNKNOWN";
}

/* ---- locations ------------------------------------------------------ */

/* Locations live in fixed chunks so that the pointers capture_location()
 * hands out stay valid while more are added. */
static struct capture_location *loc_at(const struct capture *cap, size_t i)
{
	return &cap->loc_chunks[i / LOC_CHUNK][i % LOC_CHUNK];
}

static uint64_t loc_hash(const char *function, const char *file,
			 uint32_t line)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	const char *s;

	for (s = function; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (s = file; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return map_mix64(h ^ line);
}

static void loc_rehash(struct capture *cap, size_t nslots)
{
	size_t i;

	free(cap->loc_slots);
	cap->loc_slots = xcalloc(nslots, sizeof(*cap->loc_slots));
	cap->loc_nslots = nslots;
	for (i = 0; i < cap->nlocations; i++) {
		const struct capture_location *l = loc_at(cap, i);
		size_t s = loc_hash(l->function, l->file, l->line) &
			   (nslots - 1);

		while (cap->loc_slots[s])
			s = (s + 1) & (nslots - 1);
		cap->loc_slots[s] = (uint32_t)i + 1;
	}
}

static uint32_t intern_location(struct capture *cap, const char *function,
				const char *file, uint32_t line, bool native)
{
	struct capture_location *l;
	size_t s, mask;
	uint64_t h;

	if ((cap->nlocations + 1) * 2 > cap->loc_nslots)
		loc_rehash(cap, cap->loc_nslots ? cap->loc_nslots * 2 : 256);
	mask = cap->loc_nslots - 1;
	h = loc_hash(function, file, line);
	for (s = h & mask; cap->loc_slots[s]; s = (s + 1) & mask) {
		l = loc_at(cap, cap->loc_slots[s] - 1);
		if (l->line == line && !strcmp(l->function, function) &&
		    !strcmp(l->file, file))
			return cap->loc_slots[s] - 1;
	}
	if (cap->nlocations % LOC_CHUNK == 0) {
		size_t nchunks = cap->nlocations / LOC_CHUNK;

		cap->loc_chunks = xrealloc(cap->loc_chunks,
					   (nchunks + 1) * sizeof(void *));
		cap->loc_chunks[nchunks] =
			xmalloc(LOC_CHUNK * sizeof(struct capture_location));
	}
	l = loc_at(cap, cap->nlocations);
	*l = (struct capture_location){
		.function = xstrdup(function), .file = xstrdup(file),
		.line = line, .native = native,
	};
	cap->loc_slots[s] = (uint32_t)cap->nlocations + 1;
	return (uint32_t)cap->nlocations++;
}

size_t capture_location_count(const struct capture *cap)
{
	return cap->nlocations;
}

const struct capture_location *capture_location(const struct capture *cap,
						uint32_t loc)
{
	return loc < cap->nlocations ? loc_at(cap, loc) : NULL;
}

static const char *string_or(const struct capture *cap, uint32_t id,
			     const char *fallback)
{
	return id < cap->nstrings && cap->strings[id] ? cap->strings[id]
						       : fallback;
}

static uint32_t frame_location(struct capture *cap, uint32_t frame)
{
	struct cap_frame *f;

	if (frame >= cap->nframes || !cap->frames[frame].defined)
		return intern_location(cap, "<unknown>", "<unknown>", 0,
				       false);
	f = &cap->frames[frame];
	if (f->loc == UINT32_MAX)
		f->loc = intern_location(cap,
					 string_or(cap, f->function, "<unknown>"),
					 string_or(cap, f->file, "<unknown>"),
					 f->line, false);
	return f->loc;
}

/* ---- native frames -------------------------------------------------- */

static const struct cap_mapping *find_mapping(const struct capture *cap,
					      uint64_t pc)
{
	size_t i;

	/* Newest first: a library loaded again at an old range wins. */
	for (i = cap->nmappings; i-- > 0;)
		if (pc >= cap->mappings[i].start && pc < cap->mappings[i].end)
			return &cap->mappings[i];
	return NULL;
}

static void symbolizer_start(struct capture *cap)
{
	size_t i;

	cap->sym_tried = true;
	cap->sym = symbolizer_new();
	if (!cap->sym)
		return;
	for (i = 0; i < cap->nmappings; i++) {
		const struct cap_mapping *m = &cap->mappings[i];

		symbolizer_add_mapping(cap->sym, m->start, m->end, m->offset,
				       string_or(cap, m->path, ""),
				       m->build_id, m->build_id_len);
	}
}

/*
 * Resolve one native pc into locations, innermost first.  Returns how many
 * were written to out (at least 1) and whether the containing function is
 * the interpreter's eval loop.
 */
static size_t native_locations(struct capture *cap, uint64_t pc,
			       bool return_address, uint32_t *out,
			       bool *is_eval)
{
	struct sym_frame frames[MAX_INLINE];
	const struct cap_mapping *m;
	size_t n, i;
	char name[512];

	if (!cap->sym_tried)
		symbolizer_start(cap);
	if (cap->sym) {
		n = symbolizer_resolve(cap->sym, pc, return_address, frames,
				       MAX_INLINE);
		if (n > 0) {
			for (i = 0; i < n; i++)
				out[i] = intern_location(cap,
					frames[i].function ? frames[i].function
							   : "<unknown>",
					frames[i].file ? frames[i].file : "",
					frames[i].line, true);
			*is_eval = frames[n - 1].function &&
				   !strcmp(frames[n - 1].function,
					   EVAL_FUNCTION);
			return n;
		}
	}
	/* No symbolizer: name the frame by module and offset, which is
	 * stable across runs and enough to look up by hand. */
	*is_eval = false;
	m = find_mapping(cap, pc);
	if (m) {
		const char *path = string_or(cap, m->path, "?");
		const char *base = strrchr(path, '/');

		snprintf(name, sizeof(name), "%s+0x%llx", base ? base + 1 : path,
			 (unsigned long long)(pc - m->start + m->offset));
		out[0] = intern_location(cap, name, path, 0, true);
	} else {
		snprintf(name, sizeof(name), "0x%llx", (unsigned long long)pc);
		out[0] = intern_location(cap, name, "", 0, true);
	}
	return 1;
}

/* ---- stacks into locations ------------------------------------------ */

struct loc_list {
	uint32_t *v;
	size_t n, cap;
};

static void list_push(struct loc_list *l, uint32_t loc)
{
	if (l->n == l->cap)
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = loc;
}

/* Python frames of stack, innermost first, with their entry flags. */
static void python_frames(struct capture *cap, uint32_t stack,
			  struct loc_list *locs, struct loc_list *entry)
{
	uint32_t id = stack;

	while (id) {
		const struct cap_node *n;

		if (id >= cap->nnodes || !cap->nodes[id].defined) {
			list_push(locs, intern_location(cap, "<unknown>",
							"<unknown>", 0, false));
			list_push(entry, 1);
			break;
		}
		n = &cap->nodes[id];
		list_push(locs, frame_location(cap, n->frame));
		list_push(entry, n->entry);
		id = n->parent;
	}
}

/* Append Python frames [lo, hi] (innermost-first indexes) to out. */
static void push_range(struct loc_list *out, const struct loc_list *py,
		       size_t lo, size_t hi)
{
	size_t i;

	for (i = lo; i <= hi; i++)
		list_push(out, py->v[i]);
}

/*
 * Merge Python and native frames in call order.  Each C-level call of the
 * eval loop runs one group of Python frames (from an entry frame to just
 * before the next one), so each native _PyEval_EvalFrameDefault frame is
 * replaced by its group.  Groups are matched from the innermost end: a
 * native stack cut at the unwinder's depth limit loses its outermost
 * frames, and the Python groups left over are then the outermost ones.
 */
static void merged_frames(struct capture *cap, uint32_t stack,
			  uint32_t native_stack, struct loc_list *out)
{
	struct loc_list py = { 0 }, entry = { 0 }, starts = { 0 };
	uint32_t id = native_stack, frames[MAX_INLINE];
	size_t i, g;
	bool innermost = true;

	python_frames(cap, stack, &py, &entry);
	/* Group starts, outermost group first, as innermost-first indexes
	 * of each group's outermost frame. */
	for (i = py.n; i-- > 0;)
		if (i == py.n - 1 || entry.v[i])
			list_push(&starts, (uint32_t)i);
	g = starts.n;	/* groups left, innermost is starts[g - 1] */
	while (id) {
		const struct cap_native_node *n;
		bool is_eval;
		size_t k;

		if (id >= cap->nnative || !cap->native_nodes[id].defined)
			break;
		n = &cap->native_nodes[id];
		k = native_locations(cap, n->pc, !innermost, frames, &is_eval);
		innermost = false;
		if (is_eval && g > 0) {
			size_t lo = g < starts.n ? starts.v[g] + 1 : 0;

			push_range(out, &py, lo, starts.v[g - 1]);
			g--;
		} else {
			for (i = 0; i < k; i++)
				list_push(out, frames[i]);
		}
		id = n->parent;
	}
	if (g > 0) {
		size_t lo = g < starts.n ? starts.v[g] + 1 : 0;

		push_range(out, &py, lo, py.n - 1);
	}
	free(py.v);
	free(entry.v);
	free(starts.v);
}

size_t capture_stack_locations(struct capture *cap, uint32_t stack,
			       uint32_t native_stack, bool show_native,
			       uint32_t *out, size_t max)
{
	uint32_t key[3] = { stack, 0, 0 };
	uint32_t idx;
	uint64_t span, off, depth;
	int added;

	if (show_native && native_stack) {
		key[1] = native_stack;
		key[2] = 1;
	}
	idx = keymap_intern(&cap->stack_cache, key, &added);
	if (added) {
		struct loc_list l = { 0 }, entry = { 0 };

		if (key[2])
			merged_frames(cap, stack, native_stack, &l);
		else
			python_frames(cap, stack, &l, &entry);
		free(entry.v);
		/* Memory allocated with no frame at all (a C thread, the
		 * interpreter's start-up) still needs a row of its own. */
		if (!l.n)
			list_push(&l, intern_location(cap, NO_FRAME, "", 0,
						      false));
		if (l.n > 0xffffff)
			l.n = 0xffffff;
		cap->stack_locs = xgrow(cap->stack_locs, &cap->stack_locs_cap,
					cap->nstack_locs + l.n,
					sizeof(*cap->stack_locs));
		if (l.n)
			memcpy(cap->stack_locs + cap->nstack_locs, l.v,
			       l.n * sizeof(*l.v));
		cap->stack_spans = xgrow(cap->stack_spans,
					 &cap->stack_spans_cap, (size_t)idx + 1,
					 sizeof(*cap->stack_spans));
		cap->stack_spans[idx] = (uint64_t)cap->nstack_locs << 24 | l.n;
		cap->nstack_locs += l.n;
		free(l.v);
	}
	span = cap->stack_spans[idx];
	off = span >> 24;
	depth = span & 0xffffff;
	if (out && max)
		memcpy(out, cap->stack_locs + off,
		       (depth < max ? depth : max) * sizeof(*out));
	return (size_t)depth;
}

void cap_tables_free(struct capture *cap)
{
	size_t i;

	for (i = 0; i < cap->nstrings; i++)
		free(cap->strings[i]);
	free(cap->strings);
	free(cap->frames);
	free(cap->nodes);
	free(cap->native_nodes);
	for (i = 0; i < cap->nmappings; i++)
		free(cap->mappings[i].build_id);
	free(cap->mappings);
	for (i = 0; i < cap->nkv; i++) {
		free(cap->kv[i].key);
		free(cap->kv[i].value);
	}
	free(cap->kv);
	for (i = 0; i < cap->nthreads; i++)
		free(cap->thread_names[i]);
	free(cap->tids);
	free(cap->thread_names);
	keymap_free(&cap->tid_index);
	for (i = 0; i < cap->nlocations; i++) {
		struct capture_location *l = loc_at(cap, i);

		free((char *)l->function);
		free((char *)l->file);
	}
	for (i = 0; i < (cap->nlocations + LOC_CHUNK - 1) / LOC_CHUNK; i++)
		free(cap->loc_chunks[i]);
	free(cap->loc_chunks);
	free(cap->loc_slots);
	keymap_free(&cap->stack_cache);
	free(cap->stack_spans);
	free(cap->stack_locs);
	if (cap->sym)
		symbolizer_free(cap->sym);
}

size_t capture_stack_locations_buf(struct capture *cap, uint32_t stack,
				   uint32_t native_stack, bool show_native,
				   uint32_t **buf, size_t *len)
{
	size_t depth = capture_stack_locations(cap, stack, native_stack,
					       show_native, *buf, *len);

	if (depth > *len) {
		*buf = xgrow(*buf, len, depth, sizeof(**buf));
		capture_stack_locations(cap, stack, native_stack, show_native,
					*buf, *len);
	}
	return depth;
}
