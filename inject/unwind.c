/* unwind.c: is a stopped thread safe to borrow?  Its stack says. */
#include "config.h"

#include <elf.h>
#include <libunwind-ptrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject-priv.h"

/*
 * The code we run on a borrowed thread (dlopen, then the payload's start,
 * which starts a thread) takes the allocator's locks, the loader's locks
 * and the thread-stack cache lock.  If the thread was stopped while holding
 * one of them, it would wait for itself for ever, or find the allocator's
 * lists half-updated.  A stop inside fork is as bad: the atfork handlers
 * hold every one of those locks.
 */
static const char *const unsafe_functions[] = {
	"malloc", "free", "calloc", "realloc", "reallocarray", "memalign",
	"posix_memalign", "aligned_alloc", "valloc", "pvalloc", "malloc_trim",
	"malloc_usable_size", "mallopt", "mallinfo", "mallinfo2",
	"malloc_stats", "malloc_info", "cfree",
	"fork", "_Fork", "vfork", "__libc_fork", "posix_spawn",
	"posix_spawnp", "system", "popen",
	"dlopen", "dlmopen", "dlclose", "dlsym", "dlvsym", "dladdr",
	"dladdr1", "dlinfo", "dlerror", "dl_iterate_phdr",
	"__libc_dlopen_mode", "__libc_dlsym", "__libc_dlclose",
	"pthread_create", "pthread_exit", "pthread_join",
	"pthread_detach", "pthread_timedjoin_np", "pthread_tryjoin_np",
	"exit", "_exit", "__cxa_finalize", "__libc_freeres",
};

/*
 * An exported function often hands its work to static ones that no table
 * names: free() tail-calls _int_free(), system() tail-calls do_system(),
 * and a tail call leaves no frame of the exported function on the stack.
 * Static functions sit beside the exported ones of their source file, so
 * for these families the range is widened to the neighbouring exported
 * functions of other families (at most WIDEN bytes each way).  Refusing a
 * little too much only costs a retry.  Not for pthread_create and the
 * like: start_thread, at the bottom of every thread, is its neighbour.
 */
static const char *const widened_functions[] = {
	"malloc", "free", "calloc", "realloc", "reallocarray", "memalign",
	"posix_memalign", "aligned_alloc", "valloc", "pvalloc", "malloc_trim",
	"malloc_usable_size", "mallopt", "mallinfo", "mallinfo2",
	"malloc_stats", "malloc_info", "__default_morecore",
	"fork", "_Fork", "vfork", "__libc_fork", "posix_spawn",
	"posix_spawnp", "system", "popen",
};
#define WIDEN (64 * 1024)

/* The objects whose functions above matter (libpthread and libdl for a
 * glibc before 2.34). */
static const char *const unsafe_objects[] = { "libc", "libpthread", "libdl" };

struct range {
	uint64_t start, end;
	char what[40];		/* a copy: its ELF is closed after */
};

/*
 * libunwind-ptrace reads the target one word per PTRACE_PEEKDATA, about a
 * hundred per frame with the unwind-table search: milliseconds for a deep
 * stack, all of it with the process stopped.  Reading whole pages through
 * /proc/PID/mem and keeping them for the pass (nothing moves while every
 * thread is stopped) makes that a few dozen reads.
 */
#define CACHE_PAGES 256
#define PAGE 4096u

struct page {
	uint64_t addr;		/* 0: empty */
	uint8_t data[PAGE];
};

struct unsafe_ranges {
	struct range *v;
	size_t n, cap;
	unw_addr_space_t as;
	int mem_fd;
	struct page *cache;	/* direct-mapped by page number */
};

static int cached_read(struct unsafe_ranges *u, uint64_t addr,
		       unw_word_t *val)
{
	uint64_t base = addr & ~(uint64_t)(PAGE - 1);
	struct page *p = &u->cache[(base / PAGE) % CACHE_PAGES];

	if (addr - base + sizeof(*val) > PAGE)
		return -1;	/* straddles pages: the slow path */
	if (p->addr != base) {
		if (pread(u->mem_fd, p->data, PAGE, (off_t)base) != PAGE) {
			p->addr = 0;
			return -1;
		}
		p->addr = base;
	}
	memcpy(val, p->data + (addr - base), sizeof(*val));
	return 0;
}

