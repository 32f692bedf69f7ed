"""Caption line breaking: golden cases from real policy text, and properties over random text."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyclip.linebreak import (
    CHINESE_CAPTIONS,
    CLOSING,
    DROP_AT_LINE_END,
    ENGLISH_CAPTIONS,
    OPENING,
    LineRules,
    atoms,
    break_lines,
    caption_chunks,
    caption_cues,
    split_sentences,
    spoken_weight,
    width,
)


def test_golden_seed_sentence() -> None:
    sentence = "截止2020年3月，我国直播用户达到5.6亿，占整体人口规模的40%。"
    cues = caption_cues(sentence, CHINESE_CAPTIONS)
    assert cues == [("截止2020年3月",), ("我国直播用户达到5.6亿",), ("占整体人口规模的40%",)]


def test_golden_long_sentence_without_punctuation_breaks_between_words() -> None:
    sentence = "今年618当日沈阳市与天猫合作举办天猫618东北沈阳站活动即时在线人数突破30万人"
    cues = caption_cues(sentence, CHINESE_CAPTIONS)
    # Two lines together would take too long to say (digits are read one by one): one line each.
    assert cues == [("今年618当日沈阳市与天猫",), ("合作举办天猫618东北沈阳站",),
                    ("活动即时在线人数突破30万人",)]


def test_document_numbers_money_rates_and_urls_stay_whole() -> None:
    text = "根据国发〔2023〕13号，每月补贴2000元/月，详见 https://www.gov.cn/zhengce/ 或拨打12345。"
    pieces = atoms(text)
    for whole in ("国发〔2023〕13号，", "2000元/月，", "https://www.gov.cn/zhengce/", "12345。"):
        assert any(whole in piece for piece in pieces), (whole, pieces)


def test_quotes_and_book_titles_hug_their_text() -> None:
    assert atoms('小微企业"六税两费"减半') == ['小微', '企业', '"六税', '两费"', '减半']
    pieces = atoms("印发《打赢蓝天保卫战三年行动计划》的通知")
    assert any(p.startswith("《") for p in pieces) and any(p.endswith("》") for p in pieces)


def test_glossary_terms_are_never_split() -> None:
    cues = caption_cues("小型微利企业享受六税两费减半征收政策并且无需另行申请办理",
                        CHINESE_CAPTIONS, glossary=["六税两费"])
    assert any("六税两费" in line for cue in cues for line in cue)


def test_english_lines_hold_32_characters_and_break_at_spaces() -> None:
    cues = caption_cues("Small businesses pay half of six local taxes and fees, from January 1, "
                        "2023 until the end of 2027, with no application needed.", ENGLISH_CAPTIONS)
    for cue in cues:
        assert 1 <= len(cue) <= 2
        for line in cue:
            assert len(line) <= 32 and line == line.strip()
    words = " ".join(line for cue in cues for line in cue).split()
    assert words[:10] == ["Small", "businesses", "pay", "half", "of", "six", "local", "taxes",
                          "and", "fees,"]


def test_an_english_number_range_stays_on_one_line() -> None:
    text = "Free rides for people aged 16 to 25 and for carers."
    assert "16 to 25" in atoms(text)
    for units in range(12, 40):
        lines = break_lines(text, replace(ENGLISH_CAPTIONS, max_units=units))
        assert any("16 to 25" in line for line in lines), (units, lines)


def test_a_card_line_never_leaves_one_word_alone_at_the_end() -> None:
    rules = replace(CHINESE_CAPTIONS, max_units=14)
    lines = break_lines("购买一级能效家电的本市户籍消费者", rules)
    assert len(lines) == 2 and all(width(line, rules) <= 14 for line in lines)
    assert min(width(line, rules) for line in lines) >= 14 / 3  # not 消费者 alone
    # a last line of fair length is left as the greedy fill made it
    assert break_lines("对符合条件的小型微利企业，减按百分之二十五计入应纳税所得额。", rules) == \
        ["对符合条件的小型微利企业，", "减按百分之二十五", "计入应纳税所得额。"]


def test_sentences_split_after_terminal_punctuation_with_quotes_attached() -> None:
    assert split_sentences("他说：“走吧。”好的！真的？是；Yes. No") == [
        "他说：“走吧。”", "好的！", "真的？", "是；", "Yes.", "No"]


# ---------------------------------------------------------------- properties

WORDS = ["政策", "企业", "补贴", "申请", "个体工商户", "小微企业", "减税降费", "电子税务局",
         "享受", "办理", "社区", "居民", "醫療保險", "補貼", "🎉", "👍"]
PROTECTED = ["5.6亿", "4.1亿元", "60%", "72.7万", "2020年3月", "12345", "2000元/月",
             "国发〔2023〕13号", "App", "MCN", "WeChat"]
PUNCT = ["，", "、", "：", "；", "！", "？", "……", "——"]
PAIRS = [("《", "》"), ("“", "”"), ("（", "）"), ("「", "」")]


@st.composite
def sentences(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    protected: list[str] = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["word", "word", "protected", "punct", "pair"]))
        if kind == "word":
            parts.append(draw(st.sampled_from(WORDS)))
        elif kind == "protected":
            token = draw(st.sampled_from(PROTECTED))
            parts.append(token)
            protected.append(token)
        elif kind == "punct" and parts:
            parts.append(draw(st.sampled_from(PUNCT)))
        elif kind == "pair":
            left, right = draw(st.sampled_from(PAIRS))
            parts.append(left + draw(st.sampled_from(WORDS)) + right)
    if not parts:
        parts.append("政策")
    # Latin and Chinese meet without spaces here, as in most real briefs.
    return "".join(parts) + draw(st.sampled_from(["。", "！", "？", ""])), protected


def _letters(text: str) -> str:
    return re.sub(rf"[\s{re.escape(DROP_AT_LINE_END)}]", "", text)


@settings(max_examples=300, deadline=None)
@given(sentences())
def test_caption_rules_hold_for_any_mix(case: tuple[str, list[str]]) -> None:
    sentence, protected = case
    cues = caption_cues(sentence, CHINESE_CAPTIONS)
    lines = [line for cue in cues for line in cue]
    # Nothing lost or reordered (only line-end 。，、；： may go).
    assert _letters("".join(lines)) == _letters(sentence)
    for cue in cues:
        assert 1 <= len(cue) <= 2
        if len(cue) == 2:  # two lines only while the cue stays short enough to read in ~6 s
            assert spoken_weight("".join(cue), CHINESE_CAPTIONS) <= CHINESE_CAPTIONS.max_cue_units
    for line in lines:
        assert line and width(line, CHINESE_CAPTIONS) <= 16, line
        assert line[0] not in CLOSING, (line, lines)
        assert line[-1] not in OPENING, (line, lines)
        assert not line.endswith(tuple(DROP_AT_LINE_END))
    for token in protected:
        assert any(token in line for line in lines), (token, lines)
    for mark in ("……", "——"):
        assert "".join(lines).count(mark) == sentence.count(mark)


@pytest.mark.parametrize(
    ("narration", "rules", "language", "cues", "spoken"),
    [
        ("详情请看 https://zjj.example.gov.cn/dianti?id=12&x=1 上的公告。", CHINESE_CAPTIONS,
         "zh-CN", [("详情请看上的公告",)], ["详情请看上的公告。"]),
        ("详见www.gov.cn/zhengce?a=1#top。好吗？", CHINESE_CAPTIONS, "zh-CN",
         [("详见",), ("好吗？",)], ["详见。", "好吗？"]),
        ("Then see https://example.gov/heat?a=1&b=2 now.", ENGLISH_CAPTIONS, "en-US",
         [("Then see example.gov now.",)], ["Then see example.gov now."]),
        ("Visit www.example.gov/a?b=2#c, then call. Is it open? Yes.", ENGLISH_CAPTIONS, "en-US",
         [("Visit example.gov, then call.",), ("Is it open?",), ("Yes.",)],
         ["Visit example.gov, then call.", "Is it open?", "Yes."]),
    ],
)
def test_a_web_address_with_a_query_is_one_unit_in_sentences_captions_and_speech(
        narration: str, rules: LineRules, language: str, cues: list[tuple[str, ...]],
        spoken: list[str]) -> None:
    from policyclip.speech.normalize import spoken_text

    sentences = split_sentences(narration)
    assert [cue for s in sentences for cue in caption_cues(s, rules)] == cues
    assert [spoken_text(raw, language) for s in sentences for _, raw in caption_chunks(s, rules)] \
        == spoken
