"""A library dlopened during the capture is hooked too: SQLite's mallocs
show up under the Python function that called it."""
import os

from lib import check, report_json, run, tmpdir, TESTS_DIR

d = tmpdir()
out = os.path.join(d, "l.bin")
run(["memattach", "run", "-q", "-o", out,
     os.path.join(TESTS_DIR, "scripts", "late_library.py")], check_rc=0)
s = report_json("summary", out)
use = [l for l in s["locations"] if l["function"] == "use_sqlite"]
check(use, "use_sqlite not in the summary")
total = sum(l["total_bytes"] for l in use)
# 3000 rows of 1000-byte blobs live in SQLite's pages at the end.
check(total >= 3000000, "use_sqlite holds %d bytes, want >= 3 MB" % total)
print("ok: use_sqlite total", total)
