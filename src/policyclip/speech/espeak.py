"""The offline engine: espeak-ng, run as a subprocess."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SpeechError
from .base import EngineUnavailable, Spoken

if TYPE_CHECKING:
    from .registry import Availability

BASE_WORDS_PER_MINUTE = 175
INSTALL_HINT = "Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng"


def espeak_exe() -> str | None:
    """Path of espeak-ng (or espeak), if installed."""
    return shutil.which("espeak-ng") or shutil.which("espeak")


def program_version() -> str:
    """What names the installed espeak-ng for speech cache keys ("eSpeak NG ...: 1.51")."""
    exe = espeak_exe()
    return _program_version(exe) if exe else "espeak"


@functools.cache
def _program_version(exe: str) -> str:
    try:
        result = subprocess.run([exe, "--version"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return exe
    # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/...": keep what names the version
    return result.stdout.decode(errors="replace").split("Data at:")[0].strip() or exe


def check_available(timeout_s: float) -> Availability:
    """Whether espeak-ng is installed with a Mandarin voice."""
    from .registry import Availability

    exe = espeak_exe()
    if exe is None:
        return Availability(False, "not installed", INSTALL_HINT)
    try:
        voices = installed_voices(exe)
    except SpeechError as exc:
        return Availability(False, exc.message, INSTALL_HINT)
    if "cmn-latn-pinyin" not in voices and "cmn" not in voices:
        return Availability(False, f"{exe} has no Mandarin voice",
                            "install espeak-ng 1.51 or newer with its data files")
    return Availability(True, exe)


@functools.cache
def installed_voices(exe: str) -> frozenset[str]:
    """Every name espeak-ng accepts for -v: languages, voice names and voice files (lowercase)."""
    try:
        listing = subprocess.run([exe, "--voices"], capture_output=True, timeout=30,
                                 check=False)
    except subprocess.TimeoutExpired:
        raise SpeechError("espeak-ng --voices did not finish within 30 s") from None
    names: set[str] = set()
    for row in listing.stdout.decode(errors="replace").splitlines()[1:]:
        columns = row.split()
        if len(columns) >= 5:
            names |= {columns[1].lower(), columns[3].lower(), columns[4].lower(),
                      columns[4].rsplit("/", 1)[-1].lower()}
    return frozenset(names)


class EspeakEngine:
    """espeak-ng: offline, robotic but dependable."""

    name = "espeak"

    def __init__(self, voice: str, rate: str = "+0%") -> None:
        exe = espeak_exe()
        if exe is None:
            raise EngineUnavailable("espeak-ng is not installed", hint=INSTALL_HINT)
        # espeak-ng quietly falls back to English for an unknown voice: refuse it instead.
        if voice.split("+")[0].lower() not in installed_voices(exe):
            raise SpeechError(f"espeak-ng has no voice '{voice}'",
                              hint="list voices with: espeak-ng --voices")
        self.exe = exe
        self.voice = voice
        self.speed = max(80, min(450, round(BASE_WORDS_PER_MINUTE * (1 + int(rate[:-1]) / 100))))

    @property
    def concurrency(self) -> int:
        """One espeak-ng process a core this process may use: each is single-threaded."""
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else os.cpu_count() or 1

    def ready(self) -> None:
        """Nothing to do: the program and voice were checked when the engine was made."""

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        """Speak each part and join them into one WAV; offsets are exact part boundaries."""
        frames: list[bytes] = []
        offsets: list[int] = []
        params = None
        total = 0
        with tempfile.TemporaryDirectory(prefix="policyclip-espeak-") as tmp:
            for number, part in enumerate(parts):
                offsets.append(round(total * 1000 / params.framerate) if params else 0)
                if not part.strip():
                    continue
                piece = Path(tmp) / f"{number}.wav"
                self._speak(part, piece)
                with wave.open(str(piece), "rb") as wav:
                    params = wav.getparams()
                    frames.append(wav.readframes(wav.getnframes()))
                    total += wav.getnframes()
        if params is None:
            raise SpeechError("espeak-ng was given nothing to say")
        with wave.open(str(out), "wb") as joined:
            joined.setparams(params)
            for chunk in frames:
                joined.writeframes(chunk)
        return Spoken(round(total * 1000 / params.framerate), tuple(offsets))

    def phonemes(self, text: str) -> str:
        """espeak-ng's phonemes for `text` (`-x`): tones as numbers, 55 first ... 51 fourth."""
        cmd = [self.exe, "-v", self.voice, "-s", str(self.speed), "-q", "-x", "--stdin"]
        try:
            result = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=60,
                                    check=False)
        except subprocess.TimeoutExpired:
            raise SpeechError("espeak-ng did not finish within 60 s") from None
        return " ".join(result.stdout.decode(errors="replace").split())

    def _speak(self, text: str, out: Path) -> None:
        cmd = [self.exe, "-v", self.voice, "-s", str(self.speed), "-w", str(out), "--stdin"]
        try:
            result = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=60,
                                    check=False)
        except subprocess.TimeoutExpired:
            raise SpeechError("espeak-ng did not finish within 60 s") from None
        if result.returncode != 0 or not out.is_file() or out.stat().st_size <= 44:
            reason = result.stderr.decode(errors="replace").strip() or "no audio written"
            raise SpeechError(f"espeak-ng failed with voice '{self.voice}': {reason}",
                              hint="list voices with: espeak-ng --voices")
