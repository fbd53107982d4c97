/* pyframes.c: CPython frame chains read with per-version struct offsets. */
#include "config.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "pyframes.h"

/*
 * Offsets of the few fields the walk needs.  They come from the
 * interpreter's own headers (Include/internal/pycore_frame.h and
 * Include/cpython/code.h, 3.11.7 / 3.12.1 / 3.13.0, built with
 * Py_BUILD_CORE and offsetof); the debug build (python3.11-dbg) has the
 * same layout, since Py_DEBUG no longer changes object headers.
 */
struct py_layout {
	unsigned major_minor;		/* 0x030b for 3.11 */
	/* PyThreadState -> current frame: through _PyCFrame up to 3.12. */
	size_t ts_cframe;		/* 0 if the frame is in tstate */
	size_t cframe_current;		/* or tstate's current_frame */
	/* _PyInterpreterFrame */
	size_t f_code, f_previous, f_instr, f_owner;
	size_t f_is_entry;		/* 0 if entry is marked by a shim */
	/* PyCodeObject */
	size_t co_filename, co_qualname, co_firstlineno;
	size_t co_firsttraceable, co_code_adaptive;
	/* str */
	size_t ascii_size, compact_size;
};

enum {
	OWNED_BY_GENERATOR = 1,
	OWNED_BY_CSTACK = 3,	/* 3.12+: a shim that marks a C entry */
};

static const struct py_layout layouts[] = {
	{ 0x030b, 56, 8, 32, 48, 56, 69, 68, 112, 128, 72, 168, 184, 48, 72 },
	{ 0x030c, 56, 0, 0, 8, 56, 70, 0, 112, 128, 68, 176, 192, 40, 56 },
	{ 0x030d, 0, 72, 0, 8, 56, 70, 0, 112, 128, 68, 184, 200, 40, 56 },
};

/*
 * CPython's line-table cursor (Include/cpython/code.h, the same 3.11 to
 * 3.13).  PyCode_Addr2Line starts every lookup from the top of the table,
 * which makes the first sight of each line of a 100,000-line function a
 * walk of the whole table; keeping a cursor per code object and moving it
 * with _PyCode_CheckLineNumber costs the distance between the lines.
 */
struct line_cursor {
	int ar_start, ar_end, ar_line;
	struct {	/* a struct of its own in CPython: 8-byte aligned */
		int computed_line;
		const uint8_t *lo_next, *limit;
	} opaque;
};
_Static_assert(sizeof(struct line_cursor) == 40, "PyCodeAddressRange");

#define CURSOR_SLOTS 256
static struct {
	uintptr_t code, linetable;
	struct line_cursor c;
} cursors[CURSOR_SLOTS];

#define CO_LINETABLE 136	/* PyBytesObject *, 3.11 to 3.13 */
#define BYTES_SIZE 16
#define BYTES_DATA 32

static int (*check_line_number)(int lasti, struct line_cursor *c);

static const struct py_layout *L;
static void *(*get_this_thread_state)(void);
static int (*code_addr2line)(void *code, int offset);
static char version_text[32];
static int (*is_finalizing)(void);

#define AT(base, off, type) (*(type *)((uintptr_t)(base) + (off)))

int pyframes_init(char *why, size_t len)
{
	const unsigned *py_version = dlsym(RTLD_DEFAULT, "Py_Version");
	unsigned v, mm;
	size_t i;

	get_this_thread_state = (void *(*)(void))
		dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
	code_addr2line = (int (*)(void *, int))
		dlsym(RTLD_DEFAULT, "PyCode_Addr2Line");
	check_line_number = (int (*)(int, struct line_cursor *))
		dlsym(RTLD_DEFAULT, "_PyCode_CheckLineNumber");
	is_finalizing = (int (*)(void))dlsym(RTLD_DEFAULT, "Py_IsFinalizing");
	if (!is_finalizing)	/* before 3.13 it had an underscore */
		is_finalizing = (int (*)(void))
			dlsym(RTLD_DEFAULT, "_Py_IsFinalizing");
	if (!get_this_thread_state || !code_addr2line) {
		snprintf(why, len, "no Python interpreter in this process");
		return -1;
	}
	if (!py_version) {
		/* Py_Version exists from 3.11 on. */
		snprintf(why, len, "Python older than 3.11 is not supported");
		return -1;
	}
	v = *py_version;
	mm = v >> 16;
	snprintf(version_text, sizeof(version_text), "%u.%u.%u",
		 v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff);
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].major_minor == mm)
			L = &layouts[i];
	if (!L) {
		snprintf(why, len, "Python %s is not supported (3.11 to 3.13 are)",
			 version_text);
		version_text[0] = 0;
		return -1;
	}
	return 0;
}

int pyframes_finalizing(void)
{
	return is_finalizing && is_finalizing();
}

const char *pyframes_version(void)
{
	return version_text;
}

