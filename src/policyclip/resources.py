"""Where built-in templates, themes, assets and fonts are found."""

from __future__ import annotations

import functools
import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def builtin_dir(name: str) -> Path:
    """The built-in `templates` or `assets` folder: inside the wheel, or the repository's."""
    installed = _PACKAGE / "_builtin" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parents[1] / name


FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path.home() / "Library/Fonts",
    Path("/System/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


@functools.cache
def find_font(name: str) -> Path | None:
    """Find a font file by name (or take a path as is); POLICYCLIP_FONT_DIR is searched first."""
    given = Path(name).expanduser()
    if given.is_absolute() or given.parent != Path("."):
        return given if given.is_file() else None
    extra = os.environ.get("POLICYCLIP_FONT_DIR")
    dirs = ([Path(extra)] if extra else []) + list(FONT_DIRS)
    for folder in dirs:
        if folder.is_dir():
            for found in folder.rglob(name):
                if found.is_file():
                    return found
    return None
