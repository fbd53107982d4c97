"""The text reports on real captures of tests/workloads/seed.py made by
memattach run: folded gives "...;a;b;c 100xxx" and "...;a;b;d 100xxx",
the tree and stats agree, --leaks still holds the two strings (the
program keeps them to its end), and with --native the C frames sit
inside the Python stack, below c and d, unless --no-native."""
import json
import os
import re

from lib import check, report_json, run, tmpdir, workload

d = tmpdir()


def capture(name, *opts):
    out = os.path.join(d, name)
    run(["memattach", "run", "-q"] + list(opts) +
        ["-o", out, workload("seed.py")], check_rc=0)
    return out


def report(*args):
    return run(["memattach", "report"] + list(args), check_rc=0).stdout


def leaf_lines(folded, fn):
    """Folded lines whose Python part ends a;b;fn, with their bytes."""
    out = []
    for line in folded.splitlines():
        stack, n = line.rsplit(" ", 1)
        if re.search(r"(^|;)a;b;%s(;|$)" % fn, stack):
            out.append((stack, int(n)))
    return out


plain = capture("seed.bin")
folded = report("folded", plain)
for fn in ("c", "d"):
    lines = [l for l in folded.splitlines()
             if re.search(r";a;b;%s 1000\d\d$" % fn, l)]
    check(len(lines) == 1, "folded: no single ';a;b;%s 100xxx' line:\n%s"
          % (fn, folded))
tree = report("tree", plain)
check(re.search(r"c at .*seed\.py:\d+", tree) and
      re.search(r"d at .*seed\.py:\d+", tree), "tree lacks c and d")
st = json.loads(report("stats", "--json", plain))
check(st["total_allocations"] > 0 and st["peak_bytes"] >= 200000 and
      st["capture"]["complete"], "stats %s" % st["capture"])
leaks = report_json("summary", plain, "--leaks")
own = {l["function"]: l["own_bytes"] for l in leaks["locations"]}
check(100000 <= own.get("c", 0) <= 100100 and
      100000 <= own.get("d", 0) <= 100100, "--leaks: c, d own %s, %s" % (
          own.get("c"), own.get("d")))

native = capture("native.bin", "--native")
s = report_json("summary", native)
check(s["capture"]["native"], "a --native capture has native stacks")
folded = report("folded", native)
for fn in ("c", "d"):
    lines = [(st_, n) for st_, n in leaf_lines(folded, fn) if n >= 100000]
    check(lines, "--native: no line through a;b;%s:\n%s" % (fn, folded))
    stack = lines[0][0].split(";")
    i = stack.index(fn)
    check(i + 1 < len(stack), "--native: no C frame below %s: %s" % (
        fn, lines[0][0]))
    check(stack.index("a") < stack.index("b") < i, "call order %s" % stack)
folded = report("folded", "--no-native", native)
for fn in ("c", "d"):
    check(re.search(r";a;b;%s 1000\d\d$" % fn, folded, re.M),
          "--no-native: no ';a;b;%s 100xxx' line" % fn)
print("ok")
