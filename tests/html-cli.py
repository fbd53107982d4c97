#!/usr/bin/python3
"""html-cli.py: the HTML reports from the command line (no browser).

On synthetic captures (tests/make_capture.py) with known contents: the
embedded data holds exactly the expected stacks, bytes, threads and
allocators for the peak, --leaks and --thread views; the page is
self-contained; output files are named, created and refused as documented;
hostile function names cannot break out of the data; bad input gets one
error line and a non-zero exit."""
import os
import resource
import signal
import stat
import subprocess
import sys

import htmlreport
import lib
import make_capture as mc


def paths(data, nfields):
    """{ "f;g;h" (root to leaf): bytes } summed over records, and the
    same keyed by (path, thread tid, allocator) for the table."""
    strings, locs, nodes = data["strings"], data["locs"], data["nodes"]

    def name(loc):
        return "?" if loc < 0 else strings[locs[4 * loc]]

    def path(node):
        names = []
        while node > 0:
            names.append(name(nodes[2 * node + 1]))
            node = nodes[2 * node]
        return ";".join(reversed(names))

    by_path, detailed = {}, {}
    recs = data["records"]
    for i in range(0, len(recs), nfields):
        node, thread = recs[i], recs[i + 1]
        tid = data["threads"][2 * thread]
        if nfields == 5:
            kind, nbytes = data["kinds"][recs[i + 2]], recs[i + 3]
        else:
            kind, nbytes = None, recs[i + 2]
        p = path(node)
        by_path[p] = by_path.get(p, 0) + nbytes
        detailed[(p, tid, kind)] = detailed.get((p, tid, kind), 0) + nbytes
    return by_path, detailed


