"""Reading numerals in Chinese with cn2an, which takes about 0.2 s to load.

A render reads numerals only once its sentences are known, after its own start-up (imports,
the word dictionary, the script), which keeps one core busy. So a render starts a helper
process at once (`python -m policyclip.numerals`) that loads cn2an on another core meanwhile,
asks it to read the sentences it synthesizes, and stops it as soon as the speech is done. The
helper answers one JSON line per JSON line it is given, ignores Ctrl-C (the render stops it)
and ends when its input closes (when the render ends, however it ends). A helper that cannot
start, dies or does not answer in time is stopped, and numerals are read in the render's own
process from then on, as they are everywhere outside a render. One render at a time per
process uses the helper. This module stands outside the speech package so that the helper
imports little besides cn2an (the package's `__init__` loads the engines).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

# A reading takes milliseconds once cn2an is loaded, and loading it well under a second even on
# a busy machine: a helper this late has gone wrong.
_HELPER_WAIT_S = 10.0


class _Helper:
    """The helper process and the lock that keeps its requests and answers in step."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self.lock = threading.Lock()

    def read(self, text: str) -> str:
        """Ask the helper to read `text`; OSError when it does not answer in time."""
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(json.dumps(text).encode() + b"\n")
            self.process.stdin.flush()
            ready, _, _ = select.select([self.process.stdout], [], [], _HELPER_WAIT_S)
            line = self.process.stdout.readline() if ready else b""
        if not line:
            raise OSError("the numerals helper did not answer")
        read = json.loads(line)
        if not isinstance(read, str):
            raise OSError("the numerals helper answered something else")
        return read

    def stop(self) -> None:
        """End the helper at once."""
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


_helper: _Helper | None = None


def read_numerals(text: str) -> str:
    """`text` with its numerals written out in Chinese words (cn2an's `an2cn`): 2023年 ->
    二零二三年, 50% -> 百分之五十; as it stands when cn2an cannot read it."""
    helper = _helper
    if helper is not None:
        try:
            return helper.read(text)
        except (OSError, ValueError):  # gone, stuck or garbled: not asked again
            stop_helper()
    return _read(text)


def _read(text: str) -> str:
    import cn2an

    # cn2an rejects some odd mixes of numerals and units; then the text is read as it stands.
    try:
        return str(cn2an.transform(text, "an2cn"))
    except (ValueError, KeyError):
        return text


def start_helper() -> None:
    """Start loading cn2an in a helper process, where that pays (see the module's note)."""
    global _helper
    # select() waits on pipes only on POSIX systems; the import is not repeated where done.
    if _helper is not None or os.name != "posix" or "cn2an" in sys.modules:
        return
    with contextlib.suppress(OSError):
        _helper = _Helper()


def stop_helper() -> None:
    """Stop the helper, if one runs: numerals are read here from now on."""
    global _helper
    helper, _helper = _helper, None
    if helper is not None:
        helper.stop()


@contextlib.contextmanager
def helper_loading() -> Iterator[None]:
    """Within the block, a helper loads cn2an and reads numerals (until `stop_helper`)."""
    try:
        start_helper()
        yield
    finally:
        stop_helper()


def serve() -> None:
    """The helper: load cn2an, then read each JSON string given on stdin onto stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group
    import cn2an  # noqa: F401  (loaded before the first question)

    for line in sys.stdin.buffer:
        sys.stdout.write(json.dumps(_read(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
