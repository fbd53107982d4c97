# src/attach.mk: memattach PID, detach and status (the injector is libinject.a).
libmemattach_a_SOURCES += \
	src/attach.c \
	src/attach_control.c \
	src/attach_control.h \
	src/capture_events.c \
	src/capture_events.h \
	src/detach.c \
	src/status.c
