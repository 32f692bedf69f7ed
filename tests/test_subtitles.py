"""SRT and VTT sidecars hold exactly the captions burned in, read back by other libraries."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
import srt
import webvtt

from helpers import write_brief
from policyclip.export import subtitles
from policyclip.models import Cue
from policyclip.pipeline import RenderOptions, caption_timeline

TRICKY = (
    Cue(0, 1500, ("模板代码 {{ config }} 和", "{\\an8}置顶"), 0),
    Cue(1500, 2900, ("a<b & c>d", "换行\\N不算 <i>斜体</i>"), 0),
    Cue(2900, 4000, ("-->", "1 &amp; 2"), 1),
    Cue(4000, 3_723_456, ("12345",), 1),
)


def srt_cues(text: str) -> list[tuple[int, int, list[str]]]:
    """(start ms, end ms, lines) of every cue, as the `srt` package reads them."""
    return [(s.start // _MS, s.end // _MS, s.content.split("\n")) for s in srt.parse(text)]


def vtt_cues(text: str) -> list[tuple[int, int, list[str]]]:
    """(start ms, end ms, lines) of every cue, as `webvtt-py` reads them, entities decoded."""
    found = []
    for caption in webvtt.from_buffer(io.StringIO(text)):
        assert "<" not in caption.raw_text  # a real "<" would start a tag
        lines = [html.unescape(line) for line in caption.raw_text.split("\n")]
        found.append((_vtt_ms(caption.start), _vtt_ms(caption.end), lines))
    return found


def _vtt_ms(clock: str) -> int:
    hours, minutes, seconds = clock.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


_MS = srt.timedelta(milliseconds=1)


def _expected(cues: tuple[Cue, ...] | list[Cue]) -> list[tuple[int, int, list[str]]]:
    return [(c.start_ms, c.end_ms, list(c.lines)) for c in cues]


def test_srt_keeps_braces_backslashes_and_tags_as_text() -> None:
    assert srt_cues(subtitles(TRICKY, "srt")) == _expected(TRICKY)


def test_vtt_escapes_markup_characters_and_reads_back_exactly() -> None:
    text = subtitles(TRICKY, "vtt")
    assert "a&lt;b &amp; c&gt;d" in text and "1 &amp;amp; 2" in text
    assert "\n--&gt;\n" in text  # an arrow in cue text would be read as a timing line
    assert vtt_cues(text) == _expected(TRICKY)


def test_blank_lines_never_end_a_cue_early() -> None:
    cues = (Cue(0, 1000, ("上", " ", "下"), 0), Cue(1000, 2000, ("  ",), 0),
            Cue(2000, 3000, ("末",), 0))
    for fmt, read in (("srt", srt_cues), ("vtt", vtt_cues)):
        assert read(subtitles(cues, fmt)) == [(0, 1000, ["上", "下"]), (2000, 3000, ["末"])]


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_sidecars_of_a_brief_match_its_timeline(tmp_path: Path, language: str) -> None:
    brief = write_brief(tmp_path, f"""\
        title: "模板代码 {{{{ config }}}} 和 <b>粗体</b>"
        issuer: "R&D 办公室"
        language: {language}
        summary: "Fees {{\\\\an8}} fall: 5 < 6 & 7 > 3. 换行符 \\\\N 照写"
        points:
          - heading: H
            text: "Ask A&B <now> --> then {{% raw %}}."
        """)
    timeline = caption_timeline(brief, RenderOptions(tts="none"))
    shown = "".join("".join(c.lines) for c in timeline.cues).replace(" ", "")
    assert "{{config}}" in shown and "\\N" in shown and "<now>" in shown
    assert srt_cues(subtitles(timeline.cues, "srt")) == _expected(timeline.cues)
    assert vtt_cues(subtitles(timeline.cues, "vtt")) == _expected(timeline.cues)
