"""threads.py under memattach run: allocations attributed to worker in 4
distinct threads."""
import os

from lib import check, report_json, run, tmpdir, workload

d = tmpdir()
out = os.path.join(d, "t.bin")
run(["memattach", "run", "-q", "-o", out, workload("threads.py"), "50000"],
    check_rc=0)
s = report_json("summary", out)
workers = [l for l in s["locations"] if l["function"] == "worker"]
check(workers, "no location for worker")
tids = set()
for l in workers:
    tids.update(l["threads"])
check(len(tids) == 4, "worker seen in %d threads: %s" % (len(tids), tids))
st = report_json("stats", out)
print("ok: worker in threads", sorted(tids))
