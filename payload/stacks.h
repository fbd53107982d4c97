/* stacks.h: interning strings, frames and stack-trie nodes. */
#ifndef PAYLOAD_STACKS_H
#define PAYLOAD_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "thread_rec.h"

/*
 * All of these run with the stream lock held: an id becomes visible to
 * other threads only after its defining record is in the buffer, so a
 * definition always precedes its first use in the stream.
 */

/* Forget every id: a new capture starts a new stream. */
void stacks_reset(void);

/* Ids of string, counted from 1, emitting its STRING record if new. */
uint32_t stacks_string(const char *s, size_t len);

/* The node of t's Python stack (frames innermost first, n of them);
 * 0 for an empty stack. */
uint32_t stacks_python(struct thread_rec *t, size_t n);
/* The node of t's native stack (t->pcs innermost first). */
uint32_t stacks_native(struct thread_rec *t, size_t n);

/* The capture the tables belong to (bumped by stacks_reset). */
extern uint32_t stacks_generation;

/* Record t's name (its comm) once per capture. */
void stacks_name_thread_now(struct thread_rec *t);
static inline void stacks_name_thread(struct thread_rec *t)
{
	if (t->named != stacks_generation)
		stacks_name_thread_now(t);
}

/* Events that could not get ids (tables out of memory). */
uint64_t stacks_lost(void);

#endif
