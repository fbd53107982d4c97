"""seed.py --wait attached for 2 s: c() and d() each allocate 100,000-byte
strings beneath b() and a(), and the capture says exactly that."""
import os

from injectlib import attach, has_reader, need_real_payload
from lib import Target, check, report_json, skip, tmpdir

payload = need_real_payload()
if not has_reader():
    skip("the capture reader is not in this build")
d = tmpdir()
out = os.path.join(d, "seed.bin")
with Target("seed.py", "--wait") as t:
    p = attach(t.pid, "--duration", "2", "-o", out, payload=payload)
    check(p.returncode == 0, "attach failed: %s" % p.stderr)
    check("events" in p.stderr, "no summary line: %s" % p.stderr)
    check(t.alive(), "seed.py died")
stats = report_json("stats", out)
check(stats["capture"]["complete"], "capture not complete")
check(stats["capture"]["mode"] == "attach", "mode is not attach")
sizes = {l["function"]: l for l in stats["top_by_size"]}
for fn in ("c", "d"):
    check(fn in sizes, "no allocations in %s: %s" % (fn, stats["top_by_size"]))
    n = sizes[fn]["allocations"]
    check(n >= 10, "%s: only %d allocations in 2 s" % (fn, n))
    each = sizes[fn]["bytes"] / n
    check(100000 <= each <= 100100, "%s: %d bytes each, want ~100,000" %
          (fn, each))
s = report_json("summary", out)
for fn in ("c", "d"):
    callers = {c["function"] for l in s["locations"] if l["function"] == fn
               for c in l["callers"]}
    check(callers == {"b"}, "%s called from %s, want b" % (fn, callers))
print("c and d: %d and %d allocations of ~100 kB beneath b" % (
    sizes["c"]["allocations"], sizes["d"]["allocations"]))
