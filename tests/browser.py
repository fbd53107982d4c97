"""browser.py: drive headless Chromium over the DevTools pipe (tests only).

Chromium is started with --remote-debugging-pipe: it reads protocol
commands on fd 3 and writes replies and events on fd 4, each message a JSON
object followed by a NUL byte.  That needs nothing beyond the standard
library (no websocket package), and no TCP port that another test or
another user could reach.

    with Browser() as b:
        page = b.open("/path/report.html")
        page.eval("document.title")
        page.click("#reset")
        page.screenshot("/path/shot.png")
        assert not page.errors and not page.requests
"""
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

import lib

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class BrowserError(Exception):
    pass


def available():
    return os.access(CHROMIUM, os.X_OK)


def require():
    """Skip the test (exit 77) when there is no Chromium to drive."""
    if not available():
        lib.skip("no Chromium at %s" % CHROMIUM)


class Browser:
    def __init__(self, width=1280, height=900, timeout=60):
        self.width, self.height = width, height
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="memattach-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def child_fds():
            # The protocol's fixed descriptors: commands in on 3,
            # replies out on 4.
            # Move both ends above 4 first, so that neither dup2 can
            # clobber the other; dup2 also clears close-on-exec.
            r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 5)
            w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 5)
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.setsid()

        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps",
                "--disable-dev-shm-usage", "--mute-audio",
                "--hide-scrollbars",
                "--window-size=%d,%d" % (width, height),
                "--user-data-dir=" + self.profile,
                "--remote-debugging-pipe", "about:blank"]
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.stderr,
                                     preexec_fn=child_fds,
                                     close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.next_id = 0
        self.buffer = b""
        self.pending = []        # events read while waiting for a reply

    # -- the pipe ---------------------------------------------------------

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                self.stderr.seek(0)
                raise BrowserError("Chromium exited: %s" %
                                   self.stderr.read()[-2000:].decode(
                                       "utf-8", "replace"))
            self.buffer += chunk
        msg, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=None):
        """Send one command and return its result (raise on an error)."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method,
               "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.to_browser, data)
            data = data[n:]
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.pending.append(reply)

    def events(self, timeout=0.0):
        """Events that arrived so far (waiting up to timeout for one)."""
        if not self.pending and timeout > 0:
            try:
                self.pending.append(
                    self._read_message(time.monotonic() + timeout))
            except BrowserError:
                if self.proc.poll() is not None:
                    raise
        while True:
            ready, _, _ = select.select([self.from_browser], [], [], 0)
            if not ready and b"\0" not in self.buffer:
                break
            self.pending.append(self._read_message(time.monotonic() + 5))
        out, self.pending = self.pending, []
        return out

    # -- pages ------------------------------------------------------------

    def open(self, path):
        """Load a local file in a fresh tab and wait for its load event."""
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = self.send("Target.attachToTarget",
                            {"targetId": target["targetId"],
                             "flatten": True})["sessionId"]
        page = Page(self, session, target["targetId"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(domain + ".enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height,
                   "deviceScaleFactor": 1, "mobile": False})
        page.navigate("file://" + os.path.abspath(path))
        return page

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=10)
            except (BrowserError, OSError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                # Its own session (setsid above): end the helpers too.
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab: evaluation, input, screenshots, and what went wrong."""

    def __init__(self, browser, session, target_id):
        self.browser = browser
        self.session = session
        self.target_id = target_id
        self.url = None
        self.errors = []       # console errors and uncaught exceptions
        self.requests = []     # network requests other than the page itself
        self.loaded = False

    def send(self, method, params=None, timeout=None):
        result = self.browser.send(method, params, self.session, timeout)
        self._absorb(self.browser.events())
        return result

    def _absorb(self, events):
        for ev in events:
            if ev.get("sessionId") != self.session:
                continue
            method, p = ev.get("method"), ev.get("params", {})
            if method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                text = d.get("exception", {}).get("description") or \
                    d.get("text", "exception")
                self.errors.append("exception: %s" % text)
            elif method == "Runtime.consoleAPICalled" and \
                    p.get("type") in ("error", "assert"):
                args = [a.get("value", a.get("description", ""))
                        for a in p.get("args", [])]
                self.errors.append("console.%s: %s" % (
                    p["type"], " ".join(str(a) for a in args)))
            elif method == "Log.entryAdded" and \
                    p.get("entry", {}).get("level") == "error":
                e = p["entry"]
                self.errors.append("log: %s %s" % (e.get("text"),
                                                   e.get("url", "")))
            elif method == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if url != self.url:
                    self.requests.append(url)
            elif method == "Page.loadEventFired":
                self.loaded = True

    def navigate(self, url):
        self.url = url
        self.loaded = False
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.browser.timeout
        while not self.loaded:
            if time.monotonic() > deadline:
                raise BrowserError("%s did not load" % url)
            self._absorb(self.browser.events(timeout=0.5))

    def eval(self, expression, timeout=None):
        """Evaluate JS in the page and return its value (JSON-able)."""
        r = self.send("Runtime.evaluate",
                      {"expression": expression, "returnByValue": True,
                       "awaitPromise": True}, timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise BrowserError("%s: %s" % (
                expression[:80],
                d.get("exception", {}).get("description", d.get("text"))))
        return r.get("result", {}).get("value")

    def settle(self):
        """Wait for two animation frames, so that a redraw has happened."""
        self.eval("new Promise(r => requestAnimationFrame("
                  "() => requestAnimationFrame(() => r(true))))")

    def center(self, selector):
        box = self.eval(
            "(() => { const e = document.querySelector(%s);"
            " if (!e) return null; e.scrollIntoView({block: 'nearest'});"
            " const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
            % json.dumps(selector))
        if box is None:
            raise BrowserError("no element matches %s" % selector)
        return box

    def mouse(self, kind, x, y, button="none", clicks=0):
        self.send("Input.dispatchMouseEvent",
                  {"type": kind, "x": x, "y": y, "button": button,
                   "clickCount": clicks})

    def hover(self, selector):
        x, y = self.center(selector)
        self.mouse("mouseMoved", x, y)
        self.settle()

    def click(self, selector):
        """A real mouse click (press and release) at the element's center."""
        x, y = self.center(selector)
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, "left", 1)
        self.mouse("mouseReleased", x, y, "left", 1)
        self.settle()

    def type_into(self, selector, text):
        """Focus an input, replace its text by typing, as a user would."""
        self.eval("(() => { const e = document.querySelector(%s);"
                  " e.focus(); e.select(); })()" % json.dumps(selector))
        self.send("Input.insertText", {"text": text})
        self.settle()

    def screenshot(self, path, full_page=False):
        params = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "scale": 1,
                              "width": size["width"],
                              "height": size["height"]}
        data = self.send("Page.captureScreenshot", params)["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def check_clean(self):
        """Fail the test on any console error or any network request."""
        self._absorb(self.browser.events())
        lib.check(not self.errors, "page errors: %s" % self.errors)
        lib.check(not self.requests,
                  "page made network requests: %s" % self.requests)


def screenshot_path(name):
    """Where screenshots for review go: $TOP_BUILDDIR/tests/screenshots."""
    top = os.environ.get("TOP_BUILDDIR", ".")
    return os.path.join(top, "tests", "screenshots", name)
