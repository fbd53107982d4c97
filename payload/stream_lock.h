/* stream_lock.h: the stream's lock, taken on every event, and the
 * futex waits that sit beside it. */
#ifndef PAYLOAD_STREAM_LOCK_H
#define PAYLOAD_STREAM_LOCK_H

#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * Every allocation of a traced program takes this lock once, so its
 * uncontended path is what the capture costs.  A locked instruction is a
 * full barrier on x86: it waits until every earlier store (the record
 * just encoded) has drained, so each one costs far more than its few
 * cycles.  The lock therefore takes one exchange and drops with a plain
 * store.  It is held for a few hundred nanoseconds at most; a waiter
 * spins briefly, then yields the CPU, which also covers a holder that
 * was descheduled.  Long waits (a full buffer, the writer's sleep) are
 * futex waits on separate sequence words, never spins.
 */
static inline long futex(int *word, int op, int val,
			 const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, timeout,
		       NULL, 0);
}

static inline void spin_lock_slow(int *l)
{
	unsigned spins = 0;

	for (;;) {
		while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
			if (++spins < 256) {
				__builtin_ia32_pause();
			} else {
				/* The holder may be descheduled: give it the
				 * CPU rather than burn ours. */
				spins = 0;
				sched_yield();
			}
		}
		if (!__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
			return;
	}
}

static inline void spin_lock(int *l)
{
	if (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		spin_lock_slow(l);
}

/* A plain release store: no locked instruction, so the stores of the
 * record just written need not drain before the program goes on. */
static inline void spin_unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/*
 * Waiting for something that happens under the lock: read the event's
 * sequence number with the lock held, drop the lock, sleep until the
 * number moves (or timeout, CLOCK_MONOTONIC relative), take it again.
 */
static inline void futex_wait_change(int *lock, int *seq, int seen,
				     const struct timespec *timeout)
{
	spin_unlock(lock);
	futex(seq, FUTEX_WAIT, seen, timeout);
	spin_lock(lock);
}

static inline void futex_signal_change(int *seq, int all)
{
	__atomic_add_fetch(seq, 1, __ATOMIC_RELEASE);
	futex(seq, FUTEX_WAKE, all ? INT_MAX : 1, NULL);
}

#endif
