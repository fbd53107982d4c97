/* seize.c: seizing and stopping every thread of the target, and leaving. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inject-priv.h"

struct inject_thread *ctl_thread(struct inject_ctl *ctl, pid_t tid)
{
	size_t i;

	for (i = 0; i < ctl->nthreads; i++)
		if (ctl->threads[i].tid == tid)
			return &ctl->threads[i];
	return NULL;
}

static struct inject_thread *add_thread(struct inject_ctl *ctl, pid_t tid)
{
	if (ctl->nthreads == ctl->cap) {
		size_t cap = ctl->cap ? ctl->cap * 2 : 16;
		struct inject_thread *v;

		v = realloc(ctl->threads, cap * sizeof(*v));
		if (!v)
			return NULL;
		ctl->threads = v;
		ctl->cap = cap;
	}
	memset(&ctl->threads[ctl->nthreads], 0, sizeof(ctl->threads[0]));
	ctl->threads[ctl->nthreads].tid = tid;
	return &ctl->threads[ctl->nthreads++];
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/* Keep a signal that stopped t so that it can be handed back on leaving:
 * a signal swallowed by the tracer would be a lost wake-up. */
static void hold_signal(struct held_signal *h, pid_t tid, int sig)
{
	h->sig = sig;
	h->have_info = ptrace(PTRACE_GETSIGINFO, tid, NULL, h->info) == 0;
}

/*
 * A thread in uninterruptible sleep (disk or NFS I/O, a vfork parent)
 * stops only when that ends.  Rather than keep the rest of the process
 * stopped meanwhile, give up after this long.
 */
#define STOP_TIMEOUT_NS (2ull * 1000000000ull)

/* waitpid with a deadline: the tracer gets SIGCHLD at every stop of a
 * tracee, so wait for that signal between tries (SIGCHLD is blocked for
 * the while, and taken). */
static pid_t wait_deadline(pid_t tid, int *status, uint64_t deadline)
{
	sigset_t chld, old;
	pid_t r;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &old);
	for (;;) {
		uint64_t now, left;
		struct timespec ts;

		r = waitpid(tid, status, __WALL | WNOHANG);
		if (r != 0)
			break;
		now = inject_now_ns();
		if (now >= deadline) {
			errno = ETIMEDOUT;
			r = -1;
			break;
		}
		left = deadline - now;
		/* not for ever, in case a SIGCHLD was taken elsewhere */
		if (left > 10000000u)
			left = 10000000u;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left;
		sigtimedwait(&chld, NULL, &ts);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static void read_wchan(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan", (int)pid,
		 (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, len - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
}

/*
 * Wait for t's next stop.  Returns 0 when t is stopped, 1 if it exited,
 * -1 on error (or when it does not stop within STOP_TIMEOUT_NS).  Signals
 * that stop it are held in t->held (one at a time; a second one is let
 * through at once).
 */
int ctl_wait_stop(struct inject_ctl *ctl, struct inject_thread *t)
{
	uint64_t deadline = inject_now_ns() + STOP_TIMEOUT_NS;

	for (;;) {
		int status, event, sig;
		pid_t r = wait_deadline(t->tid, &status, deadline);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ETIMEDOUT) {
				char wchan[64];

				read_wchan(ctl->pid, t->tid, wchan,
					   sizeof(wchan));
				t->stuck = true;
				return ctl_fail(ctl, "thread %d does not "
						"stop (in uninterruptible "
						"sleep%s%s?); nothing was "
						"changed", (int)t->tid,
						wchan[0] ? " in " : "", wchan);
			}
			if (errno == ECHILD) {
				t->gone = true;
				t->stopped = false;
				return 1;
			}
			return ctl_fail(ctl, "waiting for thread %d: %s",
					(int)t->tid, strerror(errno));
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			t->gone = true;
			t->stopped = false;
			return 1;
		}
		if (!WIFSTOPPED(status))
			continue;
		event = status >> 16;
		sig = WSTOPSIG(status);
		t->stopped = true;
		if (event == PTRACE_EVENT_STOP) {
			t->group_stop = is_stop_signal(sig);
			return 0;
		}
		if (event)
			return 0;
		/* A signal-delivery-stop: the thread is stopped all the
		 * same, with a signal on its way in. */
		if (!t->held.sig) {
			hold_signal(&t->held, t->tid, sig);
			return 0;
		}
		/* Let it take this one, and stop it again right after. */
		if (ptrace(PTRACE_CONT, t->tid, NULL, (void *)(long)sig) < 0 ||
		    ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0)
			return ctl_fail(ctl, "resuming thread %d: %s",
					(int)t->tid, strerror(errno));
		t->stopped = false;
	}
}

