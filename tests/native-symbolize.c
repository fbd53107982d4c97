/* native-symbolize.c: symbolizer checks on a known library and on the
 * system's libc and python3 (driven by tests/native-symbolize.sh). */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <inttypes.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "native-symtest.h"
#include "symbolize.h"

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failures++;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The build-id note of a loaded object, read from memory the way the
 * payload reads it. */
struct build_id_query {
	const char *path;
	uint8_t id[64];
	size_t len;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct build_id_query *q = arg;
	int i;

	if (strcmp(info->dlpi_name, q->path) != 0)
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *desc = p + sizeof(*n) +
					   ((n->n_namesz + 3) & ~3u);

			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(p + sizeof(*n), "GNU", 4) == 0 &&
			    n->n_descsz <= sizeof(q->id)) {
				memcpy(q->id, desc, n->n_descsz);
				q->len = n->n_descsz;
				return 1;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 1;
}

/* Declare every mapping of path from a /proc/PID/maps text. */
static size_t add_maps(struct symbolizer *s, FILE *maps, const char *path,
		       const uint8_t *build_id, size_t build_id_len)
{
	char line[4096];
	size_t n = 0;

	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, offset;
		char file[4096];

		file[0] = '\0';
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095s", &start,
			   &end, &offset, file) < 3)
			continue;
		if (!file[0] || (path && strcmp(file, path) != 0))
			continue;
		symbolizer_add_mapping(s, start, end, offset, file,
				       path ? build_id : NULL,
				       path ? build_id_len : 0);
		n++;
	}
	return n;
}

static struct symbolizer *symbolizer_for(const char *path)
{
	struct build_id_query q = { .path = path };
	struct symbolizer *s = symbolizer_new();
	FILE *maps = fopen("/proc/self/maps", "r");

	if (!maps) {
		perror("/proc/self/maps");
		exit(99);
	}
	dl_iterate_phdr(find_build_id, &q);
	if (q.len == 0)
		fail("%s: no build-id in memory", path);
	if (add_maps(s, maps, path, q.id, q.len) == 0)
		fail("%s: not in /proc/self/maps", path);
	fclose(maps);
	return s;
}

static void *load(const char *dir, const char *name, char *path,
		  size_t size)
{
	void *h;

	snprintf(path, size, "%s/%s", dir, name);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		exit(99);
	}
	return h;
}

static void *sym(void *handle, const char *name)
{
	void *p = dlsym(handle, name);

	if (!p) {
		printf("dlsym %s: %s\n", name, dlerror());
		exit(99);
	}
	return p;
}

static void expect_frame(const char *what, const struct sym_frame *f,
			 const char *function, const char *file_tail,
			 uint32_t line, bool inlined)
{
	printf("%s: %s %s:%" PRIu32 "%s\n", what, f->function, f->file,
	       f->line, f->inlined ? " (inlined)" : "");
	if (strcmp(f->function, function) != 0)
		fail("%s: function %s, expected %s", what, f->function,
		     function);
	if (!ends_with(f->file, file_tail))
		fail("%s: file %s, expected .../%s", what, f->file, file_tail);
	if (f->line != line)
		fail("%s: line %" PRIu32 ", expected %" PRIu32, what, f->line,
		     line);
	if (f->inlined != inlined)
		fail("%s: inlined %d, expected %d", what, f->inlined, inlined);
}

/*
 * Check one copy of the library.  with_lines: it has debug info (in the
 * file or through .gnu_debuglink), so lines and inlined frames show;
 * otherwise names come from the symbol table alone.
 */
static void check_library(const char *dir, const char *name,
			  bool with_lines)
{
	uintptr_t (*direct)(int *), (*outer)(int *, int *),
		(*nested)(int *), (*static_entry)(void);
	int nested_lines[3] = { 0 };
	uintptr_t nested_ret;
	int direct_line = 0, inl_line = 0, outer_line = 0;
	uintptr_t direct_ret, outer_ret, hidden;
	struct sym_frame f[8];
	struct symbolizer *s;
	char path[4096], what[256];
	const char *src = "native-symtest.c";
	void *h;
	size_t n;

	h = load(dir, name, path, sizeof(path));
	*(void **)&direct = sym(h, "symtest_direct");
	*(void **)&outer = sym(h, "symtest_outer");
	*(void **)&static_entry = sym(h, "symtest_static_entry");
	*(void **)&nested = sym(h, "symtest_nested");
	direct_ret = direct(&direct_line);
	nested_ret = nested(nested_lines);
	outer_ret = outer(&inl_line, &outer_line);
	hidden = static_entry();
	s = symbolizer_for(path);

	snprintf(what, sizeof(what), "%s direct call", name);
	n = symbolizer_resolve(s, direct_ret, true, f, 8);
	if (n != 1)
		fail("%s: %zu frames, expected 1", what, n);
	expect_frame(what, &f[0], "symtest_direct", with_lines ? src : name,
		     with_lines ? (uint32_t)direct_line : 0, false);

	snprintf(what, sizeof(what), "%s inlined call", name);
	n = symbolizer_resolve(s, outer_ret, true, f, 8);
	if (n != (with_lines ? 2u : 1u))
		fail("%s: %zu frames, expected %d", what, n,
		     with_lines ? 2 : 1);
	if (with_lines && n == 2) {
		expect_frame(what, &f[0], "symtest_inlined", src,
			     (uint32_t)inl_line, true);
		expect_frame(what, &f[1], "symtest_outer", src,
			     (uint32_t)outer_line, false);
	} else if (n >= 1) {
		expect_frame(what, &f[n - 1], "symtest_outer", name, 0, false);
	}

	snprintf(what, sizeof(what), "%s nested inlined call", name);
	n = symbolizer_resolve(s, nested_ret, true, f, 8);
	if (n != (with_lines ? 3u : 1u))
		fail("%s: %zu frames, expected %d", what, n,
		     with_lines ? 3 : 1);
	if (with_lines && n == 3) {
		expect_frame(what, &f[0], "symtest_inlined", src,
			     (uint32_t)nested_lines[0], true);
		expect_frame(what, &f[1], "symtest_middle", src,
			     (uint32_t)nested_lines[1], true);
		expect_frame(what, &f[2], "symtest_nested", src,
			     (uint32_t)nested_lines[2], false);
	} else if (n >= 1) {
		expect_frame(what, &f[n - 1], "symtest_nested", name, 0,
			     false);
	}

	snprintf(what, sizeof(what), "%s static function", name);
	n = symbolizer_resolve(s, hidden, false, f, 8);
	if (n != 1 || strcmp(f[0].function, "symtest_hidden") != 0)
		fail("%s: %s, expected symtest_hidden", what, f[0].function);

	/* The cache gives the same answer, in the same strings. */
	{
		struct sym_frame again[8];
		size_t m = symbolizer_resolve(s, outer_ret, true, again, 8);
		size_t i;

		n = symbolizer_resolve(s, outer_ret, true, f, 8);
		if (m != n)
			fail("%s: cached %zu frames, then %zu", name, n, m);
		for (i = 0; i < n && i < m; i++)
			if (f[i].function != again[i].function ||
			    f[i].file != again[i].file ||
			    f[i].line != again[i].line)
				fail("%s: cached frame %zu differs", name, i);
	}
	if (symbolizer_mismatch(s))
		fail("%s: mismatch reported: %s", name,
		     symbolizer_mismatch(s));
	symbolizer_free(s);
}

