"""memattach live on leak.py in a real terminal (a pty): the screen shows
remember() growing, the keys work, q stops the capture cleanly, and the
target keeps running."""
import os
import pty
import re
import select
import signal
import time

from lib import MEMATTACH, Target, check, fail, report_json, tmpdir


def read_for(fd, seconds):
    out = b""
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
    return out.decode("utf-8", "replace")


def screen_text(raw):
    # Drop escape sequences: what is left is the text curses drew.
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]", " ",
                  raw)


d = tmpdir()
out = os.path.join(d, "live.bin")
with Target("leak.py") as t:
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.environ["LINES"], os.environ["COLUMNS"] = "40", "160"
        os.execv(MEMATTACH, [MEMATTACH, "live", str(t.pid), "-o", out,
                             "--interval", "0.5"])
    try:
        first = screen_text(read_for(fd, 4))
        check("memattach live" in first, "no header on the screen:\n" +
              first[-2000:])
        check("remember" in first, "remember() not on the screen:\n" +
              first[-3000:])
        os.write(fd, b"o")          # sort by own memory
        read_for(fd, 0.5)
        # Right arrow, as xterm sends it in keypad-transmit mode (curses
        # turns that mode on): the view switches to the first thread.
        os.write(fd, b"\x1bOC")
        second = screen_text(read_for(fd, 3))
        check("thread %d" % t.pid in second, "no thread %d shown after the "
              "arrow key:\n%s" % (t.pid, second[-2000:]))
        os.write(fd, b"q")
        rest = read_for(fd, 8)
    finally:
        for _ in range(100):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            fail("memattach live did not quit on q")
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
          "memattach live exited with %r: %s" % (status, rest[-1000:]))
    check("capture written to" in rest, "no capture message: " + rest[-500:])
    check(t.alive(), "the target died")
    s = report_json("summary", out, "--leaks")
    top = [l["function"] for l in s["locations"][:8]]
    check("remember" in top, "remember not among the top leaks: %s" % top)
print("ok")
