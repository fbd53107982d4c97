# tests/native.mk: --native capture and symbolization tests

# A library with known calls and an inlined function, and a rebuilt copy
# of it (another build-id), loaded by tests/native-symbolize.
check_PROGRAMS += tests/native-symtest.so tests/native-symtest-other.so
tests_native_symtest_so_SOURCES = tests/native-symtest.c tests/native-symtest.h
tests_native_symtest_so_CFLAGS = $(AM_CFLAGS) -g -O2 -fPIC
tests_native_symtest_so_LDFLAGS = -shared -Wl,--build-id
tests_native_symtest_other_so_SOURCES = $(tests_native_symtest_so_SOURCES)
tests_native_symtest_other_so_CFLAGS = $(tests_native_symtest_so_CFLAGS) \
	-DSYMTEST_OTHER
tests_native_symtest_other_so_LDFLAGS = $(tests_native_symtest_so_LDFLAGS)

check_PROGRAMS += tests/native-symbolize
tests_native_symbolize_SOURCES = tests/native-symbolize.c tests/native-symtest.h
tests_native_symbolize_LDADD = libmemattach.a $(LIBDW_LIBS) $(LIBELF_LIBS) -ldl

TESTS += tests/native-symbolize.sh
EXTRA_DIST += tests/native-symbolize.sh

# The payload's unwinder, linked from its source: a known call chain,
# no allocation once warm, and a cost figure (printed, never asserted).
check_PROGRAMS += tests/native-unwind
tests_native_unwind_SOURCES = tests/native-unwind.c payload/native_stack.c \
	payload/native_stack.h
tests_native_unwind_CFLAGS = $(AM_CFLAGS) -O2
tests_native_unwind_LDFLAGS = -rdynamic
tests_native_unwind_LDADD = -ldl -lpthread
TESTS += tests/native-unwind

# --native end to end: numpy under build(), seed.py's order, and the
# Python-only view of a native capture against a plain one.
TESTS += tests/native-run.py
EXTRA_DIST += tests/native-run.py
