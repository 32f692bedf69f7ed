"""Line breaking for Chinese and English on-screen text (W3C clreq, GB/T 15834).

Text is cut into atoms that must never be split: words (jieba-rs for Chinese, glossary terms kept
whole), numbers with their units, URLs, Latin words, with closing punctuation glued to the atom
before it and opening punctuation glued to the atom after it. Lines are then filled atom by atom.
Used by the captions stage and by card drawing; it is a helper, not a pipeline stage.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .weblinks import WEB_ADDRESS, WEB_ADDRESS_RE, address_spans, host, mask_addresses

CLOSING = set("、，。．：；！？,.:;!?）)］]｝}〕〉》」』】〙〗”’%％‰…—～·")
OPENING = set("（(［[｛{〔〈《「『【〘〖“‘¥￥$£€")
# Punctuation after which a caption may end a cue (a clause boundary).
CLAUSE_END = set("，,；;：:、。！？!?…")
# Dropped from the end of a caption line: short-video captions don't print them.
DROP_AT_LINE_END = "。，、；：,;:．"

_UNIT = (
    r"(?:%|％|‰|平方米|平方公里|公里|千米|公斤|公顷|小时|分钟|人次|万|亿|千|百|元|角|块|个|人|次|户|家"
    r"|项|条|款|件|岁|天|周|年|月|日|号|时|分|秒|倍|名|所|座|辆|台|份|套|层|亩|吨|斤|克|米|度|℃"
    r"|km|kg|㎡|m²)"
)
_NUM = r"[¥￥$£€]?\d+(?:[.,:]\d+)*"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_PROTECTED = re.compile(
    rf"{WEB_ADDRESS}"  # web addresses
    # English phrases read as one: 5 p.m., 10:30 am, April 15, 2025, 15 April 2025, 24/7,
    # $20/month, Mr. Smith.
    r"|\d{1,2}(?::\d{2})?\s?[ap]\.?m\.?(?![A-Za-z])"
    rf"|{_MONTH}\.?\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?(?!\d)"
    rf"|\d{{1,2}}\s{_MONTH}\.?(?:\s\d{{4}})?(?![\dA-Za-z])"
    r"|\d+(?:[/／]\d+)+(?![\d.])"
    r"|[¥￥$£€]?\d+(?:[.,]\d+)*[/／][A-Za-z]+"
    r"|(?:Mr|Mrs|Ms|Dr|Prof|St)\.\s[A-Z][A-Za-z'’\-]*"
    r"|(?:[\u4e00-\u9fff]{0,3}[〔［\[]\d{4}[〕］\]]\d+号)"  # document numbers: 国发〔2023〕13号
    # A number with its units, a per-unit (元/月), a range (1至3月, 16 to 25) or a date
    # (2020年3月1日).
    rf"|{_NUM}{_UNIT}*(?:[/／]{_UNIT}+|(?:[-—–~～至到]|\s+to\s+){_NUM}{_UNIT}*"
    r"|(?<=[年月])\d{1,2}[月日号])*"
    r"|[A-Za-z]+(?:['’_\-.][A-Za-z]+)*\.?"  # Latin words: App, MCN, e.g., it's
    r"|——+|…+|\.\.\.+"  # dashes and ellipses are never split
)


@dataclass(frozen=True)
class LineRules:
    """How much fits on a line: `max_units` where a CJK character is 1 and Latin `latin_unit`."""

    max_units: float
    latin_unit: float
    chinese: bool = True
    # A cue stays up about as long as its words take to say: at ~4.5 syllables a second, a
    # spoken weight of 26 keeps a cue under ~6 s. Two full lines are allowed only below this.
    max_cue_units: float = 26
    drop_at_line_end: str = DROP_AT_LINE_END


CHINESE_CAPTIONS = LineRules(max_units=16, latin_unit=0.5)
# English allows 42 characters a line; 32 is what fits the caption box at a readable size.
ENGLISH_CAPTIONS = LineRules(max_units=32, latin_unit=1.0, chinese=False, max_cue_units=64,
                             drop_at_line_end="")


def caption_rules(language: str) -> LineRules:
    """The caption line rules for a brief language."""
    return CHINESE_CAPTIONS if language.lower().startswith("zh") else ENGLISH_CAPTIONS


def char_width(ch: str, rules: LineRules) -> float:
    """Width of one character in line units."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return rules.latin_unit if rules.chinese else 1.0


