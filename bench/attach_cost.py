"""attach_cost.py: what attaching costs a live server.

A throwaway tests/workloads/server.py serves on an ephemeral port while its
own bounded client measures requests per second, one line per second.  In
the middle, `memattach -v PID --duration D` captures.  The client's lines are
split into before / during / after by their timestamps, and memattach's
verbose lines give how long the target was stopped.
"""
import os
import re
import shutil
import signal
import subprocess
import threading
import time

from benchlib import (PYTHON, Table, capture_events, fmt_bytes, fmt_count,
                      last_error_line)

STOPPED_RE = re.compile(r"target stopped\s+([0-9.]+)\s*ms\s*\((attach|detach)\)")
CLIENT_RE = re.compile(r"epoch=([0-9.]+) .*req/s=([0-9.]+) max_ms=([0-9.]+) "
                       r"errors=(\d+)")


class LineReader:
    """Collects a pipe's lines with the time each arrived."""

    def __init__(self, pipe):
        self.lines = []
        self.thread = threading.Thread(target=self._read, args=(pipe,),
                                       daemon=True)
        self.thread.start()

    def _read(self, pipe):
        for line in pipe:
            self.lines.append((time.time(), line.rstrip("\n")))

    def join(self, timeout=5):
        self.thread.join(timeout)


