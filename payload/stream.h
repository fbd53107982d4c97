/* stream.h: the in-process record buffer and its encoders. */
#ifndef PAYLOAD_STREAM_H
#define PAYLOAD_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every thread appends records to one buffer under one lock; the writer
 * thread ships full (or 100 ms old) buffers to memattach.  One global
 * order is what makes a single address-delta chain and "THREAD tid sets
 * the thread of what follows" work.  Two buffers alternate: threads fill
 * one while the writer sends the other; if both are busy, allocating
 * threads wait (the capture is lossless rather than fast when memattach
 * cannot keep up).
 *
 * Every rec_* function must be called with the lock held.
 */

/* Allocate the buffers and reset the encoders for a new capture. */
int stream_begin(void);
void stream_lock(void);
void stream_unlock(void);

/* Whether events are accepted (read and written under the lock). */
extern bool stream_recording;
/* Events written in this capture (lock held to read). */
extern uint64_t stream_events;

/*
 * Writer side.  stream_wait_work waits (lock held) until a full buffer is
 * pending, `deadline_ms` (CLOCK_MONOTONIC) passes or stream_kick() is
 * called.  stream_take hands over the pending buffer, or the active one
 * if it holds anything (flush); returns its length, 0 if nothing.  The
 * writer sends it without the lock and calls stream_sent().
 */
void stream_wait_work(uint64_t deadline_ms);
size_t stream_take(const uint8_t **buf);
void stream_sent(void);
void stream_kick(void);

uint64_t stream_now_ms(void);

/* Encoders (lock held). */
void rec_info(const char *text);
void rec_string(uint32_t id, const char *s, size_t len);
void rec_frame(uint32_t id, uint32_t function, uint32_t file, uint32_t line);
void rec_node(uint32_t id, uint32_t parent, uint32_t frame, bool entry);
void rec_native_node(uint32_t id, uint32_t parent, uint64_t pc);
void rec_thread_name(uint32_t tid, const char *name);
void rec_time(uint64_t ms, uint64_t rss);
void rec_mapping(uint64_t start, uint64_t end, uint64_t offset,
		 uint32_t path, const uint8_t *build_id, size_t idlen);
void rec_lost(uint64_t count);
void rec_end(void);
void rec_alloc(uint32_t tid, unsigned kind, uint32_t stack,
	       uint32_t native_stack, uint64_t addr, uint64_t size);
void rec_free(uint32_t tid, unsigned kind, uint64_t addr);
void rec_free_sized(uint32_t tid, unsigned kind, uint64_t addr,
		    uint64_t size);

#endif
