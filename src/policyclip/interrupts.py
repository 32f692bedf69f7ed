"""Ctrl-C and SIGTERM, remembered: a failure they cause is reported as the interruption."""

from __future__ import annotations

import signal

_received: list[int] = []


def interrupt(signum: int, frame: object) -> None:
    """Signal handler: remember the signal, then stop the main thread as Ctrl-C does."""
    _received.append(signum)
    raise KeyboardInterrupt


def received() -> bool:
    """Whether Ctrl-C or SIGTERM has arrived. A child stopped by the same Ctrl-C (ffmpeg is in
    the terminal's process group) can make the render fail before, or instead of, the
    KeyboardInterrupt: the user still asked to stop, and exit 130 says so."""
    return bool(_received)


def install() -> None:
    """Take Ctrl-C through `interrupt` (call from the main thread)."""
    signal.signal(signal.SIGINT, interrupt)
