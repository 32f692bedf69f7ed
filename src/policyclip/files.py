"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import PolicyclipError


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); the finished file gets the mode any new file
        # of the user gets (0644 under umask 022).
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux), since
    setting it to read it races with threads that create files meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def copy_into(sources: Sequence[Path], dest: Path, *, overwrite: bool,
              error: type[PolicyclipError]) -> list[Path]:
    """Copy files into folder `dest` (made when missing) and return the copies; nothing is
    copied when one would replace a file and `overwrite` is off. Failures raise `error`."""
    targets = [dest / source.name for source in sources]
    for target in targets:
        if target.exists() and not overwrite:
            raise error(f"{target} already exists", hint="pass --force to overwrite it")
    for source, target in zip(sources, targets, strict=True):
        try:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as exc:
            raise error(f"cannot copy {source.name} to {dest}: {exc.strerror or exc}") \
                from None
    return targets
