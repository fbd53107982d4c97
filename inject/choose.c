/* choose.c: picking the thread to borrow, waiting a little if none is safe. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inject-priv.h"

/* About 40 looks over ~0.3 s: a thread that is inside malloc leaves it in
 * microseconds, one that stays longer is stuck and will not leave. */
#define MAX_ATTEMPTS 40

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Threads in user code first: borrowing one needs no syscall restart.
 * Then the main thread, then the rest. */
static int rank(const struct inject_ctl *ctl, const struct inject_thread *t,
		const arch_regs *r)
{
	return (arch_syscall_nr(r) >= 0) * 2 + (t->tid != ctl->pid);
}

/* Added to the rank of a thread whose stack was only partly seen. */
#define PARTIAL_RANK 10

static int try_once(struct inject_ctl *ctl, struct unsafe_ranges *u,
		    char *why, size_t whylen)
{
	int best_rank = 99;
	ssize_t best = -1;
	size_t i, groupstopped = 0, live = 0;

	for (i = 0; i < ctl->nthreads; i++) {
		struct inject_thread *t = &ctl->threads[i];
		arch_regs r;
		char twhy[128];
		int unsafe, rk;
		uint64_t t0;

		if (t->gone || !t->stopped)
			continue;
		live++;
		if (t->group_stop) {
			groupstopped++;
			continue;
		}
		/* A signal is on its way in: leave that thread alone so
		 * the signal is delivered exactly as it would have been. */
		if (t->held.sig || arch_get_regs(t->tid, &r))
			continue;
		rk = rank(ctl, t, &r);
		if (rk >= best_rank)
			continue;
		t0 = inject_now_ns();
		unsafe = thread_is_unsafe(u, t->tid, twhy, sizeof(twhy));
		inject_log("unwound thread %d in %.2f ms", (int)t->tid,
			   (double)(inject_now_ns() - t0) / 1e6);
		if (unsafe > 0) {
			snprintf(why, whylen, "thread %d is %s", (int)t->tid,
				 twhy);
			inject_log("thread %d is %s", (int)t->tid, twhy);
			continue;
		}
		if (unsafe < 0) {
			snprintf(why, whylen, "thread %d cannot be unwound",
				 (int)t->tid);
			continue;
		}
		if (unsafe == 2) {
			/* Only its inner frames were seen: take it only if
			 * no fully seen thread is safe. */
			inject_log("thread %d: %s", (int)t->tid, twhy);
			rk += PARTIAL_RANK;
			if (rk >= best_rank)
				continue;
		}
		best = (ssize_t)i;
		best_rank = rk;
	}
	if (live && groupstopped == live)
		return ctl_fail(ctl, "the process is stopped (SIGSTOP or ^Z); "
				"continue it first");
	return best >= 0 ? (int)best : -2;
}

static int borrow(struct inject_ctl *ctl, size_t i)
{
	struct inject_thread *t = &ctl->threads[i];

	if (!ctl->saved_fp) {
		ctl->saved_fp = malloc(sizeof(*ctl->saved_fp));
		if (!ctl->saved_fp)
			return ctl_fail(ctl, "out of memory");
	}
	if (arch_get_regs(t->tid, &ctl->saved_regs) ||
	    arch_get_fpstate(t->tid, ctl->saved_fp))
		return ctl_fail(ctl, "reading the registers of thread %d: %s",
				(int)t->tid, strerror(errno));
	ctl->borrowed = (ssize_t)i;
	ctl->regs_saved = true;
	inject_log("borrowing thread %d (pc %#llx, syscall %ld)",
		   (int)t->tid, (unsigned long long)arch_pc(&ctl->saved_regs),
		   arch_syscall_nr(&ctl->saved_regs));
	return 0;
}

int inject_choose_thread(struct inject_ctl *ctl)
{
	struct unsafe_ranges *u = ctl->unsafe;
	char why[256] = "no thread could be looked at";
	int attempt, i;

	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		i = try_once(ctl, u, why, sizeof(why));
		if (i >= 0) {
			if (attempt)
				inject_log("found a safe thread after %d "
					   "retries", attempt);
			return borrow(ctl, (size_t)i);
		}
		if (i == -1)
			break;
		/* Let it run on for a moment and look again; the time the
		 * process runs does not count as stopped time. */
		if (ctl_resume_all(ctl))
			break;
		sleep_us(1000 + attempt * 500);
		ctl->t_first_stop = 0;
		unsafe_ranges_forget(u);
		if (ctl_stop_all(ctl))
			break;
	}
	if (attempt == MAX_ATTEMPTS)
		return ctl_fail(ctl, "no thread was safe to borrow after %d "
				"tries (%s); try again", MAX_ATTEMPTS, why);
	return -1;
}
