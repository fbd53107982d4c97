"""memattach run under a Python the payload cannot read (3.10 or older):
the program still runs unharmed, and memattach says why nothing was
traced instead of leaving an empty capture unexplained."""
import glob
import os

from lib import check, run, skip, tmpdir, workload

old = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10.*/bin/python3")))
if not old:
    skip("no Python 3.10 under ~/.pyenv")
out = os.path.join(tmpdir(), "old.bin")
p = run(["memattach", "run", "--python", old[0], "-o", out,
         workload("seed.py")], check_rc=0)
check("nothing was traced: Python older than 3.11" in p.stderr,
      "no refusal message: %r" % p.stderr)
check(os.path.exists(out), "no capture file")
print("ok:", p.stderr.strip().splitlines()[0])
