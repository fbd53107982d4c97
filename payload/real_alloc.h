/* real_alloc.h: libc's own allocator entry points, found in libc itself. */
#ifndef PAYLOAD_REAL_ALLOC_H
#define PAYLOAD_REAL_ALLOC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Why not dlsym(RTLD_DEFAULT, "malloc"): Debian's /usr/bin/python3 is a
 * non-PIE executable with a canonical PLT entry for malloc, so the global
 * symbol "malloc" is a stub inside the executable that jumps through the
 * executable's own GOT slot -- the slot we rewrite.  Calling that stub from
 * a hook recurses into the hook (heaptrack -p crashes this way).  The real
 * functions are the definitions in libc's symbol table, looked up through
 * libc's own handle.
 */
struct real_alloc {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*dlopen)(const char *, int);
};

extern struct real_alloc real;

/* Fill `real`; 0, or -1 if libc or one of its symbols cannot be found. */
int real_alloc_init(void);

#endif
