#!/usr/bin/python3
"""html-table.py: the allocation table page in headless Chromium.

A program that keeps allocations of known sizes from known functions (one in
a second thread) is recorded with `memattach run`; the table must list every
analysis record, sort each column on a header click (sizes numerically, both
directions), narrow the rows with the filter box, scroll virtually, and show
a row's stack on click, with no console error and no network request."""
import sys

import browser
import htmlreport
import lib
import make_capture as mc

WORKLOAD = """
import threading

keep = []

def small_alloc():
    keep.append(bytearray(10000))

def medium_alloc():
    keep.append(bytearray(200000))

def large_alloc():
    keep.append(bytearray(3000000))

def thread_alloc():
    keep.append(bytearray(500000))

small_alloc()
medium_alloc()
large_alloc()
t = threading.Thread(target=thread_alloc)
t.start()
t.join()
"""

# The rendered rows, as the user sees them.
ROWS_JS = """[...document.querySelectorAll('#rows tr.row')].map(tr => {
    const c = tr.cells, where = c[4].querySelector('.where');
    return {row: +tr.dataset.row,
            tid: parseInt(c[0].textContent),
            bytes: +c[1].dataset.bytes,
            count: parseInt(c[2].textContent.replace(/,/g, '')),
            allocator: c[3].textContent,
            fn: c[4].querySelector('.fn').textContent,
            where: where ? where.textContent : ''};
})"""


def rows(page):
    return page.eval(ROWS_JS)


def shown(page):
    return int(page.eval("document.getElementById('table').dataset.rows"))


def sort_state(page):
    return page.eval("[...document.querySelectorAll('#table th')].map("
                     "h => [h.dataset.col, h.getAttribute('aria-sort')])"
                     ".filter(p => p[1])")


def ordered(values, descending=False):
    pairs = zip(values, values[1:])
    return all(a >= b if descending else a <= b for a, b in pairs)


def set_filter(page, text):
    page.type_into("#filter", text)
    page.settle()


def empty_table(b, tmp):
    """A capture with nothing live: the table says so."""
    cap = mc.Capture()
    cap.header("pid=1\n")
    cap.end()
    cap.write(tmp + "/empty.bin")
    out = htmlreport.report("table", tmp + "/empty.bin", tmp + "/empty.html")
    page = b.open(out)
    lib.check(shown(page) == 0 and "No memory is live" in page.eval(
        "document.getElementById('rows').textContent"), "empty table")
    page.click('#table th[data-col="location"]')
    page.check_clean()


def main():
    browser.require()
    tmp = lib.tmpdir()
    with browser.Browser() as b:
        empty_table(b, tmp)
    capture = htmlreport.record(tmp, "table_workload", WORKLOAD)
    out = htmlreport.report("table", capture, tmp + "/table.html")
    data = htmlreport.embedded_data(out)
    nrecords = len(data["records"]) // 5
    lib.check(nrecords > 5, "only %d records" % nrecords)

    with browser.Browser() as b:
        page = b.open(out)
        page.settle()
        lib.check(shown(page) == nrecords, "table has %d rows, data %d" % (
            shown(page), nrecords))

        # Default: biggest first.
        lib.check(sort_state(page) == [["size", "descending"]],
                  "default sort: %r" % sort_state(page))
        first = rows(page)
        lib.check(len(first) > 5, "only %d rows drawn" % len(first))
        lib.check(len(first) < nrecords or nrecords < 60,
                  "every row drawn: no virtual scrolling")
        lib.check(ordered([r["bytes"] for r in first], True),
                  "not by size descending: %r" % [r["bytes"] for r in first])
        lib.check(first[0]["fn"] == "large_alloc",
                  "biggest row is %r" % first[0]["fn"])
        page.screenshot(browser.screenshot_path("table.png"))

        # Size ascending, then the bottom of the list through scrolling.
        page.click('#table th[data-col="size"]')
        lib.check(sort_state(page) == [["size", "ascending"]],
                  "after a click: %r" % sort_state(page))
        asc = rows(page)
        lib.check(ordered([r["bytes"] for r in asc]),
                  "not by size ascending: %r" % [r["bytes"] for r in asc])
        page.eval("document.getElementById('scroller').scrollTop = 1e9")
        page.settle()
        page.settle()
        tail = rows(page)
        lib.check(tail and tail[-1]["fn"] == "large_alloc",
                  "scrolled to the end, last row is %r" %
                  (tail[-1]["fn"] if tail else None))
        lib.check(ordered([r["bytes"] for r in tail]),
                  "tail not ascending")
        page.eval("document.getElementById('scroller').scrollTop = 0")
        page.settle()

        # Every other column sorts too.
        page.click('#table th[data-col="thread"]')
        lib.check(ordered([r["tid"] for r in rows(page)]), "thread order")
        page.click('#table th[data-col="count"]')
        lib.check(sort_state(page) == [["count", "descending"]],
                  "count sort: %r" % sort_state(page))
        lib.check(ordered([r["count"] for r in rows(page)], True),
                  "count order")
        page.click('#table th[data-col="allocator"]')
        lib.check(ordered([r["allocator"].lower() for r in rows(page)]),
                  "allocator order")
        page.click('#table th[data-col="location"]')
        keys = [(r["fn"] + " " + r["where"]).lower() for r in rows(page)]
        lib.check(ordered(keys), "location order: %r" % keys[:10])
        page.click('#table th[data-col="location"]')
        keys = [(r["fn"] + " " + r["where"]).lower() for r in rows(page)]
        lib.check(ordered(keys, True), "location descending: %r" % keys[:10])

        # The filter narrows; words must all match, each in some column.
        set_filter(page, "medium_alloc")
        lib.check(shown(page) == 1, "filter medium_alloc: %d rows" %
                  shown(page))
        medium = rows(page)
        lib.check(len(medium) == 1 and medium[0]["fn"] == "medium_alloc"
                  and medium[0]["bytes"] >= 200000, "filtered: %r" % medium)
        status = page.eval("document.getElementById('status').textContent")
        lib.check(status.startswith("Showing 1 of"), "status %r" % status)
        set_filter(page, "%d medium" % medium[0]["tid"])
        lib.check(shown(page) == 1, "two-word filter: %d" % shown(page))
        set_filter(page, "thread_alloc")
        other = rows(page)
        lib.check(len(other) == 1 and other[0]["tid"] != medium[0]["tid"],
                  "thread_alloc should be another thread: %r" % other)
        set_filter(page, "no-such-function-anywhere")
        lib.check(shown(page) == 0, "nonsense filter kept rows")
        lib.check("No rows match" in page.eval(
            "document.getElementById('rows').textContent"),
            "no empty-state message")
        set_filter(page, "large_alloc")
        page.screenshot(browser.screenshot_path("table-filtered.png"))

        # A row's stack.
        page.click("#rows tr.row")
        stack = page.eval("(() => { const p = document.getElementById("
                          "'stack-panel'); return p.hidden ? null : "
                          "[...p.querySelectorAll('li .fn')].map("
                          "e => e.textContent); })()")
        lib.check(stack and stack[0] == "large_alloc" and
                  stack[1] == "<module>", "stack panel: %r" % stack)
        set_filter(page, "")
        lib.check(shown(page) == nrecords, "clearing the filter: %d rows" %
                  shown(page))
        page.check_clean()
    print("PASS: %d rows sort on every column, filter and scroll" % nrecords)


if __name__ == "__main__":
    sys.exit(main())
