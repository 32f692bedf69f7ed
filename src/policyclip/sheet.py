"""The recording sheet: what an announcer reads for a voice-over, numbered and grouped by scene.

Sentences are those the speech stage speaks and the captions show (one number each, counted
through the whole script); a take folder names its files by these numbers. Each has the time
it takes at a calm reading pace, the pace a take is compared with.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .models import Brief, Script, Sentence
from .speech.voiceover import expected_ms

FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True)
class Line:
    """One sentence to read: its number on the sheet, its words, its estimated time."""

    number: int
    text: str
    estimate_ms: int


@dataclass(frozen=True)
class Part:
    """One scene's sentences, and the scene's name as a reader knows it."""

    name: str
    lines: tuple[Line, ...]


def _scene_name(brief: Brief, card: str, ref: int | None) -> str:
    """`title`, `point 2: 减多少`, `question 1`: cards counted from 1, as on paper."""
    if ref is None:
        return card
    if card == "point" and 0 <= ref < len(brief.points):
        return f"point {ref + 1}: {brief.points[ref].heading}"
    return f"{'question' if card == 'faq' else card} {ref + 1}"


def sheet_parts(brief: Brief, script: Script, sentences: tuple[Sentence, ...]
                ) -> tuple[Part, ...]:
    """The script's sentences numbered from 1 and grouped by scene (scenes with no words are
    left out)."""
    parts = []
    number = 0
    for index, scene in enumerate(script.scenes):
        lines = []
        for sentence in (s for s in sentences if s.scene == index):
            number += 1
            lines.append(Line(number, sentence.text,
                              expected_ms(sentence.text, brief.language)))
        if lines:
            parts.append(Part(_scene_name(brief, scene.card, scene.ref), tuple(lines)))
    return tuple(parts)


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _total(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def render_sheet(title: str, parts: tuple[Part, ...], fmt: str = "text") -> str:
    """The sheet as plain text, Markdown or a printable HTML page."""
    count = sum(len(p.lines) for p in parts)
    total = sum(line.estimate_ms for p in parts for line in p.lines)
    about = (f"{count} sentences, about {_total(total)} of reading. Read them in order, "
             "pausing about a second between sentences; or record one file per sentence, "
             "named by its number (001.wav, 002.wav, ...).")
    if fmt == "markdown":
        out = [f"# Recording sheet: {title}", "", about, ""]
        for part in parts:
            out += [f"## {part.name}", "", "| # | sentence | time |", "|---:|---|---:|"]
            out += [f"| {line.number:03d} | {_cell(line.text)} | {_seconds(line.estimate_ms)} |"
                    for line in part.lines]
            out.append("")
        return "\n".join(out)
    if fmt == "html":
        esc = html.escape
        rows = []
        for part in parts:
            rows.append(f'<tr class="scene"><th colspan="3">{esc(part.name)}</th></tr>')
            rows += [f'<tr><td class="n">{line.number:03d}</td><td>{esc(line.text)}</td>'
                     f'<td class="t">{_seconds(line.estimate_ms)}</td></tr>'
                     for line in part.lines]
        return "\n".join([
            "<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
            f"<title>Recording sheet: {esc(title)}</title>",
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
            "width:100%}td,th{border-bottom:1px solid #ccc;padding:.5em;text-align:left;"
            "vertical-align:top;font-size:14pt}.n,.t{white-space:nowrap;color:#555}"
            ".t{text-align:right}tr.scene th{background:#eee;font-size:11pt}"
            "tr{page-break-inside:avoid}</style></head><body>",
            f"<h1>Recording sheet: {esc(title)}</h1>", f"<p>{esc(about)}</p>",
            "<table>", *rows, "</table>", "</body></html>", ""])
    out = [f"Recording sheet: {title}", about, ""]
    for part in parts:
        out.append(f"[{part.name}]")
        out += [f"{line.number:03d}  {line.text}  ({_seconds(line.estimate_ms)})"
                for line in part.lines]
        out.append("")
    return "\n".join(out)
