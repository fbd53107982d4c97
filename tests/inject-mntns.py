"""A target in its own mount namespace with a private /tmp (as in a
container): the payload file memattach loads is in a /tmp the target
cannot see, and the attach works all the same, because the payload's
bytes travel through a memfd created inside the target."""
import os
import shutil
import subprocess
import time

from injectlib import TESTLIB, attach, payload_mapped, real_payload
from lib import PYTHON, check, skip, tmpdir, workload

if os.geteuid() != 0 or not shutil.which("unshare"):
    skip("needs root and unshare(1) for a mount namespace")
d = tmpdir()                       # in our /tmp, invisible to the target
src = real_payload() or TESTLIB
payload = os.path.join(d, "payload-only-here.so")
shutil.copy(src, payload)
script = workload("seed.py")        # in the source tree, visible to both
# The interpreter itself runs from the private /tmp: its file exists only
# in the target's namespace, as in a container image.
t = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                      # The script is read before the private /tmp hides
                      # it: the checkout itself may live under /tmp.
                      'script=$(cat "$1") && '
                      'mount -t tmpfs tmpfs /tmp && cp "$0" /tmp/python && '
                      'printf "%s\\n" "$script" > /tmp/seed.py && '
                      'exec /tmp/python /tmp/seed.py --wait',
                      os.path.realpath(PYTHON), script],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     text=True)
try:
    line = t.stdout.readline()
    if "ready" not in line:
        err = t.stderr.read() if t.poll() is not None else ""
        skip("could not start a target in a mount namespace: %r %r" %
             (line, err))
    check(os.readlink("/proc/%d/ns/mnt" % t.pid) !=
          os.readlink("/proc/self/ns/mnt"), "not in another namespace")
    check(not os.path.exists("/proc/%d/root%s" % (t.pid, payload)),
          "the target can see the payload's path")
    check(os.readlink("/proc/%d/exe" % t.pid) == "/tmp/python" and
          not os.path.exists("/tmp/python"),
          "the interpreter is visible from here")
    p = attach(t.pid, "--duration", "0.5", "-v", "-o",
               os.path.join(d, "c.bin"), payload=payload)
    check(p.returncode == 0, "attach failed: %s" % p.stderr)
    check("only unwound" not in p.stderr,
          "stacks not followed across namespaces: %s" % p.stderr)
    check(payload_mapped(t.pid), "payload not mapped in the target")
    check(os.path.getsize(os.path.join(d, "c.bin")) > 16, "empty capture")
    time.sleep(0.2)
    check(t.poll() is None, "the target died")
    print("ok: " + " | ".join(l for l in p.stderr.splitlines()
                              if "stopped" in l))
finally:
    t.kill()
    t.wait()
