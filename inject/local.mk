# inject/local.mk: libinject.a, the ptrace injector (never prints, never exits).
# The architecture's part is picked by configure's $(ARCH), not by #ifdef:
# every inject/arch/<arch>/ provides the same arch_* functions.
noinst_LIBRARIES += libinject.a
libinject_a_SOURCES = \
	inject/inject.h \
	inject/inject-priv.h \
	inject/choose.c \
	inject/elfsym.c \
	inject/load.c \
	inject/procfs.c \
	inject/remote.c \
	inject/seize.c \
	inject/target.c \
	inject/unwind.c \
	inject/util.c
EXTRA_libinject_a_SOURCES = \
	inject/arch/x86_64/arch.c \
	inject/arch/x86_64/arch.h
libinject_a_LIBADD = inject/arch/$(ARCH)/arch.$(OBJEXT)
libinject_a_DEPENDENCIES = $(libinject_a_LIBADD)
EXTRA_DIST += docs/injection.md
