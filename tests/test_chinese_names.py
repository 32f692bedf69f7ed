"""Chinese line breaks keep government bodies and services whole and prefer phrase boundaries;
captions never hold a web address there is no time to read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import write_brief
from policyclip.cli import app
from policyclip.linebreak import (
    CHINESE_CAPTIONS,
    ENGLISH_CAPTIONS,
    NAMES_FILE,
    LineRules,
    break_lines,
    caption_chunks,
    caption_cues,
    name_lists,
)

FILLERS = ["", "请", "市民朋友", "有任何疑问", "如对政策有疑问的", "办理过程中遇到问题的市民"]


def _lines(text: str, rules: LineRules = CHINESE_CAPTIONS) -> list[str]:
    return [line for cue in caption_cues(text, rules) for line in cue]


def test_the_list_names_its_source_and_holds_the_names_briefs_use() -> None:
    header = NAMES_FILE.read_text(encoding="utf-8").split("[names]")[0]
    assert "Source:" in header and "国务院" in header
    names = name_lists()["names"]
    for name in ("国家金融监督管理总局", "中国证监会", "政务服务便民热线", "12345热线",
                 "国家税务总局", "人力资源和社会保障部"):
        assert name in names
    assert len(set(names)) == len(names), "a name is listed twice"


@pytest.mark.parametrize("name", name_lists()["names"])
def test_every_listed_name_stays_on_one_line(name: str) -> None:
    for filler in FILLERS:
        text = f"{filler}可以咨询{name}了解详情，也可以到就近的服务窗口办理。"
        assert any(name in line for line in _lines(text)), (name, caption_cues(
            text, CHINESE_CAPTIONS))


@pytest.mark.parametrize("name", ["广东省人力资源和社会保障厅", "北京市住房和城乡建设局",
                                  "浙江省市场监督管理局", "市医疗保障局", "上海市人民政府办公厅"])
def test_a_place_and_its_department_stay_on_one_line(name: str) -> None:
    for filler in FILLERS:
        text = f"{filler}近日{name}发布通知，明确了今年的办理流程和时间安排。"
        assert any(name in line for line in _lines(text)), caption_cues(text, CHINESE_CAPTIONS)


def test_a_name_too_long_for_a_line_breaks_between_place_and_department() -> None:
    lines = _lines("新疆维吾尔自治区人力资源和社会保障厅发布通知")
    assert "新疆维吾尔自治区" in lines[0] and "人力资源和社会保障厅" in "".join(lines[1:])


@pytest.mark.parametrize("lead",
                         ["外地务工人员可咨询", "也可以咨询", "来沪务工人员和外来经商人员可以咨询"])
def test_a_long_place_and_department_break_across_lines_of_one_cue_never_across_cues(
        lead: str) -> None:
    name = "新疆维吾尔自治区人力资源和社会保障厅"
    cues = caption_cues(f"可以查询国家金融监督管理总局和中国证监会官网，{lead}{name}。",
                        CHINESE_CAPTIONS)
    holding = [cue for cue in cues if any("新疆" in line or "人力资源" in line for line in cue)]
    assert len(holding) == 1, cues
    assert "".join(holding[0]).endswith(name), cues
    assert "".join("".join(cue) for cue in cues) \
        == f"可以查询国家金融监督管理总局和中国证监会官网{lead}{name}"


def test_cards_keep_names_whole_too() -> None:
    narrow = LineRules(max_units=12, latin_unit=0.5)
    lines = break_lines("具体政策请咨询国家金融监督管理总局或中国证监会", narrow)
    assert "国家金融监督管理总局" in "".join(lines)
    assert any("国家金融监督管理总局" in line for line in lines), lines
    assert any("中国证监会" in line for line in lines), lines


@pytest.mark.parametrize(("text", "inside"), [
    ("所有产品都必须达到国家基础标准才能上市销售", "国家基础标准"),
    ("申请人应当符合国家基础标准和行业规范的相关要求", "国家基础标准"),
    ("有疑问可以咨询政务服务便民热线 12345", "政务服务便民热线"),
])
def test_breaks_fall_at_phrase_boundaries(text: str, inside: str) -> None:
    assert any(inside in line for line in _lines(text)), caption_cues(text, CHINESE_CAPTIONS)


def test_chinese_captions_leave_out_web_addresses_they_do_not_read() -> None:
    chunks = caption_chunks("详情请访问 https://www.gov.cn/zhengce/content/202401/c.htm 查看原文。",
                            CHINESE_CAPTIONS)
    assert all("gov.cn" not in line for lines, _ in chunks for line in lines), chunks
    assert all("gov.cn" not in raw for _, raw in chunks)


def test_english_captions_show_the_host_that_is_read() -> None:
    chunks = caption_chunks("Visit https://www.irs.gov/filing/free-file for details.",
                            ENGLISH_CAPTIONS)
    assert chunks == [(("Visit irs.gov for details.",), "Visit irs.gov for details.")]


def test_no_caption_holds_more_than_9_characters_a_second(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, """\
        title: 消费券领取提醒
        issuer: 市商务局
        summary: 消费券今天开始领取。
        points:
          - heading: 在哪领
            text: 详情见 https://www.gov.cn/zhengce/content/202401/content_6926619.htm 。
          - heading: 怎么问
            text: 可以咨询政务服务便民热线 12345。
        """)
    result = CliRunner().invoke(app, ["captions", str(brief), "--tts", "espeak",
                                      "--format", "srt"])
    assert result.exit_code == 0, result.output
    for block in result.stdout.strip().split("\n\n"):
        rows = block.splitlines()
        start, end = (_ms(t) for t in rows[1].split(" --> "))
        shown = re.sub(r"\s", "", "".join(rows[2:]))
        assert len(shown) / ((end - start) / 1000) <= 9, block


def _ms(stamp: str) -> int:
    h, m, rest = stamp.split(":")
    s, ms = rest.split(",")
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


@pytest.mark.parametrize(("text", "together"), [
    ("各地要加快推进老旧小区改造和城市更新行动计划确保年底前完成既定目标任务", "年底前"),
    ("消费券：消费券在指定的手机平台分批发放", "指定的"),
])
def test_a_line_never_starts_with_a_word_that_leans_on_the_one_before(
        text: str, together: str) -> None:
    assert any(together in line for line in _lines(text)), caption_cues(text, CHINESE_CAPTIONS)