static uintptr_t current_frame(void)
{
	uintptr_t ts = (uintptr_t)get_this_thread_state();
	uintptr_t holder;

	if (!ts)
		return 0;
	if (L->ts_cframe) {
		holder = AT(ts, L->ts_cframe, uintptr_t);
		if (!holder)
			return 0;
	} else {
		holder = ts;
	}
	return AT(holder, L->cframe_current, uintptr_t);
}

size_t pyframes_walk(struct py_frame_ref *out, size_t max)
{
	uintptr_t f;
	size_t n = 0;

	if (!L)
		return 0;
	for (f = current_frame(); f && n < max;
	     f = AT(f, L->f_previous, uintptr_t)) {
		uint8_t owner = AT(f, L->f_owner, uint8_t);
		uintptr_t code, first, instr;

		if (owner == OWNED_BY_CSTACK) {
			/* The frame above the shim was entered from C. */
			if (n)
				out[n - 1].entry = true;
			continue;
		}
		code = AT(f, L->f_code, uintptr_t);
		if (!code)
			continue;
		first = code + L->co_code_adaptive;
		instr = AT(f, L->f_instr, uintptr_t);
		/* An incomplete frame (still running its prologue) has no
		 * line yet and is not shown by CPython's own tracebacks. */
		if (owner != OWNED_BY_GENERATOR &&
		    instr < first + 2 * (uintptr_t)AT(code, L->co_firsttraceable,
						      int))
			continue;
		out[n].code = code;
		out[n].offset = (int32_t)(instr - first);
		out[n].entry = L->f_is_entry ? AT(f, L->f_is_entry, uint8_t)
					      : false;
		n++;
	}
	return n;
}

void pyframes_identity(uintptr_t code, struct py_code_identity *id)
{
	id->name = AT(code, L->co_qualname, uintptr_t);
	id->file = AT(code, L->co_filename, uintptr_t);
	id->firstlineno = AT(code, L->co_firstlineno, int32_t);
}

static size_t put_utf8(char *out, size_t room, uint32_t c)
{
	char tmp[4];
	size_t n, i;

	if (c < 0x80) {
		tmp[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		tmp[0] = (char)(0xc0 | (c >> 6));
		tmp[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		tmp[0] = (char)(0xe0 | (c >> 12));
		tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | (c >> 18));
		tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (n > room)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = tmp[i];
	return n;
}

/*
 * Copy a str object as UTF-8.  Code names and file names are compact
 * strings (the data follows the object header); anything else reads "?".
 */
static void read_str(uintptr_t s, char *out, size_t len)
{
	uint32_t state;
	size_t length, i, o = 0;
	unsigned kind;
	uintptr_t data;

	if (!s || len < 2) {
		if (len)
			out[0] = 0;
		return;
	}
	length = AT(s, 16, size_t);
	state = AT(s, 32, uint32_t);
	kind = (state >> 2) & 7;
	if (!(state & (1u << 5))) {	/* not compact */
		snprintf(out, len, "?");
		return;
	}
	data = s + ((state & (1u << 6)) ? L->ascii_size : L->compact_size);
	for (i = 0; i < length; i++) {
		uint32_t c;
		size_t w;

		if (kind == 1)
			c = AT(data, i, uint8_t);
		else if (kind == 2)
			c = AT(data, 2 * i, uint16_t);
		else
			c = AT(data, 4 * i, uint32_t);
		w = put_utf8(out + o, len - 1 - o, c);
		if (!w)
			break;
		o += w;
	}
	out[o] = 0;
}

static int line_of(uintptr_t code, int offset)
{
	uintptr_t table;
	size_t slot;

	if (!check_line_number)
		return code_addr2line((void *)code, offset);
	table = AT(code, CO_LINETABLE, uintptr_t);
	if (!table)
		return code_addr2line((void *)code, offset);
	slot = (code >> 4) % CURSOR_SLOTS;
	if (cursors[slot].code != code || cursors[slot].linetable != table) {
		struct line_cursor *c = &cursors[slot].c;

		cursors[slot].code = code;
		cursors[slot].linetable = table;
		c->opaque.lo_next = (const uint8_t *)(table + BYTES_DATA);
		c->opaque.limit = c->opaque.lo_next +
				  AT(table, BYTES_SIZE, intptr_t);
		c->ar_start = -1;
		c->ar_end = 0;
		c->ar_line = -1;
		c->opaque.computed_line = AT(code, L->co_firstlineno, int32_t);
	}
	return check_line_number(offset, &cursors[slot].c);
}

void pyframes_describe(const struct py_frame_ref *f, char *function,
		       size_t flen, char *file, size_t filelen,
		       uint32_t *line)
{
	int l;

	read_str(AT(f->code, L->co_qualname, uintptr_t), function, flen);
	read_str(AT(f->code, L->co_filename, uintptr_t), file, filelen);
	l = line_of(f->code, f->offset);
	*line = l > 0 ? (uint32_t)l : 0;
}
