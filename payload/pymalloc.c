/* pymalloc.c: wrappers around the MEM and OBJ allocator domains. */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks.h"
#include "pymalloc.h"
#include "stream.h"
#include "wire.h"

/* The stable ABI's PyMemAllocatorEx and domain numbers (Include/
 * cpython/pymem.h), unchanged from 3.5 to 3.13. */
struct py_allocator {
	void *ctx;
	void *(*malloc)(void *ctx, size_t size);
	void *(*calloc)(void *ctx, size_t n, size_t size);
	void *(*realloc)(void *ctx, void *p, size_t size);
	void (*free)(void *ctx, void *p);
};

enum { DOMAIN_MEM = 1, DOMAIN_OBJ = 2 };

struct domain {
	int number;
	unsigned kind;
	struct py_allocator orig;
};

static struct domain domains[2] = {
	{ DOMAIN_MEM, KIND_PYMALLOC_MEM, { 0 } },
	{ DOMAIN_OBJ, KIND_PYMALLOC_OBJ, { 0 } },
};

static void (*get_allocator)(int, struct py_allocator *);
static void (*set_allocator)(int, struct py_allocator *);
static int (*add_pending_call)(int (*)(void *), void *);
static int (*is_initialized)(void);

static volatile int wanted, installed, scheduled;
volatile int pymalloc_main_poll;
/* Before 3.12, a pending call added from a thread other than the main
 * one does not raise the eval breaker (it is computed for the caller),
 * so the call could wait for ever in a single-threaded program: there,
 * the main thread schedules it itself from its next allocation. */
static int schedule_from_main_only;

static void *w_malloc(void *ctx, size_t size)
{
	struct domain *d = ctx;
	void *p;

	if (hooks_set_guard(1))
		return d->orig.malloc(d->orig.ctx, size);
	p = d->orig.malloc(d->orig.ctx, size);
	if (p)
		hooks_record_alloc(d->kind, p, size);
	hooks_set_guard(0);
	return p;
}

static void *w_calloc(void *ctx, size_t n, size_t size)
{
	struct domain *d = ctx;
	void *p;

	if (hooks_set_guard(1))
		return d->orig.calloc(d->orig.ctx, n, size);
	p = d->orig.calloc(d->orig.ctx, n, size);
	if (p)
		hooks_record_alloc(d->kind, p, n * size);
	hooks_set_guard(0);
	return p;
}

static void *w_realloc(void *ctx, void *old, size_t size)
{
	struct domain *d = ctx;
	void *p;

	if (hooks_set_guard(1))
		return d->orig.realloc(d->orig.ctx, old, size);
	p = d->orig.realloc(d->orig.ctx, old, size);
	if (p && old)
		hooks_record_free(KIND_FREE, old, 0);
	if (p)
		hooks_record_alloc(d->kind, p, size);
	hooks_set_guard(0);
	return p;
}

static void w_free(void *ctx, void *p)
{
	struct domain *d = ctx;

	if (hooks_set_guard(1)) {
		d->orig.free(d->orig.ctx, p);
		return;
	}
	if (p)
		hooks_record_free(KIND_FREE, p, 0);
	d->orig.free(d->orig.ctx, p);
	hooks_set_guard(0);
}

/* Runs in the interpreter with the GIL: make the domains match `wanted`. */
static int sync_allocators(void *arg)
{
	int i;

	(void)arg;
	scheduled = 0;
	if (wanted && !installed) {
		for (i = 0; i < 2; i++) {
			struct py_allocator mine = {
				&domains[i], w_malloc, w_calloc, w_realloc,
				w_free,
			};

			get_allocator(domains[i].number, &domains[i].orig);
			set_allocator(domains[i].number, &mine);
		}
		installed = 1;
		stream_lock();
		if (stream_recording)
			rec_info("pymalloc=installed\n");
		stream_unlock();
	} else if (!wanted && installed) {
		for (i = 0; i < 2; i++)
			set_allocator(domains[i].number, &domains[i].orig);
		installed = 0;
	}
	return 0;
}

/* Look the interpreter's API up once; 0 if all of it is there. */
static int resolve(void)
{
	static int result = 1;	/* 1: not looked up yet */
	const unsigned *v;

	if (result != 1)
		return result;
	set_allocator = (void (*)(int, struct py_allocator *))
		dlsym(RTLD_DEFAULT, "PyMem_SetAllocator");
	add_pending_call = (int (*)(int (*)(void *), void *))
		dlsym(RTLD_DEFAULT, "Py_AddPendingCall");
	is_initialized = (int (*)(void))dlsym(RTLD_DEFAULT, "Py_IsInitialized");
	get_allocator = (void (*)(int, struct py_allocator *))
		dlsym(RTLD_DEFAULT, "PyMem_GetAllocator");
	v = dlsym(RTLD_DEFAULT, "Py_Version");
	schedule_from_main_only = !v || (*v >> 16) < 0x030c;
	result = set_allocator && add_pending_call && is_initialized &&
		 get_allocator ? 0 : -1;
	return result;
}

static void schedule(void)
{
	/* The wrappers stay alive for ever (the payload is never unloaded),
	 * so a late or never-run call is harmless. */
	if (add_pending_call(sync_allocators, NULL) == 0)
		scheduled = 1;
}

void pymalloc_poll_main(void)
{
	if (!is_initialized())
		return;	/* run mode: the interpreter is still starting */
	pymalloc_main_poll = 0;
	if ((!!installed != !!wanted) && !scheduled)
		schedule();
}

void pymalloc_want(int on)
{
	wanted = on;
	if (resolve())
		return;
	if ((!!installed != !!on) && !scheduled) {
		/* The main thread's next allocation schedules the call from
		 * the thread that runs it: the quickest way in.  From 3.12 on
		 * another thread may schedule it too, which covers a main
		 * thread that does not allocate. */
		pymalloc_main_poll = 1;
		if (!schedule_from_main_only && is_initialized())
			schedule();
	}
}

int pymalloc_installed(void)
{
	return installed;
}
