"""Every bad target gets one error line and a non-zero exit, and the target
is left as it was: no such pid, not Python, a zombie, memattach itself, an
unsupported Python, ptrace refused, an existing output file, and a second
memattach on the same pid."""
import glob
import os
import signal
import subprocess
import time

from injectlib import (TESTLIB, attach, check_one_error_line, env_with,
                       payload_mapped, real_payload, state, wait_for)
from lib import MEMATTACH, PYTHON, check, fail, tmpdir, workload

d = tmpdir()


def untouched(proc, what):
    check(proc.poll() is None, "%s: the target died" % what)
    check(state(proc.pid) not in ("t", "T"), "%s: target left stopped" % what)
    check(not payload_mapped(proc.pid), "%s: payload was loaded" % what)


def expect(pid, words, what, *args):
    p = attach(pid, "--duration", "1", "-o", os.path.join(d, "x.bin"),
               *args, cwd=d)
    line = check_one_error_line(p, what)
    for w in words:
        check(w in line, "%s: %r lacks %r" % (what, line, w))
    check(not os.path.exists(os.path.join(d, "x.bin")) or what == "exists",
          "%s: left a capture file behind" % what)
    print("%s: ok: %s" % (what, line))


# No such process: a pid that just exited and was reaped.
gone = subprocess.Popen(["true"])
gone.wait()
expect(gone.pid, ["no such process"], "no such pid")

# Not Python.
with subprocess.Popen(["sleep", "100"]) as sl:
    expect(sl.pid, ["not a Python process"], "not python")
    untouched(sl, "not python")
    sl.kill()

# A zombie: a child that exited and that nobody reaped yet.
z = subprocess.Popen(["true"])
wait_for(lambda: state(z.pid) == "Z", 10, "a zombie")
expect(z.pid, ["zombie"], "zombie")
z.wait()

# memattach against itself (exec keeps the pid of the shell).
p = subprocess.run(["sh", "-c", 'exec "$0" $$ --duration 1', MEMATTACH],
                   capture_output=True, text=True, timeout=30,
                   env=env_with(TESTLIB), cwd=d)
line = check_one_error_line(p, "itself")
check("itself" in line, "itself: %r" % line)
print("itself: ok: " + line)

# Unsupported Pythons (pyenv's, when present).
PYENV = os.path.expanduser("~/.pyenv/versions")
old = sorted(glob.glob(PYENV + "/3.10*/bin/python3.10") +
             glob.glob(PYENV + "/3.[89]*/bin/python3.[89]"))
for py in old[:2]:
    ver = os.path.basename(py)[len("python"):]
    with subprocess.Popen([py, "-c", "import time; time.sleep(100)"]) as t:
        time.sleep(0.3)
        expect(t.pid, ["Python %s is not supported" % ver], "python " + ver)
        untouched(t, "python " + ver)
        t.kill()
if not old:
    print("unsupported python: none installed, not checked")

target = subprocess.Popen([PYTHON, workload("seed.py"), "--wait"],
                          stdout=subprocess.PIPE, text=True)
try:
    check("ready" in target.stdout.readline(), "seed.py did not start")

    # An existing output file is not overwritten, and nothing is injected.
    with open(os.path.join(d, "x.bin"), "w") as f:
        f.write("keep")
    expect(target.pid, ["already exists"], "exists")
    with open(os.path.join(d, "x.bin")) as f:
        check(f.read() == "keep", "exists: the file was changed")
    os.unlink(os.path.join(d, "x.bin"))
    untouched(target, "exists")

    # Stopped by job control: refused, and left stopped.
    os.kill(target.pid, signal.SIGSTOP)
    wait_for(lambda: state(target.pid) == "T", 10, "the stop")
    expect(target.pid, ["stopped", "continue it first"], "sigstop")
    check(state(target.pid) == "T", "sigstop: no longer stopped")
    os.kill(target.pid, signal.SIGCONT)
    wait_for(lambda: state(target.pid) != "T", 10, "the continue")
    check(not payload_mapped(target.pid), "sigstop: payload was loaded")

    # ptrace refused: an unprivileged user against a root process.
    if os.geteuid() == 0 and os.path.exists("/usr/bin/setpriv"):
        os.chmod(d, 0o777)
        p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                            "--clear-groups", MEMATTACH, str(target.pid),
                            "--duration", "1", "-o",
                            os.path.join(d, "nobody.bin")],
                           capture_output=True, text=True, timeout=30,
                           env=env_with(TESTLIB))
        line = check_one_error_line(p, "ptrace refused")
        check("not permitted" in line, "ptrace refused: %r" % line)
        print("ptrace refused: ok: " + line)
        untouched(target, "ptrace refused")
    else:
        print("ptrace refused: not root or no setpriv, not checked")

    # A second memattach while a capture runs.
    first = subprocess.Popen([MEMATTACH, str(target.pid), "--duration", "30",
                              "-o", os.path.join(d, "first.bin")],
                             stderr=subprocess.PIPE, text=True,
                             env=env_with(TESTLIB))
    wait_for(lambda: payload_mapped(target.pid), 20, "the first capture")
    time.sleep(0.3)
    p = attach(target.pid, "--duration", "1", "-o",
               os.path.join(d, "second.bin"))
    line = check_one_error_line(p, "second")
    check("already running" in line, "second: %r" % line)
    check(not os.path.exists(os.path.join(d, "second.bin")),
          "second: left a file")
    print("second: ok: " + line)
    first.terminate()
    err = first.communicate(timeout=30)[1]
    check(first.returncode == 0, "first capture: exit %d: %s" %
          (first.returncode, err))
    check(target.poll() is None, "the target died")

    # A process that memattach run is already capturing (it preloads the
    # real payload by its name).
    if real_payload():
        runcap = os.path.join(d, "run.bin")
        r = subprocess.Popen([MEMATTACH, "run", "-q", "-o", runcap,
                              workload("seed.py"), "--wait"],
                             stdout=subprocess.PIPE, text=True,
                             env=env_with(real_payload()))
        try:
            check("ready" in r.stdout.readline(), "memattach run: no start")
            with open("/proc/%d/task/%d/children" % (r.pid, r.pid)) as f:
                child = int(f.read().split()[0])
            p = attach(child, "--duration", "1", "-o",
                       os.path.join(d, "x.bin"))
            line = check_one_error_line(p, "run")
            check("memattach run is already capturing" in line,
                  "run: %r" % line)
            print("run: ok: " + line)
        finally:
            r.terminate()
            r.wait()
    else:
        print("run: no real payload, not checked")

    # Another build of the payload while this one is loaded: refused.
    other = os.path.join(d, "other-payload.so")
    with open(TESTLIB, "rb") as f, open(other, "wb") as g:
        g.write(f.read() + b"\0")
    p = attach(target.pid, "--duration", "1", "-o",
               os.path.join(d, "other.bin"), payload=other)
    line = check_one_error_line(p, "other version")
    check("another version" in line, "other version: %r" % line)
    print("other version: ok: " + line)
    check(target.poll() is None, "the target died")
finally:
    target.kill()
    target.wait()
