"""report_speed.py: how fast the reports read a large capture.

The capture comes from alloc_small.py under `memattach run` with
PYTHONMALLOC=malloc: Python's small-object allocator would otherwise serve
almost every object from its arenas, and a malloc-level capture of
alloc_small would hold only a few thousand events.
"""
import os
import shutil

from benchlib import (Table, capture_events, fmt_bytes, fmt_count,
                      fmt_seconds, measure, median)

WANTED_EVENTS = 5_000_000


def make_capture(ctx, log):
    """Returns (path, events, note, table row facts) or (None, why...)."""
    calls = "20000" if ctx.smoke else "600000" if ctx.quick else "1000000"
    out = ctx.scratch_path("big")
    env_extra = {"PYTHONMALLOC": "malloc"}
    argv = [ctx.memattach, "run", "-q", "-o", out,
            ctx.workload("alloc_small.py"), calls, "1"]
    ctx.note_command("report speed", argv, env_extra)
    log("report speed: making the capture (alloc_small.py %s 1)" % calls)
    r = measure(argv, env=ctx.env(env_extra))
    why = r.failure()
    if not why and not os.path.exists(out):
        why = "no capture file written"
    if why:
        return None, None, "failed: " + why, r.wall
    events, note = capture_events(ctx, out)
    return out, events, note, r.wall


REPORTS = [
    ("summary", [], False),
    ("stats", [], False),
    ("flamegraph", ["-o", "{out}.html"], True),
    ("table", ["-o", "{out}.html"], True),
    ("tree", [], False),
    ("folded", ["-o", "{out}.txt"], True),
]


def run(ctx, log):
    reps = 1 if ctx.smoke or ctx.quick else 3
    path, events, note, made_in = make_capture(ctx, log)
    size = os.path.getsize(path) if path else None
    title = "Report speed on a capture of %s events (%s on disk)" % (
        fmt_count(events) if events is not None else "?", fmt_bytes(size))
    notes = ["Capture: alloc_small.py under memattach run with "
             "PYTHONMALLOC=malloc, written in %s." % fmt_seconds(made_in)]
    if events is None:
        notes.append("Event count unknown: %s." % (note or "no capture"))
    elif events < WANTED_EVENTS:
        notes.append("This capture has fewer than the %s events the full "
                     "benchmark aims at%s." % (
                         fmt_count(WANTED_EVENTS),
                         " (--quick/--smoke use a smaller one)"
                         if ctx.quick or ctx.smoke else ""))
    if shutil.which("memray"):
        notes.append("Memray is installed but reads only its own captures; "
                     "compare with `memray run` on the same program by hand.")
    else:
        notes.append("Memray is not installed here, so the goal \"10× faster "
                     "than Memray's reports\" is not measured by this run.")
    t = Table(title, ["report", "median wall", "events/s", "peak RSS",
                      "output"], notes)
    if path is None:
        t.add("-", note, "", "", "")
        print(t.text(), flush=True)
        return [t]
    for kind, opts, to_file in REPORTS:
        walls, rss, failed, out_size = [], [], None, None
        for _ in range(reps):
            stem = ctx.scratch_path("report-" + kind, "")
            argv = [ctx.memattach, "report", kind, path] + \
                   [o.format(out=stem) for o in opts]
            ctx.note_command("report speed", argv)
            r = measure(argv, env=ctx.env())
            failed = r.failure()
            if failed:
                break
            walls.append(r.wall)
            rss.append(r.maxrss_kb)
            for ext in (".html", ".txt"):
                if os.path.exists(stem + ext):
                    out_size = os.path.getsize(stem + ext)
                    os.unlink(stem + ext)
        if failed:
            t.add(kind, "failed: " + failed, "", "", "")
            continue
        wall = median(walls)
        rate = fmt_count(int(events / wall)) if events and wall else "-"
        t.add(kind, fmt_seconds(wall), rate, fmt_bytes(median(rss) * 1024),
              fmt_bytes(out_size) if to_file else "terminal")
    os.unlink(path)
    print(t.text(), flush=True)
    return [t]
