/* capture_events.h: what a capture file just written holds, for the
 * messages of attach, run and status. */
#ifndef MEMATTACH_CAPTURE_EVENTS_H
#define MEMATTACH_CAPTURE_EVENTS_H

#include <stddef.h>
#include <time.h>

#include "capture_writer.h"

/*
 * Replay path with the reader and count its events.  Works on a capture
 * still being written (the reader keeps every complete block of a cut
 * file).  Returns -1 if the file cannot be read.  If refusal is not
 * NULL, it receives the payload's reason for not tracing ("error=" in its
 * information record; empty if none).
 */
long long capture_file_events(const char *path, char *refusal,
			      size_t refusal_len);

/* The closing lines: where the capture is, events, time since start
 * (CLOCK_MONOTONIC) and sizes. */
void capture_print_written(const char *file,
			   const struct capture_stream_stats *st,
			   const struct timespec *start, long long events);

#endif /* MEMATTACH_CAPTURE_EVENTS_H */
