#!/usr/bin/python3
"""make_capture.py: write synthetic memattach captures for the reader's
tests, without the payload.

The record stream is built here from payload/wire.h's encoding, then
compressed by the `lz4` command-line tool (LZ4 frame format, 64 KiB
linked blocks with block checksums, like memattach's writer) after the
16-byte file header.  Used as a module by tests/reader-*.py and as a
command:  make_capture.py SCENARIO OUT [N]   (SCENARIO: seed, seed3, native,
big, empty)
"""
import struct
import subprocess
import sys

# payload/wire.h
HEADER, INFO, STRING, FRAME, NODE, THREAD, THREAD_NAME, TIME, END, \
    MAPPING, NATIVE_NODE, LOST, NODE_ENTRY = range(1, 14)
ALLOC, FREE_CLASS, ALLOC_NATIVE, FREE_SIZED = 0x10, 0x20, 0x30, 0x40
MALLOC, CALLOC, REALLOC, POSIX_MEMALIGN, ALIGNED_ALLOC, MEMALIGN, VALLOC, \
    PVALLOC, MMAP, FREE, MUNMAP, PYMALLOC_RAW, PYMALLOC_MEM, \
    PYMALLOC_OBJ = range(1, 15)
MAGIC = b"MEMATCAP"
VERSION = 1


