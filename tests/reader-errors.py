"""Bad inputs to memattach report: each gives exactly one line
"memattach: ..." on stderr, nothing on stdout and a non-zero exit."""
import os

from lib import check, run, tmpdir
import make_capture as mc

d = tmpdir()
seed = os.path.join(d, "seed.bin")
mc.seed_capture().write(seed)
empty = os.path.join(d, "empty.bin")
open(empty, "wb").close()
text = os.path.join(d, "notes.txt")
open(text, "w").write("hello, this is not a capture\n")
short = os.path.join(d, "short.bin")
open(short, "wb").write(b"MEMATCAP\x01\x00")
v7 = os.path.join(d, "v7.bin")
mc.seed_capture().write(v7, version=7)
unwritable = os.path.join(d, "no-such-dir", "out.txt")

CASES = [
    # (argv after "report", expected exit, text the message must hold)
    (["summary", os.path.join(d, "missing.bin")], 1,
     "No such file or directory"),
    (["summary", d], 1, "is a directory"),
    (["summary", empty], 1, "file is empty"),
    (["stats", text], 1, "not a memattach capture"),
    (["tree", short], 1, "cut short inside the file header"),
    (["summary", v7], 1, "unsupported capture version 7"),
    (["summary", "--bogus", seed], 2, "unknown option --bogus"),
    (["summary", "-x", seed], 2, "unknown option -x"),
    (["summary", "--sort", "size", seed], 2, "--sort size"),
    (["tree", "--biggest", "0", seed], 2, "not a positive number"),
    (["tree", "--color=sometimes", seed], 2, "--color=sometimes"),
    (["summary", "--thread", "abc", seed], 2, "not a thread id"),
    (["stats", "--biggest", "3", seed], 2, "not an option of this report"),
    (["summary"], 2, "missing the capture FILE"),
    (["summary", seed, seed], 2, "unexpected argument"),
    (["summary", "--sort"], 2, "needs a value"),
    (["pie", seed], 2, "unknown report"),
    ([], 2, "missing the report kind"),
    (["folded", "-o", unwritable, seed], 1, "No such file or directory"),
    (["summary", "-o", os.path.join(seed, "out"), seed], 1,
     "Not a directory"),
]

for args, want_rc, want in CASES:
    p = run(["memattach", "report"] + args)
    err = p.stderr.splitlines()
    check(p.returncode == want_rc,
          "%s: exit %d, want %d (%r)" % (args, p.returncode, want_rc,
                                        p.stderr))
    check(len(err) == 1 and err[0].startswith("memattach: ") and
          want in err[0], "%s: stderr %r lacks %r" % (args, p.stderr, want))
    check(p.stdout == "", "%s: stdout %r" % (args, p.stdout))
check(not os.path.exists(unwritable), "nothing created")
print("ok")
