"""memattach run passes the program's exit code, signals and output through,
and writes its capture safely (mode 0600, never clobbered without -f)."""
import os
import signal
import stat
import subprocess

from lib import PYTHON, check, fail, run, tmpdir, workload

d = tmpdir()
out = os.path.join(d, "c.bin")

PROG = ("import sys\nprint('to stdout', flush=True)\n"
        "print('to stderr', file=sys.stderr)\nsys.exit(int(sys.argv[1]))\n")
script = os.path.join(d, "prog.py")
with open(script, "w") as f:
    f.write(PROG)

# Output and exit code, exactly as without memattach.
plain = run([PYTHON, script, "3"])
traced = run(["memattach", "run", "-o", out, script, "3"])
check(traced.returncode == 3, "exit code %d, want 3" % traced.returncode)
check(traced.stdout == plain.stdout, "stdout changed: %r" % traced.stdout)
check(traced.stderr.startswith(plain.stderr),
      "program's stderr changed: %r" % traced.stderr)
extra = traced.stderr[len(plain.stderr):].strip().splitlines()
check(all(l.startswith("memattach: ") for l in extra),
      "memattach's own lines must be prefixed: %r" % extra)

# The capture: created by memattach, mode 0600, non-empty, with the magic.
st = os.stat(out)
check(stat.S_IMODE(st.st_mode) == 0o600, "mode %o" % st.st_mode)
with open(out, "rb") as f:
    check(f.read(8) == b"MEMATCAP", "bad magic")

# Never clobbered silently; -f overwrites.
before = open(out, "rb").read()
p = run(["memattach", "run", "-o", out, script, "0"])
check(p.returncode != 0, "overwrote without -f")
check(p.stderr.strip().startswith("memattach: ") and
      len(p.stderr.strip().splitlines()) == 1,
      "want one error line, got %r" % p.stderr)
check(open(out, "rb").read() == before, "existing capture changed")
p = run(["memattach", "run", "-f", "-o", out, script, "0"], check_rc=0)

# Death by signal passes through as the same signal.
p = subprocess.run([os.environ["MEMATTACH"], "run", "-f", "-q", "-o", out,
                    "-c", "import os,signal; os.kill(os.getpid(), "
                    "signal.SIGTERM)"], capture_output=True, timeout=60)
check(p.returncode == -signal.SIGTERM,
      "killed by SIGTERM, memattach returned %d" % p.returncode)

# -m and -c reach Python unchanged.
p = run(["memattach", "run", "-f", "-q", "-o", out, "-c",
         "import sys; print(sys.argv[1:])", "x", "-y"], check_rc=0)
check(p.stdout.strip() == "['x', '-y']", "-c argv: %r" % p.stdout)
p = run(["memattach", "run", "-f", "-q", "-o", out, "-m", "json.tool",
         "--help"], check_rc=0)
check("usage" in p.stdout, "-m json.tool --help: %r" % p.stdout)

# Bad input: one line, non-zero, no crash.
for args in (["run", "-o", os.path.join(d, "m.bin"), os.path.join(d, "no.py")],
             ["run", "--bogus", script],
             ["run", "-o", "/nonexistent-dir/x.bin", script, "0"],
             ["run"],
             ["run", "--python", "/nonexistent/python3", script, "0"],
             ["no-such-command"]):
    p = run(["memattach"] + args)
    lines = p.stderr.strip().splitlines()
    check(p.returncode not in (0,) and p.returncode > 0,
          "%s: exit %d" % (args, p.returncode))
    check(lines and lines[0].startswith("memattach: "),
          "%s: stderr %r" % (args, p.stderr))
check(not os.path.exists(os.path.join(d, "m.bin")),
      "a capture was created for a missing script")
print("ok")
