/* elfsym.c: dynamic symbols of the target's objects, read with libelf. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject-priv.h"

struct elf_object {
	int fd;
	Elf *elf;
	Elf_Data *syms;		/* .dynsym */
	size_t nsyms;
	size_t strndx;		/* its string table */
};

struct elf_object *elf_object_open_local(const char *path)
{
	struct elf_object *o;
	Elf_Scn *scn = NULL;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0)
		goto fail;
	o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF) {
		errno = ENOEXEC;
		goto fail;
	}
	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM ||
		    !sh.sh_entsize)
			continue;
		o->syms = elf_getdata(scn, NULL);
		o->nsyms = sh.sh_size / sh.sh_entsize;
		o->strndx = sh.sh_link;
		break;
	}
	return o;
fail:
	elf_object_close(o);
	return NULL;
}

struct elf_object *elf_object_open(pid_t pid, const char *path)
{
	char rooted[1024];
	struct elf_object *o;

	/* The target may live in another mount namespace (a container):
	 * its files are reached through its root. */
	snprintf(rooted, sizeof(rooted), "/proc/%d/root%s", (int)pid, path);
	o = elf_object_open_local(rooted);
	if (!o && errno != ENOEXEC)
		o = elf_object_open_local(path);
	return o;
}

void elf_object_close(struct elf_object *o)
{
	if (!o)
		return;
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	free(o);
}

int elf_object_symbol(struct elf_object *o, const char *name,
		      struct elf_symbol *sym)
{
	size_t i;

	for (i = 0; o->syms && i < o->nsyms; i++) {
		GElf_Sym s;
		const char *sname;

		if (!gelf_getsym(o->syms, (int)i, &s) ||
		    s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		sname = elf_strptr(o->elf, o->strndx, s.st_name);
		if (!sname || strcmp(sname, name))
			continue;
		sym->value = s.st_value;
		sym->size = s.st_size;
		sym->type = GELF_ST_TYPE(s.st_info);
		return 0;
	}
	return -1;
}

uint64_t elf_object_first_vaddr(struct elf_object *o)
{
	size_t i, n;

	if (elf_getphdrnum(o->elf, &n))
		return 0;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(o->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			/* the kernel maps it at page granularity */
			return ph.p_vaddr & ~(uint64_t)(getpagesize() - 1);
	}
	return 0;
}

bool elf_object_is_64(struct elf_object *o)
{
	return gelf_getclass(o->elf) == ELFCLASS64;
}

uint64_t elf_object_bias(struct elf_object *o, const struct map_entry *maps,
			 size_t n, const char *path)
{
	uint64_t start = map_object_start(maps, n, path);

	return start ? start - elf_object_first_vaddr(o) : 0;
}

int target_symbol(pid_t pid, const struct map_entry *maps, size_t n,
		  const char *stem, const char *name, uint64_t *addr,
		  uint64_t *size)
{
	const char *tried[64];
	size_t i, j, ntried = 0;

	for (i = 0; i < n; i++) {
		const struct map_entry *m = &maps[i];
		struct elf_object *o;
		struct elf_symbol s;
		bool seen = false;

		if (m->offset != 0 || m->path[0] != '/')
			continue;
		if (stem && !map_is_library(m, stem))
			continue;
		for (j = 0; j < ntried; j++)
			seen |= !strcmp(tried[j], m->path);
		if (seen || ntried == sizeof(tried) / sizeof(tried[0]))
			continue;
		tried[ntried++] = m->path;
		o = elf_object_open(pid, m->path);
		if (!o)
			continue;
		if (elf_object_symbol(o, name, &s) == 0) {
			*addr = elf_object_bias(o, maps, n, m->path) + s.value;
			if (size)
				*size = s.size;
			elf_object_close(o);
			return 0;
		}
		elf_object_close(o);
	}
	return -1;
}

static int cmp_function(const void *a, const void *b)
{
	const struct elf_function *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

ssize_t elf_object_functions(struct elf_object *o, struct elf_function **out)
{
	struct elf_function *v;
	size_t i, n = 0;

	v = calloc(o->nsyms ? o->nsyms : 1, sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; o->syms && i < o->nsyms; i++) {
		GElf_Sym s;

		if (!gelf_getsym(o->syms, (int)i, &s) ||
		    s.st_shndx == SHN_UNDEF || !s.st_value ||
		    GELF_ST_TYPE(s.st_info) != STT_FUNC)
			continue;
		v[n].value = s.st_value;
		v[n].size = s.st_size;
		v[n].name = elf_strptr(o->elf, o->strndx, s.st_name);
		if (!v[n].name)
			v[n].name = "";
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_function);
	*out = v;
	return (ssize_t)n;
}