def start_server(ctx):
    """A private server; returns (Popen, port) or (None, why)."""
    p = subprocess.Popen([PYTHON, ctx.workload("server.py"), "serve", "0"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True,
                         start_new_session=True)
    m = re.search(r":(\d+)", p.stdout.readline())
    if not m:
        stop(p)
        return None, "server.py did not start"
    return p, int(m.group(1))


def stop(p, sig=signal.SIGKILL):
    """End a process we started (by pid) and reap it."""
    if p.poll() is None:
        try:
            os.kill(p.pid, sig)
        except ProcessLookupError:
            pass
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()


def start_client(ctx, port):
    # Many requests and a long limit: we end the client ourselves.
    p = subprocess.Popen([PYTHON, ctx.workload("server.py"), "client",
                          str(port), "100000000", "600"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    return p, LineReader(p.stdout)


def phases(client_lines, t_start, t_end):
    """Mean req/s, worst request time and errors before, during and after
    [t_start, t_end].  A client line covers the second before its epoch; a
    line that overlaps the capture at all counts as during."""
    out = {k: ([], [], 0) for k in ("before", "during", "after")}
    prev_errors = 0
    for _, line in client_lines:
        m = CLIENT_RE.search(line)
        if not m:
            continue
        epoch, rate, worst, errors = (float(m.group(1)), float(m.group(2)),
                                      float(m.group(3)), int(m.group(4)))
        if epoch < t_start:
            k = "before"
        elif epoch - 1.0 > t_end:
            k = "after"
        else:
            k = "during"
        rates, worsts, errs = out[k]
        rates.append(rate)
        worsts.append(worst)
        out[k] = (rates, worsts, errs + errors - prev_errors)
        prev_errors = errors              # the client's count is cumulative
    res = {}
    for k, (rates, worsts, errs) in out.items():
        res[k] = (sum(rates) / len(rates) if rates else None,
                  max(worsts) if worsts else None, errs)
    return res


def fmt_phase(ph):
    rate, worst, errs = ph
    if rate is None:
        return "-"
    s = "%.0f (worst %.0f ms)" % (rate, worst)
    return s + (", %d errors" % errs if errs else "")


def attach_cycle(ctx, server, port, before, duration, after):
    """One capture of the running server; returns a dict of figures.
    (main.c takes the PID as the first word, so -v follows it.)"""
    client, reader = start_client(ctx, port)
    time.sleep(before)
    out = ctx.scratch_path("attach")
    argv = [ctx.memattach, str(server.pid), "-v", "--duration",
            str(duration), "-o", out]
    ctx.note_command("attach", argv, pid=server.pid)
    t_start = time.time()
    m = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    errs = LineReader(m.stderr)
    try:
        m.wait(duration + 120)
    except subprocess.TimeoutExpired:
        stop(m)
    errs.join()
    t_end = time.time()
    time.sleep(after)
    stop(client, signal.SIGTERM)
    reader.join()
    res = {"wall": t_end - t_start, "attach_ms": None, "detach_ms": None,
           "to_capturing": None, "failed": None, "events": None,
           "size": None}
    text = "\n".join(l for _, l in errs.lines)
    if m.returncode != 0:
        res["failed"] = "failed: %s" % (last_error_line(text) or
                                        "exit status %d" % m.returncode)
    for when, line in errs.lines:
        s = STOPPED_RE.search(line)
        if s:
            res[s.group(2) + "_ms"] = float(s.group(1))
        elif "capturing" in line and res["to_capturing"] is None:
            res["to_capturing"] = when - t_start
    if server.poll() is not None:
        res["failed"] = "TARGET DIED (status %s)" % server.returncode
    res["phases"] = phases(reader.lines, t_start, t_end)
    if os.path.exists(out):
        res["size"] = os.path.getsize(out)
        if not res["failed"]:
            res["events"], _ = capture_events(ctx, out)
        os.unlink(out)
    return res


def heaptrack_attach(ctx, before, window):
    """heaptrack -p against its own throwaway server (it has been seen to
    SIGSEGV Debian's python3).  Returns one line for the table."""
    server, port = start_server(ctx)
    if server is None:
        return "failed: " + port
    client, reader = start_client(ctx, port)
    time.sleep(before)
    out = ctx.scratch_path("heaptrack-attach", "")
    argv = ["heaptrack", "-o", out, "-p", str(server.pid)]
    ctx.note_command("attach", argv, pid=server.pid)
    t_start = time.time()
    ht = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, start_new_session=True)
    ht_lines = LineReader(ht.stdout)
    deadline = t_start + window
    while time.time() < deadline and server.poll() is None:
        time.sleep(0.1)
    died = server.poll()
    t_end = time.time()
    stop(client, signal.SIGTERM)
    reader.join()
    stop(server, signal.SIGTERM)      # heaptrack -p runs until its target ends
    try:
        ht.wait(5)
    except subprocess.TimeoutExpired:
        pass
    try:                                 # gdb and heaptrack's helpers
        os.killpg(ht.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    ht.wait()
    ht_lines.join()
    for f in os.listdir(ctx.scratch):
        if f.startswith(os.path.basename(out)):
            os.unlink(os.path.join(ctx.scratch, f))
    ph = phases(reader.lines, t_start, t_end)
    if died is not None:
        sig = -died if died < 0 else None
        how = ("killed by %s" % signal.Signals(sig).name) if sig else \
            "exit status %d" % died
        return "CRASHED the target (%s) %.1f s after heaptrack -p started; " \
               "req/s before %s" % (how, t_end - t_start, fmt_phase(ph["before"]))
    return "target survived %.0f s; req/s before %s, during %s" % (
        window, fmt_phase(ph["before"]), fmt_phase(ph["during"]))


def run(ctx, log):
    cycles = 2 if ctx.quick else 3
    before, duration, after = (2, 2, 2) if ctx.quick else (3, 2, 3)
    server, port = start_server(ctx)
    t = Table("Attach cost: memattach PID -v --duration %d on a loaded "
              "server.py" % duration,
              ["cycle", "to \"capturing\"", "stopped (attach)",
               "stopped (detach)", "req/s before", "req/s during",
               "req/s after", "capture", "events"],
              notes=["Targets: stopped ≤ 50 ms to attach, ≤ 10 ms to detach. "
                     "req/s come from server.py's own client (one line per "
                     "second; worst = slowest request in any such second)."])
    if server is None:
        t.add("-", "failed: " + port, "", "", "", "", "", "", "")
        print(t.text(), flush=True)
        return [t]
    try:
        for i in range(cycles):
            log("attach: cycle %d/%d" % (i + 1, cycles))
            r = attach_cycle(ctx, server, port, before, duration, after)
            ms = lambda v, goal: "-" if v is None else "%.1f ms (≤ %d %s)" % (
                v, goal, "met" if v <= goal else "MISSED")
            first = r["failed"] or ("%.0f ms" % (r["to_capturing"] * 1e3)
                                    if r["to_capturing"] is not None else "-")
            t.add(str(i + 1), first, ms(r["attach_ms"], 50),
                  ms(r["detach_ms"], 10), fmt_phase(r["phases"]["before"]),
                  fmt_phase(r["phases"]["during"]),
                  fmt_phase(r["phases"]["after"]), fmt_bytes(r["size"]),
                  fmt_count(r["events"]))
            if server.poll() is not None:
                break
    finally:
        stop(server, signal.SIGTERM)
    tables = [t]
    print(t.text(), flush=True)

    h = Table("Attach cost: heaptrack -p PID (reference)", ["result"])
    if not shutil.which("heaptrack"):
        h.add("skipped: heaptrack not installed")
    elif not shutil.which("gdb"):
        h.add("skipped: heaptrack -p needs gdb, which is not installed")
    else:
        log("attach: heaptrack -p on a throwaway server")
        h.add(heaptrack_attach(ctx, before, 8 if ctx.quick else 15))
    print(h.text(), flush=True)
    tables.append(h)
    return tables
