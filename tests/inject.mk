# tests/inject.mk: the injector and the attach, detach and status commands.
# inject-testlib.so stands in for the payload where a test only checks the
# injection itself (MEMATTACH_PAYLOAD points at it).
check_PROGRAMS += tests/inject-testlib.so
tests_inject_testlib_so_SOURCES = tests/inject-testlib.c
tests_inject_testlib_so_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden
tests_inject_testlib_so_LDFLAGS = -shared -Wl,-z,nodelete
tests_inject_testlib_so_LDADD = -lpthread

INJECT_TESTS = \
	tests/inject-errors.py \
	tests/inject-restart.py \
	tests/inject-deadlock.py \
	tests/inject-hung-gil.py \
	tests/inject-server.py \
	tests/inject-deadman.py \
	tests/inject-mntns.py \
	tests/inject-seed.py \
	tests/inject-leak.py \
	tests/inject-unsafe.py \
	tests/inject-signals.py \
	tests/inject-shapes.py \
	tests/inject-diskfull.py \
	tests/inject-threads.py
EXTRA_DIST += tests/inject-restart-target.py tests/inject-signals-target.py
TESTS += $(INJECT_TESTS)
EXTRA_DIST += $(INJECT_TESTS) tests/injectlib.py

# The injector's core on a plain C child: malloc safety, remote calls.
check_PROGRAMS += tests/inject-unit
tests_inject_unit_SOURCES = tests/inject-unit.c
tests_inject_unit_LDADD = libinject.a $(LIBUNWIND_LIBS) $(LIBELF_LIBS)
TESTS += tests/inject-unit
