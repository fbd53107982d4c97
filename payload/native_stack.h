/* native_stack.h: the calling thread's native return addresses. */
#ifndef MEMATTACH_NATIVE_STACK_H
#define MEMATTACH_NATIVE_STACK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Load the unwinder: 0, or -1 if libunwind is not present in the target
 * (the capture then carries no native stacks).  Called once, from the
 * control thread, before the hooks go in.
 */
int native_stack_init(void);

/*
 * Fill pcs with the calling thread's return addresses, innermost first,
 * skipping `skip` innermost frames (the payload's own hook frames);
 * returns how many.  pcs[0] is, with skip 0, the return address into the
 * function that called native_stack_capture.  Safe inside malloc: it
 * never calls malloc and takes no lock an allocation path may hold.
 */
size_t native_stack_capture(uintptr_t *pcs, size_t max, unsigned skip);

#endif /* MEMATTACH_NATIVE_STACK_H */
