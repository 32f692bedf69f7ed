"""Environment checks for `policyclip doctor`."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None
    required: bool = True


def run_checks(timeout_s: float = 6.0) -> list[CheckResult]:
    """Run every check (an engine's gets `timeout_s` to answer); none of them raises."""
    return [_python(), _ffmpeg(), _fonts(), *_engines(timeout_s)]


def _python() -> CheckResult:
    version = ".".join(map(str, sys.version_info[:3]))
    return CheckResult("python", sys.version_info >= (3, 10), version,
                       "install Python 3.10 or newer")


def _ffmpeg() -> CheckResult:
    try:
        from .media import ffmpeg_exe

        exe = ffmpeg_exe()
        out = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, timeout=20,
                             check=False).stdout.decode(errors="replace")
    except Exception as exc:  # any failure here is what the report is for
        return CheckResult("ffmpeg", False, f"not usable ({exc})",
                           "pip install --force-reinstall imageio-ffmpeg")
    missing = [enc for enc in ("libx264", "aac") if enc not in out]
    if missing:
        return CheckResult("ffmpeg", False, f"{exe} lacks {', '.join(missing)}",
                           "pip install --force-reinstall imageio-ffmpeg")
    return CheckResult("ffmpeg", True, f"{exe} (libx264, aac)")


def _fonts() -> CheckResult:
    from .errors import PolicyclipError
    from .theme import find_theme, load_theme, resolve_font

    try:
        look = load_theme(find_theme(None, None))
        face = resolve_font(look.fonts.bold)
    except PolicyclipError as exc:
        return CheckResult("CJK font", False, exc.message, exc.hint)
    return CheckResult("CJK font", True, f"{face.path} (face {face.index})")


def _engines(timeout_s: float) -> list[CheckResult]:
    """One line per speech engine, from its own availability check in the registry."""
    from .speech import registry

    results = []
    for name in registry.engine_names():
        spec = registry.engine_spec(name)
        state = spec.check(timeout_s)
        results.append(CheckResult(spec.label, state.ok, state.detail, state.fix,
                                   required=spec.required))
    return results
