/* error.h: the one family of error helpers ("memattach: what: why"). */
#ifndef MEMATTACH_ERROR_H
#define MEMATTACH_ERROR_H

#include <stddef.h>

#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))

/* All print "memattach: <message>\n" on stderr; perror_* append ": why". */
void error_msg(const char *fmt, ...) ATTR_PRINTF(1, 2);
void perror_msg(const char *fmt, ...) ATTR_PRINTF(1, 2);
void error_msg_and_die(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;
void perror_msg_and_die(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;

/* -v: extra lines on stderr, prefixed "memattach: ". */
extern int verbose;
void verbose_msg(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Allocation helpers that die with a message instead of returning NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grow an array of n elements of size each, to at least min elements. */
void *xgrow(void *p, size_t *n, size_t min, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);

#endif /* MEMATTACH_ERROR_H */
