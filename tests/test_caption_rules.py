"""Caption rules on a brief full of numbers, long unpunctuated text, mixed scripts, emoji and
Traditional characters, timed by real espeak-ng speech (no video is encoded)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import write_brief
from policyclip.linebreak import CHINESE_CAPTIONS, CLOSING, OPENING, width
from policyclip.models import Timeline
from policyclip.pipeline import RenderOptions, caption_timeline, prepare

TORTURE = """\
title: 關於進一步優化🎉"App"政务服务的通知（国办发〔2024〕3号）
issuer: 国务院办公厅 General Office
summary: 截至2024年6月底全国一体化政务服务平台实名注册用户超过10亿人总使用量超过900亿人次日均办件量达到3000万件群众满意率达到99.5%以上
points:
  - heading: 高效办成一件事
    text: 企业信息变更、开办运输企业、出生、退休等13个事项实现“一件事一次办”，平均减少材料60%、跑动次数下降90%以上！😀
    figure:
      value: "13个"
      label: 重点事项
  - heading: 費用標準
    text: 申请人每月可领取补贴2000元/月，最高不超过¥13.5万元；港澳居民可拨打热线12345或（0755）8888-1234咨询，详情见https://www.gov.cn/zhengce/content/202401/content_6926619.htm
  - heading: MCN机构和App运营者
    text: MCN机构、App运营者与短视频平台应当落实主体责任……对违规内容——包括虚假宣传——依法处置；1至3月份累计处置72.7万条，环比增长5.6%。
faq:
  - q: "Can foreigners apply? 外国人能办吗？"
    a: 可以，持有效证件即可办理，Yes you can.
contact: 12345政务服务便民热线
glossary:
  一件事一次办: 把多个相关事项集成为一件事办理
"""

WHOLE = ["2000元/月", "¥13.5万元", "72.7万", "5.6%", "国办发〔2024〕3号", "12345", "3000万件",
         "99.5%", "1至3月", "60%", "90%", "13个", "2024年6月", "一件事一次办", "MCN", "App"]


@pytest.fixture(scope="module")
def timed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Timeline, Path]:
    brief = write_brief(tmp_path_factory.mktemp("torture"), TORTURE)
    return caption_timeline(brief, RenderOptions(tts="espeak")), brief


def test_every_cue_keeps_the_layout_rules(timed: tuple[Timeline, Path]) -> None:
    timeline, _ = timed
    for cue in timeline.cues:
        assert 1 <= len(cue.lines) <= 2, cue
        for line in cue.lines:
            assert width(line, CHINESE_CAPTIONS) <= 16, line
            assert line[0] not in CLOSING and line[-1] not in OPENING, line
            assert not line.endswith(tuple("。，、；：")), line


def test_numbers_terms_and_names_are_never_split(timed: tuple[Timeline, Path]) -> None:
    timeline, _ = timed
    lines = [line for cue in timeline.cues for line in cue.lines]
    for token in WHOLE:
        assert any(token in line for line in lines), token


def test_cues_are_readable(timed: tuple[Timeline, Path]) -> None:
    timeline, _ = timed
    for cue in timeline.cues:
        seconds = (cue.end_ms - cue.start_ms) / 1000
        chinese = len(re.findall(r"[\u3400-\u9fff]", cue.text))
        assert seconds >= 0.8, cue
        assert seconds <= 8.0, cue
        assert chinese / seconds <= 9, cue


def test_captions_hold_every_word_in_order(timed: tuple[Timeline, Path]) -> None:
    timeline, brief = timed
    prepared = prepare(brief, RenderOptions(tts="espeak"))
    spoken = "".join(re.sub(r"https?://[\w./%-]+", "", s.text) for s in prepared.sentences)
    shown = "".join(cue.text for cue in timeline.cues).replace("www.gov.cn/…", "")

    def letters(text: str) -> str:
        return re.sub(r"[\s。，、；：]", "", text)

    assert letters(shown) == letters(spoken)
