"""A thread stopped inside libc's system() (fork and wait, with the atfork
locks about) must never be borrowed.  With another thread to borrow,
memattach takes that one; when the only thread is inside system(), it
retries for a while, then gives up with a clear line, and the target
finishes its system() call unharmed."""
import os
import subprocess
import time

from injectlib import TESTLIB, attach, check_one_error_line, real_payload
from lib import PYTHON, check, tmpdir

d = tmpdir()
payload = real_payload() or TESTLIB

# The main thread in system(), a second thread asleep: borrow the second.
code = ("import os, threading, time\n"
        "threading.Thread(target=time.sleep, args=(30,),\n"
        "                 daemon=True).start()\n"
        "print('ready', flush=True)\n"
        "os._exit(os.system('sleep 4') >> 8)\n")
t = subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.PIPE, text=True)
try:
    check("ready" in t.stdout.readline(), "target did not start")
    time.sleep(0.5)
    p = attach(t.pid, "--duration", "0.3", "-v", "-o",
               os.path.join(d, "two.bin"), payload=payload)
    check(p.returncode == 0, "attach failed: %s" % p.stderr)
    check("thread %d is inside system" % t.pid in p.stderr,
          "main thread not seen inside system(): %s" % p.stderr)
    borrowed = [l for l in p.stderr.splitlines() if "borrowing" in l]
    check(borrowed and "thread %d " % t.pid not in borrowed[0],
          "borrowed the thread inside system(): %s" % borrowed)
    check(t.wait(timeout=30) == 0, "target exit %s" % t.returncode)
    print("borrowed the other thread: " + borrowed[0])
finally:
    t.kill()
    t.wait()

# The only thread is in system(): refuse, and leave it alone.
t = subprocess.Popen([PYTHON, "-c", "import os; print('ready', flush=True);"
                      " os._exit(os.system('sleep 4') >> 8)"],
                     stdout=subprocess.PIPE, text=True)
try:
    check("ready" in t.stdout.readline(), "target did not start")
    time.sleep(0.5)
    p = attach(t.pid, "--duration", "0.3", "-o", os.path.join(d, "one.bin"),
               payload=payload)
    line = check_one_error_line(p, "only thread unsafe")
    check("safe to borrow" in line and "inside system" in line,
          "unclear refusal: %r" % line)
    check(not os.path.exists(os.path.join(d, "one.bin")), "left a file")
    # With -f over an existing file, a failed attach leaves it alone.
    with open(os.path.join(d, "old.bin"), "w") as f:
        f.write("keep")
    p = attach(t.pid, "--duration", "0.3", "-f", "-o",
               os.path.join(d, "old.bin"), payload=payload)
    check_one_error_line(p, "only thread unsafe, -f")
    with open(os.path.join(d, "old.bin")) as f:
        check(f.read() == "keep", "-f: the old file was lost")
    check(t.wait(timeout=30) == 0, "target exit %s" % t.returncode)
    print("refused: " + line)
finally:
    t.kill()
    t.wait()
