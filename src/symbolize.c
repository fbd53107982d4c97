/* symbolize.c: native addresses to names and lines with libdwfl. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "symbolize.h"
#include "symbolize_priv.h"

/* Inlined calls nest rarely deeper than a handful; past this the
 * outer ones are dropped, never the function that holds the address. */
#define MAX_FRAMES_PER_ADDRESS 32

enum module_state {
	MODULE_PENDING,		/* not yet handed to libdwfl */
	MODULE_REPORTED,	/* libdwfl knows it: full symbolization */
	MODULE_MISMATCH,	/* build-id differs: offsets only */
	MODULE_UNREADABLE,	/* no such file, not ELF, [vdso]: offsets */
};

struct module {
	const char *path;	/* interned */
	const char *name;	/* basename, interned */
	uint64_t bias;
	enum module_state state;
	Dwfl_Module *dwfl_module;
	struct sym_table *symbols;	/* built at its first address */
};

struct mapping {
	uint64_t start, end, offset;
	size_t module;
	size_t order;		/* when it was added: later ones win */
};

/* The ELF facts of one path, read once however many mappings it has. */
struct file_info {
	const char *path;	/* interned */
	bool readable;
	struct elf_layout layout;
};

struct symbolizer {
	Dwfl *dwfl;
	struct strtab strings;
	struct addr_cache cache;
	struct scope_index *scopes;
	struct module *modules;
	size_t nmodules, modules_alloc;
	struct mapping *mappings;
	size_t nmappings, mappings_alloc;
	bool mappings_sorted;
	struct file_info *files;
	size_t nfiles, files_alloc;
	bool pending;		/* modules waiting for libdwfl */
	bool resolved_any;	/* the cache holds results */
	char *mismatch;		/* symbolizer_mismatch() line */
};

/* NULL: the default search, ":.debug:/usr/lib/debug", which covers both
 * .gnu_debuglink neighbours and /usr/lib/debug/.build-id/xx/yyyy.debug. */
static char *debuginfo_path;

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* libdwfl's last error as text.  dwfl_errmsg(-1) asserts on some error
 * codes in elfutils 0.188, so ask for the last one by number. */
static const char *dwfl_error(void)
{
	int err = dwfl_errno();
	const char *msg = err ? dwfl_errmsg(err) : NULL;

	return msg ? msg : "unknown libdwfl error";
}

struct symbolizer *symbolizer_new(void)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));

	s->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!s->dwfl)
		error_msg_and_die("libdwfl: %s", dwfl_error());
	strtab_init(&s->strings);
	addr_cache_init(&s->cache);
	s->scopes = scope_index_new();
	s->mappings_sorted = true;
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nmodules; i++)
		sym_table_free(s->modules[i].symbols);
	scope_index_free(s->scopes);
	dwfl_end(s->dwfl);
	strtab_free(&s->strings);
	addr_cache_free(&s->cache);
	free(s->modules);
	free(s->mappings);
	free(s->files);
	free(s->mismatch);
	free(s);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static const struct file_info *file_info_get(struct symbolizer *s,
					     const char *path)
{
	struct file_info *f;
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		if (s->files[i].path == path)
			return &s->files[i];
	if (s->nfiles == s->files_alloc)
		s->files = xgrow(s->files, &s->files_alloc, s->nfiles + 1,
				 sizeof(*s->files));
	f = &s->files[s->nfiles++];
	f->path = path;
	/* Pseudo-paths such as "[vdso]" are not files on this machine. */
	f->readable = path[0] == '/' &&
		      elf_layout_read(path, &f->layout) == 0;
	return f;
}

static void note_mismatch(struct symbolizer *s, const char *path)
{
	char *line;

	if (!s->mismatch)
		line = xasprintf("build-id differs from the capture, frames "
				 "shown as offsets: %s", path);
	else
		line = xasprintf("%s, %s", s->mismatch, path);
	free(s->mismatch);
	s->mismatch = line;
}

