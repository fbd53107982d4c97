/* detach.c: memattach detach PID: end a running capture and wait for it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach_control.h"
#include "commands.h"
#include "error.h"

int cmd_detach(int argc, char **argv)
{
	char file[4096], bytes[32], fbytes[32], secs[32], events[32], *reply;
	long pid;
	int fd;

	if (argc != 2 || (pid = strtol(argv[1], NULL, 10)) <= 0) {
		error_msg("usage: memattach detach PID");
		return 2;
	}
	fd = control_request((pid_t)pid, "detach\n");
	if (fd == -2) {
		error_msg("%ld: no capture is running", pid);
		return 1;
	}
	if (fd < 0)
		return 1;
	reply = control_read_reply(fd);
	close(fd);
	if (!strncmp(reply, "done ", 5)) {
		control_reply_field(reply, "done", file, sizeof(file));
		control_reply_field(reply, "events", events, sizeof(events));
		control_reply_field(reply, "seconds", secs, sizeof(secs));
		control_reply_field(reply, "bytes", bytes, sizeof(bytes));
		control_reply_field(reply, "file_bytes", fbytes,
				    sizeof(fbytes));
		printf("memattach: capture of %ld written to %s (%s events "
		       "in %s s, %s bytes of records, %s bytes on disk)\n",
		       pid, file, events, secs, bytes, fbytes);
		free(reply);
		return 0;
	}
	if (!strncmp(reply, "failed ", 7))
		error_msg("%ld: the capture ended with an error; what was "
			  "written is in %s", pid,
			  control_reply_field(reply, "failed", file,
					      sizeof(file)));
	else
		error_msg("%ld: unexpected answer from the capture: %.60s",
			  pid, reply[0] ? reply : "(nothing)");
	free(reply);
	return 1;
}