def check_structure(data):
    lib.check(len(set(data["strings"])) == len(data["strings"]),
              "the string table has duplicates")
    nodes = data["nodes"]
    lib.check(nodes[:2] == [-1, -1], "node 0 is not the root")
    for n in range(1, len(nodes) // 2):
        lib.check(0 <= nodes[2 * n] < n, "node %d's parent comes after it"
                  % n)
        lib.check(-1 <= nodes[2 * n + 1] < len(data["locs"]) // 4,
                  "node %d has a bad location" % n)
    for i in range(0, len(data["locs"]), 4):
        f, fl = data["locs"][i], data["locs"][i + 1]
        lib.check(0 <= f < len(data["strings"]) and
                  0 <= fl < len(data["strings"]), "bad location strings")


def check_self_contained(path):
    with open(path, encoding="utf-8") as f:
        html = f.read()
    lib.check(html.startswith("<!DOCTYPE html>"), "no doctype")
    lib.check("@@" not in html.split('id="memattach-data">')[0],
              "an unexpanded template marker")
    for bad in ("<link", " src=", " href=", "url(", "@import"):
        lib.check(bad not in html, "%s: the page loads something: %r" % (
            path, bad))
    lib.check("Content-Security-Policy" in html and
              "default-src 'none'" in html, "no CSP locking the page down")
    return html


def expect_error(args, rc, what):
    p = lib.run(["memattach", "report"] + args)
    lib.check(p.returncode == rc, "%s: exit %d, expected %d (%s)" % (
        what, p.returncode, rc, p.stderr))
    lines = p.stderr.strip().splitlines()
    lib.check(len(lines) == 1 and lines[0].startswith("memattach: "),
              "%s: expected one error line, got %r" % (what, p.stderr))
    return lines[0]


def main():
    tmp = lib.tmpdir()
    caps = os.path.join(tmp, "caps")
    os.mkdir(caps)
    seed = os.path.join(caps, "seed.bin")
    mc.seed_capture().write(seed)

    # Default output: next to the capture, named after it, mode 0600.
    for kind in ("flamegraph", "table"):
        p = lib.run(["memattach", "report", kind, "caps/seed.bin"], cwd=tmp,
                    check_rc=0)
        want = "caps/memattach-%s-seed.html" % kind
        lib.check(p.stdout.strip() == "Wrote " + want,
                  "stdout %r, expected it to name %s" % (p.stdout, want))
        st = os.stat(os.path.join(tmp, want))
        lib.check(stat.S_IMODE(st.st_mode) == 0o600, "mode %o" % st.st_mode)
        line = expect_error([kind, seed], 1, "overwrite without -f")
        lib.check("already exists" in line and "-f" in line, line)
        lib.check(os.stat(os.path.join(tmp, want)).st_mtime_ns ==
                  st.st_mtime_ns, "the refused run touched the file")
        lib.run(["memattach", "report", kind, seed, "-f"], check_rc=0)

    # -o - writes the page to standard output.
    p = lib.run(["memattach", "report", "flamegraph", seed, "-o", "-"],
                check_rc=0)
    lib.check(p.stdout.startswith("<!DOCTYPE html>") and
              p.stdout.rstrip().endswith("</html>"), "-o - output")

    # Flame graph, peak view: the seed's exact contents.
    out = htmlreport.report("flamegraph", seed, tmp + "/f.html")
    check_self_contained(out)
    data = htmlreport.embedded_data(out)
    check_structure(data)
    by_path, detailed = paths(data, 4)
    lib.check(by_path == {"<module>;a;b;c": 100000,
                          "<module>;a;b;d": 100000,
                          "run;work": 50000}, "peak stacks: %r" % by_path)
    lib.check(detailed[("run;work", mc.WORKER_TID, None)] == 50000 and
              detailed[("<module>;a;b;c", mc.MAIN_TID, None)] == 100000,
              "threads of the records: %r" % detailed)
    threads = dict(zip(data["threads"][0::2],
                       [data["strings"][s] if s >= 0 else None
                        for s in data["threads"][1::2]]))
    lib.check(threads == {mc.MAIN_TID: "MainThread",
                          mc.WORKER_TID: "worker"}, "threads %r" % threads)
    m = data["meta"]
    lib.check(m["view"] == "peak" and m["peak_bytes"] == 250000 and
              m["view_bytes"] == 250000 and m["peak_time_ms"] == 10 and
              m["pid"] == "4242" and m["argv"] == "python3 seed.py" and
              m["python_version"] == "3.11.2" and m["damage"] is None and
              m["complete"] is True, "meta %r" % m)
    pts = data["points"]
    lib.check(len(pts) % 3 == 0 and len(pts) >= 6, "points %r" % pts)
    lib.check(max(pts[2::3]) <= 250000 and 12000000 in pts[1::3],
              "memory points %r" % pts)

    # --leaks: the realloc'd block, the worker's, half of the mmap.
    out = htmlreport.report("flamegraph", seed, tmp + "/l.html", "--leaks")
    data = htmlreport.embedded_data(out)
    by_path, _ = paths(data, 4)
    lib.check(by_path == {"<module>;a": 2000, "run;work": 50000,
                          "<module>;a;e": 32768}, "leaks %r" % by_path)
    lib.check(data["meta"]["view"] == "leaks", "view is not leaks")

    # --thread keeps one thread.
    out = htmlreport.report("flamegraph", seed, tmp + "/t.html",
                            "--thread", str(mc.WORKER_TID))
    data = htmlreport.embedded_data(out)
    by_path, _ = paths(data, 4)
    lib.check(by_path == {"run;work": 50000}, "--thread: %r" % by_path)
    lib.check(data["meta"]["thread_filter"] == [mc.WORKER_TID],
              "thread_filter %r" % data["meta"]["thread_filter"])

    # Table: one row per (stack, thread, allocator), with the allocator.
    out = htmlreport.report("table", seed, tmp + "/tl.html", "--leaks")
    check_self_contained(out)
    data = htmlreport.embedded_data(out)
    check_structure(data)
    _, detailed = paths(data, 5)
    lib.check(detailed == {
        ("<module>;a", mc.MAIN_TID, "REALLOC"): 2000,
        ("run;work", mc.WORKER_TID, "MALLOC"): 50000,
        ("<module>;a;e", mc.MAIN_TID, "MMAP"): 32768}, "table rows %r" %
        detailed)

    # Hostile names: a closing script tag, quotes, bytes that are not
    # UTF-8.  They must stay data.
    cap = mc.Capture()
    cap.header("pid=1\nargv=</script><b>x\nmode=run\n")
    evil = cap.stack([("<module>", "x.py", 1),
                      ("</script><script>window.pwned=1</script>",
                       "ev\"il'\\.py", 2),
                      (b"caf\xe9\x00\x01", "\u2603.py", 3)])
    cap.thread(5, "t</script>")
    cap.alloc(0x1000, 4096, evil)
    cap.end()
    hostile = os.path.join(tmp, "hostile.bin")
    cap.write(hostile)
    for kind in ("flamegraph", "table"):
        out = htmlreport.report(kind, hostile, tmp + "/h-%s.html" % kind)
        html = check_self_contained(out)
        lib.check(html.count("</script>") == 2,
                  "%s: a name closed a script element" % kind)
        data = htmlreport.embedded_data(out)
        lib.check("</script><script>window.pwned=1</script>" in
                  data["strings"], "the hostile name was altered")
        lib.check("ev\"il'\\.py" in data["strings"] and
                  "\u2603.py" in data["strings"], "file names altered")
        lib.check(any(s.startswith("caf") for s in data["strings"]),
                  "the non-UTF-8 name is missing")

    # A capture cut short: a warning, and a report of what was read.
    small = os.path.join(tmp, "small-blocks.bin")
    mc.medium_capture().write(small, block=64)
    with open(small, "rb") as f:
        whole = f.read()
    cut = os.path.join(tmp, "cut.bin")
    with open(cut, "wb") as f:
        f.write(whole[:len(whole) * 3 // 5])
    p = lib.run(["memattach", "report", "flamegraph", cut, "-o",
                 tmp + "/cut.html"], check_rc=0)
    lib.check("memattach: " in p.stderr, "no warning for a cut capture")
    data = htmlreport.embedded_data(tmp + "/cut.html")
    lib.check(data["meta"]["damage"], "damage not in the page: %r" %
              data["meta"]["damage"])
    lib.check(data["records"], "nothing read from the cut capture")

    # Bad input: one line, non-zero exit, no output file left behind.
    for kind in ("flamegraph", "table"):
        expect_error([kind, tmp + "/no-such.bin", "-o", tmp + "/x.html"], 1,
                     "missing capture")
        with open(tmp + "/text.bin", "w") as f:
            f.write("not a capture\n" * 10)
        expect_error([kind, tmp + "/text.bin", "-o", tmp + "/x.html"], 1,
                     "not a capture")
        expect_error([kind, seed, "-o", tmp + "/no/such/dir/x.html"], 1,
                     "unwritable output")
        expect_error([kind, seed, "--no-such-option"], 2, "bad option")
        expect_error([kind], 2, "no FILE")
        lib.check(not os.path.exists(tmp + "/x.html"), "output left behind")

    # A write that fails half way (as on a full disk): one error line and
    # the partial page removed.  The file size limit stands in for the
    # disk; SIGXFSZ is ignored so that write() fails with EFBIG instead.
    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    for kind in ("flamegraph", "table"):
        out = tmp + "/full-%s.html" % kind
        p = subprocess.run([lib.MEMATTACH, "report", kind, seed, "-o", out],
                           preexec_fn=small_files, capture_output=True,
                           text=True, timeout=60)
        err = p.stderr.strip().splitlines()
        lib.check(p.returncode == 1 and len(err) == 1 and
                  err[0].startswith("memattach: " + out + ": "),
                  "failed write: exit %d, %r" % (p.returncode, p.stderr))
        lib.check(not os.path.exists(out), "partial page left behind")
    print("PASS")


if __name__ == "__main__":
    sys.exit(main())
