/* payload.h: what memattach-payload.so exports to memattach. */
#ifndef MEMATTACH_PAYLOAD_H
#define MEMATTACH_PAYLOAD_H

#include <stdint.h>

/* Flags for memattach_payload_start(). */
#define PAYLOAD_FLAG_NATIVE	0x1u	/* unwind and record native stacks */
#define PAYLOAD_FLAG_PYMALLOC	0x2u	/* also trace pymalloc domains */

/* Run mode: the payload is LD_PRELOADed and its constructor reads these. */
#define PAYLOAD_ENV_FD		"MEMATTACH_FD"
#define PAYLOAD_ENV_FLAGS	"MEMATTACH_FLAGS"

/* Values of memattach_payload_state. */
enum payload_state {
	PAYLOAD_IDLE = 0,	/* loaded, no capture (or the last one ended) */
	PAYLOAD_RUNNING = 1,	/* hooks in, events flowing */
	PAYLOAD_STOPPING = 2,	/* restoring hooks and flushing */
};

/*
 * Start a capture: take ownership of sock_fd (a connected stream socket
 * whose peer is memattach), swap the allocator hooks in and start the
 * writer thread.  Returns 0, or a negative errno (-EBUSY if a capture is
 * already running).  Safe to call again after a capture ended: the payload
 * is never unloaded, so a second attach reuses it.
 *
 * The capture ends when memattach sends WIRE_CTL_STOP, when the socket
 * reports EOF or an error (memattach died: the dead-man switch), or when
 * the process exits.  Each way restores every hooked GOT slot, flushes
 * every buffered event, writes WIRE_END and closes the socket.
 */
int memattach_payload_start(int sock_fd, uint32_t flags);

/* Current enum payload_state; read by memattach (status) via ptrace. */
extern volatile int memattach_payload_state;

#endif /* MEMATTACH_PAYLOAD_H */