/*
 * Seize and interrupt every thread in /proc/PID/task, wait until each is
 * stopped, and read the list again: a thread that was running could have
 * created another one before it stopped.  Once a pass finds nothing new,
 * no thread is left running to create more.
 */
int ctl_stop_all(struct inject_ctl *ctl)
{
	for (;;) {
		pid_t *tids = NULL;
		ssize_t n = proc_read_tasks(ctl->pid, &tids), i;
		size_t k, interrupted = 0;

		if (n < 0)
			return ctl_fail(ctl, "reading /proc/%d/task: %s",
					(int)ctl->pid, strerror(errno));
		for (i = 0; i < n; i++) {
			struct inject_thread *t = ctl_thread(ctl, tids[i]);

			if (!t) {
				if (ptrace(PTRACE_SEIZE, tids[i], NULL,
					   NULL) < 0) {
					if (errno == ESRCH)
						continue;	/* it exited */
					free(tids);
					return ctl_fail(ctl, "ptrace: %s",
							strerror(errno));
				}
				t = add_thread(ctl, tids[i]);
				if (!t) {
					ptrace(PTRACE_DETACH, tids[i], NULL,
					       NULL);
					free(tids);
					return ctl_fail(ctl, "out of memory");
				}
			} else if (t->stopped || t->gone) {
				continue;
			}
			if (!ctl->t_first_stop)
				ctl->t_first_stop = inject_now_ns();
			if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0 &&
			    errno != ESRCH) {
				free(tids);
				return ctl_fail(ctl, "ptrace interrupt: %s",
						strerror(errno));
			}
			interrupted++;
		}
		free(tids);
		if (!interrupted)
			break;
		for (k = 0; k < ctl->nthreads; k++) {
			struct inject_thread *t = &ctl->threads[k];

			if (!t->stopped && !t->gone &&
			    ctl_wait_stop(ctl, t) < 0)
				return -1;
		}
	}
	if (!ctl_thread(ctl, ctl->pid) || ctl_thread(ctl, ctl->pid)->gone)
		return ctl_fail(ctl, "the process exited");
	return 0;
}

static int restart(struct inject_ctl *ctl, struct inject_thread *t)
{
	long sig = t->held.sig;

	if (t->held.have_info)
		ptrace(PTRACE_SETSIGINFO, t->tid, NULL, t->held.info);
	t->held.sig = 0;
	/* A thread in a group stop (SIGSTOP, ^Z) must stay in it: LISTEN
	 * keeps it stopped while letting us see it again. */
	if (ptrace(t->group_stop ? PTRACE_LISTEN : PTRACE_CONT, t->tid,
		   NULL, (void *)sig) < 0 && errno != ESRCH)
		return ctl_fail(ctl, "resuming thread %d: %s", (int)t->tid,
				strerror(errno));
	t->stopped = false;
	return 0;
}

int ctl_resume_all(struct inject_ctl *ctl)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < ctl->nthreads; i++)
		if (ctl->threads[i].stopped && restart(ctl, &ctl->threads[i]))
			rc = -1;
	return rc;
}

int ctl_detach(struct inject_ctl *ctl, struct inject_thread *t)
{
	long sig = t->held.sig;

	if (t->gone)
		return 0;
	if (t->stuck) {
		/* Seized but never stopped: PTRACE_DETACH needs a stop.  The
		 * kernel detaches it when this process exits. */
		t->gone = true;
		return 0;
	}
	if (!t->stopped) {
		/* Only a stopped tracee can be detached. */
		if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0) {
			if (errno == ESRCH)
				return 0;
			return ctl_fail(ctl, "ptrace interrupt: %s",
					strerror(errno));
		}
		if (ctl_wait_stop(ctl, t))
			return t->gone ? 0 : -1;
		sig = t->held.sig;
	}
	if (sig && t->held.have_info)
		ptrace(PTRACE_SETSIGINFO, t->tid, NULL, t->held.info);
	/* ESRCH: the thread is gone, which is not our failure. */
	if (ptrace(PTRACE_DETACH, t->tid, NULL, (void *)sig) < 0 &&
	    errno != ESRCH)
		return ctl_fail(ctl, "detaching from thread %d: %s",
				(int)t->tid, strerror(errno));
	t->held.sig = 0;
	t->stopped = false;
	t->gone = true;		/* no longer ours */
	return 0;
}

