"""Line numbers in a 20,000-line function: each line's allocation is
reported at its own line (the payload moves a line-table cursor instead of
re-reading the table from the top for every new line)."""
import os

from lib import check, report_json, run, tmpdir

d = tmpdir()
script = os.path.join(d, "long_function.py")
LINES = 20000
FIRST = 3          # line of the first append
with open(script, "w") as f:
    f.write("def long_function():\n    out = []\n")
    for i in range(LINES):
        f.write("    out.append(bytearray(%d))\n" % (1000 + i % 97))
    f.write("    return out\n\nkeep = long_function()\n")
out = os.path.join(d, "long.bin")
run(["memattach", "run", "-q", "-o", out, script], check_rc=0, timeout=300)
s = report_json("summary", out, "--leaks", "--limit", "100000")
own = {l["line"]: l["own_bytes"] for l in s["locations"]
       if l["function"] == "long_function"}
wrong = []
for i in range(0, LINES, 997):
    line = FIRST + i
    want = 1000 + i % 97
    # bytearray(n) asks for n + 1 bytes (the trailing NUL)
    if not want <= own.get(line, 0) <= want + 64:
        wrong.append((line, own.get(line), want))
check(not wrong, "lines with the wrong size (line, got, want): %s" % wrong[:5])
check(len(own) >= LINES, "only %d distinct lines of %d" % (len(own), LINES))
print("ok: %d lines" % len(own))
