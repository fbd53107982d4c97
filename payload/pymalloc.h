/* pymalloc.h: tracing Python's own allocators (--trace-python-allocators). */
#ifndef PAYLOAD_PYMALLOC_H
#define PAYLOAD_PYMALLOC_H

/*
 * Python's small-object allocator (pymalloc) carves objects out of
 * arenas, so malloc-level hooks see the arenas, not the objects.  With
 * this option the payload also wraps the MEM and OBJ allocator domains
 * (PyMem_SetAllocator).  Swapping a domain's allocator is only safe with
 * the GIL held, so it happens in a pending call (Py_AddPendingCall) that
 * the interpreter runs at its next eval-breaker check.  A hung
 * interpreter never runs it: the capture then stays at malloc level and
 * the INFO record says "pymalloc=pending".
 */

/* Ask for the wrappers to be in (1) or out (0); schedules the swap if the
 * interpreter is up.  Called from the writer thread at every tick, so a
 * capture started before Py_Initialize (run mode) gets them once Python
 * runs.  No-op when the interpreter lacks the API. */
void pymalloc_want(int on);

/* Set when the main thread must schedule the swap itself (3.11); the
 * hooks then call pymalloc_poll_main from the main thread. */
extern volatile int pymalloc_main_poll;
void pymalloc_poll_main(void);

/* Whether the wrappers are installed now. */
int pymalloc_installed(void);

#endif
