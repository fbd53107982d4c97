/* status.c: memattach status PID: is a capture of PID running, and where. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach_control.h"
#include "capture_events.h"
#include "commands.h"
#include "error.h"

int cmd_status(int argc, char **argv)
{
	char file[4096], bytes[32], fbytes[32], secs[32], ev[48] = "", *reply;
	long long events;
	long pid;
	int fd;

	if (argc != 2 || (pid = strtol(argv[1], NULL, 10)) <= 0) {
		error_msg("usage: memattach status PID");
		return 2;
	}
	fd = control_request((pid_t)pid, "status\n");
	if (fd == -2) {
		printf("%ld: no capture running\n", pid);
		return 1;
	}
	if (fd < 0)
		return 1;
	reply = control_read_reply(fd);
	close(fd);
	if (strncmp(reply, "running ", 8)) {
		error_msg("%ld: unexpected answer from the capture: %.60s",
			  pid, reply[0] ? reply : "(nothing)");
		free(reply);
		return 1;
	}
	control_reply_field(reply, "seconds", secs, sizeof(secs));
	control_reply_field(reply, "running", file, sizeof(file));
	control_reply_field(reply, "bytes", bytes, sizeof(bytes));
	control_reply_field(reply, "file_bytes", fbytes, sizeof(fbytes));
	/* The file is flushed every 100 ms and readable while it grows. */
	events = capture_file_events(file, NULL, 0);
	if (events >= 0)
		snprintf(ev, sizeof(ev), "%lld events, ", events);
	printf("%ld: capture running for %s s into %s (%s%s bytes of "
	       "records, %s bytes on disk)\n", pid, secs, file, ev, bytes,
	       fbytes);
	free(reply);
	return 0;
}
