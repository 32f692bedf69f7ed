"""The `none` engine: no narration; captions are timed by reading speed."""

from __future__ import annotations

import re
from pathlib import Path

CHINESE_CHARS_PER_SECOND = 4.5
ENGLISH_WORDS_PER_SECOND = 2.6
MIN_SENTENCE_MS = 1200


def reading_ms(text: str) -> int:
    """How long a viewer needs to read `text` comfortably."""
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    seconds = han / CHINESE_CHARS_PER_SECOND + words / ENGLISH_WORDS_PER_SECOND
    return max(MIN_SENTENCE_MS, round(seconds * 1000))


class SilentEngine:
    """Writes no audio; each sentence lasts as long as it takes to read."""

    name = "none"
    voice = None

    def synthesize(self, text: str, out: Path) -> int:
        """Return the reading time of `text`; `out` is not written."""
        return reading_ms(text)
