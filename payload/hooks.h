/* hooks.h: the functions that replace the allocator in the GOT. */
#ifndef PAYLOAD_HOOKS_H
#define PAYLOAD_HOOKS_H

#include <stddef.h>

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
/* Set the guard to `on` and return what it was. */
int hooks_set_guard(int on);

/* Called after a dlopen that loaded something, capture running. */
extern void (*hooks_on_dlopen)(void);

#endif
