/* native_stack.c: native return addresses, with libunwind loaded at run
 * time. */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "native_stack.h"

/*
 * The payload must load in any process, so it does not link libunwind
 * (a DT_NEEDED the target's namespace may not satisfy; Debian's
 * libunwind.a is not PIC).  libunwind.h is used for its types and
 * constants only; the functions come from dlsym, under the names the
 * library exports for local unwinding (UNW_LOCAL_ONLY maps unw_* to
 * _ULx86_64_*).
 */
#define LIBUNWIND_SONAME "libunwind.so.8"

/*
 * unw_backtrace() walks with libunwind's per-thread trace cache: after a
 * return address was seen once, the next walk through it costs a hash
 * lookup and a few loads, not a DWARF CFI interpretation.  It falls back
 * to unw_step() by itself on frames the cache cannot describe.
 */
static int (*unwind_backtrace)(void **buffer, int size);

/* At most this many entries before our caller's: unw_backtrace's and
 * native_stack_capture's own frames (libunwind 1.6 reports one). */
#define OWN_FRAMES_MAX 4

#define CAPTURE_MAX 256

static int load_libunwind(void)
{
	int (*set_caching_policy)(unw_addr_space_t, unw_caching_policy_t);
	unw_addr_space_t *local_addr_space;
	void *lib;

	/* RTLD_LOCAL: the target's own symbol lookups must not start
	 * finding libunwind's _Unwind_* (it defines the unwinder ABI that
	 * libgcc_s also defines). */
	lib = dlopen(LIBUNWIND_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return -1;
	*(void **)&unwind_backtrace = dlsym(lib, "unw_backtrace");
	*(void **)&set_caching_policy = dlsym(lib,
					      "_ULx86_64_set_caching_policy");
	local_addr_space = dlsym(lib, "_ULx86_64_local_addr_space");
	if (!unwind_backtrace || !set_caching_policy || !local_addr_space) {
		/* Never dlclose: a library whose constructors ran may have
		 * registered things (the payload is never unloaded either). */
		unwind_backtrace = NULL;
		return -1;
	}
	/* Per-thread caches need no lock on the hot path, so an unwind
	 * inside malloc cannot wait on another thread's unwind. */
	if (set_caching_policy(*local_addr_space, UNW_CACHE_PER_THREAD) != 0)
		set_caching_policy(*local_addr_space, UNW_CACHE_GLOBAL);
	return 0;
}

__attribute__((noinline))
size_t native_stack_capture(uintptr_t *pcs, size_t max, unsigned skip)
{
	void *caller = __builtin_return_address(0);
	void *buf[CAPTURE_MAX];
	size_t want, n, drop, i;
	int got;

	if (!unwind_backtrace || max == 0)
		return 0;
	want = max + skip + OWN_FRAMES_MAX;
	if (want > CAPTURE_MAX)
		want = CAPTURE_MAX;
	got = unwind_backtrace(buf, (int)want);
	n = got > 0 ? (size_t)got : 0;
	/* Our caller's frame starts at the entry that returns into it,
	 * whatever the unwinder reports before (its own frame, ours). */
	for (drop = 0; drop < n && drop < OWN_FRAMES_MAX; drop++)
		if (buf[drop] == caller)
			break;
	if (drop == n || drop == OWN_FRAMES_MAX)
		return 0;
	drop += skip;
	if (n <= drop)
		return 0;
	n -= drop;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		pcs[i] = (uintptr_t)buf[drop + i];
	return n;
}

int native_stack_init(void)
{
	uintptr_t pcs[8];

	if (unwind_backtrace)
		return 0;
	if (load_libunwind() != 0)
		return -1;
	/* One walk now runs libunwind's one-time set-up (page size, its
	 * pthread key) outside any allocation, and checks that the
	 * unwinder finds our caller at all. */
	if (native_stack_capture(pcs, sizeof(pcs) / sizeof(pcs[0]), 0) == 0) {
		unwind_backtrace = NULL;
		return -1;
	}
	return 0;
}
