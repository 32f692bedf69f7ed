"""The speech engine protocol, its result, and the errors engines raise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import SpeechError


class EngineUnavailable(SpeechError):
    """The engine cannot be used here at all (not installed, service unreachable)."""


@dataclass(frozen=True)
class Spoken:
    """One sentence's audio: its length, and when each of its parts starts."""

    duration_ms: int
    part_offsets_ms: tuple[int, ...]


class SpeechEngine(Protocol):
    """Turns one sentence, given as consecutive parts (one per caption cue), into a WAV file."""

    @property
    def name(self) -> str:
        """The engine's name as users type it: edge, espeak, none."""
        ...

    @property
    def voice(self) -> str | None:
        """The voice in use, if the engine has voices."""
        ...

    @property
    def concurrency(self) -> int:
        """How many sentences may be synthesized at once."""
        ...

    def ready(self) -> None:
        """Raise EngineUnavailable when the engine cannot speak now; called before each sentence
        the cache does not hold, so a fully cached render works without it."""
        ...

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        """Write speech for the parts, read as one sentence, to `out` (WAV)."""
        ...


def proportional_offsets(parts: Sequence[str], duration_ms: int) -> tuple[int, ...]:
    """Start of each part if speech were spread evenly over the characters."""
    lengths = [max(1, len(p.strip())) for p in parts]
    total, done, offsets = sum(lengths), 0, []
    for length in lengths:
        offsets.append(round(duration_ms * done / total))
        done += length
    return tuple(offsets)
