/* hooks.c: malloc & co. as the target calls them during a capture. */
#include "config.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "hooks.h"
#include "native_stack.h"
#include "pyframes.h"
#include "pymalloc.h"
#include "real_alloc.h"
#include "stacks.h"
#include "stream.h"
#include "thread_rec.h"
#include "wire.h"

__thread int hooks_in_hook;
#define in_hook hooks_in_hook

void (*hooks_on_dlopen)(void);
int hooks_native;
uintptr_t hooks_self_start, hooks_self_end;
uint32_t hooks_main_tid;

void hooks_guard_thread(void)
{
	in_hook = 1;
}

/* Cheap test before any work: is a capture taking events? */
static inline int recording(void)
{
	return __atomic_load_n(&stream_recording, __ATOMIC_RELAXED);
}

/* The interpreter started finalizing: stop taking events (the writer
 * flushes and ends the capture when the process exits or memattach
 * stops it).  Returns 1 if so. */
static int ended_by_finalization(const struct thread_rec *t)
{
	/* Py_FinalizeEx runs in the main thread, which allocates and frees
	 * all through it: asking there alone spares every other event a
	 * call into the interpreter. */
	if (t->tid != hooks_main_tid || !pyframes_finalizing())
		return 0;
	stream_lock();
	if (stream_recording) {
		stream_recording = false;
		rec_info("ended=interpreter finalizing\n");
	}
	stream_unlock();
	return 1;
}

/* The innermost native frames are the payload's own (this function and
 * the hook, however the compiler inlined them): drop them by address. */
static size_t own_frames_dropped(struct thread_rec *t, size_t n)
{
	size_t skip = 0;

	while (skip < n && t->pcs[skip] >= hooks_self_start &&
	       t->pcs[skip] < hooks_self_end)
		skip++;
	if (skip)
		memmove(t->pcs, t->pcs + skip, (n - skip) * sizeof(t->pcs[0]));
	return n - skip;
}

void hooks_record_alloc(unsigned kind, void *ptr, size_t size)
{
	struct thread_rec *t;
	size_t n, nn = 0;

	if (!recording())
		return;
	t = thread_rec_self();
	if (!t || ended_by_finalization(t))
		return;
	if (pymalloc_main_poll && t->tid == hooks_main_tid)
		pymalloc_poll_main();
	n = pyframes_walk(t->frames, PY_DEPTH_MAX);
	if (hooks_native)
		nn = own_frames_dropped(t, native_stack_capture(
				t->pcs, NATIVE_DEPTH_MAX, 0));
	stream_lock();
	stacks_name_thread(t);
	if (stream_recording)
		rec_alloc(t->tid, kind, stacks_python(t, n),
			  nn ? stacks_native(t, nn) : 0, (uintptr_t)ptr, size);
	stream_unlock();
}

void hooks_record_free(unsigned kind, void *ptr, size_t size)
{
	struct thread_rec *t;

	if (!recording())
		return;
	t = thread_rec_self();
	if (!t || ended_by_finalization(t))
		return;
	stream_lock();
	stacks_name_thread(t);
	if (stream_recording) {
		if (kind == KIND_MUNMAP)
			rec_free_sized(t->tid, kind, (uintptr_t)ptr, size);
		else
			rec_free(t->tid, kind, (uintptr_t)ptr);
	}
	stream_unlock();
}

/* The shape of every hook: pass through when re-entered or idle,
 * otherwise call libc under the guard and record what happened. */
#define HOOK_BEGIN(passthrough)                 \
	if (in_hook || !recording())            \
		return passthrough;             \
	in_hook = 1
#define HOOK_END() in_hook = 0

static void *hook_malloc(size_t size)
{
	void *p;

	HOOK_BEGIN(real.malloc(size));
	p = real.malloc(size);
	if (p)
		hooks_record_alloc(KIND_MALLOC, p, size);
	HOOK_END();
	return p;
}

static void *hook_calloc(size_t n, size_t size)
{
	void *p;

	HOOK_BEGIN(real.calloc(n, size));
	p = real.calloc(n, size);
	if (p)
		hooks_record_alloc(KIND_CALLOC, p, n * size);
	HOOK_END();
	return p;
}

