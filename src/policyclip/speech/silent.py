"""The `none` engine: no narration; captions are timed by reading speed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .base import Spoken

CHINESE_CHARS_PER_SECOND = 4.5
ENGLISH_WORDS_PER_SECOND = 2.6
MIN_CUE_MS = 1200  # a caption never flashes


def reading_ms(text: str) -> int:
    """How long a viewer needs to read `text` comfortably."""
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    seconds = han / CHINESE_CHARS_PER_SECOND + words / ENGLISH_WORDS_PER_SECOND
    return max(MIN_CUE_MS, round(seconds * 1000))


class SilentEngine:
    """Writes no audio; each sentence lasts as long as it takes to read."""

    name = "none"
    voice = None
    concurrency = 1

    def ready(self) -> None:
        """Always ready."""

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        """Time each part by how long it takes to read; `out` is not written."""
        offsets, clock = [], 0
        for part in parts:
            offsets.append(clock)
            clock += reading_ms(part)
        return Spoken(clock, tuple(offsets))
