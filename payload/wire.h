/* wire.h: the record stream the payload emits and the capture file holds. */
#ifndef MEMATTACH_WIRE_H
#define MEMATTACH_WIRE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The payload writes a stream of records to a socket that memattach reads.
 * memattach writes that same stream, LZ4-framed, after a small file header:
 *
 *   capture file = file header (16 bytes) + LZ4 frame(s) of the record stream
 *
 * The payload never compresses: it must not depend on any library that the
 * target's mount namespace may lack, and compressing in memattach moves
 * that CPU cost out of the traced process.  docs/capture-format.md is the
 * reference; keep it in step with this header.
 *
 * Every record starts with one tag byte.  Integers are unsigned LEB128
 * varints ("uv") unless noted; "zv" is a zigzag varint of a signed delta;
 * "str" is uv length + bytes (not NUL-terminated).
 */

#define WIRE_FILE_MAGIC "MEMATCAP"	/* 8 bytes, no NUL in the file */
#define WIRE_FILE_VERSION 1u
#define WIRE_FILE_HEADER_SIZE 16	/* magic, u32 le version, u32 le flags */

enum wire_tag {
	/* str: "key=value\n" lines.  Written by memattach first: pid, argv,
	 * start_time (unix seconds), mode (run|attach), options. */
	WIRE_HEADER = 0x01,
	/* str: "key=value\n" lines from the payload: python_version,
	 * payload_version, pid, hooks (count of patched GOT slots). */
	WIRE_INFO = 0x02,
	/* uv id, str bytes.  Ids are dense from 1; 0 means "none". */
	WIRE_STRING = 0x03,
	/* uv id, uv function string id, uv file string id, uv line.
	 * A Python frame: function, file and line of one code position. */
	WIRE_FRAME = 0x04,
	/* uv id, uv parent id, uv frame id.  A node of the stack trie; node 0
	 * is the empty stack, so an event's stack id names a root-to-leaf
	 * path. */
	WIRE_NODE = 0x05,
	/* uv tid: every event after this comes from thread tid (kernel tid). */
	WIRE_THREAD = 0x06,
	/* uv tid, str name (the thread's comm or Python name). */
	WIRE_THREAD_NAME = 0x07,
	/* uv milliseconds since the capture started, uv RSS bytes.  Emitted
	 * periodically; events after it happened after that time. */
	WIRE_TIME = 0x08,
	/* no body: the payload stopped cleanly and flushed everything. */
	WIRE_END = 0x09,
	/* uv start, uv end, uv file offset, uv path string id,
	 * str build-id.  A native mapping, for --native symbolization. */
	WIRE_MAPPING = 0x0a,
	/* uv id, uv parent id, uv instruction address.  A node of the native
	 * stack trie (root 0), leaf = innermost frame. */
	WIRE_NATIVE_NODE = 0x0b,
	/* uv count: events the payload could not record (for example while
	 * out of memory for its own tables). */
	WIRE_LOST = 0x0c,
	/* uv id, uv parent id, uv frame id: exactly like WIRE_NODE, and the
	 * frame is an interpreter entry frame, the first Python frame run by
	 * its own C-level call of _PyEval_EvalFrameDefault (CPython 3.11's
	 * _PyInterpreterFrame.is_entry).  Python-to-Python calls do not enter
	 * C, so one native eval frame runs a group of Python frames: the
	 * group starts at an entry frame and ends before the next one.  The
	 * reader uses the groups to put Python frames in place of the native
	 * eval frames when it merges stacks (--native). */
	WIRE_NODE_ENTRY = 0x0d,

	/* 0x10 | kind: uv stack, zv address delta, uv size. */
	WIRE_ALLOC = 0x10,
	/* 0x20 | kind: zv address delta.  kind is FREE or MUNMAP. */
	WIRE_FREE = 0x20,
	/* 0x30 | kind: uv stack, uv native stack, zv address delta, uv size */
	WIRE_ALLOC_NATIVE = 0x30,
	/* 0x40 | kind (MUNMAP): zv address delta, uv size.  A munmap whose
	 * length is recorded, so that partial unmaps can be replayed. */
	WIRE_FREE_SIZED = 0x40,
};

#define WIRE_TAG_CLASS(tag) ((tag) & 0xf0)
#define WIRE_TAG_KIND(tag) ((tag) & 0x0f)

/* The allocator behind an event.  Values are stored in the file. */
enum wire_kind {
	KIND_MALLOC = 1,
	KIND_CALLOC = 2,
	KIND_REALLOC = 3,
	KIND_POSIX_MEMALIGN = 4,
	KIND_ALIGNED_ALLOC = 5,
	KIND_MEMALIGN = 6,
	KIND_VALLOC = 7,
	KIND_PVALLOC = 8,
	KIND_MMAP = 9,
	KIND_FREE = 10,
	KIND_MUNMAP = 11,
	KIND_PYMALLOC_RAW = 12,
	KIND_PYMALLOC_MEM = 13,
	KIND_PYMALLOC_OBJ = 14,
	KIND_MAX = 15,
};

/*
 * Address deltas are taken against the previous event's address, over the
 * whole stream (one writer, so the order is global).  A realloc is written
 * as a FREE of the old block followed by an ALLOC with KIND_REALLOC.
 */

/* Varint helpers shared by the payload (writer) and memattach (reader). */
static inline size_t wire_put_uv(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static inline uint64_t wire_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t wire_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Longest encoding of one uv. */
#define WIRE_UV_MAX 10

/* Control bytes memattach may send to the payload over the socket. */
enum wire_control {
	WIRE_CTL_STOP = 'S',	/* restore hooks, flush, write END, close */
};

#endif /* MEMATTACH_WIRE_H */
