"""Attach to seed.py on every interpreter shape present: Debian's python3
(libpython linked in), the -dbg build, pyenv's shared libpython 3.11 and
pyenv's 3.12 and 3.13.  Each attach must work, capture events and leave
the process running.  Skips the shapes that are missing."""
import glob
import os
import subprocess

from injectlib import attach, has_reader, need_real_payload
from lib import check, report_json, skip, tmpdir, workload

payload = need_real_payload()
SHAPES = [("debian", "/usr/bin/python3"), ("debug", "/usr/bin/python3.11-dbg")]
for minor in ("11", "12", "13"):
    SHAPES += [("pyenv-3.%s" % minor, p) for p in sorted(glob.glob(
        os.path.expanduser("~/.pyenv/versions/3.%s.*/bin/python3.%s" %
                           (minor, minor))))[:1]]
d = tmpdir()
ran = 0
for label, python in SHAPES:
    if not os.access(python, os.X_OK):
        print("%s: %s missing, skipped" % (label, python))
        continue
    t = subprocess.Popen([python, workload("seed.py"), "--wait"],
                         stdout=subprocess.PIPE, text=True)
    try:
        check("ready" in t.stdout.readline(), "%s: no start" % label)
        out = os.path.join(d, label + ".bin")
        p = attach(t.pid, "--duration", "1", "-o", out, payload=payload)
        check(p.returncode == 0, "%s: attach failed: %s" % (label, p.stderr))
        check(t.poll() is None, "%s: the target died" % label)
        if has_reader():
            ev = report_json("stats", out)["capture"]["events"]
            check(ev > 0, "%s: no event captured" % label)
            print("%s: ok, %d events" % (label, ev))
        else:
            print("%s: ok" % label)
        ran += 1
    finally:
        t.kill()
        t.wait()
if not ran:
    skip("no supported interpreter found")
