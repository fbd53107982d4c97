"""runtime_cost.py: how much slower a program runs under each tracer.

Each workload runs in an interleaved series A B C D E A B C D E ... so that
a slow moment of this shared machine hits every configuration alike.  The
figure that counts is the median wall time divided by the untraced median.
"""
import glob
import os
import re
import shutil

from benchlib import (PYTHON, Table, capture_events, fmt_bytes, fmt_count,
                      fmt_seconds, measure, median)

# name, workload script, arguments (full, quick, smoke), extra environment.
# alloc_small under PYTHONMALLOC=malloc sends every object through malloc,
# which turns the malloc-level hooks' light load into millions of events: the
# stress case for the event path and the bytes-per-event figure.
WORKLOADS = [
    ("alloc_small", "alloc_small.py", ([], ["2000000", "2"], ["20000", "1"]), {}),
    ("alloc_big", "alloc_big.py", ([], ["10000"], None), {}),
    ("threads", "threads.py", ([], ["1000000"], None), {}),
    ("alloc_small, PYTHONMALLOC=malloc", "alloc_small.py",
     (["2000000", "1"], ["1000000", "1"], None), {"PYTHONMALLOC": "malloc"}),
]


class Config:
    """One way of running a workload."""

    def __init__(self, name, target, capture_ext=None, anchor=None):
        self.name = name
        self.target = target          # slowdown goal, None for references
        self.capture_ext = capture_ext
        self.anchor = anchor          # slowdown measured elsewhere, for context

    def argv(self, ctx, script, args, out):
        raise NotImplementedError


class Untraced(Config):
    def argv(self, ctx, script, args, out):
        return [PYTHON, script] + args


class MemattachRun(Config):
    def __init__(self, name, target, options):
        super().__init__(name, target, ".bin")
        self.options = options

    def argv(self, ctx, script, args, out):
        return [ctx.memattach, "run", "-q", "-o", out] + self.options + \
               [script] + args


class Tracemalloc(Config):
    def argv(self, ctx, script, args, out):
        return [PYTHON, "-X", "tracemalloc=1", script] + args


class Heaptrack(Config):
    def argv(self, ctx, script, args, out):
        return ["heaptrack", "-o", out, PYTHON, script] + args


def configurations():
    configs = [
        Untraced("untraced", None),
        MemattachRun("memattach run", 1.15, []),
        MemattachRun("memattach run --native", 1.4, ["--native"]),
        MemattachRun("memattach run --trace-python-allocators", 2.5,
                     ["--trace-python-allocators"]),
        Tracemalloc("python3 -X tracemalloc=1", None, anchor="8.6×"),
    ]
    ht = Heaptrack("heaptrack", None, ".zst", anchor="1.16×")
    if not shutil.which("heaptrack"):
        ht.skipped = "skipped: heaptrack not installed"
    configs.append(ht)
    return configs


class Series:
    """What one configuration gathered on one workload."""

    def __init__(self):
        self.walls = []
        self.rss_kb = []
        self.sizes = []
        self.failed = None
        self.events = None
        self.events_note = ""
        self.events_label = ""


def _capture_files(out):
    """heaptrack appends its compression suffix; memattach writes out."""
    if os.path.exists(out):
        return [out]
    return glob.glob(glob.escape(out) + "*")


def _heaptrack_events(stderr):
    m = re.search(r"allocations:\s+(\d+)", stderr)
    return int(m.group(1)) if m else None


def _one(ctx, cfg, series, script, args, env_extra, stem):
    out = ctx.scratch_path(stem, "") if isinstance(cfg, Heaptrack) else \
        ctx.scratch_path(stem)
    argv = cfg.argv(ctx, script, args, out)
    ctx.note_command("run-time cost", argv, env_extra)
    r = measure(argv, env=ctx.env(env_extra))
    why = r.failure()
    files = _capture_files(out) if cfg.capture_ext else []
    if not why and cfg.capture_ext and not files:
        why = "no capture file written"
    if why:
        series.failed = "failed: " + why
    else:
        series.walls.append(r.wall)
        series.rss_kb.append(r.maxrss_kb)
        if cfg.capture_ext:
            series.sizes.append(sum(os.path.getsize(f) for f in files))
            if series.events is None and not series.events_note:
                if isinstance(cfg, MemattachRun):
                    series.events, series.events_note = \
                        capture_events(ctx, files[0])
                elif isinstance(cfg, Heaptrack):
                    series.events = _heaptrack_events(r.stderr)
                    series.events_label = "allocations only"
    for f in files:
        os.unlink(f)