static size_t module_get(struct symbolizer *s, const char *path,
			 uint64_t bias, const uint8_t *build_id,
			 size_t build_id_len, const struct file_info *f)
{
	struct module *m;
	size_t i;

	for (i = 0; i < s->nmodules; i++)
		if (s->modules[i].path == path &&
		    (s->modules[i].bias == bias ||
		     s->modules[i].state == MODULE_MISMATCH ||
		     s->modules[i].state == MODULE_UNREADABLE))
			return i;
	if (s->nmodules == s->modules_alloc)
		s->modules = xgrow(s->modules, &s->modules_alloc,
				   s->nmodules + 1, sizeof(*s->modules));
	m = &s->modules[s->nmodules];
	*m = (struct module){
		.path = path,
		.name = strtab_intern(&s->strings, base_name(path)),
		.bias = bias,
		.state = MODULE_PENDING,
	};
	if (!f->readable) {
		m->state = MODULE_UNREADABLE;
	} else if (build_id_len > 0 &&
		   (f->layout.build_id_len != build_id_len ||
		    memcmp(f->layout.build_id, build_id, build_id_len) != 0)) {
		m->state = MODULE_MISMATCH;
		note_mismatch(s, path);
	} else {
		s->pending = true;
	}
	return s->nmodules++;
}

void symbolizer_add_mapping(struct symbolizer *s, uint64_t start,
			    uint64_t end, uint64_t offset, const char *path,
			    const uint8_t *build_id, size_t build_id_len)
{
	const struct file_info *f;
	const char *ipath;
	uint64_t bias;
	size_t module;

	if (!path || !path[0] || end <= start)
		return;
	ipath = strtab_intern(&s->strings, path);
	f = file_info_get(s, ipath);
	if (!f->readable || !elf_layout_bias(&f->layout, start, offset, &bias))
		bias = start - offset;
	module = module_get(s, ipath, bias, build_id, build_id_len, f);
	if (s->nmappings == s->mappings_alloc)
		s->mappings = xgrow(s->mappings, &s->mappings_alloc,
				    s->nmappings + 1, sizeof(*s->mappings));
	s->mappings[s->nmappings] = (struct mapping){
		.start = start,
		.end = end,
		.offset = offset,
		.module = module,
		.order = s->nmappings,
	};
	s->nmappings++;
	s->mappings_sorted = false;
	/* An address that had no mapping may have one now. */
	if (s->resolved_any) {
		addr_cache_clear(&s->cache);
		s->resolved_any = false;
	}
}

