/* symbolize.h: native addresses to function, file:line, at report time. */
#ifndef MEMATTACH_SYMBOLIZE_H
#define MEMATTACH_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The payload records raw instruction addresses and the target's module
 * map (WIRE_MAPPING).  Reports turn them into names here, outside the
 * target, with libdwfl: separate debug info through .gnu_debuglink and
 * /usr/lib/debug/.build-id, inlined frames, and the ELF symbol table as a
 * fallback.  A module whose build-id on disk differs from the recorded one
 * is not symbolized from the wrong file: its frames read "lib.so+0xoff"
 * and the module is flagged.
 */

struct symbolizer;

/* One frame of a resolved address.  Strings belong to the symbolizer and
 * live until symbolizer_free(). */
struct sym_frame {
	const char *function;	/* "PyList_Append", or "lib.so+0x1a2b" */
	const char *file;	/* source file, or the module path if unknown */
	uint32_t line;		/* 0 if unknown */
	bool inlined;		/* an inlined call inside the next frame */
};

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s);

/*
 * Declare one mapping of the target: [start, end) maps path at file
 * offset; build_id may be NULL/0 when it was not recorded.  Several
 * mappings of one file (its text, data, ...) form one module.
 */
void symbolizer_add_mapping(struct symbolizer *s, uint64_t start,
			    uint64_t end, uint64_t offset, const char *path,
			    const uint8_t *build_id, size_t build_id_len);

/*
 * Resolve one address.  return_address is true for every frame but the
 * innermost: a return address points after the call, so the lookup uses
 * addr - 1.  Writes up to max frames, innermost first (the inlined
 * callees, then the function that contains addr) and returns how many
 * (at least 1 when max >= 1).  Results are cached per address.
 */
size_t symbolizer_resolve(struct symbolizer *s, uint64_t addr,
			  bool return_address, struct sym_frame *out,
			  size_t max);

/* Modules whose file changed since the capture (build-id mismatch), as
 * one line for a warning, or NULL if none. */
const char *symbolizer_mismatch(const struct symbolizer *s);

#endif /* MEMATTACH_SYMBOLIZE_H */
