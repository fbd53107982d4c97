#!/usr/bin/python3
"""make_regressions.py: write hand-made hostile captures, each reaching a
limit of the reader, into DIR.  The tests make them afresh; the inputs
that `make fuzz` found are kept as they are in tests/fuzz/regressions/
(crash-<what>.bin).  Usage: make_regressions.py DIR"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import make_capture as mc  # noqa: E402


def deep_chain():
    """20000 nested frames of one recursive function."""
    cap = mc.Capture()
    f = cap.frame("recurse", "r.py", 1)
    for i in range(1, 20001):
        cap.raw(bytes([mc.NODE]) + mc.uv(i) + mc.uv(i - 1) + mc.uv(f))
    cap.thread(1)
    cap.alloc(0x1000, 10, 20000)
    cap.alloc(0x2000, 20, 10000)
    cap.end()
    return cap


def bad_ids():
    """Ids beyond those defined (but plausible), frames and nodes naming
    undefined ones, then an event stack beyond any plausible id."""
    cap = mc.Capture()
    cap.raw(bytes([mc.STRING]) + mc.uv(60000) + mc.st("far"))
    cap.raw(bytes([mc.FRAME]) + mc.uv(1) + mc.uv(60000) + mc.uv(99999) +
            mc.uv(7))
    cap.raw(bytes([mc.NODE]) + mc.uv(3) + mc.uv(0) + mc.uv(1))
    cap.raw(bytes([mc.NODE]) + mc.uv(7) + mc.uv(3) + mc.uv(12345))
    cap.thread(1)
    cap.alloc(0x10, 1, 7)
    cap.alloc(0x20, 1, 60000)           # undefined node: "<unknown>"
    cap.alloc(0x30, 1, 1 << 31)         # beyond any plausible id: damage
    cap.end()
    return cap


def self_parent():
    """A node that is its own parent would make a stack walk loop."""
    cap = mc.Capture()
    f = cap.frame("f", "f.py", 1)
    cap.raw(bytes([mc.NODE]) + mc.uv(5) + mc.uv(5) + mc.uv(f))
    cap.alloc(0x10, 1, 5)
    return cap


def far_string():
    cap = mc.Capture()
    cap.raw(bytes([mc.STRING]) + mc.uv(1 << 40) + mc.st("x"))
    return cap


def overflows():
    """Varints of 11 bytes, sizes and addresses at the top of the range,
    an mmap that wraps, a munmap of everything, a huge string length."""
    cap = mc.Capture()
    s = cap.stack([("f", "f.py", 1)])
    cap.thread(2**32 - 1)
    cap.alloc(2**64 - 16, 2**64 - 1, s)
    cap.alloc(2**64 - 4096, 2**63, s, mc.MMAP)
    cap.alloc(0, 0, s, mc.MMAP)
    cap.munmap(0, 2**64 - 1)
    cap.free(2**64 - 16)
    cap.raw(bytes([mc.TIME]) + mc.uv(2**64 - 1) + mc.uv(2**64 - 1))
    cap.raw(bytes([mc.LOST]) + mc.uv(2**64 - 1))
    cap.raw(bytes([mc.LOST]) + mc.uv(5))
    cap.raw(bytes([mc.STRING]) + mc.uv(3) + mc.uv(1 << 30))
    return cap


def long_varint():
    cap = mc.Capture()
    cap.raw(bytes([mc.ALLOC | mc.MALLOC]) + b"\xff" * 10 + b"\x01")
    return cap


def native_mess():
    """Native nodes out of order, a stack of unknown pcs, mappings that
    overlap, a native stack with eval-less frames."""
    cap = mc.Capture()
    cap.mapping(0x1000, 0x9000, 0, "/nonexistent/libx.so", b"\x01" * 64)
    cap.mapping(0x2000, 0x3000, 0x1000, "relative.so")
    cap.raw(bytes([mc.NATIVE_NODE]) + mc.uv(3) + mc.uv(0) + mc.uv(0x2500))
    cap.raw(bytes([mc.NATIVE_NODE]) + mc.uv(1) + mc.uv(0) + mc.uv(0))
    cap.raw(bytes([mc.NATIVE_NODE]) + mc.uv(2) + mc.uv(1) + mc.uv(2**64 - 1))
    py = cap.stack([("g", "g.py", 1), ("h", "g.py", 2)], entries=[1])
    cap.thread(3)
    cap.alloc(0x100, 8, py, native=2)
    cap.alloc(0x200, 8, 0, native=3)
    cap.alloc(0x300, 8, 0, native=4)
    cap.end()
    return cap


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    for name, make in (("deep-chain", deep_chain), ("bad-ids", bad_ids),
                       ("self-parent", self_parent),
                       ("far-string", far_string),
                       ("overflows", overflows),
                       ("long-varint", long_varint),
                       ("native-mess", native_mess)):
        make().write(os.path.join(outdir, name + ".bin"))
    # Garbage after a complete frame, and a frame header with no blocks.
    seed = os.path.join(outdir, "trailing-garbage.bin")
    mc.seed_capture().write(seed)
    with open(seed, "ab") as f:
        f.write(b"\x04\x22\x4d\x18garbage after the frame")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
