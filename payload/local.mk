# payload/local.mk: memattach-payload.so, the code that runs in the target.
# Built as a "program" linked with -shared so automake installs it as-is
# into $(pkglibexecdir); it depends on libc alone (see docs/internals.md).
pkglibexec_PROGRAMS += memattach-payload.so
memattach_payload_so_SOURCES = \
	payload/native_stack.c \
	payload/payload.h \
	payload/wire.h
memattach_payload_so_CFLAGS = $(AM_CFLAGS) -fPIC -fvisibility=hidden \
	-ftls-model=initial-exec -O2
memattach_payload_so_LDFLAGS = -shared -Wl,-z,nodelete -Wl,-z,now
memattach_payload_so_LDADD = -lpthread -ldl
