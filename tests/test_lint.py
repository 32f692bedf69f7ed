"""`policyclip lint`: every rule fires where it should, at the line of its field, and stays
quiet on plain text."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ENGLISH_BRIEF, write_brief
from policyclip.errors import BriefError, InputError
from policyclip.lint import RULES, Finding, LintConfig, lint_brief, load_config
from policyclip.lint.rules import corrected_doc_number

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 6, 1)
# espeak: a length estimate that does not depend on whether edge's service answers.
CONFIG = LintConfig(today=TODAY, tts="espeak")

# A plain brief: every rule stays quiet on it.
PLAIN = """\
title: 去外地看病，医保怎么报？
issuer: 国家医疗保障局
doc_number: 医保发〔2022〕22号
published: 2022-07-26
effective:
  from: 2022-08-01
source_url: https://www.nhsa.gov.cn/
summary: 先在手机上备案，去外地看病就能直接结算。
points:
  - heading: 先备案
    text: 出发前，在国家医保服务平台App上备案，几分钟就能办好。
  - heading: 报多少
    text: 临时去外地看病的，报销比例一般低10个百分点以内。
contact: 医保服务热线 12393
hashtags: [医保, 异地就医]
glossary:
  备案: 在医保部门登记你要去哪里看病
"""

# Written in officialese on purpose: the line of each problem is noted beside it.
OFFICIALESE = """\
title: 关于进一步加大稳岗就业支持力度切实保障和改善民生的若干措施解读
issuer: 某市人力资源和社会保障局
doc_number: 某人社发[23]05号
effective:
  from: 2022-01-01
  to: 2023-12-31
summary: 在市委市政府的坚强领导下，我局高度重视稳就业工作，统筹推进各项政策落地见效，不断增强人民群众的获得感、幸福感、安全感。
points:
  - heading: 支持对象
    text: 符合条件的企业，原则上可按相关规定申请补贴，具体由有关部门视情况酌情审核，打通服务企业最后一公里。
  - heading: 工作要求
    text: 各单位要提高站位，狠抓政策落实，形成工作合力，构建闭环管理机制，充分发挥政策赋能作用。
  - heading: 补贴发放
    text: 补贴资金将于2023年2月30日前发放到位。
