#!/usr/bin/python3
"""html-bigtable.py: 100,000 table rows load, sort and filter in Chromium.

The recorded program keeps one allocation from each of over 100,000
distinct source lines (102 generated files of 1,000 lines), so the analysis
has over 100,000 records (one table row each).  The page must load them, sort them and filter them correctly; the
times are printed for the log, never asserted.  The flame graph of the same
capture (100,000 sibling frames) must load too."""
import os
import sys
import time

import browser
import htmlreport
import lib

ROWS = 100000

WORKLOAD = """
N = %d
CHUNK = 1000
keep = [None] * N
# One statement per line, so that each allocation has its own location;
# compiled in small files so that the kept allocations, not the compiler,
# make the peak.  The peak comes while compiling the last file, so two
# more files than 100 leave over 100,000 rows in the view.
for j in range(N // CHUNK):
    source = ["def fill(k):"] + [
        "    k[%%d] = bytearray(%%d)" %% (j * CHUNK + i, 600 + i)
        for i in range(CHUNK)]
    namespace = {}
    exec(compile("\\n".join(source), "gen_%%03d.py" %% j, "exec"), namespace)
    namespace["fill"](keep)
""" % (ROWS + 2000)


def timed(fn):
    t = time.monotonic()
    result = fn()
    return result, time.monotonic() - t


def main():
    browser.require()
    tmp = lib.tmpdir()
    capture = htmlreport.record(tmp, "many_lines", WORKLOAD)
    out, secs = timed(lambda: htmlreport.report("table", capture,
                                                tmp + "/big.html"))
    print("report table: %.2f s, %.1f MB of HTML" % (
        secs, os.path.getsize(out) / 1e6))
    flame, fsecs = timed(lambda: htmlreport.report(
        "flamegraph", capture, tmp + "/bigflame.html"))
    print("report flamegraph: %.2f s, %.1f MB of HTML" % (
        fsecs, os.path.getsize(flame) / 1e6))
    nrecords = len(htmlreport.embedded_data(out)["records"]) // 5
    lib.check(nrecords >= ROWS, "only %d records" % nrecords)

    with browser.Browser(timeout=180) as b:
        page, secs = timed(lambda: b.open(out))
        rows = int(page.eval("document.getElementById('table')"
                             ".dataset.rows"))
        lib.check(rows == nrecords, "%d rows shown of %d" % (rows, nrecords))
        drawn = page.eval("document.querySelectorAll('#rows tr.row')"
                          ".length")
        lib.check(0 < drawn < 200, "%d rows in the DOM" % drawn)
        print("page load: %.2f s (script %.0f ms)" % (
            secs, page.eval("memattachTable.state.loadMs")))

        for col, want in (("size", "ascending"), ("location", "ascending"),
                          ("size", "descending")):
            _, secs = timed(lambda: page.click(
                '#table th[data-col="%s"]' % col))
            got = page.eval("document.querySelector('#table th[data-col="
                            "\"%s\"]').getAttribute('aria-sort')" % col)
            lib.check(got == want, "%s sort is %r" % (col, got))
            print("sort by %s %s: %.0f ms in the page, %.2f s with the "
                  "round trip" % (col, want,
                                  page.eval("memattachTable.state.sortMs"),
                                  secs))
        sizes = page.eval("[...document.querySelectorAll('#rows td.size')]"
                          ".map(td => +td.dataset.bytes)")
        lib.check(sizes == sorted(sizes, reverse=True),
                  "size descending is not: %r" % sizes[:20])

        page.type_into("#filter", "gen_050.py:10")
        page.settle()
        n = int(page.eval("document.getElementById('table').dataset.rows"))
        # Lines 10, 100..109, 1000 and 1001 of gen_050.py hold that text.
        lib.check(n == 13, "filter kept %d rows, expected 13" % n)
        print("filter: %.0f ms in the page" %
              page.eval("memattachTable.state.filterMs"))
        page.type_into("#filter", "")
        page.eval("document.getElementById('scroller').scrollTop = 1e6")
        page.settle()
        page.screenshot(browser.screenshot_path("table-100k.png"))
        page.check_clean()

        page, secs = timed(lambda: b.open(flame))
        frames = page.eval("memattachFlamegraph.state.frames")
        lib.check(frames > 3, "flame graph drew %d frames" % frames)
        print("flame graph page load: %.2f s, %d frames drawn" % (secs,
                                                                  frames))
        page.check_clean()
    print("PASS: %d rows" % nrecords)


if __name__ == "__main__":
    sys.exit(main())
