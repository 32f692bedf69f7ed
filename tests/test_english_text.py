"""English captions and speech: abbreviations, times, dates and slashes read as people do."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import write_brief
from policyclip.cli import app
from policyclip.linebreak import ENGLISH_CAPTIONS, caption_cues, split_sentences
from policyclip.speech.normalize import spoken_english


@pytest.mark.parametrize("text", [
    "Ask the U.S. Treasury's IRS or Mr. Smith.",
    "Dr. Lee and Ms. Park answer, e.g. by phone, i.e. the hotline.",
    "The office closes at 5 p.m. on Fridays.",
    "The office opens at 9 a.m. Monday to Friday.",
])
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


def test_sentences_still_end_after_an_abbreviation_that_ends_them() -> None:
    text = "Call before 5 p.m. The office is closed on weekends. Ask Dr. Lee."
    assert split_sentences(text) == [
        "Call before 5 p.m.", "The office is closed on weekends.", "Ask Dr. Lee."]


def test_chinese_and_english_sentences_in_one_narration() -> None:
    assert split_sentences("请咨询 U.S. 使馆。Then ask Mr. Li. 好的！") == [
        "请咨询 U.S. 使馆。", "Then ask Mr. Li.", "好的！"]


def _joined(lines: list[tuple[str, ...]]) -> list[str]:
    return [" / ".join(cue) for cue in lines]


@pytest.mark.parametrize("phrase", ["24/7", "5 p.m.", "April 15, 2025", "$20/month",
                                    "Mr. Smith", "15 April 2025", "10:30 am"])
def test_times_dates_and_rates_stay_together_on_a_line(phrase: str) -> None:
    for lead in range(0, 30, 3):
        text = "x" * lead + " and the hotline of the tax office is open " + phrase + \
            "; after that, call again."
        cues = caption_cues(text, ENGLISH_CAPTIONS)
        assert any(phrase in line for cue in cues for line in cue), (phrase, _joined(cues))


def test_a_cue_is_never_just_a_year() -> None:
    text = ("The free filing hotline is open 24/7, e.g. on weekends, and closes at 5 p.m. on "
            "the deadline of April 15, 2025;")
    cues = caption_cues(text, ENGLISH_CAPTIONS)
    assert ("and closes at 5 p.m. on the", "deadline of April 15, 2025;") in cues
    assert all(len(" ".join(cue)) > 10 for cue in cues), _joined(cues)


def test_a_short_trailing_clause_joins_the_cue_before_it() -> None:
    for text in ("Send the form to the office of the county clerk by Friday, 2025;",
                 "Send the form to the county clerk by Friday, 2025;",
                 "Send the form to the office of the county clerk in person by Friday, 2025;"):
        cues = caption_cues(text, ENGLISH_CAPTIONS)
        assert " ".join(" ".join(cue) for cue in cues) == text
        assert all(len(" ".join(cue)) > 10 for cue in cues), cues


@pytest.mark.parametrize(("shown", "said"), [
    ("fees of $20/month apply", "fees of 20 dollars per month apply"),
    ("a limit of 50 km/h", "a limit of 50 km per h"),
    ("individuals and/or businesses", "individuals and or businesses"),
    ("open 24/7, all year", "open 24 7, all year"),
    ("he/she can claim", "he or she can claim"),
    ("due 4/15/2025", "due April 15, 2025"),
    ("see irs.gov/free-file today", "see irs.gov today"),
])
def test_a_slash_is_read_per_only_between_a_quantity_and_a_unit(shown: str, said: str) -> None:
    assert spoken_english(shown) == said


def test_one_caption_sentence_in_the_srt(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, """\
        title: Free filing
        issuer: Tax office
        language: en-US
        summary: Ask the U.S. Treasury's IRS or Mr. Smith.
        points:
          - heading: When
            text: The line is open 24/7 until 5 p.m. on April 15, 2025.
        """)
    result = CliRunner().invoke(app, ["captions", str(brief), "--tts", "none",
                                      "--format", "srt"])
    assert result.exit_code == 0, result.output
    blocks = [b.splitlines()[2:] for b in result.stdout.strip().split("\n\n")]
    texts = [" ".join(lines) for lines in blocks]
    assert "Ask the U.S. Treasury's IRS or Mr. Smith." in texts, texts
    for phrase in ("24/7", "5 p.m.", "April 15, 2025"):
        assert any(phrase in line for lines in blocks for line in lines), (phrase, blocks)
