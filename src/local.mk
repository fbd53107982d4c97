# src/local.mk: the memattach command; all but main.c is in libmemattach.a
# so that unit tests link the very same code.
noinst_LIBRARIES += libmemattach.a
libmemattach_a_SOURCES = \
	src/analysis.h \
	src/capture.h \
	src/capture_writer.c \
	src/capture_writer.h \
	src/commands.h \
	src/error.c \
	src/error.h \
	src/json.c \
	src/json.h \
	src/live.c \
	src/live_ui.c \
	src/live_ui.h \
	src/output.c \
	src/output.h \
	src/payload_path.c \
	src/payload_path.h \
	src/reports.h \
	src/symbolize.h \
	src/run.c

include src/attach.mk
include src/report-text.mk
include src/report-html.mk
include src/symbolize.mk

bin_PROGRAMS += memattach
memattach_SOURCES = src/main.c
memattach_LDADD = libmemattach.a libinject.a \
	$(LIBDW_LIBS) $(LIBELF_LIBS) $(LIBUNWIND_LIBS) $(LIBLZ4_LIBS) \
	$(NCURSES_LIBS) -lm
AM_CPPFLAGS += $(LIBDW_CFLAGS) $(LIBELF_CFLAGS) $(LIBUNWIND_CFLAGS) \
	$(LIBLZ4_CFLAGS) $(NCURSES_CFLAGS)
