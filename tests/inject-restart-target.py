# inject-restart-target.py: threads blocked in system calls that must come
# back exactly as if nothing had happened while memattach attached.
#
# The calls go through ctypes straight to libc, so that an EINTR would
# reach us: Python's own wrappers retry EINTR (PEP 475) and would hide it.
# argv[1] names the call the main thread blocks in (the main thread is the
# one memattach borrows when every thread sits in a syscall); the others
# block in the remaining kinds.  Prints "ready", then one line per call:
# "<kind> ret=<r> errno=<e> elapsed=<s> want=<s>".
import ctypes
import os
import sys
import threading
import time

libc = ctypes.CDLL(None, use_errno=True)
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 4.0
rfd, wfd = os.pipe()


class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class timeval(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


def ts(sec):
    return timespec(int(sec), int((sec % 1) * 1e9))


def do_nanosleep():            # -ERESTART_RESTARTBLOCK: restart_syscall
    req, rem = ts(SECONDS), timespec()
    return libc.nanosleep(ctypes.byref(req), ctypes.byref(rem)), SECONDS


def do_poll():                 # -ERESTART_RESTARTBLOCK too
    return libc.poll(None, 0, int(SECONDS * 1000)), SECONDS


def do_select():               # -ERESTARTNOHAND
    tv = timeval(int(SECONDS), int((SECONDS % 1) * 1e6))
    return libc.select(0, None, None, None, ctypes.byref(tv)), SECONDS


def do_read():                 # -ERESTARTSYS; the pipe is written later
    buf = ctypes.create_string_buffer(1)
    return libc.read(rfd, buf, 1), 0.0    # ends when release() writes


def do_futex():                # -ERESTARTSYS on a lock (GIL released)
    lock = LOCK
    got = lock.acquire(timeout=-1)
    lock.release()
    return (0 if got else -1), 0.0       # ends when release() unlocks


LOCK = threading.Lock()
LOCK.acquire()
KINDS = {"nanosleep": do_nanosleep, "poll": do_poll, "select": do_select,
         "read": do_read, "futex": do_futex}
results = []


def run(kind):
    t0 = time.monotonic()
    ctypes.set_errno(0)
    ret, want = KINDS[kind]()
    err = ctypes.get_errno() if ret < 0 else 0
    results.append("%s ret=%d errno=%d elapsed=%.3f want=%.3f" % (
        kind, ret, err, time.monotonic() - t0, want))


def release():
    # The pipe reader and the lock waiter are released when the sleepers
    # are done, so every call lasts at least SECONDS.
    time.sleep(SECONDS)
    os.write(wfd, b"x")
    LOCK.release()


main_kind = sys.argv[1] if len(sys.argv) > 1 else "nanosleep"
threads = [threading.Thread(target=run, args=(k,), name=k)
           for k in KINDS if k != main_kind]
threads.append(threading.Thread(target=release, name="release"))
for t in threads:
    t.start()
time.sleep(0.3)
print("ready", flush=True)
run(main_kind)
for t in threads:
    t.join()
for r in results:
    print(r, flush=True)
