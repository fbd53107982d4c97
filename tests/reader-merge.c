/* reader-merge.c: Python and native frames merged in call order, with a
 * stand-in symbolizer so that the expected names are known exactly. */
#include "config.h"

#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "symbolize.h"
#include "wire.h"

/* ---- a symbolizer that knows six addresses ---------------------------- */

struct symbolizer {
	int mappings;
};

static int bad_return_flags;

struct symbolizer *symbolizer_new(void)
{
	return calloc(1, sizeof(struct symbolizer));
}

void symbolizer_free(struct symbolizer *s)
{
	free(s);
}

void symbolizer_add_mapping(struct symbolizer *s, uint64_t start,
			    uint64_t end, uint64_t offset, const char *path,
			    const uint8_t *build_id, size_t build_id_len)
{
	s->mappings++;
}

size_t symbolizer_resolve(struct symbolizer *s, uint64_t addr,
			  bool return_address, struct sym_frame *out,
			  size_t max)
{
	static const struct { uint64_t pc; const char *fn; } names[] = {
		{ 0x1000, "main" }, { 0x2000, "Py_RunMain" },
		{ 0x3000, "_PyEval_EvalFrameDefault" },
		{ 0x4000, "builtin_map" },
		{ 0x5000, "_PyEval_EvalFrameDefault" },
		{ 0x6000, "PyUnicode_New" },
	};
	size_t i;

	/* Only the innermost pc (0x6000) is not a return address. */
	if (return_address != (addr != 0x6000))
		bad_return_flags++;
	if (addr == 0x4000 && max >= 2) {
		out[0] = (struct sym_frame){ "map_next", "bltin.c", 10, true };
		out[1] = (struct sym_frame){ "builtin_map", "bltin.c", 20,
					     false };
		return 2;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].pc == addr) {
			out[0] = (struct sym_frame){ names[i].fn, "x.c", 1,
						     false };
			return 1;
		}
	out[0] = (struct sym_frame){ "??", "", 0, false };
	return 1;
}

const char *symbolizer_mismatch(const struct symbolizer *s)
{
	return NULL;
}

/* ---- a capture written here ----------------------------------------- */

static uint8_t rec[4096];
static size_t nrec;

static void put_uv(uint64_t v)
{
	nrec += wire_put_uv(rec + nrec, v);
}

static void put_str(const char *s)
{
	put_uv(strlen(s));
	memcpy(rec + nrec, s, strlen(s));
	nrec += strlen(s);
}

static void tag(unsigned t)
{
	rec[nrec++] = (uint8_t)t;
}

static int failures;

static void expect(struct capture *cap, uint32_t stack, uint32_t native,
		   bool show_native, const char *want)
{
	uint32_t locs[32];
	size_t n = capture_stack_locations(cap, stack, native, show_native,
					   locs, 32), i;
	char got[512] = "";

	for (i = 0; i < n && i < 32; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, capture_location(cap, locs[i])->function);
	}
	if (strcmp(got, want)) {
		printf("FAIL: stack %u native %u show %d:\n  got  %s\n  want "
		       "%s\n", stack, native, show_native, got, want);
		failures++;
	}
}

int main(void)
{
	static const char *const fn[] = { "<module>", "a", "b", "c" };
	char path[] = "/tmp/memattach-merge-XXXXXX", err[256];
	uint8_t hdr[WIRE_FILE_HEADER_SIZE] = "MEMATCAP\1";
	size_t zcap, zn, i;
	struct capture *cap;
	uint8_t *z;
	FILE *f;
	int fd;

	/* Strings 1-4 are functions, 5 the file; frames 1-4. */
	for (i = 0; i < 4; i++) {
		tag(WIRE_STRING);
		put_uv(i + 1);
		put_str(fn[i]);
	}
	tag(WIRE_STRING);
	put_uv(5);
	put_str("m.py");
	for (i = 0; i < 4; i++) {
		tag(WIRE_FRAME);
		put_uv(i + 1);
		put_uv(i + 1);
		put_uv(5);
		put_uv(10 * (i + 1));
	}
	/* Python stack <module> a b c; <module> and b are entry frames:
	 * b was called through C (builtin_map). */
	for (i = 0; i < 4; i++) {
		tag(i == 0 || i == 2 ? WIRE_NODE_ENTRY : WIRE_NODE);
		put_uv(i + 1);
		put_uv(i);
		put_uv(i + 1);
	}
	/* Native stack 1..6: main ... PyUnicode_New (whole); 7, 8: only
	 * the two innermost (the unwinder's depth limit cut the rest). */
	for (i = 0; i < 6; i++) {
		tag(WIRE_NATIVE_NODE);
		put_uv(i + 1);
		put_uv(i);
		put_uv(0x1000 * (i + 1));
	}
	tag(WIRE_NATIVE_NODE); put_uv(7); put_uv(0); put_uv(0x5000);
	tag(WIRE_NATIVE_NODE); put_uv(8); put_uv(7); put_uv(0x6000);
	tag(WIRE_ALLOC_NATIVE | KIND_MALLOC);
	put_uv(4);
	put_uv(6);
	put_uv(wire_zigzag(0x1000));
	put_uv(64);
	tag(WIRE_END);

	zcap = LZ4F_compressFrameBound(nrec, NULL);
	z = malloc(zcap);
	zn = LZ4F_compressFrame(z, zcap, rec, nrec, NULL);
	fd = mkstemp(path);
	f = fd < 0 ? NULL : fdopen(fd, "wb");
	if (!f || LZ4F_isError(zn) || fwrite(hdr, 1, sizeof(hdr), f) !=
	    sizeof(hdr) || fwrite(z, 1, zn, f) != zn || fclose(f)) {
		printf("ERROR: cannot write %s\n", path);
		return 99;
	}
	cap = capture_open(path, err, sizeof(err));
	if (!cap || capture_replay(cap, NULL, err, sizeof(err))) {
		printf("ERROR: %s\n", err);
		return 99;
	}
	if (capture_damage(cap) || !capture_complete(cap) ||
	    !capture_has_native(cap)) {
		printf("FAIL: damage %s\n", capture_damage(cap));
		failures++;
	}
	expect(cap, 4, 6, true, "PyUnicode_New c b map_next builtin_map a "
	       "<module> Py_RunMain main");
	expect(cap, 4, 8, true, "PyUnicode_New c b a <module>");
	expect(cap, 4, 6, false, "c b a <module>");
	expect(cap, 4, 0, true, "c b a <module>");
	expect(cap, 0, 0, true, "[no Python frame]");
	/* Asking again comes from the cache and must not change. */
	expect(cap, 4, 6, true, "PyUnicode_New c b map_next builtin_map a "
	       "<module> Py_RunMain main");
	if (bad_return_flags) {
		printf("FAIL: return_address flag wrong %d times\n",
		       bad_return_flags);
		failures++;
	}
	capture_close(cap);
	unlink(path);
	free(z);
	if (!failures)
		printf("ok\n");
	return failures ? 1 : 0;
}
