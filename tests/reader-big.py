"""A big synthetic capture (about 6 million events): the reports' figures
are exact at that size, and the time each report takes is printed (a
benchmark figure, not an assertion)."""
import json
import os
import time

from lib import check, run, tmpdir
import make_capture as mc

N = int(os.environ.get("READER_BIG_EVENTS", "6000000"))
d = tmpdir()
path = os.path.join(d, "big.bin")
t0 = time.time()
cap, rounds = mc.big_capture(N)
size = cap.write(path)
want = mc.big_expect(rounds)
print("wrote %d events, %d bytes (%.2f bytes/event) in %.1f s" % (
    want["events"], size, size / want["events"], time.time() - t0))

for kind in ("stats", "summary"):
    t0 = time.time()
    p = run(["memattach", "report", kind, "--json", path], timeout=600,
            check_rc=0)
    elapsed = time.time() - t0
    print("report %s: %.2f s (%.0f events/s)" % (kind, elapsed,
                                                  want["events"] / elapsed))
    r = json.loads(p.stdout)
    c = r["capture"]
    check(c["events"] == want["events"] and c["complete"],
          "%s: events %d, want %d" % (kind, c["events"], want["events"]))
    check(c["peak_bytes"] == want["peak_bytes"] and
          c["end_bytes"] == want["end_bytes"],
          "%s: peak/end %s" % (kind, c))
    if kind == "stats":
        for key in ("total_allocations", "total_bytes", "frees"):
            check(r[key] == want[key], "stats %s = %d, want %d" % (
                key, r[key], want[key]))
    else:
        check(sum(l["own_bytes"] for l in r["locations"]) ==
              want["peak_bytes"], "summary own bytes add up to the peak")
for kind in ("tree", "folded"):
    t0 = time.time()
    run(["memattach", "report", kind, path], timeout=600, check_rc=0)
    print("report %s: %.2f s" % (kind, time.time() - t0))
print("ok")
