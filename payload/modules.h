/* modules.h: telling memattach where each loaded object sits (--native). */
#ifndef PAYLOAD_MODULES_H
#define PAYLOAD_MODULES_H

/* Forget what was described: a new capture describes everything again. */
void modules_reset(void);

/*
 * Emit a WIRE_MAPPING for every executable segment of every object
 * loaded and not described yet (path, addresses, file offset, build-id),
 * so that native addresses can be symbolized after the capture.  Takes
 * the loader's lock first and the stream lock after, never the other way
 * round: the loader calls malloc (and so our hooks) under its own lock.
 */
void modules_describe_new(void);

#endif