def _ratio(x, base):
    return x / base if x is not None and base else None


def bench_workload(ctx, name, script, args, env_extra, reps, configs, log):
    all_series = {c.name: Series() for c in configs}
    script = ctx.workload(script)
    if reps > 1:                       # warm the page cache, not counted
        measure([PYTHON, script] + args, env=ctx.env(env_extra))
    for rep in range(reps):
        for cfg in configs:
            s = all_series[cfg.name]
            if getattr(cfg, "skipped", None) or s.failed:
                continue
            _one(ctx, cfg, s, script, args, env_extra,
                 name.split(",")[0] + "-" + cfg.name.split()[0])
        log("  %s: repetition %d/%d done" % (name, rep + 1, reps))
    return all_series


def table_for(name, args, env_extra, reps, configs, all_series):
    shown_args = " ".join(args) if args else "(default sizes)"
    env = " ".join("%s=%s" % kv for kv in sorted(env_extra.items()))
    title = "Run-time cost: %s %s%s, median of %d" % (
        name.split(",")[0] + ".py", shown_args, (" with " + env) if env else "",
        reps)
    t = Table(title, ["configuration", "median wall", "range", "ratio",
                      "target", "min ratio", "peak RSS", "capture",
                      "events", "bytes/event"],
              notes=["ratio: median over the untraced median (the figure "
                     "the targets judge); min ratio: fastest run over the "
                     "fastest untraced run, less sensitive to the other "
                     "jobs of this shared machine."])
    base = median(all_series["untraced"].walls)
    base_min = min(all_series["untraced"].walls or [0]) or None
    for cfg in configs:
        s = all_series[cfg.name]
        skip = getattr(cfg, "skipped", None)
        if skip or s.failed and not s.walls:
            t.add(cfg.name, skip or s.failed, "", "", "", "", "", "", "", "")
            continue
        wall = median(s.walls)
        ratio = _ratio(wall, base)
        if cfg.target:
            target = "≤ %.2f× %s" % (cfg.target, "met" if ratio is not None
                                     and round(ratio, 2) <= cfg.target
                                     else "MISSED")
        elif cfg.anchor:
            target = "(anchor %s)" % cfg.anchor
        else:
            target = ""
        size = median(s.sizes) if s.sizes else None
        if s.events is not None:
            events = fmt_count(s.events)
            if s.events_label:
                events += " (%s)" % s.events_label
        elif s.events_note:
            events = "n/a"
            note = "events n/a: %s" % s.events_note
            if note not in t.notes:
                t.notes.append(note)
        else:
            events = "-"
        bpe = "-"
        if size is not None and s.events:
            b = size / s.events
            bpe = "%.2f" % b
            if isinstance(cfg, MemattachRun):
                bpe += " (≤ 4 %s)" % ("met" if b <= 4 else "MISSED")
        rng = "%s – %s" % (fmt_seconds(min(s.walls)), fmt_seconds(max(s.walls)))
        rmin = _ratio(min(s.walls), base_min)
        t.add(cfg.name, fmt_seconds(wall), rng,
              "%.2f×" % ratio if ratio is not None else "-", target,
              "%.2f×" % rmin if rmin is not None else "-",
              fmt_bytes(median(s.rss_kb) * 1024), fmt_bytes(size), events, bpe)
        if s.failed:
            t.notes.append("%s: %s after %d good runs" % (cfg.name, s.failed,
                                                          len(s.walls)))
    return t


def run(ctx, log):
    """Returns the list of tables of this section."""
    reps = 1 if ctx.smoke else 5 if ctx.quick else 7
    configs = configurations()
    tables = []
    for name, script, sizes, env_extra in WORKLOADS:
        args = sizes[2] if ctx.smoke else sizes[1] if ctx.quick else sizes[0]
        if args is None:
            continue
        log("run-time cost: %s" % name)
        series = bench_workload(ctx, name, script, args, env_extra, reps,
                                configs, log)
        t = table_for(name, args, env_extra, reps, configs, series)
        print(t.text(), flush=True)
        tables.append(t)
    return tables
