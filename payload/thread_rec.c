/* thread_rec.c: per-thread records, found through initial-exec TLS. */
#include "config.h"
#include <pthread.h>
#include <unistd.h>

#include "real_alloc.h"
#include "thread_rec.h"

__thread struct thread_rec *thread_rec_current;
#define self thread_rec_current
static pthread_key_t exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* At thread exit: free the record.  Frees that the exit path makes
 * after this find no record and make a fresh one, which the loader's
 * repeated destructor passes free again. */
static void thread_exit(void *rec)
{
	self = NULL;
	real.free(rec);
}

static void make_key(void)
{
	pthread_key_create(&exit_key, thread_exit);
}

struct thread_rec *thread_rec_make(void)
{
	struct thread_rec *t;

	pthread_once(&key_once, make_key);
	t = real.calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = (uint32_t)gettid();
	self = t;
	pthread_setspecific(exit_key, t);
	return t;
}
