/* stream.c: the shared record buffer, its hand-over to the writer, and
 * the varint encoders of payload/wire.h. */
#include "config.h"
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "stream_lock.h"
#include "real_alloc.h"
#include "stream.h"
#include "wire.h"

/* 1 MiB halves: big enough that a burst of 2 M events/s hands over only
 * a few buffers a second, small enough to be a modest cost in a target. */
#define STREAM_BUF_SIZE (1u << 20)

static int lock;
static int work_seq;	/* moves when the writer has work: it waits here */
static int space_seq;	/* moves when a buffer is free: producers wait */
static uint8_t *bufs[2];
static size_t lens[2];
static int active;		/* the buffer being filled */
static int pending = -1;	/* a full buffer handed to the writer */
static bool writer_busy;	/* the writer is sending the other one */
static bool kicked;

bool stream_recording;
uint64_t stream_events;
static uint32_t last_tid;
static uint64_t last_addr;

int stream_begin(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!bufs[i])
			bufs[i] = real.malloc(STREAM_BUF_SIZE);
		if (!bufs[i])
			return -1;
		lens[i] = 0;
	}
	active = 0;
	pending = -1;
	writer_busy = false;
	kicked = false;
	last_tid = 0;
	last_addr = 0;
	stream_events = 0;
	return 0;
}

void stream_lock(void)
{
	spin_lock(&lock);
}

void stream_unlock(void)
{
	spin_unlock(&lock);
}

uint64_t stream_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Room for n bytes (n is small: every record is bounded). */
static uint8_t *reserve(size_t n)
{
	while (lens[active] + n > STREAM_BUF_SIZE) {
		if (pending < 0 && !writer_busy) {
			pending = active;
			active ^= 1;
			lens[active] = 0;
			futex_signal_change(&work_seq, 0);
			break;
		}
		futex_wait_change(&lock, &space_seq, space_seq, NULL);
	}
	return bufs[active] + lens[active];
}

static void commit(const uint8_t *end)
{
	lens[active] = (size_t)(end - bufs[active]);
}

void stream_wait_work(uint64_t deadline_ms)
{
	uint64_t now;

	while (pending < 0 && !kicked &&
	       (now = stream_now_ms()) < deadline_ms) {
		struct timespec left = {
			.tv_sec = (time_t)((deadline_ms - now) / 1000),
			.tv_nsec = (long)((deadline_ms - now) % 1000) * 1000000,
		};

		futex_wait_change(&lock, &work_seq, work_seq, &left);
	}
	kicked = false;
}

size_t stream_take(const uint8_t **buf)
{
	int b = pending;

	if (b < 0) {
		if (!lens[active])
			return 0;
		b = active;
		active ^= 1;
		lens[active] = 0;
	}
	pending = -1;
	writer_busy = true;
	*buf = bufs[b];
	return lens[b];
}

void stream_sent(void)
{
	writer_busy = false;
	futex_signal_change(&space_seq, 1);
}

void stream_kick(void)
{
	kicked = true;
	futex_signal_change(&work_seq, 0);
}

/* Strings are cut so that every record fits a small reservation. */
#define STR_MAX 4096

static uint8_t *put_uv(uint8_t *p, uint64_t v)
{
	return p + wire_put_uv(p, v);
}

static uint8_t *put_str(uint8_t *p, const char *s, size_t len)
{
	p = put_uv(p, len);
	memcpy(p, s, len);
	return p + len;
}

static void rec_text(uint8_t tag, const char *text)
{
	size_t len = strlen(text);
	uint8_t *p;

	if (len > STR_MAX)
		len = STR_MAX;
	p = reserve(1 + WIRE_UV_MAX + len);
	*p++ = tag;
	commit(put_str(p, text, len));
}

void rec_info(const char *text)
{
	rec_text(WIRE_INFO, text);
}

void rec_string(uint32_t id, const char *s, size_t len)
{
	uint8_t *p;

	if (len > STR_MAX)
		len = STR_MAX;
	p = reserve(1 + 2 * WIRE_UV_MAX + len);
	*p++ = WIRE_STRING;
	p = put_uv(p, id);
	commit(put_str(p, s, len));
}

void rec_frame(uint32_t id, uint32_t function, uint32_t file, uint32_t line)
{
	uint8_t *p = reserve(1 + 4 * WIRE_UV_MAX);

	*p++ = WIRE_FRAME;
	p = put_uv(p, id);
	p = put_uv(p, function);
	p = put_uv(p, file);
	commit(put_uv(p, line));
}

