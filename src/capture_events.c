/* capture_events.c: what a capture file just written holds. */
#include "config.h"

#include <stdio.h>

#include "capture.h"
#include "capture_events.h"

long long capture_file_events(const char *path, char *refusal,
			      size_t refusal_len)
{
	char err[256];
	struct capture *cap = capture_open(path, err, sizeof(err));
	long long n = -1;

	if (refusal && refusal_len)
		refusal[0] = 0;
	if (!cap)
		return -1;
	if (capture_replay(cap, &(struct capture_callbacks){ 0 }, err,
			   sizeof(err)) == 0) {
		const char *why = capture_header(cap, "error");

		n = (long long)capture_event_count(cap);
		if (why && refusal && refusal_len)
			snprintf(refusal, refusal_len, "%s", why);
	}
	capture_close(cap);
	return n;
}

void capture_print_written(const char *file,
			   const struct capture_stream_stats *st,
			   const struct timespec *start, long long events)
{
	struct timespec now;
	double seconds;

	clock_gettime(CLOCK_MONOTONIC, &now);
	seconds = (double)(now.tv_sec - start->tv_sec) +
		  (double)(now.tv_nsec - start->tv_nsec) / 1e9;
	fprintf(stderr, "memattach: capture written to %s\n", file);
	if (events >= 0)
		fprintf(stderr, "memattach: %lld events in %.1f s, %llu bytes "
			"of records, %llu bytes on disk\n", events, seconds,
			(unsigned long long)st->raw_bytes,
			(unsigned long long)st->file_bytes);
	else
		fprintf(stderr, "memattach: %.1f s, %llu bytes of records, "
			"%llu bytes on disk\n", seconds,
			(unsigned long long)st->raw_bytes,
			(unsigned long long)st->file_bytes);
}
