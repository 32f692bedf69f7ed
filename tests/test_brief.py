"""Brief loading and validation (spec/brief-v1.md): exact messages for every kind of bad input."""

from __future__ import annotations

import datetime as dt
import os
import struct
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest
import yaml
from PIL import Image

from policyclip.brief import load_brief
from policyclip.errors import BriefError
from policyclip.models import Brief

MINIMAL = """\
title: T
issuer: I
summary: S
points:
  - heading: H
    text: X
"""  # 6 lines; whatever a test appends starts on line 7

OUTSIDE_HINT = (
    "paths in a brief are relative to its folder; pass --allow-outside-paths to use files elsewhere"
)


def write_png(path: Path, size: tuple[int, int] = (16, 9)) -> Path:
    """A small valid PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 30, 30)).save(path, "PNG")
    return path


def write_wav(path: Path, ms: int = 200) -> Path:
    """A short valid 16-bit mono WAV (a quiet tone)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 8000
    frames = b"".join(struct.pack("<h", 1000 if (i // 20) % 2 else -1000)
                      for i in range(rate * ms // 1000))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def write_brief(folder: Path, text: str, name: str = "brief.yaml") -> Path:
    """Write `text` as a brief file in `folder`."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, *, allow_outside: bool = False) -> list[str]:
    """The problem lines load_brief reports (the test fails if the brief loads)."""
    with pytest.raises(BriefError) as caught:
        load_brief(path, allow_outside=allow_outside)
    return caught.value.problems


def problems_of(tmp_path: Path, text: str) -> list[str]:
    """The problem lines for a brief with this text."""
    return problems(write_brief(tmp_path, text))


def load(tmp_path: Path, text: str) -> Brief:
    """Load a brief with this text."""
    return load_brief(write_brief(tmp_path, text))


# ---------------------------------------------------------------- valid briefs

FULL = """\
version: 1
title: 小微企业"六税两费"减半征收
issuer: 财政部 税务总局
doc_number: 财政部 税务总局公告2023年第12号
published: 2023-08-02
effective:
  from: 2023-01-01
  to: 2027-12-31
source_url: https://www.chinatax.gov.cn/
audience: 小型微利企业和个体工商户
language: zh-CN
hook: 小微企业的税，又能少交一半了？
summary: 对小型微利企业和个体工商户，六种地方税费按50%的幅度减征。
points:
  - heading: 谁能享受
    text: 增值税小规模纳税人、小型微利企业和个体工商户。
    figure:
      value: "50%"
      label: 减征幅度
    image: images/who.png
  - heading: 管多久
    text: 政策执行期限为2023年1月1日至2027年12月31日。
faq:
  - q: 需要专门申请吗？
    a: 不需要，申报时系统自动减免。
steps:
  - 登录电子税务局
  - 填写申报表，系统自动计算减免
contact: 纳税服务热线 12366
cta: 关注我们，政策早知道
glossary:
  六税两费: 资源税、城市维护建设税等六税和两项附加
hashtags: [政策解读, "#减税降费"]
render:
  template: explainer
  theme: default
  platform: douyin
  voice: zh-CN-XiaoxiaoNeural
  rate: "+0%"
  music: audio/bgm.wav
  logo: images/logo.png
"""


def test_a_full_brief_loads_every_field(tmp_path: Path) -> None:
    who = write_png(tmp_path / "images" / "who.png")
    logo = write_png(tmp_path / "images" / "logo.png", (32, 32))
    bgm = write_wav(tmp_path / "audio" / "bgm.wav")
    path = write_brief(tmp_path, FULL)

    brief = load_brief(path)

    assert brief.path == path
    assert brief.version == 1
    assert brief.title == '小微企业"六税两费"减半征收'
    assert brief.issuer == "财政部 税务总局"
    assert brief.doc_number == "财政部 税务总局公告2023年第12号"
    assert brief.published == dt.date(2023, 8, 2)
    assert brief.effective is not None
    assert (brief.effective.start, brief.effective.end) == (dt.date(2023, 1, 1),
                                                            dt.date(2027, 12, 31))
    assert brief.source_url == "https://www.chinatax.gov.cn/"
    assert brief.audience == "小型微利企业和个体工商户"
    assert brief.language == "zh-CN"
    assert brief.hook == "小微企业的税，又能少交一半了？"
    assert brief.summary == "对小型微利企业和个体工商户，六种地方税费按50%的幅度减征。"
    assert len(brief.points) == 2
    first, second = brief.points
    assert first.heading == "谁能享受"
    assert first.text == "增值税小规模纳税人、小型微利企业和个体工商户。"
    assert first.figure is not None
    assert (first.figure.value, first.figure.label) == ("50%", "减征幅度")
    assert first.image == who.resolve()
    assert second.figure is None and second.image is None
    assert [(f.q, f.a) for f in brief.faq] == [("需要专门申请吗？", "不需要，申报时系统自动减免。")]
    assert brief.steps == ("登录电子税务局", "填写申报表，系统自动计算减免")
    assert brief.contact == "纳税服务热线 12366"
    assert brief.cta == "关注我们，政策早知道"
    assert dict(brief.glossary) == {"六税两费": "资源税、城市维护建设税等六税和两项附加"}
    assert brief.hashtags == ("政策解读", "减税降费")
    r = brief.render
    assert (r.template, r.theme, r.platform, r.voice, r.rate) == (
        "explainer", "default", "douyin", "zh-CN-XiaoxiaoNeural", "+0%")
    assert r.music == bgm.resolve()
    assert r.logo == logo.resolve()
    assert brief.referenced_files() == (who.resolve(), bgm.resolve(), logo.resolve())


def test_a_minimal_brief_gets_the_defaults(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL)
    assert (brief.version, brief.language, brief.render.platform) == (1, "zh-CN", None)
    assert brief.effective is None and brief.published is None
    assert brief.faq == () and brief.steps == () and brief.hashtags == ()
    assert dict(brief.glossary) == {}


EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_the_example_briefs_load(example: Path) -> None:
    assert load_brief(example).title


@pytest.mark.parametrize("language", ["zh-CN", "en-US", "zh-TW", "zh-Hant-HK", "en-GB", "en"])
def test_languages(tmp_path: Path, language: str) -> None:
    assert load(tmp_path, MINIMAL + f"language: {language}\n").language == language


def test_either_bound_of_effective_may_be_left_out(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL + "effective:\n  from: 2024-01-01\n")
    assert brief.effective is not None
    assert (brief.effective.start, brief.effective.end) == (dt.date(2024, 1, 1), None)
    brief = load(tmp_path, MINIMAL + "effective:\n  to: '2024-06-30'\n")
    assert brief.effective is not None
    assert (brief.effective.start, brief.effective.end) == (None, dt.date(2024, 6, 30))


def test_an_effective_range_of_one_day_is_fine(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL + "effective: {from: 2024-01-01, to: 2024-01-01}\n")
    assert brief.effective is not None


def test_an_optional_key_with_no_value_is_left_out(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL + "hook:\nfaq:\nsteps:\nrender:\neffective:\nglossary:\n")
    assert brief.hook is None and brief.faq == () and brief.steps == ()
    assert brief.effective is None and brief.render.template is None


def test_unicode_text_is_valid(tmp_path: Path) -> None:
    text = "臺灣「繁體」測試：ＡＢＣ（全角）, half-width (ASCII) 123 ½ 🎉👍🏽 — «»"
    brief = load(tmp_path, MINIMAL.replace("title: T", f"title: {text}")
                 + "steps: [第１步：登錄, 'Step 2: 完成 ✅']\nhashtags: [政策🎉]\n")
    assert brief.title == text
    assert brief.steps == ("第１步：登錄", "Step 2: 完成 ✅")
    assert brief.hashtags == ("政策🎉",)


@pytest.mark.parametrize(
    "value", ["'{{ 7*7 }}'", '"{% if true %}yes{% endif %}"', "'{{ config.__class__ }}'",
              "'${HOME} $(id) `id`'"],
)
def test_template_syntax_in_text_stays_literal(tmp_path: Path, value: str) -> None:
    brief = load(tmp_path, MINIMAL.replace("title: T", f"title: {value}").replace(
        "text: X", f"text: {value}") + f"steps: [{value}]\nglossary: {{{value}: {value}}}\n")
    literal = value[1:-1]
    assert brief.title == literal
    assert brief.points[0].text == literal
    assert brief.steps == (literal,)
    assert dict(brief.glossary) == {literal: literal}


def test_numbers_and_dates_in_text_fields_are_text_as_written(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL.replace("title: T", "title: 2024-01-01").replace(
        "text: X", "text: 1:30\n    figure: {value: 0755, label: 1.50}")
        + "contact: 12366\ndoc_number: 0x1F\nsteps: [1_000, 3.0]\nhashtags: [2024]\n"
        "glossary: {12366: 热线}\n")
    assert brief.title == "2024-01-01"
    assert brief.points[0].text == "1:30"
    assert brief.points[0].figure is not None
    assert (brief.points[0].figure.value, brief.points[0].figure.label) == ("0755", "1.50")
    assert (brief.contact, brief.doc_number) == ("12366", "0x1F")
    assert brief.steps == ("1_000", "3.0")
    assert brief.hashtags == ("2024",)
    assert dict(brief.glossary) == {"12366": "热线"}


def test_text_is_trimmed(tmp_path: Path) -> None:
    assert load(tmp_path, MINIMAL.replace("title: T", "title: '  T  '")).title == "T"


def test_a_brief_may_use_a_symlink_inside_its_folder(tmp_path: Path) -> None:
    target = write_png(tmp_path / "pics" / "real.png")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "who.png").symlink_to(target)
    brief = load(tmp_path, MINIMAL + "    image: images/who.png\n")
    assert brief.points[0].image == target.resolve()


def test_allow_outside_accepts_files_elsewhere(tmp_path: Path) -> None:
    outside = write_png(tmp_path / "shared" / "logo.png")
    folder = tmp_path / "briefs"
    folder.mkdir()
    path = write_brief(
        folder, MINIMAL + f"    image: ../shared/logo.png\nrender:\n  logo: {outside}\n"
    )
    brief = load_brief(path, allow_outside=True)
    assert brief.points[0].image == outside.resolve()
    assert brief.render.logo == outside.resolve()


# ---------------------------------------------------------------- one bad input, one exact line


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        # unknown keys, with a hint when one is close
        ("titel: x\n", ["brief.yaml:7: titel: unknown field (did you mean 'title'?)"]),
        ("colour: red\n", ["brief.yaml:7: colour: unknown field"]),
        ("render:\n  platfrom: douyin\n",
         ["brief.yaml:8: render.platfrom: unknown field (did you mean 'platform'?)"]),
        ("effective:\n  form: 2023-01-01\n",
         ["brief.yaml:8: effective.form: unknown field (did you mean 'from'?)"]),
        ("faq:\n  - q: a\n    answer: b\n",
         ["brief.yaml:8: faq[0].a: field required", "brief.yaml:9: faq[0].answer: unknown field"]),
        # duplicate keys
        ("title: again\n", ["brief.yaml:7: title: duplicate key (first defined on line 1)"]),
        ("    text: again\n",
         ["brief.yaml:7: points[0].text: duplicate key (first defined on line 6)"]),
        # wrong types
        ("hashtags: 政策\n", ["brief.yaml:7: hashtags: expected a list, got '政策'"]),
        ("steps: {a: b}\n", ["brief.yaml:7: steps: expected a list, got fields `a: ...`"]),
        ("steps: [[a]]\n", ["brief.yaml:7: steps[0]: expected text, got a list"]),
        ("faq: [question]\n", ["brief.yaml:7: faq[0]: expected fields like `q:` and `a:` "
                                "under this item, got 'question'"]),
        ("glossary: [a]\n", ["brief.yaml:7: glossary: expected entries written `name: value`, "
                                "one a line, under `glossary:`, got a list"]),
        ("render: douyin\n", ["brief.yaml:7: render: expected fields like `template:` and "
                                   "`theme:` under `render:`, got 'douyin'"]),
        ("effective: 2023-01-01\n",
         ["brief.yaml:7: effective: expected fields like `from:` and `to:` under "
          "`effective:`, got '2023-01-01'"]),
        ("hook: {a: b}\n", ["brief.yaml:7: hook: expected text, got fields `a: ...`"]),
        # empty or blank text
        ("hook: ''\n", ["brief.yaml:7: hook: must not be empty"]),
        ("cta: '   '\n", ["brief.yaml:7: cta: must not be empty"]),
        ("audience: \"\u3000\t\"\n", ["brief.yaml:7: audience: must not be empty"]),
        ("steps: [a, '', ~]\n",
         ["brief.yaml:7: steps[1]: must not be empty",
          "brief.yaml:7: steps[2]: must not be empty"]),
        ("glossary:\n  a: ''\n  '': b\n",
         ["brief.yaml:8: glossary.a: must not be empty",
          "brief.yaml:9: glossary: key '': must not be empty"]),
        ("hook: \"a\\x00b\"\n", ["brief.yaml:7: hook: contains the control character U+0000"]),
        # dates
        ("published: 2023-02-30\n",
         ["brief.yaml:7: published: 2023-02-30 is not a real date "
          "(day is out of range for month)"]),
        ("published: '2023-13-01'\n",
         ["brief.yaml:7: published: 2023-13-01 is not a real date (month must be in 1..12)"]),
        ("published: 2023/08/02\n",
         ["brief.yaml:7: published: expected a date like 2023-08-02, got '2023/08/02'"]),
        ("published: 20230802\n",
         ["brief.yaml:7: published: expected a date like 2023-08-02, got 20230802"]),
        ("published: 2023-08-02 10:00:00\n",
         ["brief.yaml:7: published: expected a date without a time, like 2023-08-02, "
          "got 2023-08-02 10:00:00"]),
        ("effective:\n  from: 2024-01-01\n  to: 2023-12-31\n",
         ["brief.yaml:7: effective: 'from' (2024-01-01) is after 'to' (2023-12-31)"]),
        ("effective:\n  from: 2023-02-29\n",
         ["brief.yaml:8: effective.from: 2023-02-29 is not a real date "
          "(day is out of range for month)"]),
        # version
        ("version: 2\n", ["brief.yaml:7: version: expected 1 (the only version), got 2"]),
        ("version: '1'\n", ["brief.yaml:7: version: expected 1 (the only version), got '1'"]),
        ("version: 1.0\n", ["brief.yaml:7: version: expected 1 (the only version), got 1.0"]),
        ("version: yes\n",
         ["brief.yaml:7: version: expected 1 (the only version), "
          "got yes (YAML reads it as true; put it in quotes if it is text)"]),
        # other field rules
        ("language: fr-FR\n",
         ["brief.yaml:7: language: 'fr-FR' is not supported; use a zh-* or en-* tag "
          "like zh-CN or en-US"]),
        ("language: zh_CN\n",
         ["brief.yaml:7: language: 'zh_CN' is not a language tag like zh-CN or en-US "
          "(did you mean 'zh-CN'?)"]),
        ("language: 中文\n",
         ["brief.yaml:7: language: '中文' is not a language tag like zh-CN or en-US"]),
        ("source_url: www.gov.cn\n",
         ["brief.yaml:7: source_url: expected an http(s) URL, got 'www.gov.cn'"]),
        ("source_url: javascript:alert(1)\n",
         ["brief.yaml:7: source_url: expected an http(s) URL, got 'javascript:alert(1)'"]),
        ("hashtags: ['#']\n",
         ["brief.yaml:7: hashtags[0]: '#' is not a hashtag (it has no words)"]),
        ("hashtags: ['# #']\n",
         ["brief.yaml:7: hashtags[0]: '# #' is not a hashtag (it has no words)"]),
        ("render:\n  platform: douyn\n",
         ["brief.yaml:8: render.platform: expected one of douyin, kuaishou, channels, bilibili, "
          "generic, got 'douyn' (did you mean 'douyin'?)"]),
        ("render:\n  platform: tiktok\n",
         ["brief.yaml:8: render.platform: expected one of douyin, kuaishou, channels, bilibili, "
          "generic, got 'tiktok'"]),
        ("render:\n  rate: fast\n",
         ["brief.yaml:8: render.rate: expected a rate like +0%, -10% or +20%, got 'fast'"]),
        ("render:\n  rate: 10%\n",
         ["brief.yaml:8: render.rate: expected a rate like +0%, -10% or +20%, got '10%'"]),
        # YAML 1.1 surprises
        ("hook: no\n",
         ["brief.yaml:7: hook: expected text, got no (YAML reads it as false; "
          "put it in quotes if it is text)"]),
        ("language: no\n",
         ["brief.yaml:7: language: expected text, got no (YAML reads it as false; "
          "put it in quotes if it is text)"]),
        ("steps: [yes, On, off]\n",
         ["brief.yaml:7: steps[0]: expected text, got yes (YAML reads it as true; "
          "put it in quotes if it is text)",
          "brief.yaml:7: steps[1]: expected text, got On (YAML reads it as true; "
          "put it in quotes if it is text)",
          "brief.yaml:7: steps[2]: expected text, got off (YAML reads it as false; "
          "put it in quotes if it is text)"]),
        # YAML features a brief does not use
        ("hook: !!python/object/apply:os.system ['echo hi']\n",
         ["brief.yaml:7: hook: YAML tag '!!python/object/apply:os.system' is not allowed"]),
        ("base: &b {template: x}\nrender:\n  <<: *b\n",
         ["brief.yaml:7: base: unknown field",
          "brief.yaml:9: render: merge keys (<<) are not allowed"]),
        ("? [a, b]\n: c\n",
         ["brief.yaml:7: document: a key must be plain text "
          "(put text that starts with '{' or '[' in quotes)"]),
    ],
)
def test_bad_field(tmp_path: Path, added: str, expected: list[str]) -> None:
    assert problems_of(tmp_path, MINIMAL + added) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: no\n" + MINIMAL[MINIMAL.index("issuer"):],
         ["brief.yaml:1: title: expected text, got no (YAML reads it as false; "
          "put it in quotes if it is text)"]),
        ("title: {{ 7*7 }}\n" + MINIMAL[MINIMAL.index("issuer"):],
         ["brief.yaml:1: title: a key must be plain text "
          "(put text that starts with '{' or '[' in quotes)"]),
        (MINIMAL.replace("title: T", "title:"), ["brief.yaml:1: title: must not be empty"]),
        (MINIMAL.replace("title: T", "title: ~"), ["brief.yaml:1: title: must not be empty"]),
        (MINIMAL.replace("title: T\n", ""), ["brief.yaml:1: title: field required"]),
        (MINIMAL.replace("issuer: I", "issuer: [a, b]"),
         ["brief.yaml:2: issuer: expected text, got a list"]),
        (MINIMAL.replace("    text: X\n", ""), ["brief.yaml:5: points[0].text: field required"]),
        (MINIMAL.replace("heading: H", "heding: H"),
         ["brief.yaml:5: points[0].heading: field required",
          "brief.yaml:5: points[0].heding: unknown field (did you mean 'heading'?)"]),
        (MINIMAL + "    figure: {value: 50%}\n",
         ["brief.yaml:7: points[0].figure.label: field required"]),
        (MINIMAL + "    figure: 50%\n",
         ["brief.yaml:7: points[0].figure: expected fields like `value:` and `label:` "
          "under `figure:`, got '50%'"]),
        (MINIMAL[: MINIMAL.index("points")] + "points: []\n",
         ["brief.yaml:4: points: needs at least 1 item, got 0"]),
        (MINIMAL[: MINIMAL.index("points")] + "points:\n",
         ["brief.yaml:4: points: expected a list, got nothing"]),
        (MINIMAL[: MINIMAL.index("points")] + "points:\n" + "  - {heading: h, text: t}\n" * 9,
         ["brief.yaml:4: points: needs at most 8 items, got 9"]),
        (MINIMAL[: MINIMAL.index("points")] + "points: 谁能享受\n",
         ["brief.yaml:4: points: expected a list, got '谁能享受'"]),
        ("",
         ["brief.yaml:1: a brief is fields written one a line, like `title: ...` and "
          "`issuer: ...`; got an empty file"]),
        ("# nothing yet\n",
         ["brief.yaml:1: a brief is fields written one a line, like `title: ...` and "
          "`issuer: ...`; got an empty file"]),
        ("- title: T\n",
         ["brief.yaml:1: a brief is fields written one a line, like `title: ...` and "
          "`issuer: ...`; got a list"]),
        ("小微企业减半征收\n",
         ["brief.yaml:1: a brief is fields written one a line, like `title: ...` and "
          "`issuer: ...`; got '小微企业减半征收'"]),
        ("!!python/object/apply:os.system ['echo hi']\n",
         ["brief.yaml:1: document: YAML tag '!!python/object/apply:os.system' is not allowed"]),
        (MINIMAL + "---\n" + MINIMAL,
         ["brief.yaml:7: only one YAML document is allowed (found a second '---')"]),
        pytest.param(
            "title: [T\n" + MINIMAL[MINIMAL.index("issuer"):],
            ["brief.yaml:2: YAML syntax error: did not find expected ',' or ']' "
             "(while parsing a flow sequence on line 1)"],
            marks=pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml's wording"),
        ),
    ],
)
def test_bad_brief(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems_of(tmp_path, text) == expected


def test_every_problem_is_reported_at_once_sorted_by_line(tmp_path: Path) -> None:
    text = """\
version: 2
title: ''
issuer: 财政部
summary: S
published: 2023-02-30
points:
  - heading: 谁能享受
    text: X
  - text: Y
    image: images/missing.png
  - heading: H
    txt: Z
language: en_US
titel: again
summary: twice
render:
  platform: tiktok
  music: ../bgm.mp3
"""
    assert problems_of(tmp_path, text) == [
        "brief.yaml:1: version: expected 1 (the only version), got 2",
        "brief.yaml:2: title: must not be empty",
        "brief.yaml:5: published: 2023-02-30 is not a real date (day is out of range for month)",
        "brief.yaml:9: points[1].heading: field required",
        "brief.yaml:10: points[1].image: file not found: 'images/missing.png'",
        "brief.yaml:11: points[2].text: field required",
        "brief.yaml:12: points[2].txt: unknown field (did you mean 'text'?)",
        "brief.yaml:13: language: 'en_US' is not a language tag like zh-CN or en-US "
        "(did you mean 'en-US'?)",
        "brief.yaml:14: titel: unknown field (did you mean 'title'?)",
        "brief.yaml:15: summary: duplicate key (first defined on line 4)",
        "brief.yaml:17: render.platform: expected one of douyin, kuaishou, channels, bilibili, "
        "generic, got 'tiktok'",
        "brief.yaml:18: render.music: '../bgm.mp3' is outside the brief's folder",
    ]


def test_the_error_names_the_file_not_its_folder(tmp_path: Path) -> None:
    path = write_brief(tmp_path, "title: T\n", name="六税两费.yaml")
    assert problems(path) == [
        "六税两费.yaml:1: issuer: field required",
        "六税两费.yaml:1: summary: field required",
        "六税两费.yaml:1: points: field required",
    ]


def test_a_missing_brief(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert problems(path) == [f"{path}: no such file"]
    assert problems(tmp_path) == [f"{tmp_path}: not a file"]


def test_non_utf8_brief(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(MINIMAL.replace("title: T", "title: 小微企业").encode("gbk"))
    assert problems(path) == ["gbk.yaml:1: not UTF-8 text (byte 0xc6); save the file as UTF-8"]


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write_brief(
        tmp_path,
        MINIMAL + f"hook: !!python/object/apply:os.system ['touch {marker}']\n"
        f"cta: !!python/object/new:subprocess.call [['touch', '{marker}']]\n",
    )
    assert problems(path) == [
        "brief.yaml:7: hook: YAML tag '!!python/object/apply:os.system' is not allowed",
        "brief.yaml:8: cta: YAML tag '!!python/object/new:subprocess.call' is not allowed",
    ]
    assert not marker.exists()


def test_an_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    lines = ['lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"lol{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    path = write_brief(tmp_path, MINIMAL + "\n".join(lines) + "\n")
    started = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - started < 2.0  # expanding it would take minutes
    assert len(found) == 1
    assert found[0].endswith(": more than 20000 values (counting every use of an alias)")


def test_a_5mb_brief_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as out:
        out.write(MINIMAL.encode() + b"hook: ")
        out.write(b"x" * (5 * 1024 * 1024))
    size = path.stat().st_size
    started = time.perf_counter()
    assert problems(path) == [f"huge.yaml:1: file is {size} bytes; the limit is 1048576 bytes"]
    assert time.perf_counter() - started < 0.5


# ---------------------------------------------------------------- referenced files


def test_paths_that_leave_the_folder_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    secret = write_png(tmp_path / "secret.png")
    (folder / "images").mkdir()
    (folder / "images" / "link.png").symlink_to(secret)
    (folder / "up").symlink_to(tmp_path)
    path = write_brief(folder, MINIMAL + f"""\
    image: ../secret.png
  - heading: H2
    text: X2
    image: {secret}
  - heading: H3
    text: X3
    image: images/link.png
  - heading: H4
    text: X4
    image: up/secret.png
  - heading: H5
    text: X5
    image: images/../../secret.png
""")
    with pytest.raises(BriefError) as caught:
        load_brief(path)
    assert caught.value.problems == [
        "brief.yaml:7: points[0].image: '../secret.png' is outside the brief's folder",
        f"brief.yaml:10: points[1].image: '{secret}' is an absolute path; "
        "use a path relative to the brief's folder",
        "brief.yaml:13: points[2].image: 'images/link.png' links to a file outside the brief's "
        "folder",
        "brief.yaml:16: points[3].image: 'up/secret.png' links to a file outside the brief's "
        "folder",
        "brief.yaml:19: points[4].image: 'images/../../secret.png' is outside the brief's folder",
    ]
    assert caught.value.hint == OUTSIDE_HINT
    assert [p.image for p in load_brief(path, allow_outside=True).points] == [secret] * 5


def test_template_and_theme_paths_may_not_leave_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    (tmp_path / "evil.j2").write_text("{{ brief.title }}", encoding="utf-8")
    path = write_brief(folder, MINIMAL + "render:\n  template: ../evil.j2\n  theme: /etc/passwd\n")
    assert problems(path) == [
        "brief.yaml:8: render.template: '../evil.j2' is outside the brief's folder",
        "brief.yaml:9: render.theme: '/etc/passwd' is an absolute path; "
        "use a path relative to the brief's folder",
    ]


def test_template_and_theme_names_are_not_paths(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL + "render:\n  template: explainer\n  theme: gov-red\n")
    assert (brief.render.template, brief.render.theme) == ("explainer", "gov-red")
    text = MINIMAL + "render:\n  template: my.j2\n  theme: t/look.yaml\n"
    assert problems_of(tmp_path, text) == [
        "brief.yaml:8: render.template: file not found: 'my.j2'",
        "brief.yaml:9: render.theme: file not found: 't/look.yaml'",
    ]


def test_missing_and_unusable_files(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "corrupt.mp3").write_bytes(b"ID3" + b"this is not audio" * 10)
    write_png(tmp_path / "images" / "fine.png")
    path = write_brief(tmp_path, MINIMAL + """\
    image: images/corrupt.png
  - heading: H2
    text: X2
    image: images/nope.png
  - heading: H3
    text: X3
    image: images
render:
  music: audio/corrupt.mp3
  logo: images/fine.png
""")
    assert problems(path) == [
        "brief.yaml:7: points[0].image: cannot use 'images/corrupt.png': "
        "not a readable picture (UnidentifiedImageError)",
        "brief.yaml:10: points[1].image: file not found: 'images/nope.png'",
        "brief.yaml:13: points[2].image: 'images' is a folder, not a file",
        "brief.yaml:15: render.music: cannot use 'audio/corrupt.mp3': not a readable audio file",
    ]


def test_odd_paths_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    long_name = "a" * 300 + ".png"
    path = write_brief(tmp_path, MINIMAL + f"""\
    image: loop1
  - heading: H2
    text: X2
    image: {long_name}
  - heading: H3
    text: X3
    image: "a\\x00b.png"
""")
    assert problems(path) == [
        "brief.yaml:7: points[0].image: 'loop1' is a loop of symbolic links",
        f"brief.yaml:10: points[1].image: cannot use '{long_name}': File name too long",
        "brief.yaml:13: points[2].image: contains the control character U+0000",
    ]


def test_music_must_be_audio_and_a_logo_a_picture(tmp_path: Path) -> None:
    write_wav(tmp_path / "sound.wav")
    (tmp_path / "notes.txt").write_text("la la la", encoding="utf-8")
    path = write_brief(tmp_path, MINIMAL + "render:\n  music: notes.txt\n  logo: sound.wav\n")
    assert problems(path) == [
        "brief.yaml:8: render.music: cannot use 'notes.txt': not a readable audio file",
        "brief.yaml:9: render.logo: cannot use 'sound.wav': "
        "not a readable picture (UnidentifiedImageError)",
    ]


def test_files_are_checked_even_when_other_fields_are_wrong(tmp_path: Path) -> None:
    path = write_brief(tmp_path, MINIMAL.replace("summary: S\n", "") + "    image: nope.png\n")
    assert problems(path) == [
        "brief.yaml:1: summary: field required",
        "brief.yaml:6: points[0].image: file not found: 'nope.png'",
    ]


# ---------------------------------------------------------------- through the real command line


def run_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    """`policyclip check PATHS...` in a fresh interpreter, run in the folder that holds them all
    and given the paths relative to it (`a/brief.yaml`), as a user would type them."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    base = Path(os.path.commonpath([p.parent for p in paths]))
    return subprocess.run(
        [sys.executable, "-m", "policyclip.cli", "check",
         *(str(p.relative_to(base)) for p in paths)],
        capture_output=True, text=True, encoding="utf-8", timeout=60, env=env, check=False,
        cwd=base,
    )


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr's `error:` lines, after checking that nothing else looks like a crash."""
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def test_cli_check_reports_every_problem_and_exits_3(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_brief(tmp_path / "a", "title: no\nissuer: I\ntitle: T\npoints: []\n")
    second = write_brief(tmp_path / "b", MINIMAL + "    image: ../x.png\n")
    result = run_check(first, second)
    assert result.returncode == 3
    assert error_lines(result) == [
        "error: a/brief.yaml:1: title: expected text, got no (YAML reads it as false; "
        "put it in quotes if it is text)",
        "error: a/brief.yaml:1: summary: field required",
        "error: a/brief.yaml:3: title: duplicate key (first defined on line 1)",
        "error: a/brief.yaml:4: points: needs at least 1 item, got 0",
        "error: b/brief.yaml:7: points[0].image: '../x.png' is outside the brief's folder",
    ]
    assert result.stderr.splitlines().count(f"hint: {OUTSIDE_HINT}") == 1
    assert result.stdout == ""


def test_cli_check_refuses_unreadable_yaml_without_a_traceback(tmp_path: Path) -> None:
    cases = [
        (b"title: T\nissuer: *nowhere\n",
         "error: 0/brief.yaml:2: YAML syntax error: found undefined alias 'nowhere'"),
        ("title: 小微企业\n".encode("gbk"),
         "error: 1/brief.yaml:1: not UTF-8 text (byte 0xc6); save the file as UTF-8"),
        (b"!!python/object/apply:os.system ['echo PWNED']\n",
         "error: 2/brief.yaml:1: document: YAML tag '!!python/object/apply:os.system' "
         "is not allowed"),
        (b"a: &a [1, *a]\n",
         "error: 3/brief.yaml:1: a[1]: an alias refers to a value that contains it"),
        (b"a: 1\n---\nb: 2\n",
         "error: 4/brief.yaml:2: only one YAML document is allowed (found a second '---')"),
    ]
    paths = []
    for index, (content, _) in enumerate(cases):
        (tmp_path / str(index)).mkdir()
        paths.append(tmp_path / str(index) / "brief.yaml")
        paths[-1].write_bytes(content)
    result = run_check(*paths)
    assert result.returncode == 3
    assert error_lines(result) == [expected for _, expected in cases]
    assert "PWNED" not in result.stdout + result.stderr


def test_hashtags_with_spaces_are_joined_with_a_warning(tmp_path: Path) -> None:
    brief = load(tmp_path, MINIMAL + "hashtags:\n  - cost of living\n  - '#free filing'\n"
                 "  - 育儿 补贴\n  - '#育儿补贴 #减税'\n  - '#政策'\n  - IRS e-file\n")
    assert brief.hashtags == ("CostOfLiving", "FreeFiling", "育儿补贴", "减税", "政策",
                              "IRSE-file")
    assert brief.warnings == (
        "brief.yaml:8: hashtags[0]: 'cost of living' has spaces, which end a tag on the "
        "platforms; used as #CostOfLiving",
        "brief.yaml:9: hashtags[1]: '#free filing' has spaces, which end a tag on the "
        "platforms; used as #FreeFiling",
        "brief.yaml:10: hashtags[2]: '育儿 补贴' has spaces, which end a tag on the platforms; "
        "used as #育儿补贴",
        "brief.yaml:11: hashtags[3]: '#育儿补贴 #减税' holds several tags; used as #育儿补贴 #减税",
        "brief.yaml:13: hashtags[5]: 'IRS e-file' has spaces, which end a tag on the platforms; "
        "used as #IRSE-file",
    )


def test_joined_hashtags_reach_the_upload_form_and_check_warns(tmp_path: Path) -> None:
    path = write_brief(tmp_path, MINIMAL + "hashtags: [cost of living, 减税]\n")
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stderr == (f"warning: {path}:7: hashtags[0]: 'cost of living' has spaces, "
                             "which end a tag on the platforms; used as #CostOfLiving\n")


def test_chinese_keyboard_hashtag_slips_are_undone_with_a_warning_at_their_line(
    tmp_path: Path
) -> None:
    brief = load(tmp_path, MINIMAL + "hashtags: [“#育儿补贴”, “民生”]\n")
    assert brief.hashtags == ("育儿补贴", "民生")
    quotes = ('has Chinese quotes “”, which YAML does not read as quotes (quote with '
              'half-width "...", or leave quotes out)')
    assert brief.warnings == (
        f"brief.yaml:7: hashtags[0]: '“#育儿补贴”' {quotes}; used as #育儿补贴",
        f"brief.yaml:7: hashtags[1]: '“民生”' {quotes}; used as #民生")
    brief = load(tmp_path, MINIMAL + "hashtags:\n  - 育儿补贴，民生\n  - ＃育儿补贴\n"
                 "  - 社保、医保\n")
    assert brief.hashtags == ("育儿补贴", "民生", "社保", "医保")
    assert brief.warnings == (
        "brief.yaml:8: hashtags[0]: '育儿补贴，民生' has a full-width comma '，', which does "
        "not separate list items in YAML (separate tags with a half-width ', '); used as "
        "#育儿补贴 #民生",
        "brief.yaml:9: hashtags[1]: '＃育儿补贴' has a full-width '＃' (type a half-width '#'); "
        "used as #育儿补贴",
        "brief.yaml:10: hashtags[2]: '社保、医保' has an enumeration comma '、', which does not "
        "separate list items in YAML (separate tags with a half-width ', '); used as #社保 #医保")


@pytest.mark.parametrize("written", ["“”", "＃", "，、"])
def test_a_hashtag_that_is_only_keyboard_slips_is_refused(tmp_path: Path, written: str) -> None:
    with pytest.raises(BriefError) as caught:
        load(tmp_path, MINIMAL + f"hashtags: ['{written}']\n")
    assert caught.value.problems == [
        f"brief.yaml:7: hashtags[0]: '{written}' is not a hashtag (it has no words)"]


def test_chinese_keyboard_hashtags_reach_the_upload_form_undone(tmp_path: Path) -> None:
    path = write_brief(tmp_path, MINIMAL + "hashtags: [“#育儿补贴”, 民生，减税, ＃政策]\n")
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert [line.startswith(f"warning: {path}:7: hashtags[") for line in
            result.stderr.splitlines()] == [True] * 3
    from policyclip.platforms import get_platform, upload_form
    form = upload_form(get_platform("douyin"), "T", "", "S", load_brief(path).hashtags)
    assert form["tags"] == ["育儿补贴", "民生", "减税", "政策"]
    assert str(form["description"]).endswith("#育儿补贴 #民生 #减税 #政策")


# Slips from a Chinese keyboard: each named at its own line, with the fix.
@pytest.mark.parametrize(
    ("added", "expected"),
    [
        ("hashtags: [#育儿补贴]\ncontact: 12345\n",
         "brief.yaml:7: '#' starts a comment in YAML, so the rest of the line is left out and "
         "the list is never closed; put the tag in quotes: hashtags: [\"#育儿补贴\"]"),
        ("hashtags: [政策解读, #育儿补贴, 减税]\ncta: 关注我们\n",
         "brief.yaml:7: '#' starts a comment in YAML, so the rest of the line is left out and "
         "the list is never closed; put the tag in quotes: "
         "hashtags: [政策解读, \"#育儿补贴\", 减税]"),
        ("hashtags:\n  - #育儿补贴\n  - 减税\n",
         "brief.yaml:8: hashtags[0]: is empty because '#' starts a comment in YAML; put the value "
         "in quotes: \"#育儿补贴\""),
        ("hashtags: #育儿补贴 #减税\ncta: 关注我们\n",
         "brief.yaml:7: hashtags: is empty because '#' starts a comment in YAML; put the value in "
         "quotes: [\"#育儿补贴\", \"#减税\"]"),
        ("contact：12345\ncta: 关注我们\n",
         "brief.yaml:7: full-width colon '：' after 'contact'; YAML needs a half-width colon and "
         "a space: contact: 12345"),
        ("cta: 关注我们\ncontact： 纳税服务热线 12366\n",
         "brief.yaml:8: full-width colon '：' after 'contact'; YAML needs a half-width colon and "
         "a space: contact: 纳税服务热线 12366"),
        ("faq:\n  - q：怎么申请？\n    a: 不用申请。\n",
         "brief.yaml:8: full-width colon '：' after 'q'; YAML needs a half-width colon and a "
         "space: q: 怎么申请？"),
        ("faq:\n  - q: 怎么申请？\n\ta: 不用申请。\n",
         "brief.yaml:9: a tab in the indentation: YAML indents with spaces only; replace the "
         "tab with spaces"),
        ("glossary:\n  六税两费：六种地方税费\n",
         "brief.yaml:7: glossary: expected entries written `name: value`, one a line, under "
         "`glossary:`, got '六税两费：六种地方税费' (full-width "
         "colon '：' after '六税两费'; YAML needs a half-width colon and a space: "
         "六税两费: 六种地方税费)"),
        ("render：\n  theme: gov-red\n",
         "brief.yaml:7: full-width colon '：' after 'render'; YAML needs a half-width colon and "
         "a space: render:"),
        ("contact: 咨询电话: 12345\ncta: 关注我们\n",
         "brief.yaml:7: contact: the value contains ': ', which YAML reads as the start of "
         "another key; put the value in quotes: contact: \"咨询电话: 12345\""),
        ("steps:\n  - 登录\n  - 选择: 个人所得税 \"专项附加扣除\"\n",
         "brief.yaml:9: steps[1]: expected text, got fields `选择: ...` (YAML reads the ': ' as "
         "a key and a value); put the text in quotes: '选择: 个人所得税 \"专项附加扣除\"'"),
    ],
)
def test_chinese_keyboard_slips_are_explained_at_their_line(
    tmp_path: Path, added: str, expected: str
) -> None:
    assert problems_of(tmp_path, MINIMAL + added) == [expected]


FULL_WIDTH_INDENT = ("the indentation uses full-width spaces '　' (typed in Chinese input "
                     "mode), which YAML does not read as indentation; indent with half-width "
                     "spaces")
NO_POINTS = MINIMAL[: MINIMAL.index("points")]


# More slips of a Chinese keyboard that YAML reports in its own words, or at another line.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NO_POINTS + "points:\n　- heading: H\n　  text: X\n",
         f"brief.yaml:5: {FULL_WIDTH_INDENT}"),
        (MINIMAL + "　　figure: {value: 1, label: x}\n", f"brief.yaml:7: {FULL_WIDTH_INDENT}"),
        (MINIMAL + "  　image: a.png\n", f"brief.yaml:7: {FULL_WIDTH_INDENT}"),
        (MINIMAL + "contact:12345\ncta: 关注我们\n",
         "brief.yaml:7: no space after the colon in 'contact:12345'; YAML needs a space after "
         "the colon: contact: 12345"),
        (MINIMAL + "cta: 关注我们\ncontact:12345\n",
         "brief.yaml:8: no space after the colon in 'contact:12345'; YAML needs a space after "
         "the colon: contact: 12345"),
        (MINIMAL + "  － heading: H2\n    text: Y\n",
         "brief.yaml:7: '－' is not a list dash in YAML (typed in Chinese input mode); start "
         "the item with a half-width '-' and a space: - heading: H2"),
        (NO_POINTS + "points:\n  － heading: H\n    text: X\n",
         "brief.yaml:5: '－' is not a list dash in YAML (typed in Chinese input mode); start "
         "the item with a half-width '-' and a space: - heading: H"),
        (NO_POINTS + "points:\n  －heading: H\n",
         "brief.yaml:5: '－' is not a list dash in YAML (typed in Chinese input mode); start "
         "the item with a half-width '-' and a space: - heading: H"),
        (MINIMAL + "contact: “咨询电话: 12345”\n",
         "brief.yaml:7: contact: Chinese quotes “” do not count as quotes in YAML, so the ': ' "
         "inside reads as the start of another key; use half-width quotes: "
         "contact: \"咨询电话: 12345\""),
        (MINIMAL + "faq:\n  - q:怎么申请？\n",
         "brief.yaml:8: faq[0]: expected fields like `q:` and `a:` under this item, got "
         "'q:怎么申请？' (no space after the colon; YAML needs one: q: 怎么申请？)"),
    ],
)
def test_more_chinese_keyboard_slips_are_explained_at_their_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems_of(tmp_path, text) == [expected]


def test_a_slip_inside_a_point_names_the_line_of_the_point(tmp_path: Path) -> None:
    text = MINIMAL.replace("    text: X\n", "    text: 咨询电话: 12345\n")
    assert problems_of(tmp_path, text) == [
        "brief.yaml:6: text: the value contains ': ', which YAML reads as the start of another "
        "key; put the value in quotes: text: \"咨询电话: 12345\""]
