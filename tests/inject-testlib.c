/* inject-testlib.c: a stand-in payload for the injector's own tests.
 *
 * It exports what memattach-payload.so exports and speaks just enough of
 * the wire format (an INFO record, then END once told to stop or at EOF),
 * so the injection, the socket hand-over, --background, detach and status
 * can be tested without the real payload.  It records nothing. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "payload.h"
#include "wire.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT volatile int memattach_payload_state;
EXPORT volatile int memattach_testlib_starts;	/* captures begun */

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void *writer(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char info[128], rec[160], c;
	int len = snprintf(info, sizeof(info), "payload_version=testlib\n"
			   "pid=%d\n", (int)getpid());
	size_t n;

	rec[0] = WIRE_INFO;
	n = 1 + wire_put_uv((uint8_t *)rec + 1, (uint64_t)len);
	memcpy(rec + n, info, (size_t)len);
	send_all(fd, rec, n + (size_t)len);
	/* Until memattach says stop, or goes away (the dead-man switch). */
	while (read(fd, &c, 1) == 1 && c != WIRE_CTL_STOP)
		;
	memattach_payload_state = PAYLOAD_STOPPING;
	c = WIRE_END;
	send_all(fd, &c, 1);
	close(fd);
	memattach_payload_state = PAYLOAD_IDLE;
	return NULL;
}

EXPORT int memattach_payload_start(int sock_fd, uint32_t flags)
{
	pthread_t t;
	int e;

	(void)flags;
	if (memattach_payload_state != PAYLOAD_IDLE)
		return -EBUSY;
	memattach_payload_state = PAYLOAD_RUNNING;
	e = pthread_create(&t, NULL, writer, (void *)(intptr_t)sock_fd);
	if (e) {
		memattach_payload_state = PAYLOAD_IDLE;
		return -e;
	}
	pthread_detach(t);
	memattach_testlib_starts++;
	return 0;
}