struct inject_ctl *inject_stop(pid_t pid, char *err, size_t errlen)
{
	struct inject_ctl *ctl = calloc(1, sizeof(*ctl));
	char path[64];

	if (!ctl) {
		inject_fail(err, errlen, "out of memory");
		return NULL;
	}
	ctl->pid = pid;
	ctl->borrowed = -1;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	ctl->mem_fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctl->mem_fd < 0) {
		inject_fail(err, errlen, "ptrace: %s", strerror(errno));
		free(ctl);
		return NULL;
	}
	/* What is unsafe to interrupt is known from the files alone: read
	 * it while the process still runs. */
	ctl->unsafe = unsafe_ranges_build(pid, ctl->mem_fd);
	if (!ctl->unsafe) {
		inject_fail(err, errlen, "reading the mappings of %d: %s",
			    (int)pid, strerror(errno));
		inject_free(ctl);
		return NULL;
	}
	if (ctl_stop_all(ctl)) {
		inject_fail(err, errlen, "%s", ctl->err);
		inject_cure(ctl);
		inject_free(ctl);
		return NULL;
	}
	inject_log("stopped %zu threads of %d in %.2f ms", ctl->nthreads,
		   (int)pid, (double)(inject_now_ns() - ctl->t_first_stop) /
		   1e6);
	return ctl;
}

int inject_release_others(struct inject_ctl *ctl)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < ctl->nthreads; i++)
		if ((ssize_t)i != ctl->borrowed &&
		    ctl_detach(ctl, &ctl->threads[i]))
			rc = -1;
	if (!ctl->t_all_released)
		ctl->t_all_released = inject_now_ns();
	return rc;
}

int inject_peek(struct inject_ctl *ctl, uint64_t addr, void *buf, size_t len)
{
	ssize_t n = pread(ctl->mem_fd, buf, len, (off_t)addr);

	if (n != (ssize_t)len)
		return ctl_fail(ctl, "reading target memory at %#llx: %s",
				(unsigned long long)addr,
				n < 0 ? strerror(errno) : "short read");
	return 0;
}

int inject_poke(struct inject_ctl *ctl, uint64_t addr, const void *buf,
		size_t len)
{
	ssize_t n = pwrite(ctl->mem_fd, buf, len, (off_t)addr);

	if (n != (ssize_t)len)
		return ctl_fail(ctl, "writing target memory at %#llx: %s",
				(unsigned long long)addr,
				n < 0 ? strerror(errno) : "short write");
	return 0;
}

void inject_free(struct inject_ctl *ctl)
{
	if (!ctl)
		return;
	if (ctl->mem_fd >= 0)
		close(ctl->mem_fd);
	unsafe_ranges_free(ctl->unsafe);
	free(ctl->saved_fp);
	free(ctl->threads);
	free(ctl);
}

pid_t inject_pid(const struct inject_ctl *ctl)
{
	return ctl->pid;
}

pid_t inject_borrowed_tid(const struct inject_ctl *ctl)
{
	return ctl->borrowed >= 0 ? ctl->threads[ctl->borrowed].tid : 0;
}

const char *inject_error(const struct inject_ctl *ctl)
{
	return ctl->err;
}

uint64_t inject_all_stopped_ns(const struct inject_ctl *ctl)
{
	return ctl->t_all_released && ctl->t_first_stop ?
	       ctl->t_all_released - ctl->t_first_stop : 0;
}

uint64_t inject_borrowed_stopped_ns(const struct inject_ctl *ctl)
{
	return ctl->t_borrowed_released && ctl->t_first_stop ?
	       ctl->t_borrowed_released - ctl->t_first_stop : 0;
}
