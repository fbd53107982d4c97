/* thread_rec.h: what the payload keeps per target thread. */
#ifndef PAYLOAD_THREAD_REC_H
#define PAYLOAD_THREAD_REC_H

#include <stdbool.h>
#include <stdint.h>

#include "pyframes.h"

#define PY_DEPTH_MAX 256
#define NATIVE_DEPTH_MAX 128

/* The last stack this thread recorded, outermost first, with the trie
 * node of each level: a new event re-interns only the levels that
 * changed. */
struct py_stack_cache {
	uint32_t depth;
	struct {
		uintptr_t code;
		int32_t offset;
		bool entry;
		uint32_t node;
	} level[PY_DEPTH_MAX];
};

struct native_stack_cache {
	uint32_t depth;
	struct {
		uintptr_t pc;
		uint32_t node;
	} level[NATIVE_DEPTH_MAX];
};

struct thread_rec {
	uint32_t tid;
	uint32_t generation;	/* capture the caches belong to */
	uint32_t named;		/* capture its name was recorded in */
	struct py_stack_cache py;
	struct native_stack_cache native;
	/* Scratch for the walk, kept here rather than on the stack of
	 * whatever thread called malloc. */
	struct py_frame_ref frames[PY_DEPTH_MAX];
	uintptr_t pcs[NATIVE_DEPTH_MAX];
};

/*
 * The calling thread's record, made on first use (NULL if out of
 * memory).  The caller holds the re-entrancy guard: making the record
 * allocates.
 */
struct thread_rec *thread_rec_make(void);
extern __thread struct thread_rec *thread_rec_current;

static inline struct thread_rec *thread_rec_self(void)
{
	struct thread_rec *t = thread_rec_current;

	return t ? t : thread_rec_make();
}

#endif
