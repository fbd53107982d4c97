"""The terminal reports on a synthetic capture (tests/make_capture.py):
exact figures for summary, stats, tree and folded, peak vs --leaks, the
thread filter, --threads, sorting, and a stream split into several LZ4
frames reading the same as one."""
import json
import os

from lib import check, run, tmpdir
import make_capture as mc

d = tmpdir()
seed = os.path.join(d, "seed.bin")
mc.seed_capture().write(seed)
S = mc.SEED


def report(*args, rc=0, warning=None):
    p = run(["memattach", "report"] + list(args), check_rc=rc)
    if warning:
        check(p.stderr.count("\n") == 1 and warning in p.stderr,
              "stderr for %s: %r lacks %r" % (args, p.stderr, warning))
    else:
        check(p.stderr == "", "unexpected stderr for %s: %r" % (args,
                                                                p.stderr))
    return p.stdout


def summary_json(*extra):
    return json.loads(report("summary", "--json", seed, *extra))


def by_function(s):
    return {l["function"]: l for l in s["locations"]}


# --- summary at the peak ------------------------------------------------
s = summary_json()
cap = s["capture"]
check(cap["pid"] == 4242 and cap["python_version"] == "3.11.2",
      "capture info: %s" % cap)
check(cap["view"] == "peak" and cap["complete"] and cap["damage"] is None,
      "view/complete: %s" % cap)
for key in ("peak_bytes", "peak_time_ms", "end_bytes", "events",
            "duration_ms"):
    check(cap[key] == S[key], "%s = %s, want %s" % (key, cap[key], S[key]))
check(cap["view_bytes"] == 250000 and cap["view_allocations"] == 3,
      "view totals %s" % cap)
f = by_function(s)
check(set(f) == {"<module>", "a", "b", "c", "d", "run", "work"},
      "locations at the peak: %s" % sorted(f))
for name, own, total, count in (("c", 100000, 100000, 1),
                                ("d", 100000, 100000, 1),
                                ("b", 0, 200000, 2), ("a", 0, 200000, 2),
                                ("<module>", 0, 200000, 2),
                                ("work", 50000, 50000, 1),
                                ("run", 0, 50000, 1)):
    l = f[name]
    check((l["own_bytes"], l["total_bytes"], l["allocations"]) ==
          (own, total, count),
          "%s: own/total/count %s" % (name, (l["own_bytes"],
                                              l["total_bytes"],
                                              l["allocations"])))
check([c["function"] for c in f["c"]["callers"]] == ["b"], "c's callers")
check([c["function"] for c in f["d"]["callers"]] == ["b"], "d's callers")
check([c["function"] for c in f["b"]["callers"]] == ["a"], "b's callers")
check(f["<module>"]["callers"] == [], "<module> has no caller")
check(f["c"]["file"] == "seed.py" and f["c"]["line"] == 17, "c's place")
check(f["c"]["threads"] == [mc.MAIN_TID] and
      f["work"]["threads"] == [mc.WORKER_TID], "threads per location")
totals = [l["total_bytes"] for l in s["locations"]]
check(totals == sorted(totals, reverse=True), "not sorted by total")

# --- the text table -----------------------------------------------------
text = report("summary", seed)
lines = text.splitlines()
check(lines[0].startswith("Memory at the peak: 250.00 KB in 3 allocations"),
      "summary title: %r" % lines[0])
check(lines[1].split() == ["Location", "Own", "memory", "Total", "memory",
                           "Allocations", "Threads"], "header %r" % lines[1])
row = [l for l in lines if l.startswith("c at seed.py:17")]
check(row and row[0].split()[-6:] == ["100.00", "KB", "100.00", "KB", "1",
                                      "1"], "row of c: %r" % row)

# --- sorting and limits -------------------------------------------------
own_sorted = summary_json("--sort", "own")["locations"]
check([l["own_bytes"] for l in own_sorted][:3] == [100000, 100000, 50000],
      "--sort own")
by_count = summary_json("--sort", "allocations")["locations"]
check(by_count[0]["allocations"] == 2, "--sort allocations")
by_loc = summary_json("--sort", "location")["locations"]
check([l["function"] for l in by_loc] == sorted(l["function"]
                                                 for l in by_loc),
      "--sort location")
check(len(summary_json("-n", "2")["locations"]) == 2, "-n 2")
check(len(report("summary", "-n", "1", seed).splitlines()) == 4,
      "-n 1 shows one row and a 'more rows' line")

# --- leaks: what is still live at the end ------------------------------
s = summary_json("--leaks")
f = by_function(s)
check(s["capture"]["view"] == "leaks" and
      s["capture"]["view_bytes"] == S["end_bytes"], "leaks view bytes")
check(set(f) == {"<module>", "a", "e", "run", "work"},
      "leaks: %s" % sorted(f))
check(f["a"]["own_bytes"] == 2000 and f["a"]["total_bytes"] == 2000 + 32768,
      "leaks: a %s" % f["a"])
check(f["e"]["own_bytes"] == 32768, "partial munmap left half the mapping")

# --- thread filter and per-thread rows ----------------------------------
s = summary_json("--thread", str(mc.WORKER_TID))
check({l["function"] for l in s["locations"]} == {"run", "work"},
      "--thread worker")
check(s["capture"]["peak_bytes"] == 50000, "worker's own peak")
s = summary_json("--thread", str(mc.MAIN_TID), "--thread",
                 str(mc.WORKER_TID))
