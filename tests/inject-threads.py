"""threads.py: four threads allocating at once.  Attach three times while
they run; every attach finds a thread safe to borrow, and the program
still computes exactly what it computes untraced."""
import os
import subprocess
import time

from injectlib import TESTLIB, attach, real_payload
from lib import PYTHON, check, tmpdir, workload

d = tmpdir()
payload = real_payload() or TESTLIB
N = 10_000_000
t = subprocess.Popen([PYTHON, workload("threads.py"), str(N)],
                     stdout=subprocess.PIPE, text=True)
try:
    time.sleep(0.3)
    for i in range(3):
        p = attach(t.pid, "--duration", "0.5", "-v", "-o",
                   os.path.join(d, "t%d.bin" % i), payload=payload)
        check(p.returncode == 0, "attach %d failed: %s" % (i, p.stderr))
        print("attach %d: %s" % (i, " | ".join(
            l[len("memattach: "):] for l in p.stderr.splitlines()
            if "borrowing" in l or "target stopped" in l and "attach" in l)))
    out, _ = t.communicate(timeout=300)
finally:
    if t.poll() is None:
        t.kill()
    t.wait()
check(t.returncode == 0, "threads.py exit %d" % t.returncode)
check(out.strip() == str(4 * N), "threads.py printed %r, want %d" %
      (out.strip(), 4 * N))
print("result intact: %s" % out.strip())