void rec_node(uint32_t id, uint32_t parent, uint32_t frame, bool entry)
{
	uint8_t *p = reserve(1 + 3 * WIRE_UV_MAX);

	*p++ = entry ? WIRE_NODE_ENTRY : WIRE_NODE;
	p = put_uv(p, id);
	p = put_uv(p, parent);
	commit(put_uv(p, frame));
}

void rec_native_node(uint32_t id, uint32_t parent, uint64_t pc)
{
	uint8_t *p = reserve(1 + 3 * WIRE_UV_MAX);

	*p++ = WIRE_NATIVE_NODE;
	p = put_uv(p, id);
	p = put_uv(p, parent);
	commit(put_uv(p, pc));
}

void rec_thread_name(uint32_t tid, const char *name)
{
	size_t len = strnlen(name, 64);
	uint8_t *p = reserve(1 + 2 * WIRE_UV_MAX + len);

	*p++ = WIRE_THREAD_NAME;
	p = put_uv(p, tid);
	commit(put_str(p, name, len));
}

void rec_time(uint64_t ms, uint64_t rss)
{
	uint8_t *p = reserve(1 + 2 * WIRE_UV_MAX);

	*p++ = WIRE_TIME;
	p = put_uv(p, ms);
	commit(put_uv(p, rss));
}

void rec_mapping(uint64_t start, uint64_t end, uint64_t offset,
		 uint32_t path, const uint8_t *build_id, size_t idlen)
{
	uint8_t *p;

	if (idlen > 64)
		idlen = 64;
	p = reserve(1 + 5 * WIRE_UV_MAX + idlen);
	*p++ = WIRE_MAPPING;
	p = put_uv(p, start);
	p = put_uv(p, end);
	p = put_uv(p, offset);
	p = put_uv(p, path);
	commit(put_str(p, (const char *)build_id, idlen));
}

void rec_lost(uint64_t count)
{
	uint8_t *p = reserve(1 + WIRE_UV_MAX);

	*p++ = WIRE_LOST;
	commit(put_uv(p, count));
}

void rec_end(void)
{
	uint8_t *p = reserve(1);

	*p++ = WIRE_END;
	commit(p);
}

/* THREAD (when the thread changed) + the event's tag, in one reservation
 * so that no other record can come between them. */
static uint8_t *event_head(uint32_t tid, uint8_t tag, size_t body)
{
	uint8_t *p = reserve(1 + WIRE_UV_MAX + 1 + body);

	if (tid != last_tid) {
		*p++ = WIRE_THREAD;
		p = put_uv(p, tid);
		last_tid = tid;
	}
	*p++ = tag;
	return p;
}

static uint8_t *put_addr(uint8_t *p, uint64_t addr)
{
	p = put_uv(p, wire_zigzag((int64_t)(addr - last_addr)));
	last_addr = addr;
	return p;
}

void rec_alloc(uint32_t tid, unsigned kind, uint32_t stack,
	       uint32_t native_stack, uint64_t addr, uint64_t size)
{
	stream_events++;
	uint8_t *p;

	if (native_stack) {
		p = event_head(tid, (uint8_t)(WIRE_ALLOC_NATIVE | kind),
			       4 * WIRE_UV_MAX);
		p = put_uv(p, stack);
		p = put_uv(p, native_stack);
	} else {
		p = event_head(tid, (uint8_t)(WIRE_ALLOC | kind),
			       3 * WIRE_UV_MAX);
		p = put_uv(p, stack);
	}
	p = put_addr(p, addr);
	commit(put_uv(p, size));
}

void rec_free(uint32_t tid, unsigned kind, uint64_t addr)
{
	stream_events++;
	uint8_t *p = event_head(tid, (uint8_t)(WIRE_FREE | kind), WIRE_UV_MAX);

	commit(put_addr(p, addr));
}

void rec_free_sized(uint32_t tid, unsigned kind, uint64_t addr,
		    uint64_t size)
{
	stream_events++;
	uint8_t *p = event_head(tid, (uint8_t)(WIRE_FREE_SIZED | kind),
				2 * WIRE_UV_MAX);

	p = put_addr(p, addr);
	commit(put_uv(p, size));
}
