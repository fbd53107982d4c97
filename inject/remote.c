/* remote.c: system calls and function calls run on the borrowed thread. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject-priv.h"

static struct inject_thread *borrowed(struct inject_ctl *ctl)
{
	if (ctl->borrowed < 0)
		return NULL;
	return &ctl->threads[ctl->borrowed];
}

/*
 * An executable "syscall" instruction already in the target: single-stepping
 * over it runs one syscall without writing any code into the process.
 * Any two bytes 0f 05 will do, on an instruction boundary or not, since
 * execution starts right there.  libc's text has many; the vDSO has some.
 */
static int find_syscall_insn(struct inject_ctl *ctl)
{
	struct map_entry *maps = NULL;
	ssize_t n = proc_read_maps(ctl->pid, &maps), i;
	int pass;

	if (n < 0)
		return ctl_fail(ctl, "reading /proc/%d/maps: %s",
				(int)ctl->pid, strerror(errno));
	for (pass = 0; pass < 2 && !ctl->syscall_insn; pass++)
		for (i = 0; i < n && !ctl->syscall_insn; i++) {
			const struct map_entry *m = &maps[i];
			uint8_t buf[65536];
			uint64_t len = m->end - m->start, off;

			if (m->perms[2] != 'x' ||
			    (pass == 0 && !map_is_library(m, "libc")) ||
			    (pass == 1 && strcmp(m->path, "[vdso]")))
				continue;
			for (off = 0; off < len && off < (1u << 22);
			     off += sizeof(buf) - 1) {
				size_t want = len - off < sizeof(buf) ?
					      len - off : sizeof(buf);
				uint8_t *p;

				if (pread(ctl->mem_fd, buf, want,
					  (off_t)(m->start + off)) !=
				    (ssize_t)want)
					break;
				p = memmem(buf, want, ARCH_SYSCALL_INSN,
					   ARCH_SYSCALL_INSN_LEN);
				if (p) {
					ctl->syscall_insn = m->start + off +
						(uint64_t)(p - buf);
					break;
				}
			}
		}
	free(maps);
	if (!ctl->syscall_insn)
		return ctl_fail(ctl, "no syscall instruction found in "
				"process %d", (int)ctl->pid);
	return 0;
}

/* A signal that arrived while the thread ran our code: kept, and given
 * back when the thread is let go (see inject_cure). */
static void hold(struct inject_ctl *ctl, pid_t tid, int sig)
{
	struct held_signal *h;
	int i;

	/* A standard signal already pending is merged by the kernel too;
	 * real-time signals queue, each one counts. */
	for (i = 0; sig < SIGRTMIN && i < ctl->nheld; i++)
		if (ctl->held[i].sig == sig)
			return;
	if (ctl->nheld == (int)(sizeof(ctl->held) / sizeof(ctl->held[0])))
		return;
	h = &ctl->held[ctl->nheld++];
	h->sig = sig;
	h->have_info = ptrace(PTRACE_GETSIGINFO, tid, NULL, h->info) == 0;
}

/* Wait for the next stop of the borrowed thread.  Returns the signal of a
 * signal-delivery-stop, 0 for any other stop, -1 if the thread is gone. */
static int wait_remote(struct inject_ctl *ctl, struct inject_thread *t)
{
	for (;;) {
		int status;
		pid_t r = waitpid(t->tid, &status, __WALL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
			t->gone = true;
			t->stopped = false;
			return ctl_fail(ctl, "the process exited during the "
					"injection");
		}
		if (!WIFSTOPPED(status))
			continue;
		t->stopped = true;
		return status >> 16 ? 0 : WSTOPSIG(status);
	}
}

static int set_regs(struct inject_ctl *ctl, struct inject_thread *t,
		    const arch_regs *r)
{
	ctl->regs_dirty = true;
	if (arch_set_regs(t->tid, r))
		return ctl_fail(ctl, "setting the registers of thread %d: %s",
				(int)t->tid, strerror(errno));
	return 0;
}

int inject_syscall(struct inject_ctl *ctl, long nr, long *ret,
		   uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4, uint64_t a5)
{
	const uint64_t args[ARCH_NR_ARGS] = { a0, a1, a2, a3, a4, a5 };
	struct inject_thread *t = borrowed(ctl);
	arch_regs r;

	if (!t)
		return ctl_fail(ctl, "no thread borrowed");
	if (!ctl->syscall_insn && find_syscall_insn(ctl))
		return -1;
	r = ctl->saved_regs;
	arch_setup_syscall(&r, ctl->syscall_insn, nr, args);
	if (set_regs(ctl, t, &r))
		return -1;
	for (;;) {
		int sig;

		if (ptrace(PTRACE_SINGLESTEP, t->tid, NULL, NULL) < 0)
			return ctl_fail(ctl, "single-stepping thread %d: %s",
					(int)t->tid, strerror(errno));
		t->stopped = false;
		sig = wait_remote(ctl, t);
		if (sig < 0)
			return -1;
		if (arch_get_regs(t->tid, &r))
			return ctl_fail(ctl, "reading registers: %s",
					strerror(errno));
		if (sig == SIGTRAP &&
		    arch_pc(&r) == arch_after_syscall(ctl->syscall_insn))
			break;
		if (sig && sig != SIGTRAP)
			hold(ctl, t->tid, sig);
	}
	*ret = arch_syscall_result(&r);
	return 0;
}