check(s["capture"]["peak_bytes"] == S["peak_bytes"], "both threads")
s = summary_json("--threads")
rows = {(l["function"], l["thread"]) for l in s["locations"]}
check(("c", mc.MAIN_TID) in rows and ("work", mc.WORKER_TID) in rows and
      ("work", mc.MAIN_TID) not in rows, "--threads rows %s" % rows)
check("101 (worker)" in report("summary", "--threads", seed),
      "thread name in --threads table")

# --- stats --------------------------------------------------------------
st = json.loads(report("stats", "--json", seed))
for key, want in (("total_bytes", S["total_bytes"]),
                  ("total_allocations", S["total_count"]),
                  ("frees", S["frees"]), ("peak_bytes", S["peak_bytes"]),
                  ("end_bytes", S["end_bytes"])):
    check(st[key] == want, "stats %s = %s, want %s" % (key, st[key], want))
al = st["allocators"]
check(al["MALLOC"] == {"allocations": 4, "bytes": 250500} and
      al["CALLOC"]["bytes"] == 1000 and al["REALLOC"]["bytes"] == 2000 and
      al["MMAP"]["bytes"] == 65536, "allocators %s" % al)
check(sum(h["allocations"] for h in st["histogram"]) == 7, "histogram")
big = [h for h in st["histogram"] if h["min"] == 65536]
check(big and big[0]["allocations"] == 3, "histogram 64 KiB bucket")
check([t["function"] for t in st["top_by_size"]][:2] == ["c", "d"],
      "top by size %s" % st["top_by_size"])
check(st["top_by_count"][0]["function"] == "a" and
      st["top_by_count"][0]["allocations"] == 2, "top by count")
text = report("stats", seed)
for want in ("Total allocated: 319.04 KB in 7 allocations, 5 frees",
             "Peak memory: 250.00 KB at 0.010 s",
             "MALLOC", "[64 KiB, 128 KiB)", "Top locations by size",
             "Top locations by count"):
    check(want in text, "stats text lacks %r" % want)

# --- tree ---------------------------------------------------------------
tree = report("tree", seed)
check("\033[" not in tree, "colour when not on a TTY")
want = """250.00 KB (100.00 %) <root>
├── 200.00 KB (80.00 %) <module> at seed.py:30
│   └── 200.00 KB (80.00 %) a at seed.py:9
│       └── 200.00 KB (80.00 %) b at seed.py:13
│           ├── 100.00 KB (40.00 %) c at seed.py:17
│           └── 100.00 KB (40.00 %) d at seed.py:21
└── 50.00 KB (20.00 %) run at threading.py:975
    └── 50.00 KB (20.00 %) work at worker.py:5
"""
check(tree.split("\n", 1)[1] == want, "tree:\n" + tree)
tree = report("tree", "--biggest", "1", seed)
check("... 1 more: 100.00 KB (40.00 %)" in tree and
      "... 1 more: 50.00 KB (20.00 %)" in tree, "--biggest 1:\n" + tree)
check("\033[" in report("tree", "--color=always", seed), "--color=always")

# --- folded -------------------------------------------------------------
folded = report("folded", seed)
check(sorted(folded.splitlines()) == ["<module>;a;b;c 100000",
                                      "<module>;a;b;d 100000",
                                      "run;work 50000"], "folded:\n" + folded)
folded = report("folded", "--locations", "--leaks", seed)
check("<module> (seed.py:30);a (seed.py:9);e (seed.py:25) 32768" in
      folded.splitlines(), "folded --locations --leaks:\n" + folded)
out = os.path.join(d, "out.folded")
report("folded", "-o", out, seed)
check(open(out).read() == report("folded", seed), "folded -o")
check(oct(os.stat(out).st_mode & 0o777) == "0o600", "-o file mode")
p = run(["memattach", "report", "folded", "-o", out, seed], check_rc=1)
check(p.stderr.count("\n") == 1 and "already exists" in p.stderr,
      "-o over an existing file: %r" % p.stderr)

# --- native stacks: C frames are locations of their own ---------------
nat = os.path.join(d, "native.bin")
mc.native_capture().write(nat)
# The recorded build-id is made up: the interpreter on disk differs.
s = json.loads(report("summary", "--json", nat,
                      warning="build-id differs from the capture"))
check(s["capture"]["native"], "native capture flag")
natives = [l for l in s["locations"] if l["native"]]
check(len(natives) >= 5 and all(l["total_bytes"] == 4096 for l in natives),
      "native locations: %s" % natives)
f = by_function(s)
check(f["c"]["total_bytes"] == 4096 + 512 and f["c"]["own_bytes"] == 512,
      "c under native frames: %s" % f["c"])
s = json.loads(report("summary", "--json", "--no-native", nat))
check(not any(l["native"] for l in s["locations"]) and
      by_function(s)["c"]["own_bytes"] == 4096 + 512, "--no-native")

# --- several LZ4 frames read as one stream ------------------------------
multi = os.path.join(d, "seed3.bin")
mc.seed_capture(frames=3).write(multi)
for kind in ("summary", "stats"):
    a = json.loads(report(kind, "--json", seed))
    b = json.loads(report(kind, "--json", multi))
    a["capture"]["path"] = b["capture"]["path"] = ""
    check(a == b, "%s differs when the stream has 3 frames" % kind)
print("ok")
