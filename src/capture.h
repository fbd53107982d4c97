/* capture.h: reading a capture file (the only way reports get at data). */
#ifndef MEMATTACH_CAPTURE_H
#define MEMATTACH_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * A capture is read in one streaming pass per replay: the LZ4 frames are
 * decompressed block by block and records are decoded as they come, so
 * memory stays bounded by the metadata (strings, frames, stack nodes,
 * threads), never by the number of events.
 *
 * Truncation and corruption are not fatal: replay stops at the last
 * complete record before the damage, sets capture_damage() to a message,
 * and reports on the prefix it read.
 */

struct capture;	/* opaque */

/* One allocation or free, as a replay callback sees it. */
struct capture_event {
	uint64_t index;		/* 0-based position among events */
	uint64_t addr;
	uint64_t size;		/* 0 for frees unless FREE_SIZED */
	uint64_t time_ms;	/* from the last WIRE_TIME record */
	uint32_t tid;
	uint32_t stack;		/* Python stack node id, 0 = none */
	uint32_t native_stack;	/* native stack node id, 0 = none */
	uint8_t kind;		/* enum wire_kind */
	bool is_free;		/* FREE/MUNMAP (is_free) or an allocation */
};

/* A periodic memory sample (WIRE_TIME). */
struct capture_sample {
	uint64_t time_ms;
	uint64_t rss;
	uint64_t event_index;	/* events seen before this sample */
};

/* A location: one distinct (function, file, line) after merging. */
struct capture_location {
	const char *function;
	const char *file;
	uint32_t line;
	bool native;		/* a C frame (file may be "lib.so+0x...") */
};

struct capture_callbacks {
	/* Each may be NULL.  Return non-zero to stop the replay early. */
	int (*event)(const struct capture_event *ev, void *arg);
	int (*sample)(const struct capture_sample *s, void *arg);
	void *arg;
};

/*
 * Open a capture.  On failure returns NULL and writes one line saying why
 * into err (e.g. "not a memattach capture", "unsupported version 7").
 */
struct capture *capture_open(const char *path, char *err, size_t errlen);
void capture_close(struct capture *cap);

/*
 * Replay every record from the start.  Metadata (strings, frames, nodes,
 * thread names, header) accumulates in cap and stays valid after the
 * replay.  Returns 0, or -1 on an I/O error (message in err).  Damage is
 * not an error: see capture_damage().
 */
int capture_replay(struct capture *cap, const struct capture_callbacks *cb,
		   char *err, size_t errlen);

/* NULL if the last replay read a clean stream to WIRE_END, else why not. */
const char *capture_damage(const struct capture *cap);
/* True if the stream ended with WIRE_END (the payload stopped cleanly). */
bool capture_complete(const struct capture *cap);

/* Header and payload info values ("pid", "python_version", "argv", ...). */
const char *capture_header(const struct capture *cap, const char *key);
uint64_t capture_event_count(const struct capture *cap);
uint64_t capture_lost_count(const struct capture *cap);

/* Threads seen, in order of first appearance. */
size_t capture_thread_count(const struct capture *cap);
uint32_t capture_thread_tid(const struct capture *cap, size_t i);
/* Name of a thread, or NULL if none was recorded. */
const char *capture_thread_name(const struct capture *cap, uint32_t tid);

/* Locations are numbered densely from 0; same text = same id. */
size_t capture_location_count(const struct capture *cap);
const struct capture_location *capture_location(const struct capture *cap,
						uint32_t loc);

/*
 * The locations of a stack, innermost (the allocating function) first.
 * With native stacks, Python and native frames are merged in call order
 * (show_native false drops the native ones).  Writes up to max ids into
 * out and returns the full depth.  The result is cached per stack pair.
 */
size_t capture_stack_locations(struct capture *cap, uint32_t stack,
			       uint32_t native_stack, bool show_native,
			       uint32_t *out, size_t max);

/*
 * The same into a buffer that grows to fit: *buf and *len belong to the
 * caller (start with NULL and 0, free(*buf) when done).  Returns the
 * depth; (*buf)[0..depth) holds the whole stack.
 */
size_t capture_stack_locations_buf(struct capture *cap, uint32_t stack,
				   uint32_t native_stack, bool show_native,
				   uint32_t **buf, size_t *len);

/* Whether any event carried a native stack. */
bool capture_has_native(const struct capture *cap);

/* Name of an allocator kind, e.g. "MALLOC", "MMAP". */
const char *capture_kind_name(unsigned kind);

#endif /* MEMATTACH_CAPTURE_H */
