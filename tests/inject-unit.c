/* inject-unit.c: the injector's core on a plain C child, without Python.
 *
 * 1. A child whose only thread does nothing but malloc and free is stopped
 *    again and again.  Every time its pc is in libc it is inside the
 *    allocator (nothing else of libc is called), and the thread must then
 *    be judged unsafe to borrow: never a false "safe".  Stops in the
 *    child's own loop must be judged safe, or nothing could ever attach.
 * 2. Remote syscalls and calls on a borrowed thread return what they
 *    should, and the thread goes on unharmed afterwards.
 * Exit 0 pass, 1 fail, 77 skip (ptrace not allowed here). */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inject-priv.h"

#define SAMPLES 400

static volatile unsigned long sink;

static void __attribute__((noreturn)) allocate_forever(void)
{
	unsigned long i = 0, j;

	/* A fixed threshold: the big blocks always come from mmap, so the
	 * thread is often stopped in mmap or munmap, outside malloc's own
	 * code, where only the unwinding shows who called. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	for (;;) {
		/* sizes from tcache bins to mmap: every allocator path */
		size_t size = (i * 2654435761u) % (i % 4 ? 2048 : 300000);
		char *p = malloc(size + 1);

		p[0] = (char)i;
		sink += (unsigned long)p[0];
		free(p);
		/* and some time outside libc, where the thread is safe */
		for (j = 0; j < 20000; j++)
			sink += j;
		i++;
	}
}

static void __attribute__((noreturn)) spin_forever(void)
{
	for (;;)
		sink++;
}

static void *vfork_and_wait(void *arg)
{
	(void)arg;
	/* The parent thread now sleeps uninterruptibly until the child
	 * exits: ptrace cannot stop it meanwhile. */
	if (vfork() == 0) {
		sleep(4);
		_exit(0);
	}
	return NULL;
}

static void __attribute__((noreturn)) vfork_in_a_thread(void)
{
	pthread_t t;

	pthread_create(&t, NULL, vfork_and_wait, NULL);
	spin_forever();
}

static pid_t spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0)
		fn();
	return pid;
}

static void sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

static int libc_text(pid_t pid, uint64_t *lo, uint64_t *hi)
{
	struct map_entry *maps = NULL;
	ssize_t n = proc_read_maps(pid, &maps), i;

	for (i = 0; i < n; i++)
		if (maps[i].perms[2] == 'x' &&
		    map_is_library(&maps[i], "libc")) {
			*lo = maps[i].start;
			*hi = maps[i].end;
			free(maps);
			return 0;
		}
	free(maps);
	return -1;
}

static int check_malloc_safety(void)
{
	pid_t child = spawn(allocate_forever);
	uint64_t lo = 0, hi = 0;
	int in_libc = 0, unsafe_in_libc = 0, safe = 0, i, rc = 0;
	char err[INJECT_ERR_LEN];

	sleep_us(100000);
	if (libc_text(child, &lo, &hi)) {
		printf("FAIL: no libc text in the child\n");
		rc = 1;
		goto out;
	}
	for (i = 0; i < SAMPLES; i++) {
		struct inject_ctl *ctl = inject_stop(child, err, sizeof(err));
		arch_regs r;
		char why[128];
		int unsafe;

		if (!ctl) {
			printf("SKIP: %s\n", err);
			rc = 77;
			goto out;
		}
		if (arch_get_regs(child, &r)) {
			printf("FAIL: getregs: %s\n", strerror(errno));
			rc = 1;
		}
		unsafe = thread_is_unsafe(ctl->unsafe, child, why, sizeof(why));
		inject_cure(ctl);
		inject_free(ctl);
		if (rc)
			goto out;
		if (arch_pc(&r) >= lo && arch_pc(&r) < hi) {
			in_libc++;
			if (unsafe > 0) {
				unsafe_in_libc++;
			} else {
				printf("FAIL: stopped in the allocator at pc "
				       "%#llx (libc+%#llx), judged %s\n",
				       (unsigned long long)arch_pc(&r),
				       (unsigned long long)(arch_pc(&r) - lo),
				       unsafe ? "unknown" : "safe");
				rc = 1;
			}
		} else if (unsafe == 0) {
			safe++;
		}
		sleep_us(200 + (i % 7) * 100);
	}
	printf("%d stops: %d in the allocator, all judged unsafe; %d in the "
	       "loop judged safe\n", SAMPLES, in_libc, safe);
	if (!in_libc || !safe) {
		printf("FAIL: the sample missed a case (%d in libc, %d safe)\n",
		       in_libc, safe);
		rc = 1;
	}
	(void)unsafe_in_libc;
out:
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return rc;
}

