"""deadlock.py: two threads deadlocked on two locks, a third allocating.
Attach and detach; afterwards every thread that was blocked in a futex is
still blocked in the very same call (same wchan, same syscall and
arguments), and the process runs on."""
import os
import time

from injectlib import TESTLIB, attach, real_payload, tasks
from lib import Target, check, tmpdir

d = tmpdir()
payload = real_payload() or TESTLIB
with Target("deadlock.py") as t:
    time.sleep(0.5)
    before = {}
    for tid in os.listdir("/proc/%d/task" % t.pid):
        with open("/proc/%d/task/%s/syscall" % (t.pid, tid)) as f:
            sc = f.read().strip()
        with open("/proc/%d/task/%s/wchan" % (t.pid, tid)) as f:
            wchan = f.read().strip()
        if sc.startswith("202 "):          # futex: the deadlocked ones
            before[tid] = (wchan, sc)
    check(len(before) >= 3, "expected 3 threads in futex: %r" % tasks(t.pid))
    for i in range(3):
        p = attach(t.pid, "--duration", "0.5", "-v", "-f", "-o",
                   os.path.join(d, "c.bin"), payload=payload)
        check(p.returncode == 0, "attach %d failed: %s" % (i, p.stderr))
    time.sleep(0.3)
    check(t.alive(), "deadlock.py died")
    for tid, (wchan, sc) in before.items():
        with open("/proc/%d/task/%s/syscall" % (t.pid, tid)) as f:
            now_sc = f.read().strip()
        with open("/proc/%d/task/%s/wchan" % (t.pid, tid)) as f:
            now_wchan = f.read().strip()
        check((now_wchan, now_sc) == (wchan, sc),
              "thread %s moved: %r -> %r" % (tid, (wchan, sc),
                                             (now_wchan, now_sc)))
    print("%d futex waiters unchanged after 3 attaches; %s" % (
        len(before), [l for l in p.stderr.splitlines() if "stopped" in l]))