def uv(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zv(v):
    return uv(((v << 1) ^ (v >> 63)) & 0xffffffffffffffff)


def st(b):
    if isinstance(b, str):
        b = b.encode()
    return uv(len(b)) + b


class Capture:
    """Builds a record stream; ids are handed out densely from 1."""

    def __init__(self):
        self.parts = [bytearray()]   # one per LZ4 frame
        self.strings = {}
        self.frames = {}
        self.nodes = {}
        self.native_nodes = {}
        self.addr = 0
        self.events = 0

    def raw(self, b):
        self.parts[-1] += b

    def new_frame(self):
        """Later records go into a new, concatenated LZ4 frame."""
        self.parts.append(bytearray())

    def header(self, text):
        self.raw(bytes([HEADER]) + st(text))

    def info(self, text):
        self.raw(bytes([INFO]) + st(text))

    def string(self, s):
        if s not in self.strings:
            self.strings[s] = len(self.strings) + 1
            self.raw(bytes([STRING]) + uv(self.strings[s]) + st(s))
        return self.strings[s]

    def frame(self, function, file, line):
        key = (function, file, line)
        if key not in self.frames:
            fn, fl = self.string(function), self.string(file)
            self.frames[key] = len(self.frames) + 1
            self.raw(bytes([FRAME]) + uv(self.frames[key]) + uv(fn) +
                     uv(fl) + uv(line))
        return self.frames[key]

    def stack(self, frames, entries=None):
        """frames: (function, file, line) outermost first; entries: the
        indexes of interpreter entry frames (default: the outermost)."""
        entries = {0} if entries is None else set(entries)
        parent = 0
        for i, f in enumerate(frames):
            fid = self.frame(*f)
            key = (parent, fid, i in entries)
            if key not in self.nodes:
                self.nodes[key] = len(self.nodes) + 1
                tag = NODE_ENTRY if i in entries else NODE
                self.raw(bytes([tag]) + uv(self.nodes[key]) + uv(parent) +
                         uv(fid))
            parent = self.nodes[key]
        return parent

    def native_stack(self, pcs):
        """pcs: instruction addresses, outermost first."""
        parent = 0
        for pc in pcs:
            key = (parent, pc)
            if key not in self.native_nodes:
                self.native_nodes[key] = len(self.native_nodes) + 1
                self.raw(bytes([NATIVE_NODE]) +
                         uv(self.native_nodes[key]) + uv(parent) + uv(pc))
            parent = self.native_nodes[key]
        return parent

    def mapping(self, start, end, offset, path, build_id=b""):
        self.raw(bytes([MAPPING]) + uv(start) + uv(end) + uv(offset) +
                 uv(self.string(path)) + st(build_id))

    def thread(self, tid, name=None):
        if name is not None:
            self.raw(bytes([THREAD_NAME]) + uv(tid) + st(name))
        self.raw(bytes([THREAD]) + uv(tid))

    def time(self, ms, rss):
        self.raw(bytes([TIME]) + uv(ms) + uv(rss))

    def _delta(self, addr):
        d = addr - self.addr
        self.addr = addr
        return zv(d)

    def alloc(self, addr, size, stack, kind=MALLOC, native=0):
        self.events += 1
        if native:
            self.raw(bytes([ALLOC_NATIVE | kind]) + uv(stack) + uv(native) +
                     self._delta(addr) + uv(size))
        else:
            self.raw(bytes([ALLOC | kind]) + uv(stack) + self._delta(addr) +
                     uv(size))

    def free(self, addr, kind=FREE):
        self.events += 1
        self.raw(bytes([FREE_CLASS | kind]) + self._delta(addr))

    def munmap(self, addr, size):
        self.events += 1
        self.raw(bytes([FREE_SIZED | MUNMAP]) + self._delta(addr) + uv(size))

    def realloc(self, old, new, size, stack):
        self.free(old)
        self.alloc(new, size, stack, REALLOC)

    def lost(self, n):
        self.raw(bytes([LOST]) + uv(n))

    def end(self):
        self.raw(bytes([END]))

    def stream(self):
        return b"".join(bytes(p) for p in self.parts)

    def write(self, path, version=VERSION, block=4):
        """block: lz4's -B (4 = 64 KiB; a byte count >= 32 makes small
        blocks, so that a cut file keeps many complete ones)."""
        out = bytearray(MAGIC + struct.pack("<II", version, 0))
        for part in self.parts:
            if not part:
                continue
            z = subprocess.run(["lz4", "-q", "-c", "-B%d" % block, "-BD",
                                "-BX"],
                               input=bytes(part), capture_output=True,
                               check=True)
            out += z.stdout
        with open(path, "wb") as f:
            f.write(out)
        return len(out)


# The seed scenario: exact figures the tests check.
MODULE = ("<module>", "seed.py", 30)
A = ("a", "seed.py", 9)
B = ("b", "seed.py", 13)
C = ("c", "seed.py", 17)
D = ("d", "seed.py", 21)
E = ("e", "seed.py", 25)
RUN = ("run", "threading.py", 975)
WORK = ("work", "worker.py", 5)
MAIN_TID, WORKER_TID = 100, 101

SEED = {
    # memory live at the peak (event 5: the worker's allocation)
    "peak_bytes": 250000,
    "peak_index": 5,
    "peak_time_ms": 10,
    # live at the end: the realloc'd block, the worker's, half the mmap
    "end_bytes": 2000 + 50000 + 32768,
    "total_bytes": 100000 + 100000 + 1000 + 50000 + 500 + 2000 + 65536,
    "total_count": 7,
    "frees": 5,           # matched frees; the unknown one is ignored
    "events": 13,
    "duration_ms": 20,
}


def seed_capture(frames=1):
    """The brief's example (a -> b -> c and a -> b -> d, 100000 bytes
    each) plus a worker thread, frees, a realloc, an mmap and samples.
    frames > 1 splits the stream into that many concatenated frames."""
    cap = Capture()
    cap.header("format_version=1\npid=4242\nargv=python3 seed.py\n"
               "start_time=1700000000.000\nmode=run\noptions=\n")
    cap.info("python_version=3.11.2\npayload_version=0.1.0\npid=4242\n")
    c = cap.stack([MODULE, A, B, C])
    d = cap.stack([MODULE, A, B, D])
    b = cap.stack([MODULE, A, B])
    a = cap.stack([MODULE, A])
    e = cap.stack([MODULE, A, E])
    w = cap.stack([RUN, WORK])
    cap.thread(MAIN_TID, "MainThread")
    cap.time(0, 10000000)
    cap.alloc(0x100000, 100000, c)
    cap.alloc(0x200000, 100000, d)
    cap.alloc(0x300000, 1000, b, CALLOC)
    if frames > 1:
        cap.new_frame()
    cap.time(10, 11000000)
    cap.free(0x300000)
    cap.free(0xdead0)                   # allocated before the capture
    cap.thread(WORKER_TID, "worker")
    cap.alloc(0x400000, 50000, w)       # the peak: 250000 live
    cap.thread(MAIN_TID)
    cap.free(0x100000)
    cap.free(0x200000)
    if frames > 2:
        cap.new_frame()
    cap.alloc(0x500000, 500, a)
    cap.realloc(0x500000, 0x600000, 2000, a)
    cap.time(20, 12000000)
    cap.alloc(0x7f0000000000, 65536, e, MMAP)
    cap.munmap(0x7f0000000000 + 32768, 32768)   # unmaps the second half
    cap.end()
    return cap


def medium_capture(n=20000):
    """n events over 16 stacks and 2 threads, each block freed 8 events
    later: a capture long enough to be cut into many blocks."""
    cap = Capture()
    cap.header("format_version=1\npid=7\nargv=medium\nmode=run\n")
    stacks = [cap.stack([MODULE, ("f%d" % i, "m.py", i)]) for i in range(16)]
    cap.thread(1, "main")
    for i in range(n // 2):
        if i % 500 == 0:
            cap.time(i // 50, 1000000 + i)
            cap.thread(1 + (i // 500) % 2)
        cap.alloc(0x1000000 + i * 64, 100 + i % 300, stacks[i % 16])
        cap.free(0x1000000 + (i - 8) * 64)
    cap.end()
    return cap


def native_capture():
    """Native stacks: a mapping of the interpreter, and one allocation
    whose native stack has two eval frames for two Python groups."""
    cap = Capture()
    cap.header("format_version=1\npid=99\nargv=native\nmode=run\n"
               "options=--native\n")
    cap.info("python_version=3.11.2\n")
    base = 0x555555554000
    cap.mapping(base, base + 0x400000, 0, "/usr/bin/python3.11",
                bytes(range(20)))
    py = cap.stack([MODULE, A, B, C], entries=[0, 2])
    pcs = [base + 0x1000 * k for k in (1, 2, 3, 4, 5, 6)]
    nat = cap.native_stack(pcs)
    cap.thread(MAIN_TID, "MainThread")
    cap.alloc(0x100000, 4096, py, MALLOC, native=nat)
    cap.alloc(0x200000, 512, py, MALLOC)
    cap.end()
    return cap


BIG_THREADS = (1000, 1001, 1002, 1003)
BIG_BLOCKS = 1024          # blocks per thread per round
BIG_BASE = 0x10000000


def big_size(i):
    return 16 + (i * 37) % 2000


def big_capture(n):
    """About n events of a steady workload: in each round, each of 4
    threads allocates 1024 blocks over 64 call sites and frees them all.
    The rounds are byte-identical (the last address of a round is where
    the next one's deltas start), so a round is encoded once and repeated:
    millions of events cost Python almost nothing.  Returns (capture,
    rounds); big_expect() gives the exact figures."""
    cap = Capture()
    cap.header("format_version=1\npid=1\nargv=big\nmode=run\n")
    stacks = [cap.stack([MODULE, ("f%d" % (i % 8), "big.py", i),
                         ("g%d" % i, "big.py", 100 + i)])
              for i in range(64)]
    last = BIG_BASE + (BIG_BLOCKS - 1) * 64
    cap.free(last)              # unknown address: sets where deltas start
    head = bytes(cap.parts[-1])
    cap.parts[-1] = bytearray()
    for tid in BIG_THREADS:
        cap.thread(tid)
        for i in range(BIG_BLOCKS):
            cap.alloc(BIG_BASE + i * 64, big_size(i), stacks[i % 64])
        for i in range(BIG_BLOCKS):
            cap.free(BIG_BASE + i * 64)
    round_bytes = bytes(cap.parts[-1])
    rounds = max(1, n // (2 * BIG_BLOCKS * len(BIG_THREADS)))
    cap.parts[-1] = bytearray()
    cap.end()
    cap.parts = [bytearray(head + round_bytes * rounds +
                           bytes(cap.parts[-1]))]
    return cap, rounds


def big_expect(rounds):
    per_round = sum(big_size(i) for i in range(BIG_BLOCKS))
    nthreads = len(BIG_THREADS)
    return {
        "events": 1 + rounds * nthreads * 2 * BIG_BLOCKS,
        "total_allocations": rounds * nthreads * BIG_BLOCKS,
        "total_bytes": rounds * nthreads * per_round,
        "frees": rounds * nthreads * BIG_BLOCKS,
        "peak_bytes": per_round,
        "end_bytes": 0,
    }


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: make_capture.py seed|seed3|native|big|empty OUT [N]\n")
        return 2
    kind, out = argv[1], argv[2]
    if kind == "seed":
        seed_capture().write(out)
    elif kind == "seed3":
        seed_capture(frames=3).write(out)
    elif kind == "native":
        native_capture().write(out)
    elif kind == "big":
        big_capture(int(argv[3]) if len(argv) > 3 else 10000000)[0] \
            .write(out)
    elif kind == "empty":
        cap = Capture()
        cap.header("pid=1\n")
        cap.end()
        cap.write(out)
    else:
        sys.stderr.write("make_capture.py: unknown scenario %s\n" % kind)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
