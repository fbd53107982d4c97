/* capture_events.h: how many events a capture file holds so far. */
#ifndef MEMATTACH_CAPTURE_EVENTS_H
#define MEMATTACH_CAPTURE_EVENTS_H

/*
 * Replay path with the reader and count its events.  Works on a capture
 * still being written (the reader keeps every complete block of a cut
 * file).  Returns -1 if the file cannot be read.
 */
long long capture_file_events(const char *path);

#endif /* MEMATTACH_CAPTURE_EVENTS_H */
