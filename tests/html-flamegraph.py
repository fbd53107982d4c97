#!/usr/bin/python3
"""html-flamegraph.py: the flame graph page in headless Chromium.

First on synthetic captures (tests/make_capture.py): the seed capture's
exact proportions and thread names, an empty capture, and hostile function
names that must display as text.  Then on a real capture: a program shaped
like the brief's example (a calls b, b calls c and d, c and d allocate the
same size) plus a second thread (x_worker -> y_alloc) is recorded with
`memattach run`; the page must draw c and d with equal widths above b above
a, zoom on click, highlight search matches, switch threads, invert, hide the
import system, show tooltips and the memory graph, with no console error and
no network request."""
import sys

import browser
import htmlreport
import lib
import make_capture as mc

WORKLOAD = """
import threading

def a():
    return b()

def b():
    return [c(), d()]

def c():
    return bytearray(1000000)

def d():
    return bytearray(1000000)

def y_alloc():
    return bytearray(3000000)

def x_worker(out):
    out.append(y_alloc())

keep = []
keep.append(a())
t = threading.Thread(target=x_worker, args=(keep,))
t.start()
t.join()
"""

TOL = 1.5       # pixels: frames are placed at fractional positions


def near(x, y):
    return abs(x - y) <= TOL


def select_thread(page, value):
    page.eval("(() => { const s = document.getElementById('thread');"
              " s.value = %r; s.dispatchEvent(new Event('change'));"
              " })()" % value)
    page.settle()


def synthetic(b, tmp):
    """The seed capture: at the peak c and d hold 100000 bytes each and the
    worker thread 50000, so c is 40% of the width."""
    seed = tmp + "/seed.bin"
    mc.seed_capture().write(seed)
    out = htmlreport.report("flamegraph", seed, tmp + "/seed.html")
    page = b.open(out)
    page.settle()
    root = htmlreport.one_frame(page, "All threads")
    for name, share in (("c", 0.4), ("d", 0.4), ("b", 0.8), ("a", 0.8),
                        ("work", 0.2), ("run", 0.2)):
        f = htmlreport.one_frame(page, name)
        lib.check(near(f["width"], share * root["width"]),
                  "%s is %.1f px, expected %.1f" % (
                      name, f["width"], share * root["width"]))
    labels = page.eval("[...document.querySelectorAll('#thread option')]"
                       ".map(o => [o.value, o.textContent])")
    lib.check(len(labels) == 3 and "All threads" in labels[0][1],
              "thread options %r" % labels)
    worker = [v for v, text in labels if "(worker)" in text and
              str(mc.WORKER_TID) in text]
    lib.check(worker and any("(MainThread)" in t for _, t in labels),
              "thread names missing: %r" % labels)
    select_thread(page, worker[0])
    names = {f["name"] for f in htmlreport.frames(page)}
    lib.check(names == {"Thread %d (worker)" % mc.WORKER_TID, "run",
                        "work"}, "worker thread shows %r" % names)
    lib.check(near(htmlreport.one_frame(page, "work")["width"],
                   root["width"]), "the worker's frame is not full width")
    page.check_clean()

    # --leaks: a keeps 2000 bytes itself and 32768 through e.
    out = htmlreport.report("flamegraph", seed, tmp + "/leaks.html",
                            "--leaks")
    page = b.open(out)
    page.settle()
    fa = htmlreport.one_frame(page, "a")
    page.hover('#flamegraph .frame[data-node="%d"]' % fa["node"])
    tip = page.eval("document.getElementById('tooltip').textContent")
    for want in ("34.77 KB", "Own memory2.00 KB", "Allocations2"):
        lib.check(want in tip, "tooltip of a lacks %r: %r" % (want, tip))
    lib.check("still live at the end" in page.eval(
        "document.getElementById('view-text').textContent"),
        "the page does not say it shows leaks")
    page.check_clean()

    # A capture with nothing live: a message, no frames, no error.
    cap = mc.Capture()
    cap.header("pid=1\n")
    cap.end()
    cap.write(tmp + "/empty.bin")
    out = htmlreport.report("flamegraph", tmp + "/empty.bin",
                            tmp + "/empty.html")
    page = b.open(out)
    lib.check(not htmlreport.frames(page) and "No memory is live" in
              page.eval("document.getElementById('flamegraph').textContent"),
              "empty capture: no message")
    page.check_clean()

    # Names that look like markup stay text.
    cap = mc.Capture()
    cap.header("pid=1\nargv=</script><b>x\nmode=run\n")
    evil_name = "</script><script>window.pwned=1</script>"
    evil = cap.stack([("<module>", "x.py", 1), (evil_name, "e\"v'.py", 2),
                      ("<img src=x onerror=window.pwned=2>", "y.py", 3)])
    cap.thread(5, "<b>t</b>")
    cap.alloc(0x1000, 4096, evil)
    cap.end()
    cap.write(tmp + "/hostile.bin")
    out = htmlreport.report("flamegraph", tmp + "/hostile.bin",
                            tmp + "/hostile.html")
    page = b.open(out)
    page.settle()
    htmlreport.one_frame(page, evil_name)
    htmlreport.one_frame(page, "<img src=x onerror=window.pwned=2>")
    lib.check(page.eval("window.pwned === undefined"),
              "a function name ran as code")
    lib.check(page.eval("document.querySelectorAll('img, b').length") == 0,
              "a name became markup")
    page.check_clean()


