/* inject-priv.h: the injector's internals, shared by the files of inject/. */
#ifndef INJECT_PRIV_H
#define INJECT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch.h"
#include "inject.h"

#define ATTR_FMT(f, a) __attribute__((format(printf, f, a)))

/* A saved signal that arrived while we held a thread: it is given back to
 * the thread when we leave it. */
struct held_signal {
	int sig;
	int have_info;
	uint8_t info[128];	/* siginfo_t */
};

struct inject_thread {
	pid_t tid;
	bool stopped;		/* in a ptrace stop we caused */
	bool gone;		/* exited while we looked */
	bool group_stop;	/* it was stopped by SIGSTOP & co. */
	bool stuck;		/* seized, but would not stop in time */
	struct held_signal held;	/* from a signal-delivery-stop */
};

struct inject_ctl {
	pid_t pid;
	int mem_fd;			/* /proc/PID/mem */
	struct inject_thread *threads;
	size_t nthreads, cap;
	ssize_t borrowed;		/* index in threads, -1 if none */
	arch_regs saved_regs;		/* the borrowed thread, as found */
	struct arch_fpstate *saved_fp;
	bool regs_saved, regs_dirty;
	struct held_signal held[64];	/* arrived during remote work */
	int nheld;
	uint64_t syscall_insn;		/* an executable "syscall" */
	struct unsafe_ranges *unsafe;	/* read before stopping anything */
	uint64_t t_first_stop, t_all_released, t_borrowed_released;
	char err[INJECT_ERR_LEN];
};

/* util.c */
int inject_fail(char *err, size_t errlen, const char *fmt, ...) ATTR_FMT(3, 4);
int ctl_fail(struct inject_ctl *ctl, const char *fmt, ...) ATTR_FMT(2, 3);
void inject_log(const char *fmt, ...) ATTR_FMT(1, 2);
uint64_t inject_now_ns(void);

/* procfs.c: one mapping of /proc/PID/maps. */
struct map_entry {
	uint64_t start, end, offset;
	char perms[5];
	char path[512];		/* "" for anonymous mappings */
};
/* Read all mappings; returns the count (>= 0) or -1 with errno set. */
ssize_t proc_read_maps(pid_t pid, struct map_entry **out);
/* Thread ids of pid, sorted; returns the count or -1 with errno set. */
ssize_t proc_read_tasks(pid_t pid, pid_t **out);
/* The state letter of /proc/PID/stat, or 0 with errno set. */
char proc_state(pid_t pid);
/* A "Key:\tvalue" field of /proc/PID/status as a number, or -1. */
long proc_status_field(pid_t pid, const char *key);
/* Whether a mapping's path names the given library ("libc.so.6" matches
 * "libc", "ld-linux-x86-64.so.2" matches "ld-linux"). */
bool map_is_library(const struct map_entry *m, const char *stem);
/* The load bias of the object mapped from path: the address of its file
 * offset 0 minus the first PT_LOAD's page-aligned vaddr (0 in an ET_EXEC). */
uint64_t map_object_start(const struct map_entry *maps, size_t n,
			  const char *path);

/* elfsym.c: symbols of an object as the target sees it. */
struct elf_symbol {
	uint64_t value;		/* st_value: add the bias */
	uint64_t size;
	int type;		/* STT_FUNC, STT_OBJECT... */
};
struct elf_object;
/* Open path as seen from pid's mount namespace (/proc/PID/root/path). */
struct elf_object *elf_object_open(pid_t pid, const char *path);
struct elf_object *elf_object_open_local(const char *path);
void elf_object_close(struct elf_object *o);
/* Look a defined dynamic symbol up by name; 0 if found, -1 if not. */
int elf_object_symbol(struct elf_object *o, const char *name,
		      struct elf_symbol *sym);
/* Every defined function of .dynsym, sorted by address; names point into
 * o and live as long as it.  Returns the count or -1. */
struct elf_function {
	uint64_t value, size;
	const char *name;
};
ssize_t elf_object_functions(struct elf_object *o, struct elf_function **out);
/* The page-aligned vaddr of the first PT_LOAD segment. */
uint64_t elf_object_first_vaddr(struct elf_object *o);
/* ELFCLASS64 or not. */
bool elf_object_is_64(struct elf_object *o);
/* The bias of o in the target, given its mappings. */
uint64_t elf_object_bias(struct elf_object *o, const struct map_entry *maps,
			 size_t n, const char *path);
/* Find name in the first mapped object whose path matches stem (or any
 * object if stem is NULL); sets *addr to its address in the target. */
int target_symbol(pid_t pid, const struct map_entry *maps, size_t n,
		  const char *stem, const char *name, uint64_t *addr,
		  uint64_t *size);

/* seize.c */
struct inject_thread *ctl_thread(struct inject_ctl *ctl, pid_t tid);
int ctl_wait_stop(struct inject_ctl *ctl, struct inject_thread *t);
int ctl_stop_all(struct inject_ctl *ctl);
int ctl_resume_all(struct inject_ctl *ctl);
int ctl_detach(struct inject_ctl *ctl, struct inject_thread *t);

/* unwind.c: whether a stopped thread may be borrowed. */
struct unsafe_ranges;
struct unsafe_ranges *unsafe_ranges_build(pid_t pid, int mem_fd);
/* Forget the memory read so far (the threads ran meanwhile). */
void unsafe_ranges_forget(struct unsafe_ranges *u);
void unsafe_ranges_free(struct unsafe_ranges *u);
/* 0: safe; 1: unsafe (why gets a short reason); 2: no unsafe frame, but
 * the unwind stopped early (why says where); -1: could not tell. */
int thread_is_unsafe(struct unsafe_ranges *u, pid_t tid, char *why,
		     size_t whylen);

#endif /* INJECT_PRIV_H */
