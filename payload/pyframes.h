/* pyframes.h: reading the calling thread's Python stack, per version. */
#ifndef PAYLOAD_PYFRAMES_H
#define PAYLOAD_PYFRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One Python frame as the walk sees it: which code, where in it. */
struct py_frame_ref {
	uintptr_t code;		/* PyCodeObject * */
	int32_t offset;		/* byte offset of the last instruction run */
	bool entry;		/* first frame of its C-level eval call */
};

/*
 * Find the interpreter in this process and pick the layout of its
 * version.  Returns 0, or -1 with why in `why` (no Python symbols, or a
 * version whose layout we do not know).  Reads only; never needs the GIL.
 */
int pyframes_init(char *why, size_t len);

/* "3.11.2" (from Py_Version), or "" before pyframes_init succeeded. */
const char *pyframes_version(void);

/*
 * Whether the interpreter is tearing itself down (Py_FinalizeEx has run
 * the atexit callbacks and is freeing modules).  What it frees then is
 * shutdown noise, not the program's memory: the capture ends there, so
 * that "live at the end" means live when the program finished.
 */
int pyframes_finalizing(void);

/*
 * The calling thread's Python frames, innermost first; returns how many
 * (at most max; the outermost beyond max are dropped).  0 when the thread
 * has no Python thread state or runs no Python code.  Safe inside malloc:
 * the thread's own frame chain cannot change while it is in here, and
 * nothing is allocated.
 */
size_t pyframes_walk(struct py_frame_ref *out, size_t max);

/* Fields of a code object that tell it apart from a later object at the
 * same address (code objects die, and their memory is reused). */
struct py_code_identity {
	uintptr_t name, file;
	int32_t firstlineno;
};
void pyframes_identity(uintptr_t code, struct py_code_identity *id);

/*
 * Describe one frame: function (qualified name) and file as UTF-8 into
 * the buffers (NUL-terminated, cut to fit), and the source line of the
 * offset (0 if the line table has none).
 */
void pyframes_describe(const struct py_frame_ref *f, char *function,
		       size_t flen, char *file, size_t filelen,
		       uint32_t *line);

#endif