def main():
    browser.require()
    tmp = lib.tmpdir()
    with browser.Browser() as b:
        synthetic(b, tmp)
    capture = htmlreport.record(tmp, "flame_workload", WORKLOAD)
    out = htmlreport.report("flamegraph", capture, tmp + "/flame.html")
    data = htmlreport.embedded_data(out)
    lib.check(data["report"] == "flamegraph", "wrong report kind")

    with browser.Browser() as b:
        page = b.open(out)
        page.settle()
        width = htmlreport.graph_width(page)

        # The brief's shape: c and d the same width, side by side within
        # b, which sits within a; callers below callees (classic view).
        fa = htmlreport.one_frame(page, "a")
        fb = htmlreport.one_frame(page, "b")
        fc = htmlreport.one_frame(page, "c")
        fd = htmlreport.one_frame(page, "d")
        lib.check(near(fc["width"], fd["width"]),
                  "c and d differ: %.1f vs %.1f px" % (fc["width"],
                                                       fd["width"]))
        lib.check(fc["width"] > 20, "c is too narrow: %.1f" % fc["width"])
        lib.check(near(fb["width"], fc["width"] + fd["width"]),
                  "b (%.1f) is not c + d (%.1f)" % (
                      fb["width"], fc["width"] + fd["width"]))
        lib.check(near(fa["width"], fb["width"]), "a and b differ")
        for inner, outer, nm in ((fc, fb, "c in b"), (fd, fb, "d in b"),
                                 (fb, fa, "b in a")):
            lib.check(inner["left"] >= outer["left"] - TOL and
                      inner["right"] <= outer["right"] + TOL,
                      "%s: not within its caller horizontally" % nm)
            lib.check(inner["top"] < outer["top"],
                      "%s: callee not above its caller" % nm)
        lib.check(near(fc["top"], fd["top"]), "c and d not on one level")
        root = htmlreport.one_frame(page, "All threads")
        lib.check(near(root["width"], width), "the root is not full width")
        y = htmlreport.one_frame(page, "y_alloc")
        lib.check(y["width"] > fb["width"],
                  "y_alloc (3 MB) is not wider than b (2 MB)")
        page.screenshot(browser.screenshot_path("flamegraph.png"),
                        full_page=True)

        # Tooltip on hover.
        page.hover('#flamegraph .frame[data-node="%d"]' % fc["node"])
        tip = page.eval("(() => { const t = document.getElementById("
                        "'tooltip'); return t.hidden ? null : "
                        "t.textContent; })()")
        lib.check(tip is not None, "no tooltip on hover")
        for want in ("c", "flame_workload.py:11", "1.00 MB", "Allocations"):
            lib.check(want in tip, "tooltip lacks %r: %r" % (want, tip))
        page.screenshot(browser.screenshot_path("flamegraph-tooltip.png"))

        # Zoom on c: c takes the full width, d disappears, its callers
        # stay drawn (full width).
        page.click('#flamegraph .frame[data-node="%d"]' % fc["node"])
        zc = htmlreport.one_frame(page, "c")
        lib.check(near(zc["width"], width),
                  "zoomed c is %.1f px, graph is %.1f" % (zc["width"], width))
        lib.check(not htmlreport.frames_named(page, "d"),
                  "d still drawn after zooming on c")
        lib.check(near(htmlreport.one_frame(page, "b")["width"], width),
                  "b not full width when zoomed on c")
        lib.check(not page.eval("document.getElementById('reset-zoom')"
                                ".disabled"), "reset button disabled")
        page.click("#reset-zoom")
        fd2 = htmlreport.one_frame(page, "d")
        lib.check(near(fd2["width"], fd["width"]), "reset did not unzoom")
        lib.check(page.eval("document.getElementById('reset-zoom')"
                            ".disabled"), "reset button enabled at root")

        # Inverted (icicle): the callee goes below its caller.
        page.click("#invert")
        ic, ib = (htmlreport.one_frame(page, "c"),
                  htmlreport.one_frame(page, "b"))
        lib.check(ic["top"] > ib["top"], "inverted view not inverted")
        lib.check(near(ic["width"], fc["width"]), "invert changed widths")
        page.screenshot(browser.screenshot_path("flamegraph-inverted.png"),
                        full_page=True)
        page.click("#invert")

        # Search: y_alloc matches (and only frames named y_alloc); the
        # matched share is y_alloc's bytes over the whole.
        page.type_into("#search", "y_alloc")
        matched = [f for f in htmlreport.frames(page)
                   if " match" in f["cls"]]
        lib.check(matched and all(f["name"] == "y_alloc" for f in matched),
                  "search highlighted %s" % [f["name"] for f in matched])
        info = page.eval("document.getElementById('match').textContent")
        lib.check(info.startswith("Matched "), "no match info: %r" % info)
        share = page.eval(
            "(() => { const f = memattachFlamegraph; return "
            "[f.state.matched, f.bytes(0)]; })()")
        y_bytes = page.eval("memattachFlamegraph.bytes(%d)" % y["node"])
        lib.check(share[0] == y_bytes, "matched %r, y_alloc has %r" % (
            share[0], y_bytes))
        pct = "%.1f%%" % (100.0 * share[0] / share[1])
        lib.check(pct in info, "match info %r lacks %s" % (info, pct))
        page.screenshot(browser.screenshot_path("flamegraph-search.png"),
                        full_page=True)
        page.type_into("#search", "")
        lib.check(not [f for f in htmlreport.frames(page)
                       if " match" in f["cls"]], "clearing search kept "
                  "highlights")

        # Threads: one thread has c and d but no y_alloc, another has
        # y_alloc and no c.
        options = page.eval("[...document.querySelectorAll('#thread "
                            "option')].map(o => o.value)")
        lib.check(options[0] == "-1" and len(options) >= 3,
                  "thread options: %r" % options)
        seen = []
        for value in options[1:]:
            select_thread(page, value)
            names = {f["name"] for f in htmlreport.frames(page)}
            seen.append(names)
        lib.check(any("c" in s and "d" in s and "y_alloc" not in s
                      for s in seen), "no thread shows c and d alone")
        lib.check(any("y_alloc" in s and "c" not in s for s in seen),
                  "no thread shows y_alloc alone")
        select_thread(page, "-1")
        lib.check(near(htmlreport.one_frame(page, "c")["width"],
                       fc["width"]), "all threads again: c changed width")

        # Hiding the import system drops importlib's frames (the program
        # runs under them: site and the interpreter's own imports) and
        # changes no total.
        names = {f["name"] for f in htmlreport.frames(page)}
        lib.check("_find_and_load" in names, "no import frames to hide")
        page.click("#hide-imports")
        names = {f["name"] for f in htmlreport.frames(page)}
        lib.check(not [n for n in names if n.startswith("_find_and_load")],
                  "import frames still drawn")
        lib.check(near(htmlreport.one_frame(page, "c")["width"],
                       fc["width"]), "hiding imports changed c")
        lib.check(page.eval("memattachFlamegraph.bytes(0)") == share[1],
                  "hiding imports changed the total")
        page.screenshot(browser.screenshot_path("flamegraph-no-imports.png"),
                        full_page=True)
        page.click("#hide-imports")

        # The memory graph is drawn (or says why not).
        graph = page.eval("(() => { const g = document.getElementById("
                          "'memory-graph'); return [g.querySelectorAll("
                          "'path.heap').length, g.textContent]; })()")
        lib.check(graph[0] == 1 or "Too few" in graph[1],
                  "no memory graph: %r" % graph)
        page.check_clean()
    print("PASS: c and d %.1f px under b %.1f px; zoom, invert, search, "
          "threads and tooltip work" % (fc["width"], fb["width"]))


if __name__ == "__main__":
    sys.exit(main())
