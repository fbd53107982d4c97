/* got.c: GOT rewriting over dl_iterate_phdr, with RELRO handled. */
#include "config.h"
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "got.h"
#include "real_alloc.h"

/* A slot we rewrote and the value it held before. */
struct patched_slot {
	void **slot;
	void *original;
	void *hook;
};

static struct patched_slot *slots;
static size_t nslots, slots_cap;
/* Serializes patching from dlopen hooks with the stop path. */
static pthread_mutex_t got_lock = PTHREAD_MUTEX_INITIALIZER;

struct patch_walk {
	const struct got_hook *hooks;
	size_t nhooks;
	size_t patched;
	uintptr_t self_base;
};

static int remember_slot(void **slot, void *original, void *hook)
{
	if (nslots == slots_cap) {
		size_t cap = slots_cap ? slots_cap * 2 : 256;
		struct patched_slot *n =
			real.realloc(slots, cap * sizeof(*slots));

		if (!n)
			return -1;
		slots = n;
		slots_cap = cap;
	}
	slots[nslots].slot = slot;
	slots[nslots].original = original;
	slots[nslots].hook = hook;
	nslots++;
	return 0;
}

/* The loader relocates most d_ptr values in place; the vDSO and some
 * objects keep them relative.  An address below the load base is
 * relative. */
static uintptr_t dyn_addr(uintptr_t base, ElfW(Addr) ptr)
{
	return ptr < base ? base + ptr : ptr;
}

struct relro {
	uintptr_t start, end;
};

/*
 * Store value into slot.  A slot inside PT_GNU_RELRO was made read-only
 * once relocated, so its page is opened for the store and closed again.
 */
static void write_slot(void **slot, void *value, const struct relro *relro)
{
	uintptr_t a = (uintptr_t)slot;

	if (a >= relro->start && a < relro->end) {
		uintptr_t page = a & ~(uintptr_t)(getpagesize() - 1);

		if (mprotect((void *)page, (size_t)getpagesize(),
			     PROT_READ | PROT_WRITE))
			return;
		__atomic_store_n(slot, value, __ATOMIC_RELEASE);
		mprotect((void *)page, (size_t)getpagesize(), PROT_READ);
		return;
	}
	__atomic_store_n(slot, value, __ATOMIC_RELEASE);
}

static const struct got_hook *hook_for(const struct patch_walk *w,
				       const char *name)
{
	size_t i;

	for (i = 0; i < w->nhooks; i++)
		if (name[0] == w->hooks[i].name[0] &&
		    !strcmp(name, w->hooks[i].name))
			return &w->hooks[i];
	return NULL;
}

static void patch_relocations(struct patch_walk *w, uintptr_t base,
			      const ElfW(Rela) *rela, size_t count,
			      const ElfW(Sym) *symtab, const char *strtab,
			      const struct relro *relro)
{
	size_t i;

	for (i = 0; i < count; i++) {
		unsigned type = ELF64_R_TYPE(rela[i].r_info);
		unsigned symi = ELF64_R_SYM(rela[i].r_info);
		const struct got_hook *h;
		void **slot;

		if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
			continue;
		if (!symi)
			continue;
		h = hook_for(w, strtab + symtab[symi].st_name);
		if (!h)
			continue;
		slot = (void **)(base + rela[i].r_offset);
		if (*slot == h->hook)
			continue;	/* already ours (an earlier pass) */
		if (remember_slot(slot, *slot, h->hook))
			return;
		write_slot(slot, h->hook, relro);
		w->patched++;
	}
}

static int skip_object(const struct dl_phdr_info *info, uintptr_t self_base)
{
	const char *name = info->dlpi_name ? info->dlpi_name : "";

	if (info->dlpi_addr == self_base && self_base)
		return 1;
	/* The loader allocates through its own pointers, and the vDSO has
	 * no allocator calls. */
	if (strstr(name, "/ld-linux") || strstr(name, "linux-vdso"))
		return 1;
	return 0;
}

static int patch_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct patch_walk *w = arg;
	uintptr_t base = info->dlpi_addr;
	const ElfW(Dyn) *dyn = NULL;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const ElfW(Rela) *jmprel = NULL, *rela = NULL;
	size_t pltrelsz = 0, relasz = 0;
	struct relro relro = { 0, 0 };
	int i;

	(void)size;
	if (skip_object(info, w->self_base))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(base + ph->p_vaddr);
		else if (ph->p_type == PT_GNU_RELRO) {
			relro.start = base + ph->p_vaddr;
			relro.end = relro.start + ph->p_memsz;
		}
	}
	if (!dyn)
		return 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			symtab = (const void *)dyn_addr(base, dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			strtab = (const void *)dyn_addr(base, dyn->d_un.d_ptr);
			break;
		case DT_JMPREL:
			jmprel = (const void *)dyn_addr(base, dyn->d_un.d_ptr);
			break;
		case DT_PLTRELSZ:
			pltrelsz = dyn->d_un.d_val;
			break;
		case DT_RELA:
			rela = (const void *)dyn_addr(base, dyn->d_un.d_ptr);
			break;
		case DT_RELASZ:
			relasz = dyn->d_un.d_val;
			break;
		}
	}
	if (!symtab || !strtab)
		return 0;
	if (jmprel)
		patch_relocations(w, base, jmprel,
				  pltrelsz / sizeof(ElfW(Rela)), symtab,
				  strtab, &relro);
	if (rela)
		patch_relocations(w, base, rela, relasz / sizeof(ElfW(Rela)),
				  symtab, strtab, &relro);
	return 0;
}

static uintptr_t self_base_address(void)
{
	Dl_info info;

	if (dladdr((void *)self_base_address, &info) && info.dli_fbase)
		return (uintptr_t)info.dli_fbase;
	return 0;
}

size_t got_patch_loaded(const struct got_hook *hooks, size_t nhooks)
{
	struct patch_walk w = { hooks, nhooks, 0, self_base_address() };

	pthread_mutex_lock(&got_lock);
	dl_iterate_phdr(patch_object, &w);
	pthread_mutex_unlock(&got_lock);
	return w.patched;
}

/* For the restore pass: which slots lie in objects still mapped. */
struct restore_walk {
	size_t restored;
};

static int restore_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct restore_walk *w = arg;
	struct relro relro = { 0, 0 };
	int i;
	size_t s;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_GNU_RELRO) {
			relro.start = info->dlpi_addr + ph->p_vaddr;
			relro.end = relro.start + ph->p_memsz;
		}
	}
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD)
			continue;
		lo = info->dlpi_addr + ph->p_vaddr;
		hi = lo + ph->p_memsz;
		/* Newest first: if an address was recorded twice (an object
		 * unloaded, another loaded in its place), the newest record
		 * is the one that matches what the slot holds. */
		for (s = nslots; s-- > 0;) {
			uintptr_t a = (uintptr_t)slots[s].slot;

			if (a < lo || a >= hi)
				continue;
			if (*slots[s].slot != slots[s].hook)
				continue;
			write_slot(slots[s].slot, slots[s].original, &relro);
			w->restored++;
		}
	}
	return 0;
}

size_t got_restore_all(void)
{
	struct restore_walk w = { 0 };

	pthread_mutex_lock(&got_lock);
	dl_iterate_phdr(restore_object, &w);
	nslots = 0;	/* the records are spent; a new capture starts over */
	pthread_mutex_unlock(&got_lock);
	return w.restored;
}

size_t got_hooked_count(void)
{
	size_t n;

	pthread_mutex_lock(&got_lock);
	n = nslots;
	pthread_mutex_unlock(&got_lock);
	return n;
}