hashtags: [稳就业, 人社, 政策, 民生, 就业, 补贴]
"""


def lint_text(tmp_path: Path, text: str, config: LintConfig = CONFIG,
              name: str = "brief.yaml") -> list[Finding]:
    return lint_brief(write_brief(tmp_path, text, name), config, name)


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def plain_with(old: str, new: str) -> str:
    assert old in PLAIN
    return PLAIN.replace(old, new)


def test_a_plain_brief_is_quiet(tmp_path: Path) -> None:
    assert lint_text(tmp_path, PLAIN) == []


def test_the_officialese_brief_names_every_problem_at_its_line(tmp_path: Path) -> None:
    found = {(f.line, f.rule, f.severity) for f in lint_text(tmp_path, OFFICIALESE)}
    expected = {
        (1, "PL-NO-CONTACT", "warning"), (1, "PL-NO-SOURCE", "info"),
        (1, "PL-OFFICIALESE", "warning"), (1, "PL-TITLE", "warning"), (1, "PL-LONG", "warning"),
        (1, "PL-LENGTH", "warning"),
        (3, "PL-DOCNO", "warning"), (6, "PL-EXPIRED", "error"),
        (7, "PL-LONG", "error"), (7, "PL-OFFICIALESE", "warning"), (7, "PL-JARGON", "warning"),
        (10, "PL-HEDGE", "warning"), (10, "PL-JARGON", "warning"), (10, "PL-LONG", "warning"),
        (12, "PL-OFFICIALESE", "warning"), (12, "PL-JARGON", "warning"),
        (12, "PL-LONG", "warning"), (12, "PL-VAGUE", "info"),
        (14, "PL-DATE", "error"), (15, "PL-HASHTAGS", "warning"),
    }
    assert found == expected
    words = {f.message.split("”")[0].lstrip("“") for f in lint_text(tmp_path, OFFICIALESE)
             if f.rule in ("PL-OFFICIALESE", "PL-HEDGE", "PL-JARGON")}
    assert {"高度重视", "在市委市政府的坚强领导下", "统筹推进", "获得感、幸福感、安全感",
            "狠抓政策落实", "提高站位", "原则上", "按相关规定", "视情况", "酌情", "有关部门",
            "符合条件的", "最后一公里", "闭环管理", "赋能", "落地见效"} <= words


# ---------------------------------------------------------------- language rules


def test_long_sentence_is_measured_on_the_spoken_script_and_traced_to_its_field(
        tmp_path: Path) -> None:
    text = plain_with("    text: 出发前，在国家医保服务平台App上备案，几分钟就能办好。",
                      "    text: >-\n      出发前在国家医保服务平台App上备案然后等待审核通过"
                      "以后再去外地定点医院看病。")
    findings = by_rule(lint_text(tmp_path, text), "PL-LONG")
    assert [(f.line, f.severity) for f in findings] == [(11, "warning")]
    assert findings[0].text() == (
        "brief.yaml:11: warning PL-LONG: this sentence is 36 characters when spoken: "
        "“先备案：出发前在国家医保…”; split it (a viewer keeps about 30)")
    # The heading the template speaks first ("先备案：") is a pause of its own: not counted.
    error = by_rule(lint_text(tmp_path, plain_with(
        "summary: 先在手机上备案，去外地看病就能直接结算。",
        "summary: 先在手机上备案并且等待医保部门审核通过以后再去外地定点医院住院看病出院的时候"
        "不用先垫钱就能直接结算。")),
        "PL-LONG")
    assert [(f.line, f.severity) for f in error] == [(8, "error")]


def test_long_sentence_limits_are_settings(tmp_path: Path) -> None:
    strict = LintConfig(today=TODAY, tts="espeak", sentence_warn=10, sentence_error=20)
    findings = by_rule(lint_text(tmp_path, PLAIN, strict), "PL-LONG")
    # The template's source scene ("政策原文见医保发〔2022〕22号。") is traced to doc_number.
    assert {(f.line, f.severity) for f in findings} == {(3, "warning"), (8, "warning"),
                                                          (11, "error"), (13, "error"),
                                                          (14, "warning")}


def test_long_english_sentences_count_words(tmp_path: Path) -> None:
    text = ENGLISH_BRIEF.replace(
        "text: Small-scale VAT payers, small low-profit firms and sole traders.",
        "text: Small-scale VAT payers and small low-profit firms and sole traders who have "
        "registered with the tax office before the end of the last tax year can all claim it.")
    findings = by_rule(lint_text(tmp_path, text), "PL-LONG")
    assert [f.line for f in findings] == [7]
    assert findings[0].message.startswith("this sentence is 29 words when spoken")
    assert findings[0].severity == "warning"  # "Who qualifies: " is a label, not counted
    assert findings[0].suggestion == "split it (a viewer keeps about 20 words)"


def test_many_clauses(tmp_path: Path) -> None:
    text = plain_with("summary: 先在手机上备案，去外地看病就能直接结算。",
                      "summary: 先备案，再出发，到了医院，刷医保卡，直接结算。")
    findings = by_rule(lint_text(tmp_path, text), "PL-CLAUSES")
    assert [(f.line, f.message[:30]) for f in findings] == [
        (8, "this sentence strings 5 clauses together"[:30])]
    assert by_rule(lint_text(tmp_path, text, LintConfig(today=TODAY, tts="espeak", max_clauses=5)),
                   "PL-CLAUSES") == []


def test_officialese_gives_a_plain_alternative(tmp_path: Path) -> None:
    text = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                      "    text: 临时去外地看病的，报销比例予以适当降低，低10个百分点以内。")
    officialese = by_rule(lint_text(tmp_path, text), "PL-OFFICIALESE")
    assert [(f.line, f.message) for f in officialese] == [
        (13, "“予以” is officialese a viewer skips")]
    assert officialese[0].suggestion.startswith("write \"给\"")
    assert [f.message for f in by_rule(lint_text(tmp_path, text), "PL-HEDGE")] == [
        "“适当” hides the rule"]


def test_hedge_on_conditions_is_quiet_when_the_brief_says_which(tmp_path: Path) -> None:
    text = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                      "    text: 符合条件的人，报销比例一般低10个百分点以内。")
    assert [f.line for f in by_rule(lint_text(tmp_path, text), "PL-HEDGE")] == [13]
    stated = text + "faq:\n  - q: 谁能享受？\n    a: 参加本市职工医保的人。\n"
    assert by_rule(lint_text(tmp_path, stated), "PL-HEDGE") == []


def test_jargon_is_quiet_once_the_glossary_explains_it(tmp_path: Path) -> None:
    text = plain_with("    text: 出发前，在国家医保服务平台App上备案，几分钟就能办好。",
                      "    text: 出发前，在App上备案，跨省通办，几分钟就能办好。")
    assert [(f.line, f.message) for f in by_rule(lint_text(tmp_path, text), "PL-JARGON")] == [
        (11, "“跨省通办” is jargon a viewer may not know")]
    explained = text + "  跨省通办: 在外省也能办\n"
    assert by_rule(lint_text(tmp_path, explained), "PL-JARGON") == []


def test_unknown_terms_from_the_policy_list_and_hsk_levels(tmp_path: Path) -> None:
    text = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                      "    text: 临时去外地看病的，起付线和报销比例不同，一般低10个百分点以内。")
    terms = by_rule(lint_text(tmp_path, text), "PL-TERM")
    assert [(f.line, f.severity, f.message) for f in terms] == [
        (13, "info", "“起付线” may be unknown to a general viewer")]
    assert by_rule(lint_text(tmp_path, text + "  起付线: 自己先付的那部分\n"),
                   "PL-TERM") == []
    # HSK 3.0 levels: off by default; with hsk_level 4, a word of level 5 or more is flagged.
    assert by_rule(lint_text(tmp_path, PLAIN), "PL-TERM") == []
    learners = by_rule(lint_text(tmp_path, PLAIN, LintConfig(today=TODAY, tts="espeak", hsk_level=4)),
                       "PL-TERM")
    assert (13, "“百分点” may be unknown to a general viewer") in [
        (f.line, f.message) for f in learners]  # 百分点 is HSK level 6
    extra = LintConfig(today=TODAY, tts="espeak", extra_terms=("直接结算",))
    assert [f.line for f in by_rule(lint_text(tmp_path, PLAIN, extra), "PL-TERM")] == [8]


def test_word_lists_apply_to_chinese_only(tmp_path: Path) -> None:
    text = ENGLISH_BRIEF.replace("Small-scale VAT payers", "原则上 Small-scale VAT payers")
    rules = {f.rule for f in lint_text(tmp_path, text)}
    assert not rules & {"PL-HEDGE", "PL-OFFICIALESE", "PL-JARGON", "PL-TERM"}


def test_a_point_with_nothing_concrete(tmp_path: Path) -> None:
    text = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                      "    text: 报销更方便，服务更贴心。")
    assert [(f.line, f.severity) for f in by_rule(lint_text(tmp_path, text), "PL-VAGUE")] == [
        (13, "info")]
    with_figure = text.replace("    text: 报销更方便，服务更贴心。\n",
                               "    text: 报销更方便，服务更贴心。\n    figure:\n"
                               "      value: \"90%\"\n      label: 报销比例\n")
    assert by_rule(lint_text(tmp_path, with_figure), "PL-VAGUE") == []


# ---------------------------------------------------------------- document facts


@pytest.mark.parametrize(("number", "problems", "fixed"), [
    ("医保发〔2022〕22号", [], "医保发〔2022〕22号"),
    ("医保发[2022]22号", ["the year is in [], not in 〔〕"], "医保发〔2022〕22号"),
    ("医保发（2022）22号", ["the year is in （）, not in 〔〕"], "医保发〔2022〕22号"),
    ("医保发【2022】22号", ["the year is in 【】, not in 〔〕"], "医保发〔2022〕22号"),
    ("医保发〔22〕22号", ["the year has two digits"], "医保发〔2022〕22号"),
    ("医保发〔2022〕022号", ["the number 022 starts with 0"], "医保发〔2022〕22号"),
    ("医保发〔2022〕第22号", ["the number after the year has 第"], "医保发〔2022〕22号"),
    ("医保发[22]第022号", ["the year is in [], not in 〔〕", "the year has two digits",
                        "the number 022 starts with 0", "the number after the year has 第"],
     "医保发〔2022〕22号"),
    ("医保发﹝2022﹞22号", ["the year is in ﹝﹞, not in 〔〕"], "医保发〔2022〕22号"),
    ("财政部 税务总局公告2023年第12号", [], "财政部 税务总局公告2023年第12号"),
    ("财政部公告2023年第05号", ["the number 05 starts with 0"], "财政部公告2023年第5号"),
])
def test_document_number_form(tmp_path: Path, number: str, problems: list[str],
                              fixed: str) -> None:
    text = plain_with("doc_number: 医保发〔2022〕22号", f"doc_number: {number}")
    findings = by_rule(lint_text(tmp_path, text), "PL-DOCNO")
    assert [f.message for f in findings] == problems
    assert all(f.line == 3 and f.suggestion == f"write {fixed}" for f in findings)
    assert corrected_doc_number(number) == fixed


def test_impossible_dates_and_a_future_publication(tmp_path: Path) -> None:
    text = plain_with("    text: 出发前，在国家医保服务平台App上备案，几分钟就能办好。",
                      "    text: 2024年2月29日起，在App上备案，最晚13月1日，或2023-02-29前。")
    findings = by_rule(lint_text(tmp_path, text), "PL-DATE")
    assert [(f.line, f.severity, f.message) for f in findings] == [
        (11, "error", "13月1日 is not a real date"),
        (11, "error", "2023-02-29 is not a real date")]
    future = plain_with("published: 2022-07-26", "published: 2026-07-01")
    assert [(f.line, f.severity) for f in by_rule(lint_text(tmp_path, future), "PL-DATE")] == [
        (4, "warning")]


def test_an_expired_policy_is_an_error(tmp_path: Path) -> None:
    text = plain_with("  from: 2022-08-01\n", "  from: 2022-08-01\n  to: 2026-05-31\n")
    findings = by_rule(lint_text(tmp_path, text), "PL-EXPIRED")
    assert [(f.line, f.severity) for f in findings] == [(7, "error")]
    assert "2026-05-31" in findings[0].message
    still = plain_with("  from: 2022-08-01\n", "  from: 2022-08-01\n  to: 2026-06-01\n")
    assert by_rule(lint_text(tmp_path, still), "PL-EXPIRED") == []


def test_an_end_date_in_the_text_before_today(tmp_path: Path) -> None:
    text = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                      "    text: 执行期限为2021年1月1日至2023年12月31日，截至2023年底已有500万人受益。")
    findings = by_rule(lint_text(tmp_path, text), "PL-EXPIRED")
    assert [(f.line, f.severity, f.message) for f in findings] == [
        (13, "warning", "the text says it runs until 2023-12-31, before today (2026-06-01)")]
    still = text.replace("至2023年12月31日", "至2027年12月31日")
    assert by_rule(lint_text(tmp_path, still), "PL-EXPIRED") == []


def test_missing_dates_contact_and_source(tmp_path: Path) -> None:
    text = (plain_with("effective:\n  from: 2022-08-01\n", "")
            .replace("source_url: https://www.nhsa.gov.cn/\n", "")
            .replace("contact: 医保服务热线 12393\n", ""))
    found = {(f.rule, f.severity, f.line) for f in lint_text(tmp_path, text)}
    assert found == {("PL-NO-DATES", "info", 1), ("PL-NO-CONTACT", "warning", 1),
                     ("PL-NO-SOURCE", "info", 1)}


# ---------------------------------------------------------------- platform and compliance


def test_title_and_hashtags_within_the_platform_limits(tmp_path: Path) -> None:
    channels = LintConfig(today=TODAY, tts="espeak", platform="channels")  # 16 chars, 5 tags
    long_title = plain_with("title: 去外地看病，医保怎么报？", "title: 去外地看病，医保怎么报？先备案，再结算")
    findings = by_rule(lint_text(tmp_path, long_title, channels), "PL-TITLE")
    assert [(f.line, f.message) for f in findings] == [
        (1, "the title is 19 characters; 微信视频号 shows at most 16")]
    assert by_rule(lint_text(tmp_path, long_title), "PL-TITLE") == []  # douyin: 30
    english = by_rule(lint_text(tmp_path, ENGLISH_BRIEF), "PL-TITLE")
    assert [f.message for f in english] == ["the title is 38 characters; Douyin shows at most 30"]
    tags = plain_with("hashtags: [医保, 异地就医]", "hashtags: [a, b, c, d, e, f]")
    assert [f.line for f in by_rule(lint_text(tmp_path, tags), "PL-HASHTAGS")] == [15]
    bilibili = LintConfig(today=TODAY, tts="espeak", platform="bilibili")  # 10 tags
    assert by_rule(lint_text(tmp_path, tags, bilibili), "PL-HASHTAGS") == []


def test_estimated_length_over_the_platform_sweet_spot(tmp_path: Path) -> None:
    points = "".join(f"  - heading: 第{i}条\n    text: 每月补贴{i}00元，年满60岁的老人凭身份证到社区"
                     "服务中心申请，当月就能到账。\n" for i in range(1, 9))
    text = plain_with(
        "  - heading: 先备案\n    text: 出发前，在国家医保服务平台App上备案，几分钟就能办好。\n"
        "  - heading: 报多少\n    text: 临时去外地看病的，报销比例一般低10个百分点以内。\n", points)
    findings = by_rule(lint_text(tmp_path, text), "PL-LENGTH")
    assert len(findings) == 1 and findings[0].line == 1
    assert re.fullmatch(r"estimated length (\d):(\d\d) with espeak; 抖音 favours at most 1:00",
                        findings[0].message)
    assert findings[0].suggestion.startswith("cut about ")  # names the longest scenes
    # The same estimate `check` prints.
    check = run("check", "brief.yaml", "--tts", "espeak", cwd=tmp_path)
    clock = findings[0].message.split()[2]
    assert f"estimated length {clock} with espeak" in check.stdout
    for quiet in (LintConfig(today=TODAY, tts="espeak", platform="bilibili"),
                  LintConfig(today=TODAY, tts="espeak", disabled=frozenset({"PL-LENGTH"}))):
        assert by_rule(lint_text(tmp_path, text, quiet), "PL-LENGTH") == []


@pytest.mark.parametrize(("label", "ok"), [
    ("本视频含AI合成语音", True), ("人工智能生成的配音", True), ("AI配音", False),
    ("合成语音", False)])
def test_ai_label_wording(tmp_path: Path, label: str, ok: bool) -> None:
    theme = (ROOT / "templates" / "themes" / "default.yaml").read_text(encoding="utf-8")
    assert "  zh: 本视频含AI合成语音\n" in theme
    (tmp_path / "mine.yaml").write_text(theme.replace("  zh: 本视频含AI合成语音\n",
                                                      f"  zh: {label}\n"), encoding="utf-8")
    line = theme.splitlines().index("  zh: 本视频含AI合成语音") + 1
    findings = by_rule(lint_text(tmp_path, PLAIN, LintConfig(today=TODAY, tts="espeak", theme=str(
        tmp_path / "mine.yaml"))), "PL-AI-LABEL")
    if ok:
        assert findings == []
    else:
        assert [(Path(f.file).name, f.line, f.severity) for f in findings] == [
            ("mine.yaml", line, "error")]


# ---------------------------------------------------------------- settings and registry


def test_settings_file(tmp_path: Path) -> None:
    settings = write_brief(tmp_path, """\
        sentence_chars: {warn: 10, error: 60}
        disable: [PL-NO-SOURCE]
        severity: {PL-NO-CONTACT: error}
        terms: [直接结算]
        """, "lint.yaml")
    config = load_config(settings, CONFIG)
    assert (config.sentence_warn, config.sentence_error) == (10, 60)
    assert "PL-NO-SOURCE" in config.disabled and config.extra_terms == ("直接结算",)
    text = PLAIN.replace("contact: 医保服务热线 12393\n", "").replace(
        "source_url: https://www.nhsa.gov.cn/\n", "")
    found = {(f.rule, f.severity) for f in lint_text(tmp_path, text, config)}
    assert ("PL-NO-CONTACT", "error") in found and ("PL-LONG", "warning") in found
    assert not any(rule == "PL-NO-SOURCE" for rule, _ in found)
    bad = write_brief(tmp_path, "sentence_chars: {warn: many}\ndisable: [PL-NOPE]\nfoo: 1\n",
                      "bad.yaml")
    with pytest.raises(InputError) as caught:
        load_config(bad)
    assert caught.value.lines() == [
        "bad.yaml:1: sentence_chars: expected {warn: 30, error: 45}",
        f"bad.yaml:2: disable: expected rule ids ({', '.join(RULES)}); got PL-NOPE",
        "bad.yaml:3: foo: unknown setting (known: sentence_chars, sentence_words, max_clauses, "
        "hsk_level, disable, severity, terms)"]


def test_every_rule_is_tested_and_documented() -> None:
    tests = Path(__file__).read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f'"{rule.id}"' in tests, rule.id
        assert f"`{rule.id}`" in docs, rule.id
        assert rule.source and rule.severity in ("info", "warning", "error")


def test_bundled_examples_raise_at_most_a_couple_of_warnings() -> None:
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        findings = lint_brief(example, LintConfig(tts="espeak"))
        severe = [f.text() for f in findings if f.severity != "info"]
        assert len(severe) <= 2 and not any(" error " in line for line in severe), severe


def test_an_unreadable_brief_raises_what_check_reports(tmp_path: Path) -> None:
    path = write_brief(tmp_path, "title: x\nsumary: y\n")
    with pytest.raises(BriefError) as caught:
        lint_brief(path, CONFIG)
    assert "brief.yaml:2: sumary: unknown field (did you mean 'summary'?)" in caught.value.lines()


# ---------------------------------------------------------------- the command


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, check=False)


def test_command_text_json_fail_on_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    write_brief(folder, PLAIN, "plain.yaml")
    write_brief(folder, plain_with("contact: 医保服务热线 12393\n", ""), "nocontact.yaml")
    result = run("lint", "briefs", "--tts", "espeak", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("briefs/nocontact.yaml:1: warning PL-NO-CONTACT: the brief gives "
                             "no contact or hotline; add contact, e.g. 咨询电话 12345\n")
    assert result.stderr == "2 brief(s): 0 error, 1 warning, 0 info\n"
    failing = run("lint", "briefs/plain.yaml", "briefs", "--fail-on", "warning", "--format",
                  "json", "--tts", "espeak", cwd=tmp_path)
    assert failing.returncode == 3
    data = json.loads(failing.stdout)
    assert data == [{"file": "briefs/nocontact.yaml", "line": 1, "severity": "warning",
                     "rule": "PL-NO-CONTACT",
                     "message": "the brief gives no contact or hotline",
                     "suggestion": "add contact, e.g. 咨询电话 12345"}]
    disabled = run("lint", "briefs", "--fail-on", "warning", "--disable", "PL-NO-CONTACT",
                   "--tts", "espeak", cwd=tmp_path)
    assert disabled.returncode == 0 and disabled.stdout == ""
    # A settings file kept beside the briefs is not taken for a brief.
    write_brief(folder, "severity: {PL-NO-CONTACT: error}\n", "lint.yaml")
    configured = run("lint", "briefs", "--config", "briefs/lint.yaml", "--tts", "espeak",
                     cwd=tmp_path)
    assert configured.returncode == 3
    assert configured.stdout.startswith("briefs/nocontact.yaml:1: error PL-NO-CONTACT")
    assert configured.stderr == "2 brief(s): 1 error, 0 warning, 0 info\n"


def test_command_reports_an_unreadable_brief_as_check_does(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: x\nsumary: y\n", "bad.yaml")
    write_brief(tmp_path, PLAIN, "plain.yaml")
    result = run("lint", "bad.yaml", "plain.yaml", "missing.yaml", "--tts", "espeak",
                 cwd=tmp_path)
    check = run("check", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 3 and check.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors[:-1] == check.stderr.splitlines()[:-1]
    assert errors[-1] == "error: missing.yaml: no such file"
    assert result.stderr.endswith("3 brief(s): 0 error, 0 warning, 0 info, "
                                  "2 could not be read\n")


def test_command_usage_errors(tmp_path: Path) -> None:
    assert run("lint", "x.yaml", "--format", "xml", cwd=tmp_path).returncode == 2
    assert run("lint", "x.yaml", "--fail-on", "fatal", cwd=tmp_path).returncode == 2
    assert run("lint", "x.yaml", "--disable", "PL-NOPE", cwd=tmp_path).returncode == 2
    listed = run("lint", "--rules", cwd=tmp_path)
    assert listed.returncode == 0 and all(rule in listed.stdout for rule in RULES)


def test_batch_lint_puts_findings_in_the_reports(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    folder = tmp_path / "briefs"
    folder.mkdir()
    write_brief(folder, PLAIN.replace("  from: 2022-08-01\n", "  from: 2022-08-01\n  to: 2024-12-31\n"),
                "expired.yaml")
    write_brief(folder, "title: x\nsumary: y\n", "broken.yaml")
    result = run("batch", "briefs", "--lint", "--tts", "none", "--preview", "--report",
                 "report.json", "--junit", "report.xml", cwd=tmp_path)
    # The broken brief fails the batch (3) as it would without --lint; it is not linted.
    assert result.returncode == 3, result.stderr
    expired = ("briefs/expired.yaml:7: error PL-EXPIRED: the policy ended on 2024-12-31 "
               f"(effective.to is before today, {dt.date.today()}); check for the policy that "
               "replaced it; do not publish an expired one")
    assert expired in result.stdout.splitlines()
    assert "lint: 1 brief(s): 1 error, 0 warning, 0 info" in result.stdout.splitlines()
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["lint"] == {"error": 1, "warning": 0, "info": 0}
    assert report["options"]["lint"] is True
    entries = {entry["brief"]: entry for entry in report["briefs"]}
    assert entries["briefs/broken.yaml"]["lint"] == []
    assert entries["briefs/expired.yaml"]["status"] == "rendered"
    assert [f["rule"] for f in entries["briefs/expired.yaml"]["lint"]] == ["PL-EXPIRED"]
    suite = ET.parse(tmp_path / "report.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("3", "2")
    lint_cases = [case for case in suite.iter("testcase")
                  if case.get("classname") == "policyclip.lint"]
    assert [case.get("name") for case in lint_cases] == ["briefs/expired.yaml"]
    failure = lint_cases[0].find("failure")
    assert failure is not None and failure.get("type") == "PL-EXPIRED"
    assert failure.get("message") == expired

    # Only the lint error is left: the batch still renders, and exits 3 for it.
    (folder / "broken.yaml").unlink()
    again = run("batch", "briefs", "--lint", "--tts", "none", "--preview", cwd=tmp_path)
    assert again.returncode == 3 and "1 brief(s): 0 rendered, 1 up to date, 0 failed" in again.stdout
    fixed = PLAIN
    write_brief(folder, fixed, "expired.yaml")
    clean = run("batch", "briefs", "--lint", "--tts", "none", "--preview", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.splitlines()[-1] == "lint: 1 brief(s): 0 error, 0 warning, 0 info"
    assert run("batch", "briefs", "--lint-config", "x.yaml", cwd=tmp_path).returncode == 2


def test_a_phrase_that_asks_for_a_number_is_quiet_when_its_clause_gives_one(
        tmp_path: Path) -> None:
    text = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                      "    text: 临时去外地看病的，报销比例进一步提高到80%，其他费用进一步提高。")
    findings = by_rule(lint_text(tmp_path, text), "PL-OFFICIALESE")
    assert [f.message for f in findings] == ["“进一步提高” is officialese a viewer skips"]
    # one finding per phrase and field: the one without a number is what is left
    alone = plain_with("    text: 临时去外地看病的，报销比例一般低10个百分点以内。",
                       "    text: 临时去外地看病的，报销比例进一步提高到80%。")
    assert by_rule(lint_text(tmp_path, alone), "PL-OFFICIALESE") == []


@pytest.mark.parametrize("phrase", [
    "高度重视", "亲自过问", "狠抓工作落实", "在区委的坚强领导下", "统筹推进", "进一步加强",
    "进一步加大补贴力度", "积极稳步推进", "获得感幸福感安全感", "原则上", "有关部门",
    "按相关规定", "符合条件的", "视情况", "酌情", "适当", "逐步", "最后一公里", "闭环",
    "赋能", "抓手", "兜底", "落地见效", "提高站位", "予以", "免申即享", "多措并举", "携手共建",
    "不忘初心"])
def test_the_design_notes_phrases_are_all_named(tmp_path: Path, phrase: str) -> None:
    text = plain_with("    text: 出发前，在国家医保服务平台App上备案，几分钟就能办好。",
                      f"    text: 出发前，{phrase}，在App上备案。")
    named = [f for f in lint_text(tmp_path, text)
             if f.rule in ("PL-OFFICIALESE", "PL-HEDGE", "PL-JARGON")]
    assert [(f.line, f.message.split("”")[0].lstrip("“")) for f in named] == [(11, phrase)]


def test_word_list_files_are_well_formed() -> None:
    from policyclip.lint import words

    for name in ("officialese.tsv", "hedges.tsv", "jargon.tsv"):
        phrases = words.phrases(name)
        assert len(phrases) > 10 and all(p.suggestion for p in phrases)
    assert len(words.hsk_levels()) > 10_000 and words.hsk_levels()["政策"] == 6
    assert "起付线" in words.terms("policy-terms.txt")


def test_english_briefs_get_the_document_and_vague_point_rules(tmp_path: Path) -> None:
    text = ENGLISH_BRIEF.replace(
        "text: Small-scale VAT payers, small low-profit firms and sole traders.",
        "text: Support for businesses is being strengthened.").replace(
        "heading: Who qualifies", "heading: What changes") + (
        "doc_number: SI 2025/123\ncontact: the helpline on 0300 200 3200\n"
        "source_url: https://www.gov.uk/\neffective:\n  from: 2025-04-06\n")
    found = {(f.rule, f.line) for f in lint_text(tmp_path, text)}
    assert found == {("PL-VAGUE", 7), ("PL-TITLE", 1)}  # no GB/T 9704 rule for SI 2025/123
    concrete = text.replace("is being strengthened.", "get up to £500 if they apply by 30 June.")
    assert {f.rule for f in lint_text(tmp_path, concrete)} == {"PL-TITLE"}


def test_a_sentence_the_template_joins_from_several_fields(tmp_path: Path) -> None:
    # The qa template speaks every step in one sentence: shortening the steps is the fix. The
    # finding is at the step that wrote most of it.
    text = PLAIN + "steps:\n  - 下载国家医保服务平台App\n  - 选择异地备案，填好就医地\n  - 到定点医院看病，直接刷医保卡结算\n"
    config = LintConfig(today=TODAY, tts="espeak", template="qa")
    findings = by_rule(lint_text(tmp_path, text, config), "PL-LONG")
    assert [(f.line, f.suggestion) for f in findings] == [
        (21, "shorten it: the template joins steps with other text into this one sentence "
             "(a viewer keeps about 30)")]


BRIEFS = Path(__file__).resolve().parent / "lint_briefs"


@pytest.mark.parametrize("name", sorted(p.name for p in BRIEFS.glob("plain-*.yaml")))
def test_plain_explainers_stay_nearly_quiet(name: str) -> None:
    findings = lint_brief(BRIEFS / name, CONFIG)
    severe = [f.text() for f in findings if f.severity != "info"]
    assert len(severe) <= 2 and not any(f.severity == "error" for f in findings), severe
    assert not {f.rule for f in findings} & {"PL-OFFICIALESE", "PL-HEDGE", "PL-JARGON"}


def test_an_officialese_brief_with_block_text_and_faq() -> None:
    found = {(f.line, f.rule) for f in lint_brief(BRIEFS / "officialese-mianshen.yaml", CONFIG)}
    assert found == {
        (1, "PL-LENGTH"), (1, "PL-NO-CONTACT"), (1, "PL-NO-SOURCE"),
        (3, "PL-JARGON"), (3, "PL-OFFICIALESE"),  # 免申即享, 全面推进 in the title
        (5, "PL-DOCNO"),  # 某区营商发（2021）第008号
        (9, "PL-EXPIRED"),
        (10, "PL-LONG"), (10, "PL-OFFICIALESE"), (10, "PL-TERM"),  # summary: > folded text
        (15, "PL-JARGON"), (15, "PL-VAGUE"),  # text: | two lines
        (19, "PL-HEDGE"), (19, "PL-LONG"),
        (22, "PL-HEDGE"),  # the FAQ answer
        (24, "PL-HEDGE"), (25, "PL-HEDGE"),  # steps
    }


def test_a_brief_refused_only_for_its_dates_is_still_linted(tmp_path: Path) -> None:
    text = (plain_with("published: 2022-07-26", "published: 2022-02-30")
            .replace("  from: 2022-08-01\n", "  from: 2022-08-01\n  to: 2021-12-31\n")
            .replace("contact: 医保服务热线 12393\n", ""))
    found = [(f.line, f.rule, f.severity, f.message) for f in lint_text(tmp_path, text)]
    assert found == [
        (1, "PL-NO-CONTACT", "warning", "the brief gives no contact or hotline"),
        (4, "PL-DATE", "error", "published: 2022-02-30 is not a real date"),
        (6, "PL-DATE", "error", "effective.from (2022-08-01) is after effective.to (2021-12-31)"),
        (7, "PL-DATE", "error", "effective.from (2022-08-01) is after effective.to (2021-12-31)"),
    ]
    # Any other problem: the brief is reported as check reports it.
    broken = text.replace("title:", "titel:")
    with pytest.raises(BriefError) as caught:
        lint_text(tmp_path, broken)
    lines = caught.value.lines()
    assert any("2022-02-30 is not a real date" in line for line in lines), lines
    assert any("titel: unknown field" in line for line in lines), lines
