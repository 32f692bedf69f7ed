"""Templates: scene order, brief text as data, sandboxing and precise template errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ENGLISH_BRIEF, SHORT_BRIEF, write_brief
from policyclip.brief import load_brief
from policyclip.errors import TemplateError
from policyclip.script import cn_date, en_date, join_cn, join_en, sentence, write_script

FULL = SHORT_BRIEF + """\
hook: 小微企业的税，又能少交一半了？
faq:
  - q: 需要专门申请吗？
    a: 不需要。
steps:
  - 登录电子税务局
  - 填写申报表
cta: 关注我们
"""


def _brief(tmp_path: Path, text: str = FULL):  # type: ignore[no-untyped-def]
    return load_brief(write_brief(tmp_path, text))


def test_explainer_orders_scenes(tmp_path: Path) -> None:
    script = write_script(_brief(tmp_path))
    assert [(s.card, s.ref) for s in script.scenes] == [
        ("title", None), ("point", 0), ("steps", None), ("faq", 0), ("source", None)]
    # A question stays a question; other text gets a full stop.
    assert script.scenes[0].narration == "小微企业的税，又能少交一半了？六种地方税费按50%减征。"
    assert script.scenes[2].narration == "怎么办？第一，登录电子税务局。第二，填写申报表。"
    assert script.scenes[-1].narration.endswith("关注我们。")


def test_brief_text_is_data_not_template_code(tmp_path: Path) -> None:
    injected = "summary: |\n  算一算 {{ 7*7 }} {% if true %}是{% endif %}\n  @scene source\n"
    text = FULL.replace("summary: 六种地方税费按50%减征。", injected)
    script = write_script(_brief(tmp_path, text))
    assert "算一算 {{ 7*7 }} {% if true %}是{% endif %} @scene source" in script.scenes[0].narration
    assert [s.card for s in script.scenes].count("source") == 1


def test_english_brief_uses_the_english_template(tmp_path: Path) -> None:
    script = write_script(_brief(tmp_path, ENGLISH_BRIEF))
    assert script.template.endswith("explainer.en.j2")
    assert script.scenes[1].narration == (
        "Who qualifies: Small-scale VAT payers, small low-profit firms and sole traders.")


def test_templates_folder_beside_the_brief_overrides_builtins(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "explainer.zh.j2").write_text(
        "@scene title\n{{ brief.title }}\n", encoding="utf-8")
    script = write_script(_brief(tmp_path))
    assert [s.card for s in script.scenes] == ["title"]


def _custom(tmp_path: Path, body: str) -> str:
    path = tmp_path / "mine.j2"
    path.write_text(body, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("@scene title\n{{ brief.nope }}\n",
         "mine.j2:2: 'policyclip.models.Brief object' has no attribute 'nope'"),
        ("@scene title\n{% if %}\n",
         "mine.j2:2: Expected an expression, got 'end of statement block'"),
        ("@scene poster\nhello\n",
         "mine.j2: '@scene poster': card must be one of title, point, faq, steps, source"),
        ("@scene point 3\nhello\n", "mine.j2: '@scene point 3': needs an index from 0 to 0"),
        ("hello\n@scene title\n", "mine.j2: narration before the first '@scene' line: 'hello'"),
        ("{# nothing #}\n", "mine.j2: the template produced no '@scene' lines"),
        ("@scene title\n{{ brief.__class__.__mro__ }}\n",
         "mine.j2:2: access to attribute '__class__' of 'Brief' object is unsafe."),
    ],
)
def test_template_errors_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    brief = _brief(tmp_path)
    with pytest.raises(TemplateError) as caught:
        write_script(brief, _custom(tmp_path, body))
    assert caught.value.message == message
    assert caught.value.exit_code == 3


def test_unknown_template_name_lists_builtins(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        write_script(_brief(tmp_path), "nosuch")
    assert caught.value.message == "no template named 'nosuch' for language zh-CN"
    assert caught.value.hint is not None and "explainer" in caught.value.hint


def test_filters_for_template_authors() -> None:
    import datetime as dt

    assert sentence("少交一半了？") == "少交一半了？"
    assert sentence("关注我们，") == "关注我们。"
    assert sentence("Follow us") == "Follow us."
    assert cn_date(dt.date(2023, 8, 2)) == "2023年8月2日"
    assert en_date(dt.date(2023, 8, 2)) == "August 2, 2023"
    assert join_cn(["甲", "乙", "丙"]) == "甲、乙、丙"
    assert join_en(["a", "b", "c"]) == "a, b and c"
    assert join_en(["a"]) == "a"


# Every text field of a brief, each value starting with what looks like a scene line.
_TRAPPED = """\
title: "@scene source 标题"
issuer: "@scene title 发布机关"
doc_number: "@scene steps 文号"
audience: "@scene point 0 对象"
hook: "@scene faq 0 开场"
summary: "@scene source"
points:
  - heading: "@scene source 要点"
    text: |
      @scene title 第一行
      @scene faq 0 第二行
    figure: {value: "@scene steps", label: "@scene source 标签"}
  - heading: Second
    text: "  @scene point 1"
faq:
  - q: "@scene source 问题？"
    a: "@scene title 回答。"
steps:
  - "@scene source 第一步"
  - "@scene point 0"
contact: "@scene source 12345"
cta: "@scene"
glossary:
  "@scene source 术语": "@scene title 解释"
"""


@pytest.mark.parametrize("template", ["explainer", "qa", "figures"])
@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_scene_lines_cannot_be_forged_from_brief_text(
    tmp_path: Path, template: str, language: str
) -> None:
    # The same brief with "QQscene" instead: its script is what the trapped one must say.
    trapped = _TRAPPED + f"language: {language}\n"
    control = trapped.replace("@scene", "QQscene")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    forged = write_script(load_brief(write_brief(tmp_path / "a", trapped)), template)
    plain = write_script(load_brief(write_brief(tmp_path / "b", control)), template)
    assert [(s.card, s.ref) for s in forged.scenes] == [(s.card, s.ref) for s in plain.scenes]
    assert forged.text() == plain.text().replace("QQscene", "@scene")
    assert "@scene" in forged.scenes[0].narration
    assert not any(c in forged.text() for c in "\x02\x03")


def test_a_template_may_print_a_scene_index_but_not_a_scene_line(tmp_path: Path) -> None:
    (tmp_path / "mine.j2").write_text(
        "@scene {{ 'point' }} {{ 0 }}\n{{ '@scene source' }}\n", encoding="utf-8")
    script = write_script(_brief(tmp_path), str(tmp_path / "mine.j2"))
    assert [(s.card, s.ref, s.narration) for s in script.scenes] == [
        ("point", 0, "@scene source")]


def test_scene_lines_of_an_included_template_still_start_scenes(tmp_path: Path) -> None:
    (tmp_path / "head.j2").write_text("@scene title\n{{ brief.title }}\n", encoding="utf-8")
    (tmp_path / "mine.j2").write_text(
        '{% include "head.j2" %}\n@scene source\n{{ brief.issuer }}\n', encoding="utf-8")
    script = write_script(_brief(tmp_path), str(tmp_path / "mine.j2"))
    assert [s.card for s in script.scenes] == ["title", "source"]
