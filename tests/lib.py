"""lib.py: helpers shared by the end-to-end tests (run under make check)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MEMATTACH = os.environ.get("MEMATTACH", "memattach")
PAYLOAD = os.environ.get("MEMATTACH_PAYLOAD", "")
WORKLOADS = os.environ.get("WORKLOADS", "")
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"          # Debian's interpreter: the main target
SKIP = 77
HARD_ERROR = 99


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def check(cond, why):
    if not cond:
        fail(why)


def workload(name):
    return os.path.join(WORKLOADS, name)


def tmpdir():
    """A private scratch directory, removed at exit."""
    d = tempfile.mkdtemp(prefix="memattach-test-")
    import atexit
    atexit.register(shutil.rmtree, d, True)
    return d


def run(args, timeout=120, check_rc=None, **kw):
    """Run memattach (or any argv); return CompletedProcess with text."""
    if args and args[0] == "memattach":
        args = [MEMATTACH] + list(args[1:])
    p = subprocess.run(args, capture_output=True, text=True,
                       timeout=timeout, **kw)
    if check_rc is not None and p.returncode != check_rc:
        fail("%s exited %d, expected %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), p.returncode, check_rc, p.stdout, p.stderr))
    return p


def report_json(kind, capture, *extra):
    p = run(["memattach", "report", kind, "--json", capture] + list(extra),
            check_rc=0)
    return json.loads(p.stdout)


class Target:
    """A Python workload started in the background, waited on for "ready"."""

    def __init__(self, script, *args, python=PYTHON, ready=True):
        self.proc = subprocess.Popen([python, workload(script)] + list(args),
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        if ready:
            line = self.proc.stdout.readline()
            if "ready" not in line and "serving" not in line:
                self.kill()
                fail("%s did not get ready: %r" % (script, line))

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
