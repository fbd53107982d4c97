/* modules.c: the module map for native symbolization. */
#include "config.h"

#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "idmap.h"
#include "modules.h"
#include "real_alloc.h"
#include "stacks.h"
#include "stream.h"

struct segment {
	uint64_t start, end, offset;
	char path[512];
	uint8_t build_id[64];
	size_t build_id_len;
};

struct collect {
	struct segment *seg;
	size_t n, cap;
};

static struct idmap described;	/* (load address, phdr address) -> 1 */
/* Two threads may dlopen at once; the table is ours alone. */
static pthread_mutex_t described_lock = PTHREAD_MUTEX_INITIALIZER;

void modules_reset(void)
{
	pthread_mutex_lock(&described_lock);
	idmap_clear(&described);
	pthread_mutex_unlock(&described_lock);
}

static size_t find_build_id(const struct dl_phdr_info *info, uint8_t *out,
			    size_t max)
{
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const uint8_t *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const uint8_t *name = p + sizeof(*nh);
			const uint8_t *desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 && !memcmp(name, "GNU", 4)) {
				size_t n = nh->n_descsz < max ? nh->n_descsz
							       : max;

				memcpy(out, desc, n);
				return n;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 0;
}

static int collect_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct collect *c = arg;
	uint8_t id[64];
	size_t idlen;
	char path[512];
	int i;

	(void)size;
	if (idmap_get(&described, info->dlpi_addr,
		      (uintptr_t)info->dlpi_phdr))
		return 0;
	if (idmap_put(&described, info->dlpi_addr,
		      (uintptr_t)info->dlpi_phdr, 1))
		return 0;
	if (info->dlpi_name && info->dlpi_name[0]) {
		strncpy(path, info->dlpi_name, sizeof(path) - 1);
		path[sizeof(path) - 1] = 0;
	} else {
		/* The main program has no name in the loader's list. */
		ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

		if (n <= 0)
			return 0;
		path[n] = 0;
	}
	if (!strncmp(path, "linux-vdso", 10))
		return 0;
	idlen = find_build_id(info, id, sizeof(id));
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		struct segment *s;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 64;
			struct segment *n =
				real.realloc(c->seg, cap * sizeof(*n));

			if (!n)
				return 1;
			c->seg = n;
			c->cap = cap;
		}
		s = &c->seg[c->n++];
		s->start = info->dlpi_addr + ph->p_vaddr;
		s->end = s->start + ph->p_memsz;
		s->offset = ph->p_offset;
		memcpy(s->path, path, sizeof(path));
		memcpy(s->build_id, id, idlen);
		s->build_id_len = idlen;
	}
	return 0;
}

void modules_describe_new(void)
{
	struct collect c = { NULL, 0, 0 };
	size_t i;

	pthread_mutex_lock(&described_lock);
	dl_iterate_phdr(collect_object, &c);
	pthread_mutex_unlock(&described_lock);
	stream_lock();
	for (i = 0; i < c.n; i++) {
		const struct segment *s = &c.seg[i];
		uint32_t path = stacks_string(s->path, strlen(s->path));

		rec_mapping(s->start, s->end, s->offset, path, s->build_id,
			    s->build_id_len);
	}
	stream_unlock();
	real.free(c.seg);
}
