# src/symbolize.mk: native symbolization (libdwfl)
libmemattach_a_SOURCES += \
	src/symbolize.c \
	src/symbolize_cache.c \
	src/symbolize_elf.c \
	src/symbolize_priv.h
