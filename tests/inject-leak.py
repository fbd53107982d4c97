"""leak.py attached for 3 s: the process lives on and keeps leaking after
the detach, and the capture's --leaks view puts remember() first."""
import os
import time

from injectlib import attach, has_reader, need_real_payload
from lib import Target, check, report_json, skip, tmpdir

payload = need_real_payload()
if not has_reader():
    skip("the capture reader is not in this build")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


d = tmpdir()
out = os.path.join(d, "leak.bin")
with Target("leak.py") as t:
    p = attach(t.pid, "--duration", "3", "-o", out, payload=payload)
    check(p.returncode == 0, "attach failed: %s" % p.stderr)
    before = rss_kb(t.pid)
    time.sleep(1.5)
    after = rss_kb(t.pid)
    check(t.alive(), "leak.py died")
    # 64 kB kept every 10 ms: well over a megabyte in 1.5 s.
    check(after - before > 1024, "no longer leaking: RSS %d -> %d kB" %
          (before, after))
s = report_json("summary", out, "--leaks")
own = sorted(s["locations"], key=lambda l: -l["own_bytes"])
check(own and own[0]["function"] == "remember",
      "top leak is %s, want remember" % (own[0]["function"] if own else None))
check(own[0]["own_bytes"] > 64 * 1024 * 100,
      "remember() kept only %d bytes in 3 s" % own[0]["own_bytes"])
handle = [l for l in s["locations"] if l["function"] == "handle"]
check(not handle or handle[0]["own_bytes"] < own[0]["own_bytes"] / 10,
      "handle()'s temporaries show as leaked: %s" % handle)
print("remember() leaked %d bytes; RSS grew %d kB after the detach" % (
    own[0]["own_bytes"], after - before))