/* The file behind a loaded library is replaced by a rebuilt one: its
 * frames must not be read from the new file. */
static void check_mismatch(const char *dir)
{
	uintptr_t (*direct)(int *);
	struct sym_frame f[8];
	struct symbolizer *s;
	char path[4096], other[4096], expected[64];
	const char *line;
	uintptr_t ret;
	int direct_line;
	void *h;
	size_t n;

	h = load(dir, "changing.so", path, sizeof(path));
	*(void **)&direct = sym(h, "symtest_direct");
	ret = direct(&direct_line);
	snprintf(other, sizeof(other), "%s/other.so", dir);
	if (rename(other, path) != 0) {
		perror("rename");
		exit(99);
	}
	s = symbolizer_for(path);
	n = symbolizer_resolve(s, ret, true, f, 8);
	printf("changed file: %s %s:%" PRIu32 "\n", f[0].function, f[0].file,
	       f[0].line);
	snprintf(expected, sizeof(expected), "changing.so+0x");
	if (n != 1 || strncmp(f[0].function, expected, strlen(expected)) != 0)
		fail("changed file: %s, expected changing.so+0x...",
		     f[0].function);
	if (strcmp(f[0].file, path) != 0 || f[0].line != 0)
		fail("changed file: %s:%" PRIu32 ", expected %s:0", f[0].file,
		     f[0].line, path);
	line = symbolizer_mismatch(s);
	printf("mismatch: %s\n", line ? line : "(none)");
	if (!line || !strstr(line, path))
		fail("changed file: not reported as a mismatch");
	/* An address no mapping covers still gets a name. */
	n = symbolizer_resolve(s, 0x10, false, f, 8);
	if (n != 1 || strcmp(f[0].function, "0x10") != 0)
		fail("unmapped address: %s, expected 0x10", f[0].function);
	symbolizer_free(s);
}

/*
 * Another process's addresses and maps, as written by the driver:
 * "NAME 0xADDR" lines for functions, then /proc/PID/maps.
 */
static void check_foreign(const char *dump)
{
	char names[2][64], line[256];
	unsigned long long addr[2];
	struct sym_frame f[8];
	struct symbolizer *s;
	FILE *in = fopen(dump, "r");
	int i;

	if (!in) {
		perror(dump);
		exit(99);
	}
	for (i = 0; i < 2; i++)
		if (!fgets(line, sizeof(line), in) ||
		    sscanf(line, "%63s %llx", names[i], &addr[i]) != 2) {
			printf("%s: bad header\n", dump);
			exit(99);
		}
	s = symbolizer_new();
	add_maps(s, in, NULL, NULL, 0);
	fclose(in);
	for (i = 0; i < 2; i++) {
		size_t n = symbolizer_resolve(s, addr[i], false, f, 8);
		const char *got = f[n - 1].function;

		printf("%s at 0x%llx: %s %s:%" PRIu32 "\n", names[i], addr[i],
		       got, f[n - 1].file, f[n - 1].line);
		/* glibc's malloc is also __libc_malloc: the symbolizer
		 * picks the alias a programmer calls. */
		if (strcmp(got, names[i]) != 0)
			fail("%s resolved to %s", names[i], got);
	}
	symbolizer_free(s);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s DIR FOREIGN-DUMP\n", argv[0]);
		return 99;
	}
	check_library(argv[1], "full.so", true);
	check_library(argv[1], "linked.so", true);
	check_library(argv[1], "stripped.so", false);
	check_mismatch(argv[1]);
	check_foreign(argv[2]);
	if (failures)
		printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
