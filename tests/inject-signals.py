"""Signals that arrive while memattach holds a thread are handed back, none
lost: 3000 real-time signals (which queue, so each must be delivered) are
sent to a Python process while it is attached to again and again."""
import os
import signal
import subprocess
import threading
import time

from injectlib import TESTLIB, attach, real_payload
from lib import PYTHON, check, tmpdir

HERE = os.path.dirname(os.path.abspath(__file__))
d = tmpdir()
payload = real_payload() or TESTLIB
SENT = 3000
t = subprocess.Popen([PYTHON, os.path.join(HERE,
                                           "inject-signals-target.py")],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     text=True)
try:
    check("ready" in t.stdout.readline(), "target did not start")
    done = threading.Event()

    def send():
        for i in range(SENT):
            os.kill(t.pid, signal.SIGRTMIN)
            if i % 10 == 0:
                time.sleep(0.005)
        done.set()

    sender = threading.Thread(target=send)
    sender.start()
    n = 0
    while not done.is_set() or n < 3:
        p = attach(t.pid, "--duration", "0.1", "-f", "-o",
                   os.path.join(d, "c.bin"), payload=payload)
        check(p.returncode == 0, "attach %d failed: %s" % (n, p.stderr))
        n += 1
    sender.join()
    t.stdin.write("count\n")
    t.stdin.flush()
    seen = int(t.stdout.readline())
    check(seen == SENT, "%d signals sent, %d delivered" % (SENT, seen))
    check(t.poll() is None, "the target died")
    print("%d attaches, %d signals sent, %d delivered" % (n, SENT, seen))
finally:
    t.kill()
    t.wait()