static int mapping_cmp(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int pointer_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

struct live_modules {
	Dwfl_Module **list;
	size_t n, alloc;
};

static int collect_module(Dwfl_Module *mod, void **userdata,
			  const char *name, Dwarf_Addr start, void *arg)
{
	struct live_modules *live = arg;

	if (live->n == live->alloc)
		live->list = xgrow(live->list, &live->alloc, live->n + 1,
				   sizeof(*live->list));
	live->list[live->n++] = mod;
	return DWARF_CB_OK;
}

/*
 * Hand the new modules to libdwfl.  A module it refuses keeps offsets
 * only.  libdwfl may also fold or drop a module that clashes with
 * another one (the same file reported twice at overlapping places), so
 * afterwards only the modules it still lists are used.
 */
static void report_pending(struct symbolizer *s)
{
	struct live_modules live = { 0 };
	size_t i;

	dwfl_report_begin_add(s->dwfl);
	for (i = 0; i < s->nmodules; i++) {
		struct module *m = &s->modules[i];

		if (m->state != MODULE_PENDING)
			continue;
		m->dwfl_module = dwfl_report_elf(s->dwfl, m->name, m->path,
						 -1, m->bias, false);
		if (m->dwfl_module) {
			m->state = MODULE_REPORTED;
		} else {
			verbose_msg("symbolize: %s: %s", m->path,
				    dwfl_error());
			m->state = MODULE_UNREADABLE;
		}
	}
	if (dwfl_report_end(s->dwfl, NULL, NULL) != 0)
		verbose_msg("symbolize: %s", dwfl_error());
	dwfl_getmodules(s->dwfl, collect_module, &live, 0);
	qsort(live.list, live.n, sizeof(*live.list), pointer_cmp);
	for (i = 0; i < s->nmodules; i++) {
		struct module *m = &s->modules[i];

		if (m->state == MODULE_REPORTED &&
		    !bsearch(&m->dwfl_module, live.list, live.n,
			     sizeof(*live.list), pointer_cmp)) {
			m->state = MODULE_UNREADABLE;
			m->dwfl_module = NULL;
		}
	}
	free(live.list);
	s->pending = false;
}

static const struct mapping *mapping_find(struct symbolizer *s,
					  uint64_t addr)
{
	const struct mapping *best = NULL;
	size_t lo = 0, hi = s->nmappings, i;

	if (!s->mappings_sorted) {
		qsort(s->mappings, s->nmappings, sizeof(*s->mappings),
		      mapping_cmp);
		s->mappings_sorted = true;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->mappings[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Mappings can overlap when the target unmapped a library and
	 * mapped another at the same place: the latest one wins.  Look
	 * back a little, overlaps are few. */
	for (i = lo; i > 0 && lo - i < 64; i--) {
		const struct mapping *m = &s->mappings[i - 1];

		if (addr < m->end && (!best || m->order > best->order))
			best = m;
	}
	return best;
}

/* A DIE's name as the symbol table would spell it: the linkage name
 * when there is one (C++ stays mangled, like the symbols), else the
 * plain name, following DW_AT_abstract_origin for inlined copies. */
static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name;

	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name,
						     &attr));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(
			die, DW_AT_MIPS_linkage_name, &attr));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name,
							     &attr));
	return name;
}

/* Where an inlined subroutine was called from: its call_file, call_line. */
static void die_call_site(Dwarf_Die *die, const char **file, uint32_t *line)
{
	Dwarf_Attribute attr;
	Dwarf_Word index = 0, lineno = 0;
	Dwarf_Files *files;
	Dwarf_Die cu;
	size_t nfiles;

	*file = NULL;
	*line = 0;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &attr),
			    &lineno) == 0)
		*line = (uint32_t)lineno;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr),
			    &index) != 0 ||
	    !dwarf_diecu(die, &cu, NULL, NULL) ||
	    dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 || index >= nfiles)
		return;
	*file = dwarf_filesrc(files, index, NULL, NULL);
}

/* Whether symbol is name plus a compiler suffix (".cold", ".isra.0"). */
static bool is_clone_of(const char *symbol, const char *name)
{
	size_t len = strlen(name);

	return strncmp(symbol, name, len) == 0 && symbol[len] == '.';
}

/* A symbol's name without its version ("__libc_start_main@@GLIBC_2.34"
 * in glibc's symbol table): the version is not part of what was called. */
static const char *intern_symbol(struct symbolizer *s, const char *symbol)
{
	const char *at = strchr(symbol, '@');

	if (!at || at == symbol)
		return strtab_intern(&s->strings, symbol);
	return strtab_intern_fmt(&s->strings, "%.*s", (int)(at - symbol),
				 symbol);
}

static size_t offset_frame(struct symbolizer *s, const struct module *m,
			   const struct mapping *map, uint64_t addr,
			   struct sym_frame *out)
{
	out[0] = (struct sym_frame){
		.function = strtab_intern_fmt(&s->strings, "%s+0x%" PRIx64,
					      m->name,
					      addr - map->start + map->offset),
		.file = m->path,
	};
	return 1;
}

/* Resolve addr (already moved into the call for return addresses) in a
 * module libdwfl knows. */
