/* real_alloc.c: resolve the allocator functions from libc's own table. */
#include "config.h"
#include <dlfcn.h>
#include <gnu/lib-names.h>

#include "real_alloc.h"

struct real_alloc real;

static void *libc_symbol(void *libc, const char *name)
{
	return dlsym(libc, name);
}

int real_alloc_init(void)
{
	/* RTLD_NOLOAD: libc is loaded in every process we can live in; this
	 * only takes a reference to it, never loads a second copy. */
	void *libc = dlopen(LIBC_SO, RTLD_NOW | RTLD_NOLOAD);

	if (!libc)
		return -1;
	real.malloc = (void *(*)(size_t))libc_symbol(libc, "malloc");
	real.calloc = (void *(*)(size_t, size_t))libc_symbol(libc, "calloc");
	real.realloc = (void *(*)(void *, size_t))libc_symbol(libc, "realloc");
	real.free = (void (*)(void *))libc_symbol(libc, "free");
	real.posix_memalign = (int (*)(void **, size_t, size_t))
		libc_symbol(libc, "posix_memalign");
	real.aligned_alloc = (void *(*)(size_t, size_t))
		libc_symbol(libc, "aligned_alloc");
	real.memalign = (void *(*)(size_t, size_t))libc_symbol(libc, "memalign");
	real.valloc = (void *(*)(size_t))libc_symbol(libc, "valloc");
	real.pvalloc = (void *(*)(size_t))libc_symbol(libc, "pvalloc");
	real.mmap = (void *(*)(void *, size_t, int, int, int, off_t))
		libc_symbol(libc, "mmap");
	real.munmap = (int (*)(void *, size_t))libc_symbol(libc, "munmap");
	real.dlopen = (void *(*)(const char *, int))libc_symbol(libc, "dlopen");
	/* The reference from RTLD_NOLOAD is dropped at once: libc never goes
	 * away, and holding it would only skew the loader's counts. */
	dlclose(libc);
	if (!real.malloc || !real.calloc || !real.realloc || !real.free ||
	    !real.posix_memalign || !real.aligned_alloc || !real.memalign ||
	    !real.valloc || !real.pvalloc || !real.mmap || !real.munmap ||
	    !real.dlopen)
		return -1;
	return 0;
}
