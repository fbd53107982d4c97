#!/usr/bin/python3
"""html-hostile.py: the HTML reports on hostile captures.

The captures of tests/fuzz/make_regressions.py (70,000-deep recursion,
undefined ids, self-parented nodes, overflowing sizes, a native mess,
trailing garbage) plus any fuzz finds kept in tests/fuzz/regressions/ go
through both HTML reports: exit 0 with warnings only, or 1 with one error
line, never a signal; a page written must hold well-formed data and, in
Chromium when present, load and draw without a script error."""
import glob
import os
import subprocess
import sys

import browser
import htmlreport
import lib

TOP = os.environ.get("TOP_SRCDIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), ".."))


def well_formed(data, nfields):
    nodes, nlocs = data["nodes"], len(data["locs"]) // 4
    nnodes = len(nodes) // 2
    lib.check(len(nodes) % 2 == 0 and len(data["locs"]) % 4 == 0 and
              len(data["records"]) % nfields == 0, "ragged arrays")
    for n in range(1, nnodes):
        lib.check(0 <= nodes[2 * n] < n and -1 <= nodes[2 * n + 1] < nlocs,
                  "node %d malformed" % n)
    for i in range(0, len(data["records"]), nfields):
        lib.check(0 < data["records"][i] < nnodes, "record's node")
        lib.check(0 <= data["records"][i + 1] < len(data["threads"]) // 2,
                  "record's thread")


def main():
    tmp = lib.tmpdir()
    made = os.path.join(tmp, "made")
    subprocess.run([sys.executable, os.path.join(
        TOP, "tests", "fuzz", "make_regressions.py"), made], check=True)
    inputs = sorted(glob.glob(os.path.join(made, "*")) + glob.glob(
        os.path.join(TOP, "tests", "fuzz", "regressions", "*")))
    lib.check(len(inputs) >= 5, "no hostile inputs: %r" % inputs)

    pages = []
    for path in inputs:
        for kind, nfields in (("flamegraph", 4), ("table", 5)):
            out = os.path.join(tmp, "%s-%s.html" % (
                os.path.basename(path), kind))
            p = lib.run(["memattach", "report", kind, path, "-o", out],
                        timeout=120)
            what = "%s %s" % (kind, os.path.basename(path))
            lib.check(p.returncode >= 0, "%s: killed by signal %d" % (
                what, -p.returncode))
            err = p.stderr.splitlines()
            if p.returncode == 0:
                lib.check(all(e.startswith("memattach: warning: ")
                              for e in err), "%s: stderr %r" % (what,
                                                                p.stderr))
                well_formed(htmlreport.embedded_data(out), nfields)
                pages.append(out)
            else:
                lib.check(p.returncode == 1 and len(err) == 1 and
                          err[0].startswith("memattach: "),
                          "%s: exit %d, stderr %r" % (what, p.returncode,
                                                      p.stderr))
                lib.check(not os.path.exists(out), "%s: partial page left"
                          % what)
    lib.check(pages, "no hostile capture gave a page")
    if not browser.available():
        print("PASS (%d pages; no Chromium to load them)" % len(pages))
        return 0
    with browser.Browser(timeout=120) as b:
        for out in pages:
            page = b.open(out)
            page.settle()
            if out.endswith("table.html"):
                # Sort and show a stack, the deepest code paths.
                page.click('#table th[data-col="location"]')
                if page.eval("document.querySelector('#rows tr.row') "
                             "!== null"):
                    page.click("#rows tr.row")
            else:
                page.type_into("#search", "recurse")
            page.check_clean()
    print("PASS: %d inputs, %d pages loaded cleanly" % (len(inputs),
                                                         len(pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