def width(text: str, rules: LineRules) -> float:
    """Width of a string in line units."""
    return sum(char_width(ch, rules) for ch in text)


def line_width(text: str, rules: LineRules) -> float:
    """Width of text as a caption line: edge spaces and droppable end punctuation don't count."""
    return width(text.strip().rstrip(rules.drop_at_line_end).strip(), rules)


def spoken_weight(text: str, rules: LineRules) -> float:
    """Roughly how long text takes to say, in Chinese syllables (English: characters).

    Digits are narrow on screen but each is read as a syllable or more (2023年 is 二零二三年).
    """
    if not rules.chinese:
        return width(text, rules)
    return sum(_SYLLABLES.get(ch, 1.0 if ch.isdigit() or (
        unicodedata.east_asian_width(ch) in ("W", "F") and unicodedata.category(ch)[0] == "L")
        else 0.5 if ch.isalpha() else 0.0) for ch in text)


# Symbols read aloud as several syllables: 50% is 百分之五十, 2000元/月 is 两千元每月.
_SYLLABLES = {"%": 3.0, "％": 3.0, "‰": 3.0, "/": 1.0, "／": 1.0, ".": 0.5, "~": 1.0, "～": 1.0}


@functools.cache
def _segmenter() -> Any:
    """jieba-rs with jieba's whole dictionary (349,000 words), loaded in about 0.15 s."""
    import rjieba

    # Importing rjieba loads its shared dictionary; after release_dictionary() emptied that one,
    # a fresh dictionary is loaded.
    return rjieba if rjieba.has_word("的") else rjieba.Jieba()


def release_dictionary() -> None:
    """Empty the loaded word dictionary (about 30 MB); it is loaded again when next needed."""
    if _segmenter.cache_info().currsize:
        _segmenter().clear()
        _segmenter.cache_clear()


@functools.cache
def _glossary_pattern(glossary: tuple[str, ...]) -> re.Pattern[str] | None:
    terms = sorted((t for t in glossary if t.strip()), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, terms))) if terms else None


def words(text: str, *, guess_unknown: bool = True) -> list[str]:
    """jieba's words of `text`, in order; joined they give `text` back. Without
    `guess_unknown`, only dictionary words (jieba's HMM does not join unknown characters)."""
    return list(_segmenter().cut(text, guess_unknown)) if text else []


def _words(run: str) -> list[str]:
    if not re.search(r"[\u3400-\u9fff]", run):
        return list(run) if not run.isspace() else [run]
    return list(_segmenter().cut(run, True))


NAMES_FILE = Path(__file__).resolve().parent / "data" / "names.zh.txt"
# A place and a department longer than this (新疆维吾尔自治区人力资源和社会保障厅) may break
# between the two: whole, it would not fit a caption line.
_LONGEST_WHOLE_NAME = 14


@functools.cache
def name_lists() -> dict[str, tuple[str, ...]]:
    """The shipped names kept whole (data/names.zh.txt): `names`, `places`, `departments`."""
    sections: dict[str, list[str]] = {"names": [], "places": [], "departments": []}
    current = sections["names"]
    for raw in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections[line[1:-1]]
        elif line:
            current.append(line)
    return {key: tuple(values) for key, values in sections.items()}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))


@functools.cache
def _whole_pattern(glossary: tuple[str, ...]) -> re.Pattern[str]:
    """The brief's glossary terms, then government bodies and services (a place and a local
    department, or a listed name), longest first."""
    lists = name_lists()
    terms = [t for t in glossary if t.strip()]
    return re.compile(
        (rf"(?P<term>{_alternatives(terms)})|" if terms else "")
        + rf"(?P<place>{_alternatives(lists['places'])})?(?P<dept>"
        rf"{_alternatives(lists['departments'])})|{_alternatives(lists['names'])}")


def _whole_names(text: str, glossary: tuple[str, ...]) -> Iterable[tuple[int, int, list[str]]]:
    """Where names that must stay whole are (outside URLs), each as its atoms."""
    urls = address_spans(text)
    for match in _whole_pattern(glossary).finditer(text):
        if any(a < match.end() and match.start() < b for a, b in urls):
            continue
        whole = match.group()
        if match["place"] and len(whole) > _LONGEST_WHOLE_NAME:
            yield match.start(), match.end(), [match["place"], match["dept"]]
        else:
            yield match.start(), match.end(), [whole]