/*
 * libunwind-ptrace hands its own argument (the ptrace state) to every
 * accessor, also from deep inside its table search, so the cache cannot
 * travel in that argument: it is the one being used right now.  Unwinding
 * happens on one thread at a time.
 */
static struct unsafe_ranges *current;

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val,
		      int write, void *arg)
{
	if (!write && current && current->cache &&
	    cached_read(current, addr, val) == 0)
		return 0;
	return _UPT_access_mem(as, addr, val, write, arg);
}

static unw_addr_space_t create_addr_space(void)
{
	static unw_accessors_t acc;

	acc = _UPT_accessors;
	acc.access_mem = access_mem;
	return unw_create_addr_space(&acc, 0);
}

void unsafe_ranges_forget(struct unsafe_ranges *u)
{
	size_t i;

	for (i = 0; u->cache && i < CACHE_PAGES; i++)
		u->cache[i].addr = 0;
}

static int add_range(struct unsafe_ranges *u, uint64_t start, uint64_t end,
		     const char *what)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		struct range *v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -1;
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n].start = start;
	u->v[u->n].end = end;
	snprintf(u->v[u->n].what, sizeof(u->v[u->n].what), "%s", what);
	u->n++;
	return 0;
}

static bool is_widened(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(widened_functions) / sizeof(char *); i++)
		if (!strcmp(name, widened_functions[i]))
			return true;
	return false;
}

/* Whether f is one of the widened family, by name or as an alias of one
 * (same address: __libc_free, cfree...). */
static bool in_family(const struct elf_function *f, size_t n, size_t i)
{
	size_t j;

	if (is_widened(f[i].name))
		return true;
	for (j = i; j > 0 && f[j - 1].value == f[i].value; j--)
		if (is_widened(f[j - 1].name))
			return true;
	for (j = i; j + 1 < n && f[j + 1].value == f[i].value; j++)
		if (is_widened(f[j + 1].name))
			return true;
	return false;
}

static int add_widened(struct unsafe_ranges *u, struct elf_object *o,
		       uint64_t bias)
{
	struct elf_function *f = NULL;
	ssize_t n = elf_object_functions(o, &f);
	size_t i = 0;
	int rc = 0;

	if (n < 0)
		return -1;
	while (i < (size_t)n) {
		size_t first = i, last, k;
		uint64_t lo, hi, end;
		const char *label = NULL;

		if (!in_family(f, (size_t)n, i)) {
			i++;
			continue;
		}
		/* A run of family members and their static neighbours. */
		while (i < (size_t)n && in_family(f, (size_t)n, i))
			i++;
		last = i - 1;
		end = f[last].value + f[last].size;
		lo = first ? f[first - 1].value + f[first - 1].size : 0;
		if (lo > f[first].value)
			lo = f[first].value;
		if (f[first].value - lo > WIDEN)
			lo = f[first].value - WIDEN;
		hi = i < (size_t)n ? f[i].value : end;
		if (hi < end)
			hi = end;
		if (hi - end > WIDEN)
			hi = end + WIDEN;
		/* Named after a family member, not an alias of one. */
		for (k = first; k <= last && !label; k++)
			if (is_widened(f[k].name))
				label = f[k].name;
		if (add_range(u, bias + lo, bias + hi,
			      label ? label : f[first].name)) {
			rc = -1;
			break;
		}
	}
	free(f);
	return rc;
}

