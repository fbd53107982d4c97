"""A traced program that forks and spawns: the capture stays clean and
complete, the child and the spawned program are not traced."""
import os

from lib import check, report_json, run, tmpdir, TESTS_DIR

d = tmpdir()
out = os.path.join(d, "f.bin")
p = run(["memattach", "run", "-q", "-o", out,
         os.path.join(TESTS_DIR, "scripts", "forking.py")], check_rc=0)
check("child env: clean" in p.stdout,
      "the spawned program inherited the payload: %r" % p.stdout)
check("parent done 300000" in p.stdout, "the program did not finish")
s = report_json("summary", out)
check(not s["capture"].get("damage"), "capture damaged: %s" % s["capture"])
funcs = {l["function"]: l for l in s["locations"]}
check("after_fork" in funcs and funcs["after_fork"]["own_bytes"] >= 300000,
      "the parent's allocation after fork() is missing")
check("child_work" not in funcs,
      "the forked child's allocations leaked into the parent's capture")
print("ok")