def atoms(text: str, glossary: Iterable[str] = ()) -> list[str]:
    """Cut text into pieces that a line break may fall between but never inside."""
    terms = tuple(sorted(set(glossary)))
    pieces: list[str] = []
    pos = 0
    for start, end, names in _whole_names(text, terms):
        pieces += _unnamed_atoms(text[pos:start], terms)
        pieces += names
        pos = end
    pieces += _unnamed_atoms(text[pos:], terms)
    return _glue(pieces)


def _unnamed_atoms(text: str, terms: tuple[str, ...]) -> list[str]:
    pieces: list[str] = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        pieces += _split_plain(text[pos : match.start()], terms)
        pieces.append(match.group())
        pos = match.end()
    return pieces + _split_plain(text[pos:], terms)


def _split_plain(run: str, glossary: tuple[str, ...]) -> list[str]:
    """Whitespace, glossary terms (kept whole) and jieba's words, in order."""
    out: list[str] = []
    pattern = _glossary_pattern(glossary)
    for chunk in re.split(r"(\s+)", run):
        if not chunk:
            continue
        if chunk.isspace():
            out.append(chunk)
            continue
        pos = 0
        for match in pattern.finditer(chunk) if pattern else ():
            out += _words(chunk[pos : match.start()]) if match.start() > pos else []
            out.append(match.group())
            pos = match.end()
        out += _words(chunk[pos:]) if pos < len(chunk) else []
    return out


def _glue(pieces: list[str]) -> list[str]:
    # Straight quotes are opening or closing by parity: 小微企业"六税两费"减半.
    quotes = {'"': 0, "'": 0}
    merged: list[str] = []
    pending_open = ""
    for piece in pieces:
        if piece.isspace():
            if pending_open:
                pending_open += piece
            else:
                merged.append(piece)
            continue
        if piece in quotes:
            quotes[piece] += 1
            kind = "open" if quotes[piece] % 2 else "close"
        elif piece[0] in OPENING and all(c in OPENING for c in piece):
            kind = "open"
        elif piece[0] in CLOSING and (all(c in CLOSING for c in piece) or piece[0] in "—…"):
            kind = "close"
        else:
            kind = "word"
        if kind == "open":
            pending_open += piece
        elif kind == "close" and merged and not merged[-1].isspace() and not pending_open:
            merged[-1] += piece
        else:
            merged.append(pending_open + piece)
            pending_open = ""
    if pending_open:
        if merged:
            merged[-1] += pending_open
        else:
            merged.append(pending_open)
    return merged


def _fill(items: list[str], rules: LineRules) -> list[list[str]]:
    """Greedy fill; an atom wider than a line is cut by characters as a last resort."""
    lines: list[list[str]] = []
    current: list[str] = []
    for item in items:
        if current and line_width("".join(current) + item, rules) > rules.max_units:
            lines.append(current)
            current = []
            if item.isspace():
                continue
        if not current and line_width(item, rules) > rules.max_units:
            for part in _hard_cut(item.strip(), rules):
                lines.append([part])
            continue
        current.append(item)
    if current:
        lines.append(current)
    return lines


def _words_of_wide(items: list[str], rules: LineRules) -> list[str]:
    """Items, with any atom wider than a line (a long name) given as its words."""
    out: list[str] = []
    for item in items:
        if (line_width(item, rules) > rules.max_units
                and re.fullmatch(r"[\u3400-\u9fff]+[、，。：；！？）》」』”]*", item.strip())):
            out += _glue(_words(item.strip()))
        else:
            out.append(item)
    return out


def _even_fill(items: list[str], rules: LineRules) -> list[list[str]]:
    """Fill as few lines as greedy filling needs, but with their widths evened out."""
    lines = _fill(items, rules)
    total = width("".join(items).strip(), rules)
    target = math.ceil(total / len(lines))
    while target < rules.max_units:
        narrower = replace(rules, max_units=target)
        even = _fill(items, narrower)
        if len(even) <= len(lines):
            return even
        target += 1
    return lines


