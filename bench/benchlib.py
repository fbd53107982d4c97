"""benchlib.py: what every benchmark section shares: running one command
and measuring it, reading memattach's JSON, tables, the machine.

Standard library only: the benchmarks must run on a bare Debian with
/usr/bin/python3 and nothing from PyPI.
"""
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import tempfile
import threading
import time

PYTHON = "/usr/bin/python3"          # Debian's interpreter: the real target


class Context:
    """Paths and switches shared by the sections."""

    def __init__(self, top, memattach, payload, quick, smoke, scratch):
        self.top = top                       # source tree (bench/..)
        self.workloads = os.path.join(top, "tests", "workloads")
        self.memattach = memattach
        self.payload = payload
        self.quick = quick
        self.smoke = smoke
        self.scratch = scratch               # private temporary directory
        self.commands = []                   # (section, shell line) for the doc
        self._serial = 0

    def workload(self, name):
        return os.path.join(self.workloads, name)

    def scratch_path(self, stem, ext=".bin"):
        """A fresh name in the scratch directory (memattach refuses to
        overwrite, and runs must never see each other's files)."""
        self._serial += 1
        return os.path.join(self.scratch, "%s-%d%s" % (stem, self._serial, ext))

    def env(self, extra=None):
        env = dict(os.environ)
        if self.payload:
            env["MEMATTACH_PAYLOAD"] = self.payload
        env.update(extra or {})
        return env

    def note_command(self, section, argv, env_extra=None, pid=None):
        """Remember a command line for docs/performance.md, with the
        machine's paths (and the target's pid) replaced by names a reader
        can map."""
        line = " ".join(self.pretty_path(shlex.quote(a)) if str(pid) != a
                        else "$PID" for a in argv)
        for k, v in sorted((env_extra or {}).items()):
            line = "%s=%s %s" % (k, v, line)
        if (section, line) not in self.commands:
            self.commands.append((section, line))

    def pretty_path(self, arg):
        arg = arg.replace(self.scratch + "/", "$TMP/")
        arg = re.sub(r"-\d+(\.bin|\.html|\.txt|\.zst)?$", r"\1", arg)
        arg = arg.replace(self.workloads + "/", "tests/workloads/")
        if self.memattach and arg == self.memattach:
            return "memattach"
        return arg


class Run:
    """One finished command: wall time, exit, rusage, stderr."""

    def __init__(self, argv, wall, status, maxrss_kb, stderr, timed_out):
        self.argv = argv
        self.wall = wall
        self.status = status                  # raw wait status
        # ru_maxrss of the command.  Linux reports the largest of the
        # process and of every descendant it waited for, so for a wrapper
        # (memattach run, heaptrack) this is the largest process of the
        # tree: the Python program in practice.
        self.maxrss_kb = maxrss_kb
        self.stderr = stderr
        self.timed_out = timed_out

    def failure(self):
        """None if the command succeeded, else one line saying why."""
        if self.timed_out:
            return "timed out after %.0f s" % self.wall
        if os.WIFEXITED(self.status) and os.WEXITSTATUS(self.status) == 0:
            return None
        if os.WIFSIGNALED(self.status):
            why = "killed by %s" % signal.Signals(os.WTERMSIG(self.status)).name
        else:
            why = "exit status %d" % os.WEXITSTATUS(self.status)
        last = last_error_line(self.stderr)
        return "%s: %s" % (why, last) if last else why


def last_error_line(text):
    """The line of stderr that best says what went wrong: the last
    "memattach: ..." line if there is one, else the last line."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if not lines:
        return ""
    mine = [l for l in lines if l.startswith("memattach:")]
    causes = [l for l in mine if "usage:" not in l]
    line = (causes or mine or lines)[-1]
    return line if len(line) <= 160 else line[:157] + "..."


def _kill_group(pgid, flag):
    flag.append(True)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


GNU_TIME = "/usr/bin/time"


def rss_wrapped(argv, path):
    """argv run under GNU time, which writes the child's ru_maxrss to path.

    Why not our own wait4: a child's ru_maxrss starts at the RSS of the
    process that forked it (Linux records the pre-exec memory's high-water
    mark at exec), and this script is a 15 MB Python; GNU time is a 2 MB C
    program, so its child's figure is the target's own."""
    if not os.access(GNU_TIME, os.X_OK):
        return argv
    return [GNU_TIME, "-f", "%M", "-o", path, "--"] + list(argv)


def _read_time_output(path, status, rusage):
    """(status, maxrss_kb) from GNU time's file: its own exit status hides
    a signal death as 128+N."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return status, rusage.ru_maxrss if rusage else 0
    maxrss = rusage.ru_maxrss if rusage else 0
    for line in lines:
        m = re.match(r"Command terminated by signal (\d+)", line)
        if m:
            status = int(m.group(1))             # a raw "killed by N" status
        elif line.strip().isdigit():
            maxrss = int(line.strip())
    return status, maxrss


def measure(argv, env=None, timeout=900, stdout=subprocess.DEVNULL):
    """Run argv to completion in its own process group; return a Run.

    The wall time spans fork to reap, the same overhead for every
    configuration.  A timer kills the whole group (a wrapper and its
    Python child) if it runs past timeout."""
    with tempfile.TemporaryFile() as errf, \
            tempfile.NamedTemporaryFile(prefix="rss-") as rssf:
        timed_out = []
        shown_argv = argv
        argv = rss_wrapped(argv, rssf.name)
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                    stdout=stdout, stderr=errf, env=env,
                                    start_new_session=True)
        except OSError as e:
            return Run(shown_argv, 0.0, 127 << 8, 0,
                       "%s: %s" % (argv[0], e.strerror), False)
        timer = threading.Timer(timeout, _kill_group, (proc.pid, timed_out))
        timer.start()
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        except BaseException:
            _kill_group(proc.pid, [])
            os.wait4(proc.pid, 0)
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here
        # A wrapper may leave helpers behind in its group (heaptrack's
        # interpreter): they are ours, end them.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        errf.seek(0)
        stderr = errf.read().decode("utf-8", "replace")
        maxrss = rusage.ru_maxrss
        if argv is not shown_argv:
            status, maxrss = _read_time_output(rssf.name, status, rusage)
    return Run(shown_argv, wall, status, maxrss, stderr, bool(timed_out))


