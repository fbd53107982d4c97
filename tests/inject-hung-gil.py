"""hung_gil.py: the main thread holds the GIL for ever in a regex, a worker
runs SQLite.  `memattach PID --duration 3` must still finish (the payload
never needs the GIL), write a capture, and leave the process running."""
import os
import time

from injectlib import TESTLIB, attach, has_reader, real_payload
from lib import Target, check, report_json, tmpdir

d = tmpdir()
payload = real_payload() or TESTLIB
out = os.path.join(d, "hung.bin")
with Target("hung_gil.py") as t:
    t0 = time.monotonic()
    p = attach(t.pid, "--duration", "3", "-v", "-o", out, payload=payload,
               timeout=60)
    took = time.monotonic() - t0
    check(p.returncode == 0, "attach failed: %s" % p.stderr)
    # A functional bound, not a benchmark: a capture that needed the GIL
    # would never end.
    check(took < 6, "took %.1f s for a 3 s capture" % took)
    check(os.path.getsize(out) > 16, "empty capture")
    time.sleep(0.3)
    check(t.alive(), "hung_gil.py died")
    with open("/proc/%d/stat" % t.pid) as f:
        check(f.read().rsplit(")", 1)[1].split()[0] == "R",
              "the regex thread is no longer running")
    print("ok in %.1f s (%s): %s" % (took, "real payload" if payload !=
                                     TESTLIB else "test payload",
                                     [l for l in p.stderr.splitlines()
                                      if "stopped" in l]))
if payload != TESTLIB and has_reader():
    # The main thread allocates nothing while stuck in the regex: the
    # events are the SQLite worker's, taken without the GIL.
    stats = report_json("stats", out)
    check(stats["capture"]["events"] > 0, "no event captured")
    print("%d events captured from the worker" % stats["capture"]["events"])
else:
    print("capture content not checked: no real payload or reader")
