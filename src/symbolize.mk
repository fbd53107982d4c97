# src/symbolize.mk: native symbolization (libdwfl)
libmemattach_a_SOURCES += \
	src/symbolize.c \
	src/symbolize_cache.c \
	src/symbolize_dwarf.c \
	src/symbolize_elf.c \
	src/symbolize_priv.h \
	src/symbolize_symtab.c
EXTRA_DIST += docs/native.md
