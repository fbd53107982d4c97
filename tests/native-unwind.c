/* native-unwind.c: payload/native_stack.c finds a known call chain, does
 * not allocate once warm, and what one capture costs. */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "native_stack.h"

#define NOINLINE __attribute__((noinline))
/* Keeps a call from being a tail call (its frame stays on the stack). */
#define KEEP(x) __asm__ volatile("" : "+r"(x))

/*
 * Count the allocations of everything in the process: this program
 * exports malloc (-rdynamic), so libunwind's calls bind here.  glibc's
 * __libc_malloc is the allocator itself; free() stays glibc's.
 */
void *__libc_malloc(size_t size);
static volatile unsigned long malloc_calls;

void *malloc(size_t size)
{
	__atomic_fetch_add(&malloc_calls, 1, __ATOMIC_RELAXED);
	return __libc_malloc(size);
}

static int failures;

#define MAX_PCS 64

struct chain {
	uintptr_t pcs[MAX_PCS];
	size_t n;
	uintptr_t f3_return;	/* f3's own return address, into f2 */
	unsigned skip;
};

NOINLINE size_t f3(struct chain *c);
NOINLINE size_t f2(struct chain *c);
NOINLINE size_t f1(struct chain *c);

NOINLINE size_t f3(struct chain *c)
{
	size_t n;

	c->f3_return = (uintptr_t)__builtin_return_address(0);
	n = native_stack_capture(c->pcs, MAX_PCS, c->skip);
	KEEP(n);
	c->n = n;
	return n;
}

NOINLINE size_t f2(struct chain *c)
{
	size_t n = f3(c);

	KEEP(n);
	return n;
}

NOINLINE size_t f1(struct chain *c)
{
	size_t n = f2(c);

	KEEP(n);
	return n;
}

/* The function a return address returns into (pc - 1 is in the call). */
static const char *function_of(uintptr_t pc)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	if (!dladdr1((void *)(pc - 1), &info, (void **)&sym,
		     RTLD_DL_SYMENT) || !info.dli_sname || !sym)
		return "?";
	if (pc - 1 >= (uintptr_t)info.dli_saddr + sym->st_size)
		return "?";
	return info.dli_sname;
}

static void expect_chain(const char *what, const struct chain *c,
			 const char *const *names)
{
	size_t i;

	printf("%s:", what);
	for (i = 0; i < c->n && i < 6; i++)
		printf(" %s", function_of(c->pcs[i]));
	printf("%s (%zu frames)\n", c->n > 6 ? " ..." : "", c->n);
	for (i = 0; names[i]; i++) {
		if (i >= c->n) {
			printf("FAIL: %s: %zu frames, expected %s at %zu\n",
			       what, c->n, names[i], i);
			failures++;
			return;
		}
		if (strcmp(function_of(c->pcs[i]), names[i]) != 0) {
			printf("FAIL: %s: frame %zu is %s, expected %s\n",
			       what, i, function_of(c->pcs[i]), names[i]);
			failures++;
		}
	}
}

/* Exported (-rdynamic) like f1..f3, so that dladdr names them. */
NOINLINE void check_chains(const char *where, const char *outermost);
void *thread_main(void *arg);

NOINLINE void check_chains(const char *where, const char *outermost)
{
	static const char *const skip0_main[] = { "f3", "f2", "f1",
		"check_chains", "main", NULL };
	static const char *const skip1_main[] = { "f2", "f1", "check_chains",
		"main", NULL };
	static const char *const skip0_thread[] = { "f3", "f2", "f1",
		"check_chains", "thread_main", NULL };
	static const char *const skip1_thread[] = { "f2", "f1",
		"check_chains", "thread_main", NULL };
	bool in_main = strcmp(outermost, "main") == 0;
	struct chain c = { .skip = 0 };
	char what[64];

	f1(&c);
	snprintf(what, sizeof(what), "%s, skip 0", where);
	expect_chain(what, &c, in_main ? skip0_main : skip0_thread);
	if (c.n >= 2 && c.pcs[1] != c.f3_return) {
		printf("FAIL: %s: return into f2 is %#lx, expected %#lx\n",
		       what, (unsigned long)c.pcs[1],
		       (unsigned long)c.f3_return);
		failures++;
	}
	c = (struct chain){ .skip = 1 };
	f1(&c);
	snprintf(what, sizeof(what), "%s, skip 1", where);
	expect_chain(what, &c, in_main ? skip1_main : skip1_thread);
	KEEP(c.n);
}

/* A first capture in a new thread: its caches start empty. */
void *thread_main(void *arg)
{
	unsigned long *first_call_mallocs = arg;
	unsigned long before = malloc_calls;
	struct chain c = { .skip = 0 };

	f1(&c);
	*first_call_mallocs = malloc_calls - before;
	check_chains("thread", "thread_main");
	return NULL;
}

/* A deeper stack for the cost figure. */
NOINLINE static size_t recurse(unsigned depth, uintptr_t *pcs,
			       unsigned long loops)
{
	size_t n = 0;
	unsigned long i;

	if (depth > 0) {
		n = recurse(depth - 1, pcs, loops);
		KEEP(n);
		return n;
	}
	for (i = 0; i < loops; i++)
		n += native_stack_capture(pcs, MAX_PCS, 0);
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void benchmark(unsigned depth)
{
	const unsigned long loops = 100000;
	uintptr_t pcs[MAX_PCS];
	double t0, t1;
	size_t frames;

	recurse(depth, pcs, 1);	/* warm the cache for these pcs */
	t0 = now();
	frames = recurse(depth, pcs, loops);
	t1 = now();
	printf("cost: %.0f ns per capture of %zu frames "
	       "(%.1f ns per frame)\n",
	       (t1 - t0) * 1e9 / (double)loops, frames / loops,
	       (t1 - t0) * 1e9 / (double)frames);
}

int main(void)
{
	unsigned long before, thread_mallocs = 0;
	struct chain c = { .skip = 0 };
	pthread_t thread;
	int i;

	if (native_stack_init() != 0) {
		printf("SKIP: libunwind.so.8 cannot be loaded\n");
		return 77;
	}
	check_chains("main thread", "main");

	/* Warm now: no allocation at all in later captures. */
	before = malloc_calls;
	for (i = 0; i < 1000; i++)
		f1(&c);
	printf("allocations in 1000 warm captures: %lu\n",
	       malloc_calls - before);
	if (malloc_calls != before) {
		printf("FAIL: the unwinder allocated\n");
		failures++;
	}

	if (pthread_create(&thread, NULL, thread_main, &thread_mallocs) != 0) {
		perror("pthread_create");
		return 99;
	}
	pthread_join(thread, NULL);
	printf("allocations in a thread's first capture: %lu\n",
	       thread_mallocs);

	benchmark(5);
	benchmark(40);
	if (failures)
		printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
