"""What every reader hands the drafter: the article's blocks of text and the metadata it states."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

BlockKind = Literal["heading", "para", "item"]

# Characters that are whitespace on a page but not to str.split (ideographic space, no-break
# space, zero-width space and joiners, BOM).
_SPACES = re.compile(r"[\s\u3000\xa0\u200b-\u200d\u2060\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])[”’」』）)\"']*|(?<=[.])[”’\"')]*(?=\s+[A-Z0-9“\"(])")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or list item of the article, as plain text."""

    text: str
    kind: BlockKind = "para"
    bold: bool = False  # every character of it is bold (a run-in heading on many pages)
    level: int = 0  # 1-6 for a marked heading (h2, Word "Heading 2", "## "), 0 otherwise


@dataclass(frozen=True)
class Found:
    """A value taken from the source and where it was taken from (said in the YAML comment)."""

    value: str
    origin: str


@dataclass(frozen=True)
class Document:
    """An article read from any source: its blocks in order and the metadata it states."""

    kind: str  # "web page", "Word document", "Markdown file", "text file"
    blocks: tuple[Block, ...]
    meta: Mapping[str, Found] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()  # what the reader dropped or could not read, for the summary
    pictures: int = 0


def clean(text: str) -> str:
    """One line of text: every run of (full-width, no-break, zero-width) space made one space."""
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def is_chinese(text: str) -> bool:
    """Whether Chinese characters make up a real share of the text."""
    letters = sum(1 for ch in text if ch.isalpha())
    return bool(letters) and len(_CJK.findall(text)) / letters > 0.3


def split_sentences(text: str) -> list[str]:
    """The text's sentences, each with its closing punctuation and quotes."""
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


@dataclass(frozen=True)
class Shortened:
    """Text cut to its first sentences, and whether anything was cut."""

    text: str
    cut: bool


def first_sentences(text: str, limit: int, most: int, least: int = 20) -> Shortened:
    """The first sentences of `text`, at most `most` of them and `limit` characters.

    Sentences are kept whole, even past the limit, until there are `least` characters: a cut
    inside a sentence could change what it says, and a run-in heading alone says too little.
    """
    sentences = split_sentences(text)
    kept: list[str] = []
    length = 0
    joiner = "" if is_chinese(text) else " "
    for sentence in sentences:
        if kept and (len(kept) >= most or length + len(joiner) + len(sentence) > limit) \
                and length >= least:
            break
        kept.append(sentence)
        length += len(sentence) + (len(joiner) if len(kept) > 1 else 0)
    return Shortened(joiner.join(kept), len(kept) < len(sentences))
