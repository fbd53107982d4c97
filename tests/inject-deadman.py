"""memattach killed with -9 in the middle of a capture: the payload sees
its socket close and detaches by itself (the dead-man switch).  The target
runs on, a new attach works (no "already running"), and the prefix of the
cut capture is readable when the reader is built."""
import os
import signal
import subprocess
import time

from injectlib import (TESTLIB, attach, env_with, has_reader,
                       payload_mapped, real_payload, wait_for)
from lib import MEMATTACH, Target, check, run, tmpdir

d = tmpdir()
payload = real_payload() or TESTLIB
cut = os.path.join(d, "cut.bin")
with Target("leak.py") as t:
    m = subprocess.Popen([MEMATTACH, str(t.pid), "-o", cut],
                         stderr=subprocess.PIPE, text=True,
                         env=env_with(payload))
    wait_for(lambda: payload_mapped(t.pid) and os.path.exists(cut) and
             os.path.getsize(cut) > 16, 30, "the capture to start")
    time.sleep(1)
    m.send_signal(signal.SIGKILL)
    m.wait()
    time.sleep(0.5)
    check(t.alive(), "the target died with memattach")
    p = attach(t.pid, "--duration", "0.5", "-v", "-o",
               os.path.join(d, "again.bin"), payload=payload)
    check(p.returncode == 0, "attach after kill -9: %s" % p.stderr)
    check("already loaded" in p.stderr, "payload not reused: %s" % p.stderr)
    check(t.alive(), "the target died")
print("target alive and attachable after memattach was killed")
if payload != TESTLIB and has_reader():
    s = run(["memattach", "report", "stats", "--json", cut])
    check(s.returncode == 0, "the cut capture is unreadable: %s" % s.stderr)
    print("cut capture readable")
else:
    print("cut capture not read: the real payload or the reader is missing")
