/* attach_control.h: the "@memattach-PID" socket that detach and status use. */
#ifndef MEMATTACH_ATTACH_CONTROL_H
#define MEMATTACH_ATTACH_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture_writer.h"

/*
 * A running capture of PID (foreground or --background) owns the abstract
 * unix socket "@memattach-PID".  Holding the name is also what keeps two
 * captures of one process apart.  The protocol is one request line from
 * the client and a reply ending at EOF:
 *
 *   "status\n" -> "running FILE\nbytes N\nseconds S\n"
 *   "detach\n" -> (once the capture file is complete)
 *                 "done FILE\nevents N\nbytes N\nfile_bytes N\n"
 *                 "seconds S\n"
 *
 * Both ends check the other's credentials (SO_PEERCRED): the same user or
 * root, since anyone may bind a name in the abstract namespace.
 */

/* Bind the name.  Returns the listening fd, -2 if another process holds
 * it, or -1 after printing an error. */
int control_listen(pid_t pid);

/* Connect to the capture of pid and send request.  Returns the connected
 * fd, -2 if no capture is running, or -1 after printing an error. */
int control_request(pid_t pid, const char *request);

/* The whole reply of a request (it ends at EOF); the caller frees it. */
char *control_read_reply(int fd);
/* The value after "key " on its own line of a reply, or "?". */
const char *control_reply_field(const char *reply, const char *key,
				char *out, size_t outlen);

struct control_server;

/* Serve requests on listen_fd from a thread of its own.  A detach request
 * makes stop_fd (the write end of the capture's stop pipe) readable. */
struct control_server *control_start(int listen_fd, int stop_fd,
				     const char *file,
				     const struct capture_stream_stats *st);
/* The capture ended (rc 0 = complete, events in it or -1): answer
 * waiting detach requests, close the socket and join the thread. */
void control_finish(struct control_server *srv, int rc, long long events);

#endif /* MEMATTACH_ATTACH_CONTROL_H */
