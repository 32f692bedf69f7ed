"""The word lists shipped in `data/` (sources and licences in data/SOURCES.md)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .. import linebreak

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Phrase:
    """A pattern to look for and what to write instead."""

    pattern: re.Pattern[str]
    suggestion: str
    unless_number: bool = False  # quiet when the clause it is in gives a number


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def phrases(name: str) -> tuple[Phrase, ...]:
    """A `pattern<TAB>suggestion` list: officialese.tsv, hedges.tsv, jargon.tsv."""
    found = []
    for line in _lines(name):
        pattern, suggestion, *flags = line.split("\t")
        found.append(Phrase(re.compile(pattern), suggestion.strip(), "unless-number" in flags))
    return tuple(found)


@functools.cache
def terms(name: str) -> tuple[str, ...]:
    """A one-term-a-line list (policy-terms.txt, everyday.txt)."""
    return tuple(line.strip() for line in _lines(name))


@functools.cache
def hsk_levels() -> dict[str, int]:
    """HSK 3.0 word -> level (1-6; 7 stands for the 7-9 band)."""
    levels: dict[str, int] = {}
    for line in _lines("hsk30.tsv"):
        word, level = line.split("\t")
        levels.setdefault(word, int(level))
    return levels


def words(text: str) -> list[str]:
    """Chinese words of `text` (jieba's dictionary, no guessing of unknown words)."""
    # The caption stage owns the dictionary: a render in this process may have released
    # rjieba's shared one, which would then cut every word into single characters.
    return [w for w in linebreak.words(text, guess_unknown=False)
            if re.search(r"[\u3400-\u9fff]", w)]