static size_t dwfl_frames(struct symbolizer *s, struct module *m,
			  const struct mapping *map, uint64_t addr,
			  struct sym_frame *out)
{
	Dwarf_Die chain[MAX_FRAMES_PER_ADDRESS], *cu;
	Dwfl_Module *mod = m->dwfl_module;
	const char *symbol, *file = NULL;
	Dwarf_Addr bias;
	Dwfl_Line *line;
	uint32_t lineno = 0;
	size_t n = 0, depth = 0, i;

	if (!m->symbols)
		m->symbols = sym_table_build(mod);
	symbol = sym_table_lookup(m->symbols, addr);
	line = dwfl_module_getsrc(mod, addr);
	if (line) {
		int l = 0;

		file = dwfl_lineinfo(line, NULL, &l, NULL, NULL, NULL);
		lineno = l > 0 ? (uint32_t)l : 0;
	}
	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (cu)
		depth = scope_chain(s->scopes, cu, addr - bias, chain,
				    MAX_FRAMES_PER_ADDRESS - 1);
	/* From the innermost scope out: each inlined subroutine is a frame
	 * at the current position, and its call site becomes the position
	 * of the frame around it.  chain[0] is the subprogram. */
	for (i = depth; i-- > 1;) {
		const char *name;

		if (dwarf_tag(&chain[i]) != DW_TAG_inlined_subroutine)
			continue;
		name = die_name(&chain[i]);
		out[n++] = (struct sym_frame){
			.function = strtab_intern(&s->strings,
						  name ? name : "??"),
			.file = strtab_intern(&s->strings,
					      file ? file : m->path),
			.line = lineno,
			.inlined = true,
		};
		die_call_site(&chain[i], &file, &lineno);
	}
	if (depth > 0) {
		const char *dwarf_name = die_name(&chain[0]);

		/* GCC's clones read "list_new_prealloc.lto_priv.0" or
		 * "f.cold" in the symbol table; the source name is
		 * clearer and groups the clones of one function. */
		if (dwarf_name && (!symbol ||
				   is_clone_of(symbol, dwarf_name)))
			symbol = dwarf_name;
	}
	if (!symbol)
		return n + offset_frame(s, m, map, addr, &out[n]);
	out[n++] = (struct sym_frame){
		.function = intern_symbol(s, symbol),
		.file = strtab_intern(&s->strings, file ? file : m->path),
		.line = lineno,
	};
	return n;
}

static size_t resolve_uncached(struct symbolizer *s, uint64_t addr,
			       struct sym_frame *out)
{
	const struct mapping *map;
	struct module *m;

	if (s->pending)
		report_pending(s);
	map = mapping_find(s, addr);
	if (!map) {
		out[0] = (struct sym_frame){
			.function = strtab_intern_fmt(&s->strings,
						      "0x%" PRIx64, addr),
			.file = strtab_intern(&s->strings, "??"),
		};
		return 1;
	}
	m = &s->modules[map->module];
	if (m->state != MODULE_REPORTED)
		return offset_frame(s, m, map, addr, out);
	return dwfl_frames(s, m, map, addr, out);
}

size_t symbolizer_resolve(struct symbolizer *s, uint64_t addr,
			  bool return_address, struct sym_frame *out,
			  size_t max)
{
	struct sym_frame frames[MAX_FRAMES_PER_ADDRESS];
	const struct sym_frame *found;
	size_t count;

	if (max == 0)
		return 0;
	found = addr_cache_find(&s->cache, addr, return_address, &count);
	if (!found) {
		/* A return address points after the call instruction, which
		 * may be the first byte of the next function or line. */
		uint64_t lookup = return_address && addr > 0 ? addr - 1 : addr;

		count = resolve_uncached(s, lookup, frames);
		found = addr_cache_add(&s->cache, addr, return_address,
				       frames, count);
		s->resolved_any = true;
	}
	if (count > max)
		count = max;
	memcpy(out, found, count * sizeof(*out));
	return count;
}

const char *symbolizer_mismatch(const struct symbolizer *s)
{
	return s->mismatch;
}
