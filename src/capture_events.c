/* capture_events.c: how many events a capture file holds so far. */
#include "config.h"

#include "capture.h"
#include "capture_events.h"

long long capture_file_events(const char *path)
{
	char err[256];
	struct capture *cap = capture_open(path, err, sizeof(err));
	long long n = -1;

	if (!cap)
		return -1;
	if (capture_replay(cap, &(struct capture_callbacks){ 0 }, err,
			   sizeof(err)) == 0)
		n = (long long)capture_event_count(cap);
	capture_close(cap);
	return n;
}
