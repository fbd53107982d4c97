# payload/local.mk: memattach-payload.so, the code that runs in the target.
# Built as a "program" linked with -shared so automake installs it as-is
# into $(pkglibexecdir); it depends on libc alone (see docs/design-notes.md).
pkglibexec_PROGRAMS += memattach-payload.so
memattach_payload_so_SOURCES = \
	payload/control.c \
	payload/got.c \
	payload/got.h \
	payload/hooks.c \
	payload/hooks.h \
	payload/idmap.c \
	payload/idmap.h \
	payload/modules.c \
	payload/modules.h \
	payload/native_stack.c \
	payload/payload.h \
	payload/pyframes.c \
	payload/pyframes.h \
	payload/pymalloc.c \
	payload/pymalloc.h \
	payload/real_alloc.c \
	payload/real_alloc.h \
	payload/stacks.c \
	payload/stacks.h \
	payload/stream.c \
	payload/stream.h \
	payload/stream_lock.h \
	payload/thread_rec.c \
	payload/thread_rec.h \
	payload/wire.h
memattach_payload_so_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden \
	-ftls-model=initial-exec -O2
memattach_payload_so_LDFLAGS = -shared -Wl,-z,nodelete -Wl,-z,now
memattach_payload_so_LDADD = -lpthread -ldl