def _hard_cut(text: str, rules: LineRules) -> list[str]:
    parts, current = [], ""
    for ch in text:
        if current and width(current + ch, rules) > rules.max_units:
            parts.append(current)
            current = ""
        current += ch
    return [*parts, current] if current else parts


# jieba's parts of speech that make a noun phrase: a break between two of them splits the
# phrase (国家基础 / 标准). Verbal nouns (vn: 合作, 改造) are left out: as often as not they act
# as the verb after a noun (与天猫 / 合作), where a break is fine.
_NOUN_ENDS = frozenset({"n", "nr", "ns", "nt", "nz", "ng", "nrt", "j", "an"})
_NOUN_STARTS = _NOUN_ENDS
# Breaking inside a noun phrase costs as much as this many line units of unevenness.
_NOUN_PHRASE_PENALTY = 4.0


@functools.lru_cache(maxsize=65536)
def _tags(word: str) -> tuple[str, str]:
    """jieba's part of speech of the first and the last word in `word`."""
    tagged = _segmenter().tag(word, True)
    return (tagged[0][1], tagged[-1][1]) if tagged else ("x", "x")


def _inside_noun_phrase(left: str, right: str) -> bool:
    """True when a line break between atoms `left` and `right` would split a noun phrase."""
    left, right = left.strip(), right.strip()
    cjk = re.compile(r"[\u3400-\u9fff]")
    if not (left and right and cjk.fullmatch(left[-1]) and cjk.match(right[0])):
        return False  # punctuation, spaces, numbers and Latin words are fine places to break
    return _tags(left)[1] in _NOUN_ENDS and _tags(right)[0] in _NOUN_STARTS


# Words that lean on the word before them: locatives (年底 / 前) and particles (发生 / 的).
_LEANS_BACK = frozenset({"f", "u", "uj", "ul", "uz", "ug", "ud", "uv"})


def _sticky(left: str, right: str) -> bool:
    """True when a line should not break between atoms `left` and `right`."""
    if _inside_noun_phrase(left, right):
        return True
    right = right.strip()
    return bool(re.match(r"[\u3400-\u9fff]", right) and left.strip()
                and re.search(r"[\u3400-\u9fff]$", left.strip())
                and _tags(right)[0] in _LEANS_BACK)


def _unstick(lines: list[list[str]], rules: LineRules) -> list[list[str]]:
    """Move a line break that falls inside a noun phrase or before a word that leans back
    (年底 / 前) by one word, when both lines still fit and neither is left under half full."""
    lines = [list(line) for line in lines]
    for i in range(len(lines) - 1):
        above, below = lines[i], lines[i + 1]
        if len(above) < 2 or not below or not _sticky(above[-1], below[0]):
            continue
        for new_above, new_below in ((above[:-1], [above[-1], *below]),
                                     ([*above, below[0]], below[1:])):
            if (new_above and new_below
                    and line_width("".join(new_above), rules) <= rules.max_units
                    and line_width("".join(new_below), rules) <= rules.max_units
                    and min(line_width("".join(new_above), rules),
                            line_width("".join(new_below), rules)) >= rules.max_units / 2
                    and not _sticky(new_above[-1], new_below[0])
                    # nor a line that ends with a preposition or conjunction (沈阳市与 /)
                    and _tags(new_above[-1].strip())[1] not in ("p", "c")):
                lines[i], lines[i + 1] = new_above, new_below
                break
    return lines


def _balanced(items: list[str], rules: LineRules) -> list[list[str]] | None:
    """Split items into two lines of similar width, both within the limit."""
    best: tuple[float, int] | None = None
    for k in range(1, len(items)):
        left = line_width("".join(items[:k]), rules)
        right = line_width("".join(items[k:]), rules)
        if left <= rules.max_units and right <= rules.max_units:
            # Prefer a clause boundary, then a break outside a noun phrase, then the most even
            # split.
            penalty = abs(left - right) - (3 if items[k - 1].rstrip()[-1:] in CLAUSE_END else 0)
            if rules.chinese and _sticky(items[k - 1], items[k]):
                penalty += _NOUN_PHRASE_PENALTY
            if best is None or penalty < best[0]:
                best = (penalty, k)
    if best is None:
        return None
    return [items[: best[1]], items[best[1] :]]