static void *hook_realloc(void *old, size_t size)
{
	void *p;

	HOOK_BEGIN(real.realloc(old, size));
	p = real.realloc(old, size);
	/* Failure leaves the old block alone; realloc(p, 0) frees it. */
	if (old && (p || size == 0))
		hooks_record_free(KIND_FREE, old, 0);
	if (p)
		hooks_record_alloc(KIND_REALLOC, p, size);
	HOOK_END();
	return p;
}

static void *hook_reallocarray(void *old, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return hook_realloc(old, total);
}

static void hook_free(void *p)
{
	HOOK_BEGIN(real.free(p));
	/* Recorded before the block goes back: once freed, another thread
	 * may get the same address, and its ALLOC must come after this. */
	if (p)
		hooks_record_free(KIND_FREE, p, 0);
	real.free(p);
	HOOK_END();
}

static int hook_posix_memalign(void **out, size_t align, size_t size)
{
	int r;

	HOOK_BEGIN(real.posix_memalign(out, align, size));
	r = real.posix_memalign(out, align, size);
	if (!r)
		hooks_record_alloc(KIND_POSIX_MEMALIGN, *out, size);
	HOOK_END();
	return r;
}

#define SIMPLE_ALIGNED_HOOK(name, KIND, params, args, size)   \
	static void *hook_##name params                       \
	{                                                     \
		void *p;                                      \
		HOOK_BEGIN(real.name args);                   \
		p = real.name args;                           \
		if (p)                                        \
			hooks_record_alloc(KIND, p, size);          \
		HOOK_END();                                   \
		return p;                                     \
	}

SIMPLE_ALIGNED_HOOK(aligned_alloc, KIND_ALIGNED_ALLOC,
		    (size_t align, size_t size), (align, size), size)
SIMPLE_ALIGNED_HOOK(memalign, KIND_MEMALIGN, (size_t align, size_t size),
		    (align, size), size)
SIMPLE_ALIGNED_HOOK(valloc, KIND_VALLOC, (size_t size), (size), size)
SIMPLE_ALIGNED_HOOK(pvalloc, KIND_PVALLOC, (size_t size), (size), size)

static void *hook_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	void *p;

	HOOK_BEGIN(real.mmap(addr, len, prot, flags, fd, off));
	p = real.mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED)
		hooks_record_alloc(KIND_MMAP, p, len);
	HOOK_END();
	return p;
}

static int hook_munmap(void *addr, size_t len)
{
	int r;

	HOOK_BEGIN(real.munmap(addr, len));
	/* Before the unmap, for the same reason as free. */
	hooks_record_free(KIND_MUNMAP, addr, len);
	r = real.munmap(addr, len);
	HOOK_END();
	return r;
}

static void *hook_dlopen(const char *file, int flags)
{
	/* Not guarded: what the new library's constructors allocate is the
	 * program's memory and belongs in the capture. */
	void *h = real.dlopen(file, flags);

	if (h && recording() && hooks_on_dlopen && !in_hook) {
		in_hook = 1;
		hooks_on_dlopen();
		in_hook = 0;
	}
	return h;
}

const struct got_hook hook_table[] = {
	{ "malloc", (void *)hook_malloc },
	{ "calloc", (void *)hook_calloc },
	{ "realloc", (void *)hook_realloc },
	{ "reallocarray", (void *)hook_reallocarray },
	{ "free", (void *)hook_free },
	{ "posix_memalign", (void *)hook_posix_memalign },
	{ "aligned_alloc", (void *)hook_aligned_alloc },
	{ "memalign", (void *)hook_memalign },
	{ "valloc", (void *)hook_valloc },
	{ "pvalloc", (void *)hook_pvalloc },
	{ "mmap", (void *)hook_mmap },
	{ "mmap64", (void *)hook_mmap },
	{ "munmap", (void *)hook_munmap },
	{ "dlopen", (void *)hook_dlopen },
};
const size_t hook_table_size = sizeof(hook_table) / sizeof(hook_table[0]);
