/* capture_priv.h: the reader's state, shared by its decoding and tables. */
#ifndef MEMATTACH_CAPTURE_PRIV_H
#define MEMATTACH_CAPTURE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "capture_map.h"

struct symbolizer;

/*
 * Ids are dense from 1 and a definition normally comes before any use.
 * The reader still accepts an id a little ahead of the ones seen (ID_SLACK)
 * so that a writer that emits definitions slightly out of order is not
 * "damage", while a corrupt id (say 2^31) cannot make a table balloon.
 */
#define ID_SLACK 65536u

struct cap_frame {
	uint32_t function;	/* string ids */
	uint32_t file;
	uint32_t line;
	uint32_t loc;		/* location id, UINT32_MAX until computed */
	bool defined;
};

struct cap_node {
	uint32_t parent;	/* always < own id, so walks end */
	uint32_t frame;
	bool entry;		/* WIRE_NODE_ENTRY: starts an eval group */
	bool defined;
};

struct cap_native_node {
	uint64_t pc;
	uint32_t parent;
	bool defined;
};

struct cap_mapping {
	uint64_t start, end, offset;
	uint32_t path;		/* string id */
	uint8_t *build_id;
	size_t build_id_len;
};

struct cap_kv {
	char *key;
	char *value;
};

struct capture {
	char *path;
	FILE *file;
	uint64_t file_size;

	/* Metadata.  Records are applied once: a replay skips metadata at
	 * stream offsets below meta_upto, which an earlier replay already
	 * applied, so that tables never see the same definition twice. */
	uint64_t meta_upto;
	char **strings;		/* by id; NULL = undefined */
	size_t nstrings, strings_cap;
	struct cap_frame *frames;
	size_t nframes, frames_cap;
	struct cap_node *nodes;
	size_t nnodes, nodes_cap;
	struct cap_native_node *native_nodes;
	size_t nnative, native_cap;
	struct cap_mapping *mappings;
	size_t nmappings, mappings_cap;
	struct cap_kv *kv;
	size_t nkv, kv_cap;
	uint32_t *tids;		/* in order of first appearance */
	char **thread_names;	/* parallel to tids */
	size_t nthreads, threads_cap;
	struct keymap tid_index;	/* tid -> index in tids */
	uint64_t lost;
	bool has_native;

	/* Results of the furthest replay. */
	uint64_t events;
	char *damage;
	bool complete;

	/* Locations (merged by text) and the per-stack cache. */
	struct capture_location **loc_chunks;	/* LOC_CHUNK each */
	size_t nlocations;
	uint32_t *loc_slots;	/* hash of location text, id + 1 */
	size_t loc_nslots;
	struct keymap stack_cache;	/* (stack, native, show) -> entry */
	uint64_t *stack_spans;	/* by entry: offset << 24 | depth */
	size_t stack_spans_cap;
	uint32_t *stack_locs;	/* the cached location lists */
	size_t nstack_locs, stack_locs_cap;
	struct symbolizer *sym;
	bool sym_tried;
};

/* capture_tables.c: applying metadata records. */
int cap_define_string(struct capture *cap, uint64_t id, const uint8_t *s,
		      size_t len);
int cap_define_frame(struct capture *cap, uint64_t id, uint64_t function,
		     uint64_t file, uint64_t line);
int cap_define_node(struct capture *cap, uint64_t id, uint64_t parent,
		    uint64_t frame, bool entry);
int cap_define_native_node(struct capture *cap, uint64_t id,
			   uint64_t parent, uint64_t pc);
int cap_add_mapping(struct capture *cap, uint64_t start, uint64_t end,
		    uint64_t offset, uint64_t path, const uint8_t *build_id,
		    size_t build_id_len);
void cap_add_kv_text(struct capture *cap, const uint8_t *s, size_t len);
void cap_note_thread(struct capture *cap, uint32_t tid);
void cap_set_thread_name(struct capture *cap, uint32_t tid,
			 const uint8_t *s, size_t len);
/* Whether an event's stack ids are plausible (see ID_SLACK). */
bool cap_stack_ids_ok(const struct capture *cap, uint64_t stack,
		      uint64_t native_stack);
void cap_tables_free(struct capture *cap);

#endif /* MEMATTACH_CAPTURE_PRIV_H */