uint64_t inject_scratch(struct inject_ctl *ctl, size_t *len)
{
	*len = ARCH_SCRATCH_SIZE;
	return ctl->regs_saved ? arch_scratch(&ctl->saved_regs) : 0;
}

static bool is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	       sig == SIGFPE;
}

int inject_call(struct inject_ctl *ctl, uint64_t fn, uint64_t *ret,
		uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4, uint64_t a5)
{
	const uint64_t args[ARCH_NR_ARGS] = { a0, a1, a2, a3, a4, a5 };
	struct inject_thread *t = borrowed(ctl);
	const uint64_t return_address = 0;
	arch_regs r;
	uint64_t sp;

	if (!t)
		return ctl_fail(ctl, "no thread borrowed");
	/*
	 * The function returns to address 0: the fault that follows is a
	 * signal-delivery-stop we catch before any handler sees it, and it
	 * needs no code of ours in the target.
	 */
	sp = arch_call_stack(&ctl->saved_regs);
	if (inject_poke(ctl, sp, &return_address, sizeof(return_address)))
		return -1;
	r = ctl->saved_regs;
	arch_setup_call(&r, fn, sp, args);
	if (set_regs(ctl, t, &r))
		return -1;
	for (;;) {
		int sig;

		if (ptrace(PTRACE_CONT, t->tid, NULL, NULL) < 0)
			return ctl_fail(ctl, "resuming thread %d: %s",
					(int)t->tid, strerror(errno));
		t->stopped = false;
		sig = wait_remote(ctl, t);
		if (sig < 0)
			return -1;
		if (!sig)
			continue;
		if (arch_get_regs(t->tid, &r))
			return ctl_fail(ctl, "reading registers: %s",
					strerror(errno));
		if (sig == SIGSEGV && arch_pc(&r) == return_address)
			break;
		if (is_fault(sig))
			return ctl_fail(ctl, "the remote call at %#llx "
					"faulted (signal %d at %#llx)",
					(unsigned long long)fn, sig,
					(unsigned long long)arch_pc(&r));
		hold(ctl, t->tid, sig);
	}
	*ret = arch_call_result(&r);
	return 0;
}

/* Give the held signals back: the first with the detach itself, others
 * queued again to the thread. */
static void give_back_signals(struct inject_ctl *ctl, struct inject_thread *t)
{
	int i;

	if (!ctl->nheld)
		return;
	t->held = ctl->held[0];
	for (i = 1; i < ctl->nheld; i++)
		syscall(SYS_tgkill, ctl->pid, t->tid, ctl->held[i].sig);
	ctl->nheld = 0;
}

static int restore_borrowed(struct inject_ctl *ctl, struct inject_thread *t)
{
	arch_regs r = ctl->saved_regs;
	int rc = 0;

	if (!ctl->regs_dirty)
		return 0;
	/*
	 * With no signal to deliver, restart the interrupted syscall
	 * ourselves, as the kernel would have on resuming the stop we found
	 * the thread in.  With a signal to deliver, hand the untouched
	 * registers back: the kernel then decides, with the handler's
	 * SA_RESTART, between a restart and EINTR, as it would have.
	 */
	if (!ctl->nheld && arch_restart_syscall(&r))
		inject_log("thread %d: syscall %ld will be restarted",
			   (int)t->tid, arch_syscall_nr(&ctl->saved_regs));
	if (arch_set_regs(t->tid, &r))
		rc = ctl_fail(ctl, "restoring the registers of thread %d: %s",
			      (int)t->tid, strerror(errno));
	if (ctl->saved_fp && arch_set_fpstate(t->tid, ctl->saved_fp))
		rc = ctl_fail(ctl, "restoring the vector registers of thread "
			      "%d: %s", (int)t->tid, strerror(errno));
	ctl->regs_dirty = false;
	return rc;
}

int inject_cure(struct inject_ctl *ctl)
{
	struct inject_thread *t = borrowed(ctl);
	int rc = 0;

	if (t && !t->gone) {
		if (restore_borrowed(ctl, t))
			rc = -1;
		give_back_signals(ctl, t);
		if (ctl_detach(ctl, t))
			rc = -1;
		ctl->t_borrowed_released = inject_now_ns();
	}
	if (inject_release_others(ctl))
		rc = -1;
	if (!ctl->t_borrowed_released)
		ctl->t_borrowed_released = ctl->t_all_released;
	return rc;
}
