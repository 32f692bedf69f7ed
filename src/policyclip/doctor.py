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


def run_checks(edge_timeout_s: float = 6.0) -> list[CheckResult]:
    """Run every check; none of them raises."""
    return [_python(), _ffmpeg(), _fonts(), _espeak(), _edge(edge_timeout_s)]


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


def _espeak() -> CheckResult:
    from .speech.espeak import espeak_exe

    exe = espeak_exe()
    fix = "Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng"
    if exe is None:
        return CheckResult("espeak-ng (offline speech)", False, "not installed", fix)
    voices = subprocess.run([exe, "--voices"], capture_output=True, timeout=20,
                            check=False).stdout.decode(errors="replace")
    if "cmn-latn-pinyin" not in voices and " cmn " not in voices:
        return CheckResult("espeak-ng (offline speech)", False, f"{exe} has no Mandarin voice",
                           "install espeak-ng 1.51 or newer with its data files")
    return CheckResult("espeak-ng (offline speech)", True, exe)


def _edge(timeout_s: float) -> CheckResult:
    import asyncio

    try:
        import edge_tts

        voices = asyncio.run(asyncio.wait_for(edge_tts.list_voices(), timeout_s))
    except Exception as exc:  # the report names whatever went wrong
        return CheckResult("edge-tts service (online speech)", False,
                           f"does not answer ({type(exc).__name__})",
                           "needs internet access; renders fall back to espeak", required=False)
    return CheckResult("edge-tts service (online speech)", True, f"{len(voices)} voices")
