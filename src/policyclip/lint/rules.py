"""The lint rules: one small function each, registered with its id, severity and source.

A rule yields `Hit`s; the runner turns them into findings at the line of the field they name.
docs/lint.md describes every rule; tests/test_lint.py tests each one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import estimate
from ..linebreak import CHINESE_CAPTIONS, spoken_weight
from ..yamlfile import YamlPath, YamlProblem, format_path, read_yaml
from . import words
from .context import LintContext, Spoken
from .findings import LintConfig


@dataclass(frozen=True)
class Hit:
    """What a rule found: where (a brief field, or a file and line), what, and what to do."""

    path: YamlPath | None
    message: str
    suggestion: str
    severity: str | None = None  # None: the rule's own
    file: str | None = None  # None: the brief
    line: int | None = None  # None: the line of `path`


Check = Callable[[LintContext, LintConfig], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A registered rule."""

    id: str
    severity: str
    title: str
    source: str
    chinese_only: bool
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str, source: str, *, chinese_only: bool = False
         ) -> Callable[[Check], Check]:
    """Register a rule function under `rule_id`."""
    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, severity, title, source, chinese_only, check)
        return check
    return register


# ---------------------------------------------------------------- helpers

_CLAUSE_MARK = re.compile(r"[，；：]|[,;:](?!\d)")
# "管多久：" or "How much: " (or two: "减多少：六税：") before a sentence (the explainer
# template speaks a point's heading so) is a pause of its own, not part of the sentence a
# viewer has to keep.
_LEAD_LABEL = re.compile(
    r"^(?:(?:[^，。；：,;:\sA-Za-z]{1,8}|[A-Za-z'’-]+(?: [A-Za-z'’-]+){0,2})[：:]\s*){1,2}(?=\S)")


def body(text: str) -> str:
    """A sentence without its short lead-in label."""
    return _LEAD_LABEL.sub("", text, count=1)


def spoken_length(text: str, chinese: bool) -> int:
    """Chinese: syllables spoken (a digit is one, % three); English: words."""
    if chinese:
        return round(spoken_weight(text, CHINESE_CAPTIONS))
    return len(re.findall(r"[\w£$€%.,'’-]+", text))


def _limits(config: LintConfig, chinese: bool) -> tuple[int, int]:
    if chinese:
        return config.sentence_warn, config.sentence_error
    return config.words_warn, config.words_error


def _excerpt(text: str, chinese: bool) -> str:
    if chinese:
        return text if len(text) <= 14 else text[:12] + "…"
    parts = text.split()
    return text if len(parts) <= 8 else " ".join(parts[:7]) + " …"


def _is_long(sentence: Spoken, ctx: LintContext, config: LintConfig) -> bool:
    return spoken_length(body(sentence.text), ctx.brief.is_chinese) > _limits(
        config, ctx.brief.is_chinese)[0]


def _word_fields(ctx: LintContext) -> Iterator[tuple[YamlPath, str]]:
    """The fields whose wording is the writer's own (not names, numbers or addresses)."""
    skipped = {"doc_number", "issuer", "contact"}
    return ((path, text) for path, text in ctx.fields
            if path[0] not in skipped and path[-1] != "value")


def _explained(term: str, ctx: LintContext) -> bool:
    return any(term in key or key in term for key in ctx.brief.glossary)


def _phrase_hits(ctx: LintContext, list_name: str, what: str,
                 skip: Callable[[str], bool] = lambda found: False) -> Iterator[Hit]:
    """Each phrase of the list once a field; of overlapping matches the longest
    (进一步加大补贴力度, not 进一步加大)."""
    for path, text in _word_fields(ctx):
        matches = [(match.start(), -len(match.group()), match.group(), phrase)
                   for phrase in words.phrases(list_name)
                   for match in phrase.pattern.finditer(text)
                   if not (phrase.unless_number
                           and _clause_has_number(text, range(*match.span())))]
        seen: set[str] = set()
        end = 0
        for start, negative_length, found, phrase in sorted(matches, key=lambda m: m[:2]):
            if start < end or found in seen or skip(found):
                continue
            seen.add(found)
            end = start - negative_length
            yield Hit(path, f"“{found}” {what}", phrase.suggestion)


_NUMBER = re.compile(
    r"\d|[０-９]|百分之|[一二两三四五六七八九十百千万半]+(?:个|元|块|岁|年|月|天|倍|成|项|人|户|次)")


