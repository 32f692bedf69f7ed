"""The speech engine protocol and the errors engines raise."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..errors import SpeechError


class EngineUnavailable(SpeechError):
    """The engine cannot be used here at all (not installed, service unreachable)."""


class SpeechEngine(Protocol):
    """Turns one sentence of (already normalized) text into a WAV file."""

    name: str
    voice: str | None

    def synthesize(self, text: str, out: Path) -> int:
        """Write speech for `text` to `out` (WAV) and return its duration in milliseconds."""
        ...
