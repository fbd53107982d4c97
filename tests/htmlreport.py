"""htmlreport.py: helpers shared by the HTML report tests (tests/html-*.py)."""
import json
import os
import re

import lib

DATA_RE = re.compile(
    r'<script type="application/json" id="memattach-data">(.*?)</script>',
    re.S)


def need_payload():
    if not lib.PAYLOAD or not os.path.exists(lib.PAYLOAD):
        lib.skip("no payload built at %r" % lib.PAYLOAD)


def record(directory, name, source, *args, timeout=300):
    """Run a Python program under `memattach run`; return the capture."""
    need_payload()
    script = os.path.join(directory, name + ".py")
    with open(script, "w") as f:
        f.write(source)
    capture = os.path.join(directory, name + ".bin")
    lib.run(["memattach", "run", "-o", capture, script] + list(args),
            timeout=timeout, check_rc=0)
    lib.check(os.path.getsize(capture) > 16, "empty capture " + capture)
    return capture


def report(kind, capture, out, *extra, timeout=300):
    """Write an HTML report with -o out; return out."""
    p = lib.run(["memattach", "report", kind, capture, "-o", out, "-f"] +
                list(extra), timeout=timeout, check_rc=0)
    lib.check(out in p.stdout, "report did not say where it wrote: %r" %
              p.stdout)
    return out


def embedded_data(path):
    """The JSON object a report page carries."""
    with open(path, encoding="utf-8") as f:
        m = DATA_RE.search(f.read())
    lib.check(m is not None, "%s: no embedded data" % path)
    return json.loads(m.group(1))


# JS that lists the drawn flame graph frames with their geometry.
FRAMES_JS = """[...document.querySelectorAll('#flamegraph .frame')].map(e => {
    const r = e.getBoundingClientRect();
    return {name: e.dataset.name, node: +e.dataset.node,
            cls: e.className, left: r.left, right: r.right,
            top: r.top, width: r.width};
})"""


def frames(page):
    return page.eval(FRAMES_JS)


def frames_named(page, name):
    return [f for f in frames(page) if f["name"] == name]


def one_frame(page, name):
    found = frames_named(page, name)
    lib.check(len(found) == 1, "expected one frame %r, found %d: %s" % (
        name, len(found), sorted({f["name"] for f in frames(page)})))
    return found[0]


def graph_width(page):
    return page.eval(
        "document.getElementById('flamegraph').getBoundingClientRect().width")
