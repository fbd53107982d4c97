/* util.c: error lines, the optional logger and the clock of the injector. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "inject-priv.h"

static inject_logger logger;

void inject_set_logger(inject_logger fn)
{
	logger = fn;
}

void inject_log(const char *fmt, ...)
{
	char line[INJECT_ERR_LEN];
	va_list ap;

	if (!logger)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	logger(line);
}

int inject_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int ctl_fail(struct inject_ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctl->err, sizeof(ctl->err), fmt, ap);
	va_end(ap);
	return -1;
}

uint64_t inject_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