def _clauses(items: list[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for item in items:
        clauses[-1].append(item)
        if item.rstrip()[-1:] in CLAUSE_END:
            clauses.append([])
    return [c for c in clauses if "".join(c).strip()]


def _finish(line: list[str], rules: LineRules) -> str:
    text = "".join(line).strip()
    if rules.drop_at_line_end:
        text = text.rstrip(rules.drop_at_line_end).strip()
    return text


def break_lines(text: str, rules: LineRules, glossary: Iterable[str] = ()) -> list[str]:
    """Break text into lines that fit `rules` (for cards: any number of lines). A last line
    shorter than a third of the width shares the width of the line above it evenly, so that a
    word is never left alone on it (消费者 under a full line)."""
    lines = _fill(_words_of_wide(atoms(text, glossary), rules), rules)
    if len(lines) >= 2 and width("".join(lines[-1]).strip(), rules) < rules.max_units / 3:
        lines[-2:] = _even_fill(lines[-2] + lines[-1], rules)
    return [t for t in ("".join(line).strip() for line in lines) if t]


def _caption_urls(text: str, rules: LineRules) -> str:
    """Captions show only what is said, so no caption holds text there is no time to read: a
    Chinese narration does not read web addresses, so its captions leave them out; an English
    one reads the host (irs.gov), which is what its captions show. The full address is on the
    source card and in the upload description."""
    if rules.chinese:
        return re.sub(rf"\s*{WEB_ADDRESS}\s*", "", text)
    return WEB_ADDRESS_RE.sub(lambda match: host(match[0]), text)


def caption_chunks(
    sentence: str, rules: LineRules, glossary: Iterable[str] = ()
) -> list[tuple[tuple[str, ...], str]]:
    """Split one sentence into caption cues of one or two lines, preferring one line.

    Each cue comes with the original text it shows (punctuation included), which is what the
    speech engine is asked to say for it.
    """
    cues: list[list[list[str]]] = []
    current: list[str] = []
    text = _caption_urls(sentence, rules)
    # A long place-and-department name may break between its halves across lines, not cues.
    halves = {(names[0], names[1]) for _, _, names in _whole_names(text, tuple(sorted(
        set(glossary)))) if len(names) == 2}
    for clause in _clauses(_words_of_wide(atoms(text, glossary), rules)):
        if line_width("".join(current + clause), rules) <= rules.max_units:
            current += clause
            continue
        if current and width("".join(current).strip(), rules) < rules.max_units / 3:
            # A short lead-in (第一，/ Second,) would flash alone: let it lead the next clause.
            clause, current = current + clause, []
        if current:
            cues.append([current])
            current = []
        if line_width("".join(clause), rules) <= rules.max_units:
            current = clause
            continue
        lines = _even_fill(clause, rules)
        if rules.chinese:
            lines = _unstick(lines, rules)
        i = 0
        while i < len(lines):
            pair = lines[i : i + 2]
            if len(pair) == 2 and spoken_weight("".join(pair[0] + pair[1]), rules) \
                    <= rules.max_cue_units and not (
                        i + 2 < len(lines) and _cuts_name(pair[1], lines[i + 2], halves)):
                cues.append(_balanced(pair[0] + pair[1], rules) or pair)
                i += 2
            else:
                cues.append(pair[:1])
                i += 1
    if current:
        cues.append([current])
    cues = _adopt_orphans(cues, rules)
    out: list[tuple[tuple[str, ...], str]] = []
    for cue in cues:
        shown = tuple(t for t in (_finish(line, rules) for line in cue) if t)
        raw = "".join("".join(line) for line in cue).strip()
        if shown:
            out.append((shown, raw))
        elif out:
            # Only punctuation: nothing to show, but keep it with the words it follows.
            out[-1] = (out[-1][0], out[-1][1] + raw)
    return out


def _cuts_name(left: list[str], right: list[str], halves: set[tuple[str, str]]) -> bool:
    """True when `left` ends with a place whose department starts `right`."""
    return bool(left and right) and any(
        left[-1].strip().endswith(place) and right[0].strip().startswith(dept)
        for place, dept in halves)


def _adopt_orphans(cues: list[list[list[str]]], rules: LineRules) -> list[list[list[str]]]:
    """A one-line cue narrower than a third of a line (2025; after April 15,; in Chinese only
    a bare number) is never shown alone: it joins the cue before it when the two read as one
    cue of at most two lines, else it takes the last line of that cue with it."""
    out: list[list[list[str]]] = []
    for cue in cues:
        orphan = "".join(cue[0]).strip()
        if not (out and len(cue) == 1 and width(orphan, rules) < rules.max_units / 3
                # A short Chinese cue (在线申请) is a normal caption; a bare number is not.
                and (not rules.chinese or not re.search(r"[\u3400-\u9fffA-Za-z]", orphan))):
            out.append(cue)
            continue
        before = [item for line in out[-1] for item in line]
        joined = _even_fill(before + cue[0], rules)
        if len(joined) <= 2 and spoken_weight("".join(before + cue[0]), rules) \
                <= rules.max_cue_units:
            out[-1] = (_balanced(before + cue[0], rules) or joined) if len(joined) == 2 \
                else joined
        elif len(out[-1]) == 2 and (split := [out[-1][1] + cue[0]] if line_width(
                "".join(out[-1][1] + cue[0]), rules) <= rules.max_units
                else _balanced(out[-1][1] + cue[0], rules)):
            out[-1:] = [out[-1][:1], split]
        else:
            out.append(cue)
    return out


def caption_cues(
    sentence: str, rules: LineRules, glossary: Iterable[str] = ()
) -> list[tuple[str, ...]]:
    """The lines of each caption cue of a sentence (see caption_chunks)."""
    return [lines for lines, _ in caption_chunks(sentence, rules, glossary)]


_TERMINAL = set("。！？；!?;…")
_TRAILING_CLOSERS = set("”’」』）)]\"'。！？!?…")
# After a.m./p.m. a capital may start a new sentence (at 5 p.m. The office...) or go on with a
# day or month (opens at 9 a.m. Monday); the segmenter always takes it for a new sentence.
_GOES_ON = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|May|June|July"
    r"|August|September|October|November|December)\b|[a-z0-9]")


def split_sentences(text: str) -> list[str]:
    """Split narration into sentences at 。！？；!? and where English sentences end.

    English full stops are left to pysbd's rules, which know abbreviations (U.S., Mr., e.g.,
    5 p.m.): a regex would end a sentence at each of them. Closing quotes stay attached.
    """
    original, text = text, mask_addresses(text)  # a ? or . inside an address ends nothing
    sentences: list[str] = []
    start = i = 0
    while i < len(text):
        if text[i] in _TERMINAL:
            i += 1
            # Closing quotes and a trailing emoji (做到了！😀) stay with their sentence.
            while i < len(text) and (text[i] in _TRAILING_CLOSERS
                                     or unicodedata.category(text[i]) == "So"):
                i += 1
            sentences += _english_sentences(text[start:i])
            start = i
        else:
            i += 1
    sentences += _english_sentences(text[start:])
    pieces: list[str] = []
    pos = 0
    for sentence in sentences:  # the pieces cover the text in order, so offsets carry over
        pieces.append(original[pos : pos + len(sentence)])
        pos += len(sentence)
    return [s.strip() for s in pieces if s.strip()]


@functools.cache
def _english_segmenter() -> tuple[Any, threading.Lock]:
    import pysbd

    # One segmenter keeps state while it works: calls from threads take turns.
    return pysbd.Segmenter(language="en", clean=False), threading.Lock()


def _english_sentences(text: str) -> list[str]:
    """`text` cut where an English sentence ends with a full stop (pysbd decides which)."""
    if not re.search(r"[A-Za-z0-9)\]\"'’”]\.[\"'’”)\]]*\s+\S", text):
        return [text]
    segmenter, lock = _english_segmenter()
    with lock:
        segments = segmenter.segment(text)
    cuts: list[int] = []
    pos = 0
    for segment in segments:
        found = text.find(segment.strip(), pos)
        if found < 0:  # the segmenter changed the text: keep it whole rather than guess
            return [text]
        pos = found + len(segment.strip())
        rest = text[pos:]
        ended = re.search(r"\.[\"'’”)\]]*$", text[:pos])
        if ended and rest.strip() and not (
                re.search(r"\b[ap]\.m\.$", text[:pos]) and _GOES_ON.match(rest.lstrip())):
            cuts.append(pos)
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