def _clause_has_number(text: str, span: range) -> bool:
    """True when the clause around `span` (between commas or stops) gives a number."""
    start = max(text.rfind(mark, 0, span.start) for mark in "，。；！？,;") + 1
    ends = [i for i in (text.find(mark, span.stop) for mark in "，。；！？,;") if i >= 0]
    return bool(_NUMBER.search(text[start:min(ends, default=len(text))]))


# ---------------------------------------------------------------- language


@rule("PL-LONG", "warning", "a spoken sentence is too long",
      "editorial: a viewer keeps about 30 spoken characters (20 English words); configurable")
def long_sentence(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Sentences of the spoken script longer than the limits, at the field they came from."""
    chinese = ctx.brief.is_chinese
    warn, error = _limits(config, chinese)
    unit = "characters" if chinese else "words"
    keeps = f"{warn}" if chinese else f"{warn} words"
    for sentence in ctx.spoken:
        length = spoken_length(body(sentence.text), chinese)
        if sentence.field is None or length <= warn:
            continue
        yield Hit(sentence.field,
                  f"this sentence is {length} {unit} when spoken: "
                  f"“{_excerpt(sentence.text, chinese)}”",
                  f"{_split_advice(sentence)} (a viewer keeps about {keeps})",
                  severity="error" if length > error else "warning")


# Below this share of a sentence, the template joined the field with others (steps read as one
# sentence by the qa template): the writer shortens the fields, or picks another template.
_JOINED = 0.6


def _split_advice(sentence: Spoken) -> str:
    if sentence.share >= _JOINED or sentence.field is None:
        return "split it"
    return (f"shorten it: the template joins {format_path(sentence.field[:1])} with other "
            "text into this one sentence")


@rule("PL-CLAUSES", "warning", "a spoken sentence strings too many clauses together",
      "editorial: one idea a sentence; configurable (max_clauses)")
def many_clauses(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Sentences (not already too long) with more comma-separated clauses than max_clauses."""
    for sentence in ctx.spoken:
        if sentence.field is None or _is_long(sentence, ctx, config):
            continue
        clauses = [c for c in _CLAUSE_MARK.split(body(sentence.text)) if c.strip(" 。.!?！？")]
        if len(clauses) > config.max_clauses:
            yield Hit(sentence.field,
                      f"this sentence strings {len(clauses)} clauses together: "
                      f"“{_excerpt(sentence.text, ctx.brief.is_chinese)}”",
                      f"make it two sentences (at most {config.max_clauses} clauses each)")


@rule("PL-OFFICIALESE", "warning", "officialese or a slogan (套话)",
      "data/officialese.tsv; the design notes' list and policy-interpretation guidance",
      chinese_only=True)
def officialese(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Phrases of officialese.tsv, each with a plain alternative or "cut it"."""
    yield from _phrase_hits(ctx, "officialese.tsv", "is officialese a viewer skips")


@rule("PL-HEDGE", "warning", "a hedge that hides the rule (模糊表述)",
      "data/hedges.tsv; the design notes' list", chinese_only=True)
def hedge(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Hedges of hedges.tsv; 符合条件的 only when the brief never says what the conditions are."""
    conditions = _states_conditions(ctx)
    yield from _phrase_hits(ctx, "hedges.tsv", "hides the rule",
                            skip=lambda found: conditions and "条件" in found)


_CONDITION_HEADING = re.compile(r"条件|谁能|谁可以|哪些人|对象|范围|资格")
_CONDITION_TEXT = re.compile(
    r"条件(?:是|为|包括)|满足(?:以下|下列)|须满足|需要?满足|年满|具备.{0,8}条件")


def _states_conditions(ctx: LintContext) -> bool:
    """True when the glossary, a text (条件是……, 年满……) or a point or answer under a heading
    like 谁能享受 says who qualifies (without itself only saying 符合条件的)."""
    if any("条件" in key for key in ctx.brief.glossary):
        return True
    answers = [(p.heading, p.text) for p in ctx.brief.points]
    answers += [(f.q, f.a) for f in ctx.brief.faq]
    texts = [text for _, text in ctx.fields]
    return (any(_CONDITION_HEADING.search(h) and "符合" not in t for h, t in answers)
            or any(_CONDITION_TEXT.search(t) for t in texts))


@rule("PL-JARGON", "warning", "jargon the glossary does not explain (行话)",
      "data/jargon.tsv; the design notes' list", chinese_only=True)
def jargon(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Terms of jargon.tsv that no glossary entry explains."""
    yield from _phrase_hits(ctx, "jargon.tsv", "is jargon a viewer may not know",
                            skip=lambda found: _explained(found, ctx))


@rule("PL-TERM", "info", "a term a general viewer may not know, not in the glossary",
      "data/policy-terms.txt (this project) and data/hsk30.tsv (HSK 3.0 levels, from "
      "complete-hsk-vocabulary, MIT)", chinese_only=True)
def unknown_term(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Policy terms, and words above HSK level `hsk_level`, that the glossary does not explain;
    each term once, where it first appears."""
    listed = (*words.terms("policy-terms.txt"), *config.extra_terms)
    everyday = set(words.terms("everyday.txt"))
    levels = words.hsk_levels()
    seen: set[str] = set()
    for path, text in _word_fields(ctx):
        found = [term for term in listed if term in text]
        graded = words.words(text) if config.hsk_level < 7 else []
        found += [w for w in graded
                  if levels.get(w, 0) > config.hsk_level and w not in everyday
                  and not any(w in term for term in found)]
        for term in found:
            if term in seen or _explained(term, ctx):
                continue
            seen.add(term)
            yield Hit(path, f"“{term}” may be unknown to a general viewer",
                      "explain it in the glossary, or say it in everyday words")


_CONCRETE_ZH = re.compile(
    r"\d|[０-９]|百分之|[前后][，,、]|的[，,]|[一二两三四五六七八九十百千万半几]+(?:个|元|块|岁|年|月|天|日|周|次|倍|成|项|类"
    r"|种|人|名|户|家|小时|分钟|公里|平方米|万|亿|千|百)|如果|只要|凡是?|年满|满足|以上|以下|以内|不超过"
    r"|不低于|不少于|至少|最多|最高|最低|之前|以前|之后|以后|截至|截止|前提|必须|需要|无需|不需要"
    r"|不用|只需|才能|谁|哪些|对象|条件|免费|不收费|退休|一样|相同")
_CONCRETE_EN = re.compile(
    r"\d|\b(?:if|unless|only|before|after|until|from|by|at least|up to|must|need|needs|every|"
    r"each|who|free|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|one|two|three|four|five|six|seven|eight|nine|ten|half)\b", re.I)


@rule("PL-VAGUE", "info", "a point without a number, amount, date or condition",
      "policy-interpretation guidance: data and concrete conditions instead of slogans")
def vague_point(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Points whose heading, text and figure give nothing concrete."""
    pattern = _CONCRETE_ZH if ctx.brief.is_chinese else _CONCRETE_EN
    for i, point in enumerate(ctx.brief.points):
        if point.figure or pattern.search(point.heading + " " + point.text):
            continue
        yield Hit(("points", i, "text"), "this point gives no number, amount, date or condition",
                  "add one: how much, by when, or who qualifies (e.g. 每月最多2000元, "
                  "2025年6月30日前, 年满60岁)" if ctx.brief.is_chinese else
                  "add one: how much, by when, or who qualifies (e.g. up to £500, by 30 June)")


# ---------------------------------------------------------------- document facts

# Brackets people put around the year instead of 〔〕 (六角括号): [] ［］ () （） 【】 〖〗 〈〉 <>
# ﹝﹞ (small, often taken for 〔〕) {} ｛｝.
_OPEN, _CLOSE = r"[\[［(（【〖〈<﹝{｛]", r"[\]］)）】〗〉>﹞}｝]"
_DOC_BRACKETS = re.compile(rf"{_OPEN}\s*(\d{{2,4}})\s*{_CLOSE}")
_DOC_YEAR = re.compile(rf"〔(\d{{2,4}})〕|{_OPEN}\s*(\d{{2,4}})\s*{_CLOSE}|公告(\d{{2,4}})年")
_DOC_LEADING_ZERO = re.compile(rf"(?:〕|{_CLOSE}|第)(0\d*)号")
# 〔2023〕第5号: a 发文字号 has no 第 (公告2023年第12号, an announcement's number, does).
_DOC_ORDINAL = re.compile(rf"(?:〕|{_CLOSE})\s*第\s*(?=\d+号)")


def corrected_doc_number(text: str) -> str:
    """The document number in GB/T 9704 form: 〔〕 around a four-digit year, no leading zero."""
    def year(match: re.Match[str]) -> str:
        digits = next(g for g in match.groups() if g)
        full = digits if len(digits) == 4 else "20" + digits[-2:]
        return f"公告{full}年" if match.group().startswith("公告") else f"〔{full}〕"

    fixed = _DOC_ORDINAL.sub(lambda m: m.group()[0], _DOC_YEAR.sub(year, text))
    return _DOC_LEADING_ZERO.sub(
        lambda m: m.group()[: -len(m.group(1)) - 1] + str(int(m.group(1))) + "号", fixed)


@rule("PL-DOCNO", "warning", "the document number is not in GB/T 9704 form",
      "GB/T 9704-2012 (党政机关公文格式) 7.2.4: 〔〕 around the full year; the number without "
      "a leading zero or 第")
def doc_number(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Brackets other than 〔〕 around the year, a two-digit year, a number with a leading 0
    or with 第."""
    number = ctx.brief.doc_number
    if not number:
        return
    fix = f"write {corrected_doc_number(number)}"
    bracket = _DOC_BRACKETS.search(number)
    if bracket:
        yield Hit(("doc_number",), f"the year is in {bracket.group()[0]}{bracket.group()[-1]}, "
                  "not in 〔〕", fix)
    years = [next(g for g in m.groups() if g) for m in _DOC_YEAR.finditer(number)]
    if any(len(y) != 4 for y in years):
        yield Hit(("doc_number",), "the year has two digits", fix)
    zero = _DOC_LEADING_ZERO.search(number)
    if zero:
        yield Hit(("doc_number",), f"the number {zero.group(1)} starts with 0", fix)
    if _DOC_ORDINAL.search(number):
        yield Hit(("doc_number",), "the number after the year has 第", fix)


# The end of a period the text states: "……日至2023年12月31日", "有效期至2023年12月31日".
_END_DATE = re.compile(
    r"(?:[日号]\s*(?:至|到|—|－|-|~|～)|(?:有效期|执行期|期限)[^。；]{0,12}?(?:至|到))"
    r"\s*(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
_CN_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_ISO_IN_TEXT = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def _impossible(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return True
    return not 1 <= day <= calendar.monthrange(year or 2024, month)[1]  # 2024: 2月29日 exists


@rule("PL-DATE", "error", "an impossible date in the text, or a date in the future",
      "the calendar; the brief's own dates")
def impossible_date(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """Date fields that are no real date (2023-02-30) or out of order (the brief is linted
    without them), dates written in text that do not exist (2月30日), and `published` after
    today (a warning)."""
    for path, why in ctx.bad_dates:
        yield Hit(path, why, "correct the date")
    for path, text in ctx.fields:
        for match in (*_CN_DATE.finditer(text), *_ISO_IN_TEXT.finditer(text)):
            year, month, day = match.groups()
            if _impossible(int(year) if year else None, int(month), int(day)):
                yield Hit(path, f"{match.group()} is not a real date", "check the date")
    published = ctx.brief.published
    if published and published > ctx.today:
        yield Hit(("published",), f"published {published} is after today ({ctx.today})",
                  "check the date", severity="warning")


@rule("PL-EXPIRED", "error", "the policy has already ended",
      "the brief's effective.to against today's date")
def expired(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """`effective.to` before today; and an end date the text gives (2021年1月1日至2023年12月31日,
    有效期至2023年12月31日) before today, as a warning."""
    effective = ctx.brief.effective
    if effective and effective.end and effective.end < ctx.today:
        yield Hit(("effective", "to"), f"the policy ended on {effective.end} "
                  f"(effective.to is before today, {ctx.today})",
                  "check for the policy that replaced it; do not publish an expired one")
    for path, text in ctx.fields:
        for match in _END_DATE.finditer(text):
            year, month, day = (int(g) for g in match.groups())
            if _impossible(year, month, day):
                continue  # PL-DATE names it
            end = dt.date(year, month, day)
            if end < ctx.today:
                yield Hit(path, f"the text says it runs until {end}, before today ({ctx.today})",
                          "check for the policy that replaced it; do not publish an expired "
                          "one", severity="warning")


@rule("PL-NO-DATES", "info", "no effective dates", "policy-interpretation guidance: say when")
def no_dates(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """No `effective` block: viewers want to know from when (and until when) it applies."""
    if any(path[0] == "effective" for path, _ in ctx.bad_dates):
        return  # PL-DATE names them
    effective = ctx.brief.effective
    if effective is None or (effective.start is None and effective.end is None):
        yield Hit(("effective",) if effective else None, "the brief gives no effective dates",
                  "add effective.from (and effective.to if it ends)")


@rule("PL-NO-CONTACT", "warning", "no contact or hotline",
      "policy-interpretation guidance: tell people where to ask")
def no_contact(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """No `contact`: viewers with a question have nowhere to go."""
    if not ctx.brief.contact:
        yield Hit(None, "the brief gives no contact or hotline",
                  "add contact, e.g. 咨询电话 12345" if ctx.brief.is_chinese else
                  "add contact, e.g. a helpline number")


@rule("PL-NO-SOURCE", "info", "no source_url", "policy-interpretation guidance: link the full text")
def no_source(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """No `source_url`: the source card cannot point to the full text."""
    if not ctx.brief.source_url:
        yield Hit(None, "the brief gives no source_url",
                  "add the address of the full text (it shows on the source card)")


# ---------------------------------------------------------------- platform

_ENGLISH_NAMES = {"douyin": "Douyin", "kuaishou": "Kuaishou", "channels": "WeChat Channels",
                  "bilibili": "Bilibili", "generic": "the generic preset"}


def _platform_name(ctx: LintContext) -> str:
    """抖音 for a Chinese brief, Douyin for an English one."""
    name = ctx.platform.name
    return ctx.platform.label if ctx.brief.is_chinese else _ENGLISH_NAMES.get(name, name)


@rule("PL-TITLE", "warning", "the title is longer than the platform's upload form allows",
      "platforms.py (the platforms' published or observed limits)")
def title_length(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """A title the upload form would cut."""
    limit, length = ctx.platform.title_max, len(ctx.brief.title)
    if length > limit:
        yield Hit(("title",), f"the title is {length} characters; {_platform_name(ctx)} shows "
                  f"at most {limit}", f"shorten it to {limit} (it would be cut)")


@rule("PL-HASHTAGS", "warning", "more hashtags than the platform takes",
      "platforms.py (the platforms' published or observed limits)")
def hashtag_count(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """More hashtags than the platform keeps (the rest are dropped)."""
    limit, count = ctx.platform.hashtags_max, len(ctx.brief.hashtags)
    if count > limit:
        kept = " ".join(f"#{t}" for t in ctx.brief.hashtags[:limit])
        yield Hit(("hashtags",), f"{count} hashtags; {_platform_name(ctx)} takes at most {limit}",
                  f"keep the {limit} that matter most (now only {kept} are used)")


@rule("PL-LENGTH", "warning", "the video would run longer than the platform favours",
      "platforms.py (favoured length); estimate.py, the length `policyclip check` predicts")
def video_length(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """The predicted length over the platform's sweet spot, with what would make it fit."""
    favoured = ctx.platform.favoured_max_s
    predicted = ctx.length
    if favoured is not None and predicted.total_ms > favoured * 1000:
        yield Hit(None, f"estimated length {estimate.clock(predicted.total_ms)} "
                  f"{estimate.spoken_by(predicted)}; {_platform_name(ctx)} favours at most "
                  f"{estimate.clock(favoured * 1000)}", estimate.advice(predicted, favoured * 1000))


# ---------------------------------------------------------------- compliance

_AI = re.compile(r"AI|ＡＩ|人工智能")
_MADE = re.compile(r"生成|合成")


@rule("PL-AI-LABEL", "error", "the theme's AI label would not satisfy the labelling rules",
      "人工智能生成合成内容标识办法 (in force 2025-09-01) and GB 45438-2025: the wording "
      "contains AI or 人工智能 and 生成 or 合成")
def ai_label(ctx: LintContext, config: LintConfig) -> Iterator[Hit]:
    """The label drawn when the voice is synthesized (the theme's ai_label for the brief's
    language, else its other one) must say AI or 人工智能 and 生成 or 合成."""
    labels = ctx.look.ai_label
    label = ctx.look.label_text(ctx.brief.is_chinese)
    key = next(k for k, text in labels.items() if text == label)
    if not (_AI.search(label) and _MADE.search(label)):
        yield Hit(None, f"the AI label “{label}” must contain AI or 人工智能, and 生成 or 合成",
                  "write e.g. 本视频含AI合成语音 (AI配音 does not qualify)",
                  file=_shown(ctx.theme_path), line=_theme_line(ctx.theme_path, ("ai_label", key)))


def _theme_line(path: Path, where: YamlPath) -> int:
    try:
        return read_yaml(path).line_of(where)
    except (OSError, YamlProblem):
        return 1


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
