"""smoke.py (make check): bench/run --smoke prints its run-time table with
the untraced row at 1.00 and exits 0.  It checks nothing about speed: the
benchmark is run by `make bench`, never judged by a test."""
import os
import re
import subprocess
import sys

import lib

top = os.environ.get("TOP_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
argv = [lib.PYTHON, os.path.join(top, "bench", "run"), "--smoke",
        "--memattach", lib.MEMATTACH]
if lib.PAYLOAD:
    argv += ["--payload", lib.PAYLOAD]
p = lib.run(argv, timeout=600)
sys.stdout.write(p.stdout)
sys.stdout.write(p.stderr)
lib.check(p.returncode == 0, "bench/run --smoke exited %d" % p.returncode)
lib.check("Traceback" not in p.stderr, "bench/run --smoke raised an exception")
lib.check(re.search(r"^Run-time cost: alloc_small", p.stdout, re.M),
          "no run-time table for alloc_small")
lib.check(re.search(r"^untraced\s.*\s1\.00×", p.stdout, re.M),
          "no untraced row at 1.00×")
for name in ("memattach run", "memattach run --native",
             "python3 -X tracemalloc=1", "heaptrack"):
    lib.check(re.search(r"^%s\s" % re.escape(name), p.stdout, re.M),
              "no row for %s" % name)
print("PASS")
