"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe.

`--remote-debugging-pipe` makes Chromium read protocol commands from its file descriptor 3
and write answers to 4, each message a JSON object ended by a NUL byte: the standard library
is enough, with no WebSocket client and no browser-automation package.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

# Debian and Fedora call it chromium, Ubuntu's transitional package chromium-browser.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserError(RuntimeError):
    """Chromium failed, answered with an error, or did not finish in time."""


def find_chromium() -> str | None:
    """The path of the Chromium (or Chrome) on PATH, if any."""
    return next((path for name in NAMES if (path := shutil.which(name))), None)


def evaluate_in_page(browser: str, page: Path, expression: str, *, timeout: float,
                     flags: tuple[str, ...] = ()) -> Any:
    """Open `page` in headless Chromium, wait for its load event, evaluate `expression`
    there (awaiting it if it is a promise) and return its value as JSON gives it. The browser
    and everything it started are killed after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    # Chromium keeps its crash reports under $HOME whatever the profile: HOME is the
    # throwaway profile too, so that nothing is left behind.
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile, \
            tempfile.TemporaryFile() as log:
        # The ends the browser uses are moved above 10 first, so that putting them on 3 and 4
        # in the child can never overwrite one with the other.
        commands_in, commands_out = os.pipe()
        answers_in, answers_out = os.pipe()
        child_in = fcntl.fcntl(commands_in, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(answers_out, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (commands_in, answers_out):
            os.close(fd)

        def wire() -> None:
            """In the child before Chromium starts: only two system calls, safe after fork."""
            os.dup2(child_in, 3)  # dup2 clears close-on-exec: these two stay open in Chromium
            os.dup2(child_out, 4)

        command = [browser, "--headless=new", "--no-sandbox", "--remote-debugging-pipe",
                   f"--user-data-dir={profile}", "--no-first-run", *flags, "about:blank"]
        try:
            # A session of its own: on a timeout the whole process group is killed at once.
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    env={**os.environ, "HOME": profile}, preexec_fn=wire,
                                    close_fds=False, start_new_session=True)
        finally:
            os.close(child_in)
            os.close(child_out)
        session = _Session(commands_out, answers_in, deadline)
        try:
            page_id = next(target["targetId"] for target in
                           session.call("Target.getTargets")["targetInfos"]
                           if target["type"] == "page")
            sid = session.call("Target.attachToTarget",
                               {"targetId": page_id, "flatten": True})["sessionId"]
            session.call("Page.navigate", {"url": page.as_uri()}, sid)
            # Page.navigate answers once the new document is committed; its scripts may still
            # be loading, so the expression waits for the load event in the page itself.
            loaded = ("new Promise(done => document.readyState === 'complete' ? done() : "
                      "addEventListener('load', () => done()))")
            answer = session.call("Runtime.evaluate", {
                "expression": f"{loaded}.then(() => {expression})", "awaitPromise": True,
                "returnByValue": True}, sid)
            if "exceptionDetails" in answer:
                details = answer["exceptionDetails"]
                raise BrowserError("the page threw: " + details.get("exception", {}).get(
                    "description", details.get("text", "?")))
            with contextlib.suppress(BrowserError, OSError):
                session.call("Browser.close")
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            return answer["result"].get("value")
        except BrowserError as exc:
            log.seek(0)
            # Without a session bus Chromium logs D-Bus failures, which never matter here.
            said = [line for line in log.read().decode(errors="replace").splitlines()
                    if line.strip() and "dbus" not in line]
            raise BrowserError(f"{exc}; chromium said: " + " | ".join(said[-5:])) from None
        finally:
            if proc.poll() is None:  # a timeout or an error: its helpers share its group
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            os.close(commands_out)
            os.close(answers_in)


class _Session:
    """Commands and their answers on the two pipes, every read bounded by the deadline."""

    def __init__(self, commands: int, answers: int, deadline: float) -> None:
        self.commands, self.answers, self.deadline = commands, answers, deadline
        self.pending = b""
        self.last_id = 0

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result (events read meanwhile are dropped)."""
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.commands, data):]
        except BrokenPipeError:
            raise BrowserError(f"chromium exited before {method}") from None
        while True:
            while b"\0" in self.pending:
                raw, self.pending = self.pending.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") != self.last_id:
                    continue
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error'].get('message')}")
                result: dict[str, Any] = answer["result"]
                return result
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise BrowserError(f"no answer to {method} in time")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited during {method}")
            self.pending += chunk