# Key names a stats --json object may use for the number of events; the
# reader's JSON is the contract, these are the spellings we accept.
_EVENT_KEYS = ("events", "event_count", "total_events", "nevents",
               "n_events", "records")


def find_event_count(obj):
    """Number of events in a stats --json object, or None if it does not
    say.  Accepts a direct count under a known key (at any depth), else
    allocations + frees."""
    if isinstance(obj, dict):
        for k in _EVENT_KEYS:
            v = obj.get(k)
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        allocs = frees = None
        for k, v in obj.items():
            if not isinstance(v, int) or isinstance(v, bool):
                continue
            if k in ("allocations", "total_allocations", "allocation_count",
                     "total_count", "alloc_count"):
                allocs = v
            elif k in ("frees", "total_frees", "free_count", "deallocations"):
                frees = v
        if allocs is not None and frees is not None:
            return allocs + frees
        for v in obj.values():
            n = find_event_count(v)
            if n is not None:
                return n
    return None


def capture_events(ctx, capture):
    """(events, note): events from `memattach report stats --json`, or
    (None, why) if the report is missing, fails or does not say."""
    argv = [ctx.memattach, "report", "stats", "--json", capture]
    ctx.note_command("event counts", argv)
    try:
        p = subprocess.run(argv, env=ctx.env(), capture_output=True,
                           text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, "stats timed out"
    if p.returncode != 0:
        return None, "stats: " + (last_error_line(p.stderr) or
                                  "exit status %d" % p.returncode)
    try:
        n = find_event_count(json.loads(p.stdout))
    except ValueError:
        return None, "stats --json: not JSON"
    return (n, "") if n is not None else (None, "stats --json: no event count")


def median(xs):
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- tables

class Table:
    """A titled table printed to the terminal and written as Markdown."""

    def __init__(self, title, headers, notes=()):
        self.title = title
        self.headers = list(headers)
        self.rows = []
        self.notes = list(notes)

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])

    @staticmethod
    def _spans(row):
        """A row with only a name and a message ("failed: ...") runs across
        the columns instead of widening the second one."""
        return len(row) > 2 and not any(row[2:])

    def text(self):
        widths = [len(h) for h in self.headers]
        for r in self.rows:
            for i, c in enumerate(r):
                if not (i == 1 and self._spans(r)):
                    widths[i] = max(widths[i], len(c))
        out = [self.title, "=" * len(self.title)]
        fmt = lambda cells: "  ".join(c.ljust(w) for c, w in
                                      zip(cells, widths)).rstrip()
        out.append(fmt(self.headers))
        out.append(fmt(["-" * w for w in widths]))
        for r in self.rows:
            if self._spans(r):
                out.append(r[0].ljust(widths[0]) + "  " + r[1])
            else:
                out.append(fmt(r))
        out.extend(self.notes)
        return "\n".join(out) + "\n"

    def markdown(self, level="###"):
        esc = lambda c: c.replace("|", "\\|")
        out = ["%s %s" % (level, self.title), ""]
        out.append("| " + " | ".join(map(esc, self.headers)) + " |")
        out.append("|" + "---|" * len(self.headers))
        for r in self.rows:
            out.append("| " + " | ".join(map(esc, r)) + " |")
        if self.notes:
            out.append("")
            out.extend(self.notes)
        return "\n".join(out) + "\n"


def fmt_seconds(s):
    if s is None:
        return "-"
    return "%.3f s" % s if s < 10 else "%.1f s" % s


def fmt_bytes(n):
    if n is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return "%.2f %s" % (n / scale, unit)
    return "%d B" % n


def fmt_count(n):
    if n is None:
        return "-"
    if n >= 1e6:
        return "%.2f M" % (n / 1e6)
    if n >= 1e4:
        return "%.1f k" % (n / 1e3)
    return str(n)


# ---------------------------------------------------------------- machine

def machine():
    """(label, value) pairs describing where the figures come from."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        debian = "not Debian"
    try:
        pyver = subprocess.run([PYTHON, "-c", "import sys; print(sys.version.split()[0])"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        pyver = "missing"
    load = " ".join("%.2f" % x for x in os.getloadavg())
    return [
        ("CPU", cpu),
        ("cores", str(os.cpu_count())),
        ("kernel", platform.release()),
        ("Debian", debian),
        ("Python (target)", "%s (%s)" % (pyver, PYTHON)),
        ("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
        ("load average at start", load),
    ]


def source_commit(top):
    """The source tree's commit (with "+changes" if a file other than
    docs/performance.md differs from it), or "unknown" outside git."""
    try:
        head = subprocess.run(["git", "-C", top, "rev-parse", "--short",
                               "HEAD"], capture_output=True, text=True)
        # The document being regenerated is not a change to what runs.
        dirty = subprocess.run(["git", "-C", top, "status", "--porcelain",
                                "--untracked-files=no", "--", ".",
                                ":!docs/performance.md"],
                               capture_output=True, text=True)
    except OSError:
        return "unknown"
    if head.returncode:
        return "unknown"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
