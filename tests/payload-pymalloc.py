"""--trace-python-allocators sees each small object; without it the same
program shows only arenas and big blocks."""
import os

from lib import check, report_json, run, tmpdir, TESTS_DIR

d = tmpdir()
script = os.path.join(TESTS_DIR, "scripts", "small_objects.py")
traced = os.path.join(d, "pm.bin")
plain = os.path.join(d, "plain.bin")
run(["memattach", "run", "-q", "--trace-python-allocators", "-o", traced,
     script], check_rc=0)
run(["memattach", "run", "-q", "-o", plain, script], check_rc=0)


def make_small(path):
    s = report_json("summary", path, "--leaks")
    return [l for l in s["locations"]
            if l["function"].endswith("<listcomp>") or
            l["function"] == "make_small"]


with_objects = make_small(traced)
count = max((l["allocations"] for l in with_objects), default=0)
check(count >= 100000,
      "with pymalloc tracing, make_small made %d live allocations" % count)
stats = report_json("stats", traced)
kinds = {k["name"]: k for k in stats["allocators"]} \
    if isinstance(stats.get("allocators"), list) else stats.get("allocators", {})
check(any("PYMALLOC" in k for k in kinds), "no PYMALLOC kind in %s" % kinds)
without = make_small(plain)
count_plain = max((l["allocations"] for l in without), default=0)
check(count_plain < 1000,
      "without pymalloc tracing, %d allocations (arenas expected)" %
      count_plain)
print("ok: %d objects traced, %d malloc-level" % (count, count_plain))
