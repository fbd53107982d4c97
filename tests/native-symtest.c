/* native-symtest.c: a library with known calls, lines and an inlined
 * function, built -g -O2 for tests/native-symbolize. */
#include "native-symtest.h"

#define NOINLINE __attribute__((noinline))
/* Keeps a value live across an empty asm, so a call is never a tail
 * call and its return address stays inside the caller. */
#define KEEP(x) __asm__ volatile("" : "+r"(x))

#ifdef SYMTEST_OTHER
/* The rebuilt copy: other code, so another build-id. */
static volatile int symtest_variant = 2;
#else
static volatile int symtest_variant = 1;
#endif

static NOINLINE uintptr_t symtest_leaf(void)
{
	uintptr_t ret = (uintptr_t)__builtin_return_address(0);

	KEEP(ret);
	return ret + 0 * (uintptr_t)symtest_variant;
}

static inline __attribute__((always_inline)) uintptr_t
symtest_inlined(int *line)
{
	uintptr_t ret = symtest_leaf(); *line = __LINE__;

	KEEP(ret);
	return ret;
}

/* Two levels: symtest_inlined inlined into symtest_middle, inlined into
 * symtest_nested. */
static inline __attribute__((always_inline)) uintptr_t
symtest_middle(int *line, int *middle_line)
{
	uintptr_t ret = symtest_inlined(line); *middle_line = __LINE__;

	KEEP(ret);
	return ret;
}

uintptr_t symtest_nested(int *lines)
{
	uintptr_t ret = symtest_middle(&lines[0], &lines[1]); lines[2] = __LINE__;

	KEEP(ret);
	return ret;
}

uintptr_t symtest_outer(int *line, int *outer_line)
{
	uintptr_t ret = symtest_inlined(line); *outer_line = __LINE__;

	KEEP(ret);
	return ret;
}

uintptr_t symtest_direct(int *line)
{
	uintptr_t ret = symtest_leaf(); *line = __LINE__;

	KEEP(ret);
	return ret;
}

static NOINLINE int symtest_hidden(int x)
{
	KEEP(x);
	return x * symtest_variant;
}

uintptr_t symtest_static_entry(void)
{
	int (*volatile fn)(int) = symtest_hidden;

	return (uintptr_t)fn;
}
