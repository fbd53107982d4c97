"""injectlib.py: helpers for the injector's tests (attach, detach, status)."""
import os
import subprocess
import time

from lib import MEMATTACH, PAYLOAD, check, fail, skip

TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR", ".")
TOP_SRCDIR = os.environ.get("TOP_SRCDIR", ".")
# A stand-in payload that only speaks the wire protocol
# (tests/inject-testlib.c)
TESTLIB = os.path.join(TOP_BUILDDIR, "tests", "inject-testlib.so")


def exports_start(path):
    """Whether a payload file defines memattach_payload_start."""
    try:
        out = subprocess.run(["nm", "-D", "--defined-only", path],
                             capture_output=True, text=True).stdout
    except OSError:
        return False
    return " memattach_payload_start" in out


def real_payload():
    """The real payload's path, or None while it has not landed."""
    return PAYLOAD if PAYLOAD and exports_start(PAYLOAD) else None


def need_real_payload():
    p = real_payload()
    if not p:
        skip("the real memattach-payload.so has not landed yet "
             "(no memattach_payload_start in %s)" % PAYLOAD)
    return p


def has_reader():
    p = subprocess.run([MEMATTACH, "report", "stats", "--json",
                        "/nonexistent"], capture_output=True, text=True)
    return "not available in this build" not in p.stderr


def env_with(payload):
    e = dict(os.environ)
    e["MEMATTACH_PAYLOAD"] = payload
    return e


def attach(pid, *args, payload=None, timeout=60, cwd=None):
    """memattach PID args..., with the given payload (default: testlib)."""
    return subprocess.run([MEMATTACH, str(pid)] + list(args),
                          capture_output=True, text=True, timeout=timeout,
                          env=env_with(payload or TESTLIB), cwd=cwd)


def tasks(pid):
    """{tid: (wchan, syscall number or 'running')} of every thread."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        base = "/proc/%d/task/%s/" % (pid, tid)
        try:
            with open(base + "wchan") as f:
                wchan = f.read().strip()
            with open(base + "syscall") as f:
                sc = f.read().split()[0]
        except OSError:
            continue
        out[int(tid)] = (wchan, sc)
    return out


def state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def payload_mapped(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "memattach-payload" in f.read()


def check_one_error_line(p, what):
    """A failed attach: non-zero exit, one 'memattach: ' line on stderr."""
    lines = p.stderr.strip().splitlines()
    check(p.returncode != 0, "%s: exit 0, want an error" % what)
    check(len(lines) == 1 and lines[0].startswith("memattach: "),
          "%s: want one 'memattach: ' line, got %r" % (what, p.stderr))
    return lines[0]


def wait_for(cond, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    fail("timed out waiting for " + what)
