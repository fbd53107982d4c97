/* capture_writer.h: turning the payload's record stream into a capture file. */
#ifndef MEMATTACH_CAPTURE_WRITER_H
#define MEMATTACH_CAPTURE_WRITER_H

#include <stdint.h>

struct capture_stream_stats {
	uint64_t raw_bytes;		/* record bytes received */
	uint64_t file_bytes;		/* bytes written to the file */
	/* Events the payload counted, from the "events=N" information it
	 * sends right before END; -1 if the stream did not end that way
	 * (memattach or the target killed, the payload refused). */
	long long events;
};

/*
 * Write the file header and a WIRE_HEADER record holding header_text
 * ("key=value\n" lines), then copy every record read from sock into out_fd
 * as LZ4 frames, until sock reports EOF.  Blocks are flushed at least every
 * 100 ms so that a killed memattach leaves a readable capture.
 *
 * stop_fd (or -1): when it becomes readable, WIRE_CTL_STOP is sent on sock
 * once, and the copy goes on until the payload closes its end after its
 * final flush.  Returns 0, or -1 after printing one error line (a full
 * disk, say).  On error, sock is shut down so that the payload's dead-man
 * switch restores the target.
 */
int capture_stream(int sock, int out_fd, const char *header_text,
		   int stop_fd, struct capture_stream_stats *st);

/* "key=value\n" lines for the header: pid, argv (from /proc), start_time,
 * mode and options.  The caller frees the result. */
char *capture_header_text(int pid, const char *mode, const char *options);
/* The same with the command line given (run mode knows it before exec). */
char *capture_header_text_argv(int pid, const char *argv_text,
			       const char *mode, const char *options);

#endif /* MEMATTACH_CAPTURE_WRITER_H */