static int check_remote(void)
{
	pid_t child = spawn(spin_forever);
	struct inject_ctl *ctl;
	char err[INJECT_ERR_LEN], text[] = "-1234";
	uint64_t scratch, atoi_addr = 0, ret64 = 0;
	struct map_entry *maps = NULL;
	size_t room;
	ssize_t n;
	long ret = 0;
	int rc = 1, status;

	sleep_us(50000);
	ctl = inject_stop(child, err, sizeof(err));
	if (!ctl) {
		printf("SKIP: %s\n", err);
		rc = 77;
		goto out;
	}
	if (inject_choose_thread(ctl)) {
		printf("FAIL: choose: %s\n", inject_error(ctl));
		goto cure;
	}
	if (inject_syscall(ctl, SYS_getpid, &ret, 0, 0, 0, 0, 0, 0) ||
	    ret != child) {
		printf("FAIL: remote getpid = %ld, want %d (%s)\n", ret,
		       (int)child, inject_error(ctl));
		goto cure;
	}
	n = proc_read_maps(child, &maps);
	if (n < 0 || target_symbol(child, maps, (size_t)n, "libc", "atoi",
				   &atoi_addr, NULL)) {
		printf("FAIL: no atoi in the child's libc\n");
		goto cure;
	}
	scratch = inject_scratch(ctl, &room);
	if (inject_poke(ctl, scratch, text, sizeof(text)) ||
	    inject_call(ctl, atoi_addr, &ret64, scratch, 0, 0, 0, 0, 0) ||
	    (int)ret64 != -1234) {
		/* (atoi rather than strlen: strlen is an IFUNC, whose symbol
		 * is the resolver, not the function) */
		printf("FAIL: remote atoi = %d, want -1234 (%s)\n",
		       (int)ret64, inject_error(ctl));
		goto cure;
	}
	rc = 0;
	printf("remote getpid and atoi ok\n");
cure:
	if (inject_cure(ctl)) {
		printf("FAIL: cure: %s\n", inject_error(ctl));
		rc = 1;
	}
	inject_free(ctl);
	free(maps);
	/* The child spins on as before: still running after a while. */
	sleep_us(100000);
	if (!rc && waitpid(child, &status, WNOHANG) != 0) {
		printf("FAIL: the child died after the remote calls\n");
		rc = 1;
	}
out:
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return rc;
}

/* A thread that cannot stop: memattach gives up (bounded) and says so,
 * instead of keeping the rest of the process stopped until it can. */
static int check_stuck(void)
{
	pid_t child = spawn(vfork_in_a_thread);
	char err[INJECT_ERR_LEN];
	struct inject_ctl *ctl;
	int rc = 0;

	sleep_us(300000);
	ctl = inject_stop(child, err, sizeof(err));
	if (ctl) {
		printf("FAIL: stopped a thread that sits in vfork\n");
		inject_cure(ctl);
		inject_free(ctl);
		rc = 1;
	} else if (!strstr(err, "does not stop")) {
		printf("FAIL: unclear error: %s\n", err);
		rc = 1;
	} else {
		printf("gave up on a thread in vfork: %s\n", err);
	}
	kill(child, SIGKILL);
	/* The thread that would not stop is still ours to reap (the
	 * injector leaves it to the kernel's detach when we exit). */
	while (waitpid(-1, NULL, __WALL) > 0)
		;
	return rc;
}

int main(void)
{
	int a, b, c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	a = check_malloc_safety();
	if (a == 77)
		return 77;
	b = check_remote();
	c = check_stuck();
	return a || b || c ? 1 : 0;
}
