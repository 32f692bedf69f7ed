"""A counting semaphore shared by every policyclip process of a user on one machine.

The edge-tts service throttles clients that open many connections at once, so batch workers (and
separate policyclip processes) take one of a few slots before each request. A slot is an
exclusive `flock` on one of N small files in a folder under the temporary directory; the operating
system releases it when its process ends, however it ends, so a crashed worker never keeps a slot.
Where `fcntl` does not exist (Windows) the limit holds within one process only.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

EDGE_LIMIT_ENV = "POLICYCLIP_EDGE_CONCURRENCY"
DEFAULT_EDGE_LIMIT = 2

_local_locks: dict[str, threading.BoundedSemaphore] = {}
_local_guard = threading.Lock()


def edge_limit() -> int:
    """How many edge requests may be open at once ($POLICYCLIP_EDGE_CONCURRENCY, default 2)."""
    try:
        return max(1, int(os.environ.get(EDGE_LIMIT_ENV, DEFAULT_EDGE_LIMIT)))
    except ValueError:
        return DEFAULT_EDGE_LIMIT


def slot_dir(name: str) -> Path:
    """The folder holding the slot files of semaphore `name`."""
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"policyclip-{user}" / f"{name}-slots"


@contextlib.contextmanager
def slot(name: str, limit: int, folder: Path | None = None, poll_s: float = 0.05
         ) -> Iterator[int]:
    """Hold one of `limit` slots of semaphore `name` for the body; yields the slot number."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _local_slot(name, limit):
            yield 0
        return
    base = folder or slot_dir(name)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:  # no shared folder: limit this process only
        with _local_slot(name, limit):
            yield 0
        return
    delay = poll_s
    while True:
        for number in range(limit):
            try:
                handle = open(base / f"{number}.lock", "a+b")  # noqa: SIM115 - held while yielding
            except OSError:
                continue
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            try:
                yield number
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                handle.close()
            return
        time.sleep(delay)
        delay = min(0.5, delay * 1.5)


@contextlib.contextmanager
def _local_slot(name: str, limit: int) -> Iterator[None]:
    with _local_guard:
        semaphore = _local_locks.setdefault(name, threading.BoundedSemaphore(limit))
    with semaphore:
        yield
