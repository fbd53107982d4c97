"""Damaged captures: a file cut at every tenth of its length (and at half)
is reported up to its last complete block with one warning and exit 0;
random byte overwrites (100 seeds) give either a partial report (exit 0)
or one clear error line (exit 1), never a crash or a hang; a capture with
no end record, or with lost events, says so."""
import json
import os
import random

from lib import check, fail, run, tmpdir
import make_capture as mc

d = tmpdir()
full = os.path.join(d, "medium.bin")
mc.medium_capture(20000).write(full, block=1024)
data = open(full, "rb").read()


def summary(path, timeout=60):
    p = run(["memattach", "report", "summary", "--json", path],
            timeout=timeout)
    if p.returncode < 0:
        fail("%s: killed by signal %d\n%s" % (path, -p.returncode,
                                              p.stderr))
    return p


whole = json.loads(summary(full).stdout)["capture"]
check(whole["complete"] and whole["events"] == 20000,
      "the whole file: %s" % whole)

# --- cut at every tenth, and at half ------------------------------------
last = -1
for num, den in [(k, 10) for k in range(1, 10)] + [(1, 2)]:
    cut = len(data) * num // den
    path = os.path.join(d, "cut-%d-%d.bin" % (num, den))
    open(path, "wb").write(data[:cut])
    p = summary(path)
    check(p.returncode == 0, "cut at %d/%d: exit %d: %s" % (
        num, den, p.returncode, p.stderr))
    err = p.stderr.splitlines()
    check(len(err) == 1 and err[0].startswith("memattach: warning: ") and
          "cut short" in err[0], "cut at %d/%d: stderr %r" % (num, den,
                                                              p.stderr))
    c = json.loads(p.stdout)["capture"]
    check(not c["complete"] and c["damage"], "cut file is not complete")
    # Blocks are ~1 KiB: the prefix read is most of what was cut.
    want = 20000 * num // den
    check(0 < c["events"] < 20000 and c["events"] > want * 0.8,
          "cut at %d/%d: %d events read" % (num, den, c["events"]))
    if den == 10:
        check(c["events"] > last, "a longer prefix must hold more events")
        last = c["events"]
    print("cut %d/%d: %d bytes, %d events" % (num, den, cut, c["events"]))

# --- a stream that stops without its end record -------------------------
cap = mc.seed_capture()
cap.parts[-1] = cap.parts[-1][:-1]          # drop WIRE_END
cap.lost(3)
path = os.path.join(d, "noend.bin")
cap.write(path)
p = summary(path)
err = p.stderr.splitlines()
check(p.returncode == 0 and len(err) == 2 and "no end record" in err[0] and
      "lost 3 events" in err[1], "no end record: %r" % p.stderr)
c = json.loads(p.stdout)["capture"]
check(not c["complete"] and c["damage"] is None and c["lost_events"] == 3,
      "no end: %s" % c)

# --- a record the reader does not know ----------------------------------
cap = mc.seed_capture()
cap.raw(bytes([0x7f, 1, 2, 3]))
path = os.path.join(d, "unknown-tag.bin")
cap.write(path)
p = summary(path)
c = json.loads(p.stdout)["capture"]
check(p.returncode == 0 and "unknown record tag 0x7f" in c["damage"] and
      c["events"] == mc.SEED["events"], "unknown tag: %s" % c)

# --- random overwrites ---------------------------------------------------
outcomes = {0: 0, 1: 0}
for seed in range(100):
    rnd = random.Random(seed)
    b = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        # Mostly in the compressed stream; now and then in the header.
        pos = rnd.randrange(len(b)) if rnd.random() < 0.9 else \
            rnd.randrange(16)
        b[pos] = rnd.randrange(256)
    path = os.path.join(d, "overwrite-%d.bin" % seed)
    open(path, "wb").write(b)
    p = summary(path)
    err = p.stderr.splitlines()
    if p.returncode == 0:
        json.loads(p.stdout)
        check(all(l.startswith("memattach: warning: ") for l in err),
              "seed %d: stderr %r" % (seed, p.stderr))
    elif p.returncode == 1:
        check(len(err) == 1 and err[0].startswith("memattach: ") and
              p.stdout == "", "seed %d: error output %r" % (seed, p.stderr))
    else:
        fail("seed %d: exit %d: %s" % (seed, p.returncode, p.stderr))
    outcomes[p.returncode] += 1
    os.unlink(path)
print("overwrites: %d partial reports, %d clear errors" % (outcomes[0],
                                                           outcomes[1]))
print("ok")
