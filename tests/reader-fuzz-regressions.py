"""Every input in tests/fuzz/regressions/ (found by `make fuzz`) and the
hand-made hostile captures of tests/fuzz/make_regressions.py go through
every terminal report: exit 0 (with warnings only) or 1 (one error line),
never a signal, never a hang."""
import glob
import os
import subprocess
import sys

from lib import check, fail, run, tmpdir

top = os.environ.get("TOP_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), ".."))
made = tmpdir()
subprocess.run([sys.executable, os.path.join(top, "tests", "fuzz",
                                             "make_regressions.py"), made],
               check=True)
found = glob.glob(os.path.join(top, "tests", "fuzz", "regressions", "*"))
inputs = sorted(glob.glob(os.path.join(made, "*"))) + sorted(found)
check(len(inputs) >= 8 and found, "regression inputs missing: %s" % inputs)
REPORTS = [["summary", "--json"], ["summary", "--leaks", "--threads"],
           ["stats", "--json"], ["tree", "--color=always"],
           ["folded", "--locations"]]
for path in inputs:
    for args in REPORTS:
        p = run(["memattach", "report"] + args + [path], timeout=60)
        what = "%s %s" % (os.path.basename(path), " ".join(args))
        if p.returncode < 0:
            fail("%s: killed by signal %d" % (what, -p.returncode))
        err = p.stderr.splitlines()
        if p.returncode == 0:
            check(all(l.startswith("memattach: warning: ") for l in err),
                  "%s: stderr %r" % (what, p.stderr))
        else:
            check(p.returncode == 1 and len(err) == 1 and
                  err[0].startswith("memattach: "),
                  "%s: exit %d, stderr %r" % (what, p.returncode, p.stderr))
    print("%s: ok" % os.path.basename(path))