static int add_object(struct unsafe_ranges *u, pid_t pid,
		      const struct map_entry *maps, size_t n, const char *path)
{
	struct elf_object *o = elf_object_open(pid, path);
	uint64_t bias;
	size_t i;

	if (!o)
		return 0;	/* unreadable: we check what we can */
	bias = elf_object_bias(o, maps, n, path);
	if (add_widened(u, o, bias)) {
		elf_object_close(o);
		return -1;
	}
	for (i = 0; i < sizeof(unsafe_functions) / sizeof(char *); i++) {
		struct elf_symbol s;

		if (elf_object_symbol(o, unsafe_functions[i], &s) == 0 &&
		    s.type == STT_FUNC && s.size &&
		    add_range(u, bias + s.value, bias + s.value + s.size,
			      unsafe_functions[i])) {
			elf_object_close(o);
			return -1;
		}
	}
	elf_object_close(o);
	return 0;
}

/* ld-linux-x86-64.so.2, ld-2.31.so, ld-musl-x86_64.so.1 */
static bool is_loader(const struct map_entry *m)
{
	return map_is_library(m, "ld") || map_is_library(m, "ld-linux") ||
	       map_is_library(m, "ld-linux-x86-64") ||
	       map_is_library(m, "ld-musl-x86_64");
}

struct unsafe_ranges *unsafe_ranges_build(pid_t pid, int mem_fd)
{
	struct unsafe_ranges *u = calloc(1, sizeof(*u));
	struct map_entry *maps = NULL;
	ssize_t n, i;
	size_t k;

	if (!u)
		return NULL;
	u->mem_fd = mem_fd;
	u->cache = calloc(CACHE_PAGES, sizeof(*u->cache));
	n = proc_read_maps(pid, &maps);
	if (n < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		const struct map_entry *m = &maps[i];

		/* All of the dynamic loader: its entry points are few,
		 * its internal functions many and not in any table. */
		if (m->perms[2] == 'x' && is_loader(m) &&
		    add_range(u, m->start, m->end, "the dynamic loader"))
			goto fail;
		if (m->offset != 0)
			continue;
		for (k = 0; k < sizeof(unsafe_objects) / sizeof(char *); k++)
			if (map_is_library(m, unsafe_objects[k]) &&
			    add_object(u, pid, maps, (size_t)n, m->path))
				goto fail;
	}
	free(maps);
	u->as = create_addr_space();
	if (!u->as)
		goto fail;
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	return u;
fail:
	free(maps);
	unsafe_ranges_free(u);
	return NULL;
}

void unsafe_ranges_free(struct unsafe_ranges *u)
{
	if (!u)
		return;
	if (u->as)
		unw_destroy_addr_space(u->as);
	free(u->cache);
	free(u->v);
	free(u);
}

static const char *unsafe_at(const struct unsafe_ranges *u, uint64_t ip)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (ip >= u->v[i].start && ip < u->v[i].end)
			return u->v[i].what;
	return NULL;
}

#define MAX_FRAMES 512

int thread_is_unsafe(struct unsafe_ranges *u, pid_t tid, char *why,
		     size_t whylen)
{
	unw_cursor_t c;
	void *upt = _UPT_create(tid);
	int depth = 0, rc = 0, step = 0;

	if (!upt)
		return -1;
	current = u;
	if (unw_init_remote(&c, u->as, upt) < 0) {
		current = NULL;
		_UPT_destroy(upt);
		return -1;
	}
	do {
		unw_word_t ip;
		const char *what;

		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		/* A caller's ip is its return address, which may be the
		 * first byte after the function when the call came last. */
		what = unsafe_at(u, depth ? ip - 1 : ip);
		if (what) {
			snprintf(why, whylen, "inside %s (frame %d)", what,
				 depth);
			rc = 1;
			break;
		}
	} while (++depth < MAX_FRAMES && (step = unw_step(&c)) > 0);
	current = NULL;
	_UPT_destroy(upt);
	if (!rc && step < 0) {
		/* The stack goes on but could not be followed: code without
		 * unwind tables, or (in another mount namespace) files that
		 * libunwind-ptrace cannot open from here. */
		snprintf(why, whylen, "only unwound to frame %d (%s)", depth,
			 unw_strerror(step));
		rc = 2;
	}
	return rc;
}
