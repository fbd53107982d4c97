"""--native end to end under memattach run: numpy's C code beneath the
Python function that called it, seed.py's Python frames still in order
with C frames around them, and the Python-only view of a native capture
matching a capture made without --native."""
import os
import subprocess

from lib import PYTHON, check, report_json, run, tmpdir, workload

d = tmpdir()


def folded(capture, *extra):
    return run(["memattach", "report", "folded", capture] + list(extra),
               check_rc=0).stdout.splitlines()


def frames_and_bytes(line):
    stack, _, size = line.rpartition(" ")
    return stack.split(";"), int(size)


# seed.py: a, b, c / a, b, d in call order, inside C frames.
native = os.path.join(d, "seed-native.bin")
plain = os.path.join(d, "seed.bin")
run(["memattach", "run", "-q", "--native", "-o", native, workload("seed.py")],
    check_rc=0)
run(["memattach", "run", "-q", "-o", plain, workload("seed.py")], check_rc=0)
for leaf in ("c", "d"):
    lines = [frames_and_bytes(l) for l in folded(native)]
    hits = [(f, n) for f, n in lines if leaf in f and "a" in f and "b" in f
            and f.index("a") < f.index("b") < f.index(leaf)]
    check(hits, "no native stack with a, b, %s in order" % leaf)
    f, n = max(hits, key=lambda h: h[1])
    check(100000 <= n <= 100100, "%s: %d bytes" % (leaf, n))
    check("PyEval_EvalCode" in f[:f.index("a")],
          "no C frames of the interpreter above a: %s" % f)
    check(len(f) > f.index(leaf) + 1,
          "no C frames below %s (the allocation path): %s" % (leaf, f))

# The Python-only view of the native capture equals the plain capture.
sn = report_json("summary", native, "--no-native")
sp = report_json("summary", plain)
for fn in ("a", "b", "c", "d"):
    tn = sum(l["total_bytes"] for l in sn["locations"] if l["function"] == fn)
    tp = sum(l["total_bytes"] for l in sp["locations"] if l["function"] == fn)
    check(tp and abs(tn - tp) <= tp / 100,
          "%s: %d bytes with --native, %d without" % (fn, tn, tp))
peak_n, peak_p = sn["capture"]["peak_bytes"], sp["capture"]["peak_bytes"]
check(abs(peak_n - peak_p) <= peak_p / 100,
      "peak %d with --native, %d without" % (peak_n, peak_p))
print("seed: ok (peak %d vs %d)" % (peak_n, peak_p))

# numpy: the arrays (3 x 400 x 400 float64 = 1,280,000 bytes each) are
# allocated by _multiarray_umath's C code called from build().
if subprocess.run([PYTHON, "-c", "import numpy"]).returncode != 0:
    print("numpy: not installed, skipped")
else:
    out = os.path.join(d, "numpy.bin")
    run(["memattach", "run", "-q", "--native", "-o", out,
         workload("numpy_work.py")], check_rc=0)
    arrays = []
    for l in folded(out):
        f, n = frames_and_bytes(l)
        if "build" not in f or not 1280000 <= n <= 1290000:
            continue
        below = f[f.index("build") + 1:]
        if any("_multiarray_umath" in x for x in below):
            arrays.append(n)
    check(len(arrays) >= 3, "want 3 arrays of ~1.28 MB from numpy's C code "
          "under build, found %s" % arrays)
    print("numpy: ok", arrays)
