"""The disk fills up during a capture: memattach says so in one line and
exits non-zero, the payload detaches by itself (its socket is shut), the
target lives on, and a new attach works.  The full disk is a 64 KiB tmpfs
in a mount namespace of memattach's own."""
import os
import shutil
import subprocess
import time

from injectlib import attach, env_with, need_real_payload
from lib import MEMATTACH, Target, check, skip, tmpdir

payload = need_real_payload()
if os.geteuid() != 0 or not shutil.which("unshare"):
    skip("needs root and unshare(1) for a small private tmpfs")
d = tmpdir()
small = os.path.join(d, "small")
os.mkdir(small)
with Target("hung_gil.py") as t:      # a million events a second
    p = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         'mount -t tmpfs -o size=64k tmpfs "$1" && exec "$0" "$2" '
         '--duration 20 -o "$1/c.bin"', MEMATTACH, small, str(t.pid)],
        capture_output=True, text=True, timeout=60, env=env_with(payload))
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(p.returncode != 0, "a full disk went unnoticed: %s" % p.stderr)
    check(any("No space left" in l for l in lines),
          "no 'No space left' line: %s" % p.stderr)
    check(all(l.startswith("memattach: ") for l in lines),
          "unprefixed output: %s" % p.stderr)
    time.sleep(0.5)
    check(t.alive(), "the target died")
    p = attach(t.pid, "--duration", "0.5", "-o", os.path.join(d, "ok.bin"),
               payload=payload)
    check(p.returncode == 0, "attach after the full disk: %s" % p.stderr)
    check(t.alive(), "the target died")
print("full disk reported; target alive and attachable again")
