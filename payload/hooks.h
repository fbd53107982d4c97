/* hooks.h: the functions that replace the allocator in the GOT. */
#ifndef PAYLOAD_HOOKS_H
#define PAYLOAD_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "got.h"

/* The (symbol, hook) table handed to got_patch_loaded. */
extern const struct got_hook hook_table[];
extern const size_t hook_table_size;

/*
 * The calling thread's re-entrancy guard.  While set, hooks pass
 * straight to libc: the payload's own allocations, and the allocations
 * made while an event is being recorded, stay out of the capture.  The
 * writer thread holds it for its whole life.
 */
void hooks_guard_thread(void);
extern __thread int hooks_in_hook;

/* Set the guard to `on` and return what it was.  Inline: the pymalloc
 * wrappers call it twice per Python object. */
static inline int hooks_set_guard(int on)
{
	int was = hooks_in_hook;

	hooks_in_hook = on;
	return was;
}

/*
 * Record one event of the calling thread (guard held by the caller).
 * Allocations carry the Python stack; frees only the address (and the
 * length for munmap).
 */
void hooks_record_alloc(unsigned kind, void *ptr, size_t size);
void hooks_record_free(unsigned kind, void *ptr, size_t size);

/* The process's main thread (the one that runs pending calls). */
extern uint32_t hooks_main_tid;

/* Native stacks on (--native and libunwind loaded), and the payload's
 * own text, whose frames are cut from them. */
extern int hooks_native;
extern uintptr_t hooks_self_start, hooks_self_end;

/* Called after a dlopen that loaded something, capture running. */
extern void (*hooks_on_dlopen)(void);

#endif
