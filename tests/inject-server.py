"""server.py under load from its bounded client: 20 attach/detach cycles of
1 s, alternating `memattach PID --duration 1` with `--background` +
`status` + `detach`.  The client must see no error and the server must
live on."""
import os
import subprocess
import time

from injectlib import TESTLIB, attach, env_with, real_payload
from lib import MEMATTACH, PYTHON, check, fail, tmpdir, workload

d = tmpdir()
payload = real_payload() or TESTLIB
srv = subprocess.Popen([PYTHON, workload("server.py"), "serve", "0"],
                       stdout=subprocess.PIPE, text=True)
client = None
try:
    line = srv.stdout.readline()
    check("serving on" in line, "server did not start: %r" % line)
    port = line.split(":")[-1].strip()
    client = subprocess.Popen([PYTHON, workload("server.py"), "client", port,
                               "1000000", "30"], stdout=subprocess.PIPE,
                              text=True)
    time.sleep(1)
    stops = []
    for i in range(20):
        out = os.path.join(d, "c%d.bin" % i)
        if i % 2 == 0:
            p = attach(srv.pid, "--duration", "1", "-v", "-o", out,
                       payload=payload)
            check(p.returncode == 0, "cycle %d: %s" % (i, p.stderr))
        else:
            p = attach(srv.pid, "--background", "-v", "-o", out,
                       payload=payload)
            check(p.returncode == 0, "cycle %d: %s" % (i, p.stderr))
            time.sleep(0.5)
            s = subprocess.run([MEMATTACH, "status", str(srv.pid)],
                               capture_output=True, text=True, timeout=30)
            check(s.returncode == 0 and out in s.stdout and
                  " events" in s.stdout,
                  "cycle %d: status: %r %r" % (i, s.stdout, s.stderr))
            time.sleep(0.5)
            s = subprocess.run([MEMATTACH, "detach", str(srv.pid)],
                               capture_output=True, text=True, timeout=60)
            check(s.returncode == 0 and out in s.stdout,
                  "cycle %d: detach: %r %r" % (i, s.stdout, s.stderr))
        stops += [l.split("stopped ")[1] for l in p.stderr.splitlines()
                  if "target stopped" in l and "(attach)" in l]
        check(os.path.getsize(out) > 16, "cycle %d: empty capture" % i)
        check(srv.poll() is None, "cycle %d: the server died" % i)
    s = subprocess.run([MEMATTACH, "status", str(srv.pid)],
                       capture_output=True, text=True, timeout=30)
    check(s.returncode == 1 and "no capture" in s.stdout,
          "status after the cycles: %r" % s.stdout)
    out, _ = client.communicate(timeout=120)
    total = [l for l in out.splitlines() if l.startswith("TOTAL")]
    check(total, "client printed no total: %r" % out)
    check(" errors=0 " in total[0], "client errors: %s" % total[0])
    print(total[0])
    print("attach stops: " + ", ".join(stops))
finally:
    for p in (client, srv):
        if p and p.poll() is None:
            p.kill()
            p.wait()
