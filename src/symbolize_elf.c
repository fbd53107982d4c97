/* symbolize_elf.c: load segments and build-id of an ELF file on disk. */
#include "config.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>

#include "symbolize_priv.h"

/* The target's page size: mappings start on page boundaries, so the
 * first page of a segment is what a mapping at its offset covers. */
#define TARGET_PAGE_MASK (~(uint64_t)0xfff)

int elf_layout_read(const char *path, struct elf_layout *out)
{
	const void *id;
	GElf_Ehdr ehdr;
	size_t nphdr, i;
	ssize_t idlen;
	Elf *elf;
	int fd, ret = -1;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr) ||
	    elf_getphdrnum(elf, &nphdr) != 0)
		goto out;
	out->is_exec = ehdr.e_type == ET_EXEC;
	for (i = 0; i < nphdr; i++) {
		GElf_Phdr phdr;

		if (!gelf_getphdr(elf, (int)i, &phdr) ||
		    phdr.p_type != PT_LOAD)
			continue;
		if (out->nloads == sizeof(out->loads) / sizeof(out->loads[0]))
			break;
		out->loads[out->nloads++] = (struct elf_load){
			.vaddr = phdr.p_vaddr,
			.offset = phdr.p_offset,
			.filesz = phdr.p_filesz,
			.align = phdr.p_align,
		};
	}
	idlen = dwelf_elf_gnu_build_id(elf, &id);
	if (idlen > 0 && (size_t)idlen <= sizeof(out->build_id)) {
		memcpy(out->build_id, id, (size_t)idlen);
		out->build_id_len = (size_t)idlen;
	}
	ret = out->nloads > 0 ? 0 : -1;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

/* The link-time address of file offset within seg, if seg maps it. */
static bool segment_vaddr(const struct elf_load *seg, uint64_t offset,
			  uint64_t *vaddr)
{
	uint64_t page_offset = seg->offset & TARGET_PAGE_MASK;

	if (seg->filesz == 0 || offset < page_offset ||
	    offset >= seg->offset + seg->filesz)
		return false;
	*vaddr = (seg->vaddr & TARGET_PAGE_MASK) + (offset - page_offset);
	return true;
}

bool elf_layout_bias(const struct elf_layout *l, uint64_t start,
		     uint64_t offset, uint64_t *bias)
{
	uint64_t vaddr;
	size_t i;

	/* Two segments can share a file page (the end of one, the start of
	 * the next): a mapping that starts a segment belongs to it. */
	for (i = 0; i < l->nloads; i++)
		if ((l->loads[i].offset & TARGET_PAGE_MASK) == offset &&
		    segment_vaddr(&l->loads[i], offset, &vaddr)) {
			*bias = start - vaddr;
			return true;
		}
	/* Else the kernel split one segment's mapping, when part of it was
	 * mprotect()ed (RELRO): the mapping begins inside the segment. */
	for (i = 0; i < l->nloads; i++)
		if (segment_vaddr(&l->loads[i], offset, &vaddr)) {
			*bias = start - vaddr;
			return true;
		}
	return false;
}
