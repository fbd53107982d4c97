"""The brief's example under memattach run: c and d each own one ~100 kB
allocation beneath b and a, on each interpreter shape that is present
(Debian's static-libpython python3, pyenv's shared libpython, the debug
build).  Skips the shapes that are missing, fails if none ran."""
import glob
import os

from lib import check, fail, report_json, run, skip, tmpdir, workload

SHAPES = [("debian", "/usr/bin/python3"),
          ("debug", "/usr/bin/python3.11-dbg")]
SHAPES += [("pyenv-shared", p) for p in sorted(glob.glob(
    os.path.expanduser("~/.pyenv/versions/3.11.*/bin/python3.11")))[:1]]


def by_function(summary, name):
    return [l for l in summary["locations"] if l["function"] == name]


def check_seed(label, python, d):
    out = os.path.join(d, label + ".bin")
    run(["memattach", "run", "-q", "--python", python, "-o", out,
         workload("seed.py")], check_rc=0)
    s = report_json("summary", out)
    for fn in ("c", "d"):
        locs = by_function(s, fn)
        check(locs, "%s: no location for %s" % (label, fn))
        own = sum(l["own_bytes"] for l in locs)
        count = sum(l.get("own_allocations", l["allocations"]) for l in locs)
        check(100000 <= own <= 100100,
              "%s: %s owns %d bytes, want ~100,000" % (label, fn, own))
        check(count == 1, "%s: %s owns %d allocations" % (label, fn, count))
        callers = {c["function"] for l in locs for c in l["callers"]}
        check(callers == {"b"}, "%s: %s callers %s" % (label, fn, callers))
    b = by_function(s, "b")
    check(b and {c["function"] for c in b[0]["callers"]} == {"a"},
          "%s: b's callers are not a" % label)
    a_total = sum(l["total_bytes"] for l in by_function(s, "a"))
    check(a_total >= 200000, "%s: a's total %d < 200,000" % (label, a_total))
    print("%s: ok (a total %d)" % (label, a_total))


d = tmpdir()
ran = 0
for label, python in SHAPES:
    if not os.access(python, os.X_OK):
        print("%s: %s missing, skipped" % (label, python))
        continue
    check_seed(label, python, d)
    ran += 1
if not ran:
    skip("no Python 3.11 interpreter found")
