/* futex_lock.h: the stream's lock, taken on every event. */
#ifndef PAYLOAD_FUTEX_LOCK_H
#define PAYLOAD_FUTEX_LOCK_H

#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * Every allocation of a traced program takes this lock once, so its
 * uncontended path is what the capture costs: one compare-and-swap to
 * take it, one atomic decrement to drop it, both inline (no call through
 * the PLT to pthread_mutex_lock, no mutex-type dispatch).  Contended, it
 * sleeps on a futex.  States: 0 free, 1 taken, 2 taken with sleepers
 * (U. Drepper, "Futexes Are Tricky", mutex #3).
 */
static inline long futex(int *word, int op, int val,
			 const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, timeout,
		       NULL, 0);
}

static inline void futex_lock_slow(int *l, int c)
{
	if (c != 2)
		c = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(l, FUTEX_WAIT, 2, NULL);
		c = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
	}
}

static inline void futex_lock(int *l)
{
	int c = 0;

	if (!__atomic_compare_exchange_n(l, &c, 1, 0, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		futex_lock_slow(l, c);
}

static inline void futex_unlock(int *l)
{
	if (__atomic_fetch_sub(l, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(l, 0, __ATOMIC_RELEASE);
		futex(l, FUTEX_WAKE, 1, NULL);
	}
}

/*
 * Waiting for something that happens under the lock: read the event's
 * sequence number with the lock held, drop the lock, sleep until the
 * number moves (or timeout, CLOCK_MONOTONIC relative), take it again.
 */
static inline void futex_wait_change(int *lock, int *seq, int seen,
				     const struct timespec *timeout)
{
	futex_unlock(lock);
	futex(seq, FUTEX_WAIT, seen, timeout);
	futex_lock(lock);
}

static inline void futex_signal_change(int *seq, int all)
{
	__atomic_add_fetch(seq, 1, __ATOMIC_RELEASE);
	futex(seq, FUTEX_WAKE, all ? INT_MAX : 1, NULL);
}

#endif
