/* inject.h: the ptrace injector: stop a process, borrow a thread, load code. */
#ifndef INJECT_H
#define INJECT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The library never prints and never exits.  A function that fails returns
 * -1 (or NULL) and leaves one line saying why in the caller's err buffer
 * (or in the handle, see inject_error()), without the "memattach: " prefix.
 * Progress lines go to the logger the caller installs, if any.
 */
#define INJECT_ERR_LEN 512
typedef void (*inject_logger)(const char *line);
void inject_set_logger(inject_logger fn);

/* ---- Checking the target before touching it (target.c) ---- */

struct inject_target {
	pid_t pid;
	char comm[32];			/* /proc/PID/comm */
	unsigned long py_version;	/* PY_VERSION_HEX, e.g. 0x030b07f0 */
	char python_object[256];	/* the object that holds Py_Version */
};

/*
 * Is pid something memattach may inject into: it exists, is not a zombie,
 * is not this process, is a 64-bit CPython 3.11 to 3.13, and nobody else
 * traces it?  Fills t and returns 0, or returns -1 with one line in err.
 */
int inject_check_target(pid_t pid, struct inject_target *t,
			char *err, size_t errlen);

/* ---- The lifecycle, one verb per step (seize.c, choose.c, remote.c) ---- */

struct inject_ctl;	/* opaque; see inject-priv.h */

/* Seize and stop every thread of pid, threads created meanwhile too. */
struct inject_ctl *inject_stop(pid_t pid, char *err, size_t errlen);
/*
 * Pick a thread that is safe to borrow: not inside malloc and friends, the
 * dynamic loader or fork.  If none is, let the process run a few ms and
 * look again, a bounded number of times.
 */
int inject_choose_thread(struct inject_ctl *ctl);
/* Let every thread but the borrowed one run again (detach them). */
int inject_release_others(struct inject_ctl *ctl);
/* Run a system call on the borrowed thread; *ret is the raw result. */
int inject_syscall(struct inject_ctl *ctl, long nr, long *ret,
		   uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4, uint64_t a5);
/* Call fn(a0..a5) on the borrowed thread; *ret is its return value. */
int inject_call(struct inject_ctl *ctl, uint64_t fn, uint64_t *ret,
		uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4, uint64_t a5);
/*
 * Where strings and results for the remote calls can go: 256 bytes of the
 * borrowed thread's stack below its red zone, which nothing of the thread
 * uses while we hold it and calls are set up below.  Nothing to map in
 * the target, nothing to unmap, nothing left behind.
 */
uint64_t inject_scratch(struct inject_ctl *ctl, size_t *len);
/* Read or write the target's memory (read-only pages too). */
int inject_peek(struct inject_ctl *ctl, uint64_t addr, void *buf, size_t len);
int inject_poke(struct inject_ctl *ctl, uint64_t addr, const void *buf,
		size_t len);
/*
 * Put the borrowed thread back exactly as it was (registers, vector state,
 * its interrupted syscall restarted as the kernel would) and detach from
 * every thread.  Always safe to call; returns -1 if a thread could not be
 * restored.
 */
int inject_cure(struct inject_ctl *ctl);
void inject_free(struct inject_ctl *ctl);

pid_t inject_pid(const struct inject_ctl *ctl);
pid_t inject_borrowed_tid(const struct inject_ctl *ctl);
const char *inject_error(const struct inject_ctl *ctl);
/* How long every thread was stopped together, and how long the borrowed
 * thread was, in nanoseconds (0 while still stopped). */
uint64_t inject_all_stopped_ns(const struct inject_ctl *ctl);
uint64_t inject_borrowed_stopped_ns(const struct inject_ctl *ctl);

/* ---- Loading the payload and starting a capture (load.c) ---- */

struct inject_payload_result {
	int sock;			/* our end of the stream socket */
	uint64_t all_stopped_ns;	/* the whole process stopped */
	uint64_t borrowed_stopped_ns;	/* the borrowed thread stopped */
	pid_t borrowed_tid;
	int reused;			/* the payload was already loaded */
};

/*
 * Load payload_path into pid through a memfd created there (so that it
 * works across mount namespaces), hand it one end of a new socketpair and
 * call memattach_payload_start(end, flags).  Returns 0 and fills res, or
 * -1 with one line in err; errno_out (if not NULL) gets the payload's
 * negative errno when the start itself was refused (-EBUSY...), else 0.
 */
int inject_payload(pid_t pid, const char *payload_path, uint32_t flags,
		   struct inject_payload_result *res, int *errno_out,
		   char *err, size_t errlen);

#endif /* INJECT_H */
