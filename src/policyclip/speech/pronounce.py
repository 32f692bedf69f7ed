"""Pronunciation fixes: written text -> what a speech engine is asked to read.

Entries come, later ones winning, from the engine's built-in list (misreadings measured with
`espeak-ng -x`), a `pronounce.yaml` in the working directory, a `pronounce.yaml` beside the
brief, and the brief's own `pronounce:` map. Captions keep the written text.

In Chinese an entry replaces its text where that text is a word or the start or end of one
(jieba's words), so 行业 fixes 重点行业 but leaves 执行业务 alone; where it ends a word after a
number or 第 it is left alone too, so 一个 fixes 任何一个 but not 第一个 or 十一个. Other
languages replace whole words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import BriefError, InputError
from ..resources import builtin_dir
from ..yamlfile import load_yaml_file

PRONOUNCE_FILE = "pronounce.yaml"
_NUMBER_BEFORE = re.compile(r"[第\d０-９零〇一二三四五六七八九十百千万亿两]$")


def builtin_file(name: str) -> Path:
    """A built-in list, e.g. espeak.zh.yaml."""
    return builtin_dir("assets") / "pronounce" / name


def shared_files(brief_dir: Path | None) -> list[Path]:
    """The team's `pronounce.yaml` files that apply to a brief: the working directory's, then
    the one beside the brief (which wins)."""
    found: list[Path] = []
    for folder in [Path.cwd(), *([brief_dir] if brief_dir else [])]:
        candidate = folder / PRONOUNCE_FILE
        if candidate.is_file() and candidate.resolve() not in [f.resolve() for f in found]:
            found.append(candidate)
    return found


@functools.cache
def _read(path: Path, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    doc = load_yaml_file(path, InputError)
    problems = [f"{path}:{line}: {message}" for _, line, message in doc.problems]
    entries: list[tuple[str, str]] = []
    if doc.data is None:
        data: dict[object, object] = {}
    elif isinstance(doc.data, dict):
        data = doc.data
    else:
        data = {}
        problems.append(f"{path}:1: a pronunciation file maps written text to what is read, "
                        f"like '银行卡: 银航卡'")
    for written, said in data.items():
        line = doc.line_of((str(written),))
        shown = doc.source.get((str(written),), said)
        if not isinstance(said, str | int | float) or isinstance(said, bool) or \
                not str(shown).strip():
            problems.append(f"{path}:{line}: {written}: the reading must be text")
        elif not str(written).strip():
            problems.append(f"{path}:{line}: an entry needs the written text before ':'")
        else:
            entries.append((str(written), str(shown)))
    if problems:
        raise BriefError(problems)
    return tuple(entries)


def read_file(path: Path) -> dict[str, str]:
    """One pronunciation file (a YAML mapping written: said); a bad one is bad input (exit 3)
    naming its line."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return dict(_read(path.resolve(), stamp))


def given_for(brief_dir: Path | None, brief_map: Mapping[str, str]) -> dict[str, str]:
    """What a team and a brief ask for, every engine alike: the shared files, then the brief's
    own `pronounce:` map (which wins)."""
    return merged(*(read_file(path) for path in shared_files(brief_dir)), brief_map)


def merged(*layers: Mapping[str, str]) -> dict[str, str]:
    """Layers of entries, later ones overriding earlier ones for the same written text."""
    out: dict[str, str] = {}
    for layer in layers:
        out.update(layer)
    return out


def apply(parts: Sequence[str], entries: Mapping[str, str], language: str) -> list[str]:
    """The parts with every entry's written text replaced by its reading (see module notes).
    A replacement that spans two parts goes into the part where it starts."""
    if not entries or not any(parts):
        return list(parts)
    text = "".join(parts)
    ends, start = [], 0
    for part in parts:
        start += len(part)
        ends.append(start)
    chinese = language.lower().startswith("zh")
    boundaries = _word_boundaries(text) if chinese else None
    pattern = _pattern(tuple(sorted(entries, key=len, reverse=True)))
    out = [""] * len(parts)
    cursor = 0
    for match in pattern.finditer(text):
        if not _fits(match, text, boundaries):
            continue
        _place(out, ends, text, cursor, match.start())
        owner = next(i for i, end in enumerate(ends) if match.start() < end)
        out[owner] += entries[match.group()]
        cursor = match.end()
    _place(out, ends, text, cursor, len(text))
    return out


def _place(out: list[str], ends: list[int], text: str, start: int, stop: int) -> None:
    """Copy text[start:stop] into the parts it belongs to."""
    begin = 0
    for index, end in enumerate(ends):
        low, high = max(start, begin), min(stop, end)
        if low < high:
            out[index] += text[low:high]
        begin = end


@functools.cache
def _pattern(written: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, written)))


def _fits(match: re.Match[str], text: str, boundaries: frozenset[int] | None) -> bool:
    start, end = match.span()
    if boundaries is None:  # whole words only
        return not (start > 0 and text[start - 1].isalnum() and match.group()[0].isalnum()) \
            and not (end < len(text) and text[end].isalnum() and match.group()[-1].isalnum())
    if start in boundaries:
        return True
    if end not in boundaries:
        return False
    word_start = max(b for b in boundaries if b < start)
    return _NUMBER_BEFORE.search(text[word_start:start]) is None


def _word_boundaries(text: str) -> frozenset[int]:
    from ..linebreak import words

    cuts, position = {0, len(text)}, 0
    for word in words(text):
        position += len(word)
        cuts.add(position)
    return frozenset(cuts)
