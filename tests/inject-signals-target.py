# inject-signals-target.py: counts every real-time signal delivered to it.
# The C-level handler writes one byte per delivery to the wakeup fd (the
# Python-level handler would merge signals that arrive close together), and
# a thread counts the bytes.  Reads "count" lines on stdin, answers with
# the number of signals seen so far.
import os
import signal
import sys
import threading
import time

r, w = os.pipe()
os.set_blocking(w, False)
signal.set_wakeup_fd(w, warn_on_full_buffer=False)
signal.signal(signal.SIGRTMIN, lambda *a: None)
seen = 0


def count():
    global seen
    while True:
        seen += len(os.read(r, 4096))


threading.Thread(target=count, daemon=True).start()
threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
print("ready", flush=True)
for line in sys.stdin:
    time.sleep(0.5)             # let the counter drain the pipe
    print(seen, flush=True)
