#!/usr/bin/python3
"""html-big-capture.py: both HTML reports of a 5-million-event capture.

The synthetic capture (tests/make_capture.py big) has known totals; the
pages must carry exactly the expected peak view.  The emitters are linear
in what they write, so the time is the reader's replay plus a little: it is
printed for the log, never asserted."""
import os
import sys
import time

import htmlreport
import lib
import make_capture as mc

EVENTS = 5000000


def main():
    tmp = lib.tmpdir()
    capture = os.path.join(tmp, "big.bin")
    cap, rounds = mc.big_capture(EVENTS)
    cap.write(capture)
    expect = mc.big_expect(rounds)
    for kind, nfields in (("flamegraph", 4), ("table", 5)):
        t = time.monotonic()
        out = htmlreport.report(kind, capture, tmp + "/%s.html" % kind)
        secs = time.monotonic() - t
        data = htmlreport.embedded_data(out)
        m = data["meta"]
        lib.check(m["events"] == expect["events"], "events %d, expected %d"
                  % (m["events"], expect["events"]))
        lib.check(m["total_count"] == expect["total_allocations"],
                  "allocations %d" % m["total_count"])
        view = sum(data["records"][nfields - 2::nfields])
        lib.check(view == expect["peak_bytes"] == m["view_bytes"],
                  "%s: view %d bytes, expected %d" % (kind, view,
                                                      expect["peak_bytes"]))
        print("%s: %d events -> %.1f kB of HTML in %.2f s" % (
            kind, m["events"], os.path.getsize(out) / 1e3, secs))
    print("PASS")


if __name__ == "__main__":
    sys.exit(main())
