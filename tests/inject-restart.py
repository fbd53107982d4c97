"""Attaching interrupts system calls; each must be restarted exactly as the
kernel would restart it: no EINTR reaches the program and a sleep lasts
its full time.  Each kind of call is tried on the borrowed thread (the
main thread, when every thread sits in a syscall) and on the others."""
import os
import subprocess
import time

from injectlib import TESTLIB, attach, payload_mapped, real_payload
from lib import PYTHON, check, fail, tmpdir

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "inject-restart-target.py")
KINDS = ["nanosleep", "poll", "select", "read", "futex"]
d = tmpdir()
PAYLOAD = real_payload() or TESTLIB

for kind in KINDS:
    t = subprocess.Popen([PYTHON, TARGET, kind, "4"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        check("ready" in t.stdout.readline(), "target did not start")
        time.sleep(0.2)
        out = os.path.join(d, kind + ".bin")
        p = attach(t.pid, "--duration", "0.3", "-v", "-o", out,
                   payload=PAYLOAD)
        check(p.returncode == 0, "%s: attach failed: %s" % (kind, p.stderr))
        check("syscall" in p.stderr, "%s: no borrow line: %s" %
              (kind, p.stderr))
        borrowed = [l for l in p.stderr.splitlines() if "borrowing" in l]
        # The main thread must have been borrowed for this round to test
        # the restart of its kind of call on the borrowed thread.
        check(borrowed and ("thread %d " % t.pid) in borrowed[0],
              "%s: borrowed another thread: %s" % (kind, borrowed))
        # Attach again while the calls still block: the payload is reused.
        p = attach(t.pid, "--duration", "0.3", "-v", "-o", out + "2",
                   payload=PAYLOAD)
        check(p.returncode == 0, "%s: second attach failed: %s" %
              (kind, p.stderr))
        check("already loaded" in p.stderr, "%s: payload not reused: %s" %
              (kind, p.stderr))
        stdout, stderr = t.communicate(timeout=30)
    finally:
        t.kill()
        t.wait()
    check(t.returncode == 0, "%s: target exit %d: %s" %
          (kind, t.returncode, stderr))
    lines = stdout.split("\n")
    check(len([l for l in lines if "ret=" in l]) == len(KINDS),
          "%s: missing results: %r" % (kind, stdout))
    for line in lines:
        if "ret=" not in line:
            continue
        f = dict(kv.split("=") for kv in line.split()[1:])
        check(f["errno"] == "0" and int(f["ret"]) >= 0,
              "%s round: %s" % (kind, line))
        check(float(f["elapsed"]) >= float(f["want"]) - 0.01,
              "%s round: woke early: %s" % (kind, line))
    print("%s borrowed: ok\n  %s" % (kind, "\n  ".join(
        l for l in lines if l)))
