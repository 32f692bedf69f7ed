"""Document -> a draft brief: every value taken from the source, and where it came from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import dates
from .document import (
    Block,
    Document,
    Found,
    clean,
    first_sentences,
    is_chinese,
    split_sentences,
)

# Limits that keep a draft within what a card and a caption show; the first sentence of a text
# is kept whole even when longer (see first_sentences).
# A 60 s video holds about 250 spoken Chinese characters: a lean draft leaves room to add.
SUMMARY_CHARS = {"zh": 80, "en": 200}
TEXT_CHARS = {"zh": 70, "en": 180}
ANSWER_CHARS = {"zh": 60, "en": 160}
HEADING_CHARS = {"zh": 20, "en": 60}
AUDIENCE_CHARS = {"zh": 40, "en": 120}
QUESTION_CHARS = {"zh": 60, "en": 120}
MAX_POINTS = 8  # the brief's limit
MAX_FAQ = 6
MAX_STEPS = 8
MAX_HASHTAGS = 6
PLACEHOLDER_TITLE = {"zh": "（请填写标题）", "en": "(type the title)"}
PLACEHOLDER_ISSUER = {"zh": "（请填写发布机关）", "en": "(type the issuing body)"}

_CN_NUM = "一二三四五六七八九十"
# Heading kinds, in the order they are preferred for points (GB/T 9704 levels first).
_NUMBERING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("第X章", re.compile(r"^第[一二三四五六七八九十百]+章\s*")),
    ("一、", re.compile(rf"^[{_CN_NUM}]+\s*[、．.]\s*")),
    ("【】", re.compile(r"^【(?=[^】]{1,30}】)")),
    ("（一）", re.compile(rf"^[（(][{_CN_NUM}]+[）)]\s*")),
    ("第X条", re.compile(r"^第[一二三四五六七八九十百]+条\s*")),
    ("1.", re.compile(r"^\d{1,2}\s*[.．、](?!\d)\s*")),
    ("（1）", re.compile(r"^[（(]\d{1,2}[）)]\s*")),
    ("一是", re.compile(rf"^(?:[{_CN_NUM}]是|首先|其次|再次|最后)[，,：:]?\s*")),
)
_ANY_NUMBERING = re.compile(
    rf"^(?:[{_CN_NUM}]+\s*[、．.]|[（(][{_CN_NUM}\d]+[）)]|\d{{1,2}}\s*[.．、)）](?!\d)|"
    rf"第[{_CN_NUM}\d]+步[，,：:]?|[①②③④⑤⑥⑦⑧⑨⑩]|Step\s*\d+\s*[:.]?)\s*", re.I)
_AUDIENCE = re.compile(r"(?:适用|补贴|申请|支持|享受|服务|申报|发放|救助|资助|保障|奖励)"
                       r"(?:对象|人群)|适用范围|谁能(?:享受|申请|领取?|参加|办理)|"
                       r"Who (?:can|will|is able to) (?:apply|get|claim|qualify)|Who qualifies|"
                       r"Who is eligible|Eligibility", re.I)
_QUESTION = re.compile(r"^(?:问|提问|Q)\s*[\d一二三四五六七八九十]*\s*[:：.、]\s*", re.I)
_ANSWER = re.compile(r"^(?:答|回答|A)\s*[\d一二三四五六七八九十]*\s*[:：.、]\s*", re.I)
_INLINE_ANSWER = re.compile(r"\s*(?:答|A)\s*[:：]\s*")
_STEP_WORDS = re.compile(r"怎么办|怎么领|怎么开户|怎么申请|怎么报名|如何申请|如何办理|如何申领|"
                         r"如何领取|怎样申请|怎样办理|(?:办理|申请|申报|申领|领取|报名|兑换|使用|操作|开户)"
                         r"(?:流程|程序|步骤|方式|指南)|How to apply|How to claim|What to do|"
                         r"Steps to", re.I)
# `新华社北京12月12日电（记者 姜琳）`, `本报讯（记者 …）`: a news dateline, not the article.
_DATELINE = re.compile(r"^(?:[\u4e00-\u9fa5]{2,12}\d{1,2}月\d{1,2}日电|本报讯|"
                       r"本报[\u4e00-\u9fa5]{0,6}电)\s*(?:[（(][^）)]{0,30}[）)])?\s*|^[（(]记者[^）)]{0,30}[）)]\s*")
_NEWS_OUTLET = re.compile(r"^(新华社|人民日报|人民网|新华网|央视|央视新闻|中国新闻网|中新网|"
                          r"光明日报|经济日报|中国政府网|.{1,8}(日报|晚报|电视台|广播电视台|新闻网|融媒体中心))$")
_INLINE_STEPS = re.compile(r"(?:^|(?<=[：:；;。，,\s]))(?:\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[）)]|"
                           r"第[一二三四五六七八九十]步[，,：:]?|[①②③④⑤⑥⑦⑧⑨⑩])\s*")
_META_LINE = re.compile(r"^(来源|信息来源|发布单位|发文机关|发布机关|发布时间|发布日期|时间|日期|"
                        r"文号|发文字号|作者|编辑|责任编辑|审核|校对|终审|初审|文字|图片|"
                        r"Source|Published|Author|Editor|From)\s*[:：]\s*(.*)$", re.I)
# `时间：2024-12-01 08:30` is a byline; `时间：3月8日至5月31日` is what the article says.
_ONE_DATE = re.compile(r"^\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?"
                       r"(\s+\d{1,2}:\d{2}(:\d{2})?)?(\s|$)")
_ORG_END = re.compile(r"(部|局|委员会|委|政府|办公厅|办公室|厅|院|中心|署|银行|会|司|处|所|"
                      r"集团|公司|分局|管理局|协会|联合会|总局|Ministry|Department|Office|"
                      r"Bureau|Commission|Council|Administration|Agency|Government)$")
_TITLE_ISSUER = re.compile(r"^(.{2,40}?)(?:关于|印发|转发)")
_DOC_NUMBER = re.compile(r"(?<![\u4e00-\u9fa5])([\u4e00-\u9fa5]{2,10})\s*"
                         r"([〔\[［【(（﹝])\s*(\d{4})\s*([〕\]］】)）﹝﹞])\s*(第?\s*\d{1,4}\s*号)")
_BRACKETS = re.compile(r"[\[［【(（﹝]\s*(\d{4})\s*[\]］】)）﹞]")
_PHONE = re.compile(r"(?<![\d\-－])(?:0\d{2,3}\s*[-－]\s*(?:\d{7,8}|12\d{3}(?!\d))"
                    r"(?:\s*[-－转]\s*\d{1,5})?|"
                    r"0\d{9,11}|400\s*[-－]?\s*\d{3}\s*[-－]?\s*\d{4}|1[3-9]\d{9}|"
                    r"12\d{3}(?![\d.,万亿千元%％年月日天岁]))(?![\d])")
# 0800 99 1234, +44 20 7946 0000, (555) 123-4567; or a short hotline (12345, 311) near "call".
_PHONE_EN = re.compile(r"(?<![\w£$€¥.,])(?:\+\d{1,3}[\s-]?)?(?:\(?\d{2,5}\)?[\s-]?)?\d{2,4}[\s-]"
                       r"\d{3,4}(?![\w%])|(?<![\w£$€¥.,])(?:12\d{3}|[1-9]11)(?![\w%])")
# A section that only says where to ask becomes `contact`, not a point.
_CONTACT_HEADING = re.compile(r"(?:咨询|联系|服务|办事)(?:方式|电话|热线|渠道)|联系我们|咨询服务|"
                              r"Contact(?: us| details| information)?|Helplines?|Enquiries|"
                              r"Get in touch|Further information", re.I)
_HOTLINE_WORDS = re.compile(r"热线|电话|拨打|咨询|服务|联系|hotline|call|phone|tel", re.I)
_CLAUSE_END = "。；;！？!?\n"
_FIGURE_ZH = re.compile(
    r"(?<![\d.第〔\[/])(\d+(?:[.,]\d+)*\s*(?:%|％|‰|(?:万亿|亿|万|千)?元(?:/(?:人|户|年|月|天|次|亩|份))?))"
    r"(?![\d号条款章])")
# Counts with their unit: a figure only when no amount or percentage is stated.
_COUNT_ZH = re.compile(
    r"(?<![\d.第〔\[/])(\d+(?:[.,]\d+)*\s*(?:万|亿)?(?:人次|人|户|家|个|项|条|所|张|套|台|辆|"
    r"公里|千米|平方米|亩|吨|件|座|间|场|名|批|类|倍))(?![\d号条款章])")
_FIGURE_EN = re.compile(
    r"((?:[$€£¥]\s?\d+(?:[.,]\d+)*(?:\s?(?:million|billion|thousand|m|bn|k)\b)?)|"
    r"\d+(?:[.,]\d+)*\s?(?:%|percent\b|per cent\b)|"
    r"\d+(?:[.,]\d+)*\s?(?:million|billion)?\s?(?:yuan|dollars|euros)\b)", re.I)
_COUNT_EN = re.compile(
    r"(\d+(?:[.,]\d+)*\s?(?:million|billion)?\s?(?:people|households|families|firms|"
    r"businesses|companies|schools|hospitals|jobs|homes|places)\b)", re.I)
# `现将有关事项通知如下`, `现解读如下`, `现提出如下意见`: a clause that only says the text follows.
_FILLER = re.compile(r"^(?:(?:现|特|兹|下面|以下|具体|今|经研究|为便于理解)"
                     r"[^，,。]{0,30}?如下(?:意见|通知)?|"
                     r"[^，,。]{0,30}?(?:通知|解读|说明|公告|通告|报告|答复|规定)如下)[。：:！!]?$")
# A sentence that is only a purpose or basis before such a clause (`为做好…，现将…通知如下。`).
_ONLY_PURPOSE = re.compile(r"^(?:为了?|根据|按照|依据|依照|经|遵照)")
_YEAR = re.compile(r"^(19|20)\d{2}\s*年$")


@dataclass(frozen=True)
class Value:
    """A drafted value and the comment that says where it came from."""

    value: str
    origin: str


@dataclass(frozen=True)
class DraftPoint:
    """One drafted point."""

    heading: str
    text: str
    origin: str
    figure: tuple[str, str] | None = None
    figure_origin: str = ""


@dataclass(frozen=True)
class Draft:
    """A draft brief: values with their origins, and the summary of what was found."""

    source: str
    fields: dict[str, Value]
    points: tuple[DraftPoint, ...]
    points_origin: str
    faq: tuple[tuple[str, str], ...] = ()
    faq_origin: str = ""
    steps: tuple[str, ...] = ()
    steps_origin: str = ""
    hashtags: tuple[str, ...] = ()
    hashtags_origin: str = ""
    effective: tuple[dt.date | None, dt.date | None] | None = None
    effective_origin: str = ""
    report: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class _Section:
    """A heading and the blocks under it."""

    index: int
    heading: str
    rest: str
    body: list[Block]


class _Drafter:
    def __init__(self, doc: Document, source: str) -> None:
        self.doc = doc
        self.source = source
        self.meta: dict[str, Found] = dict(doc.meta)
        self.report: list[str] = []
        self.fields: dict[str, Value] = {}
        self.blocks = self._body_blocks(list(doc.blocks))
        sample = " ".join(b.text for b in self.blocks[:40])
        self.lang = "zh" if is_chinese(sample) else "en"
        self.used: set[int] = set()  # block indexes that became faq or steps
        self.summary_index = -1  # the block the summary came from
        self.filler: list[str] = []  # sentences left out of the summary (`现将…通知如下。`)

    # ------------------------------------------------------------ preparation

    def _body_blocks(self, blocks: list[Block]) -> list[Block]:
        """The blocks without `来源：…` style lines (kept as metadata) and the repeated title."""
        out = []
        for block in blocks:
            m = _META_LINE.match(block.text)
            if m and len(block.text) <= 100 and not (
                    m.group(1) in ("时间", "日期") and not _ONE_DATE.match(m.group(2))):
                self._meta_line(m.group(1), m.group(2))
                continue
            out.append(block)
        return out

    def _meta_line(self, label: str, value: str) -> None:
        value = value.strip()
        # A byline carries several labels on one line: `发布时间：2024-12-01 来源：市人社局`.
        inner = re.search(r"\s[|｜]?\s*(来源|信息来源|发布单位|发布时间|发布日期|作者|编辑|Source|"
                          r"Author|Published)\s*[:：]\s*(.*)$|\.\s+(Published|Last updated|"
                          r"Updated)\s+(.*)$", value)
        if inner:
            self._meta_line(inner.group(1) or inner.group(3), inner.group(2) or inner.group(4))
            value = value[:inner.start()].strip(" |｜.")
        if not value:
            return
        key = {"来源": "issuer", "信息来源": "issuer", "发布单位": "issuer", "发文机关": "issuer",
               "发布机关": "issuer", "source": "issuer", "from": "issuer", "发布时间": "published",
               "发布日期": "published", "时间": "published", "日期": "published",
               "published": "published", "updated": "published",
               "last updated": "published", "文号": "doc_number",
               "发文字号": "doc_number"}.get(label.lower())
        if key:
            self.meta.setdefault(key, Found(value, f"the '{label}' line of the {self.doc.kind}"))

    # ------------------------------------------------------------ fields

    def draft(self) -> Draft:
        self._title()
        self._issuer()
        self._doc_number()
        self._published()
        effective, effective_origin = self._effective()
        self._source_url()
        if self.lang == "en":
            self.fields["language"] = Value("en-US", "the article is in English")
        faq = self._faq()
        steps = self._steps()
        self._summary()
        self._audience()
        points, points_origin, faq = self._points(faq)
        self._contact()
        hashtags = self._hashtags()
        faq_origin = "问/答 pairs in the text, answers shortened to their first sentences" \
            if faq else ""
        if faq and faq[0][2]:
            faq_origin = faq[0][2]
        if self.doc.pictures:
            self.report.append(f"pictures: {self.doc.pictures} in the article, not imported "
                               "(save the ones you want beside the brief and add image:)")
        self.report.extend(self.doc.notes)
        return Draft(
            source=self.source, fields=self.fields, points=tuple(points),
            points_origin=points_origin,
            faq=tuple((q, a) for q, a, _ in faq), faq_origin=faq_origin,
            steps=tuple(steps[0]), steps_origin=steps[1],
            hashtags=tuple(hashtags[0]), hashtags_origin=hashtags[1],
            effective=effective, effective_origin=effective_origin, report=tuple(self.report))

    def _found(self, key: str, name: str) -> None:
        value = self.fields[key]
        self.report.append(f"{name}: {_brief(value.value)} ({value.origin})")

    def _title(self) -> None:
        found = self.meta.get("title")
        first = self.blocks[0]
        if found:
            self.fields["title"] = Value(found.value, found.origin)
        elif len(first.text) <= 60 and not _ANY_NUMBERING.match(first.text) \
                and not re.search(r"[。.]$|[。；;]", first.text):
            where = "first heading" if first.kind == "heading" else "first line"
            self.fields["title"] = Value(first.text, f"the {self.doc.kind}'s {where}")
        else:
            self.fields["title"] = Value(
                PLACEHOLDER_TITLE[self.lang],
                "NOT FOUND in the source: type the policy's name here")
            self.report.append("title: not found (the text starts with a paragraph, not a "
                               "title line); a placeholder was written, type the title")
            return
        title = self.fields["title"].value
        # The title repeated at the top of the body is not body text.
        self.blocks = [b for b in self.blocks if _squash(b.text) != _squash(title)]
        self._found("title", "title")

    def _issuer(self) -> None:
        found = self.meta.get("issuer")
        title = self.fields["title"].value
        from_title = _TITLE_ISSUER.match(title)
        if found:
            origin = found.origin
            if _NEWS_OUTLET.match(found.value):
                origin += ("; this is the news outlet that carried the article: the body that "
                           "issued the policy may be named in the text")
            self.fields["issuer"] = Value(found.value, origin)
        elif from_title and _ORG_END.search(from_title.group(1).strip()):
            self.fields["issuer"] = Value(from_title.group(1).strip(),
                                          "the words before 关于 in the title")
        elif signature := self._signature():
            self.fields["issuer"] = Value(signature, "the signature above the date at the end")
        elif "account" in self.meta:
            found = self.meta["account"]
            self.fields["issuer"] = Value(found.value, found.origin)
        elif "site" in self.meta:
            found = self.meta["site"]
            self.fields["issuer"] = Value(found.value, found.origin)
        else:
            self.fields["issuer"] = Value(
                PLACEHOLDER_ISSUER[self.lang],
                "NOT FOUND in the source: type the issuing body (发布机关) here")
            self.report.append("issuer: not found (no 发文机关, 来源 or signature); a placeholder "
                               "was written, type the issuing body before you render")
            return
        self._found("issuer", "issuer")

    def _signature(self) -> str | None:
        """An issuing body's name on its own line just above a date line near the end."""
        tail = self.blocks[-6:]
        for i in range(len(tail) - 1, 0, -1):
            line = tail[i].text
            if _date_line(line):
                above = tail[i - 1].text.strip()
                if len(above) <= 40 and _ORG_END.search(above) and not re.search(r"[。，,]", above):
                    return above
        return None

    def _doc_number(self) -> None:
        found = self.meta.get("doc_number")
        value, origin = None, ""
        if found:
            value, origin = found.value, found.origin
        else:
            for block in self.blocks[:60]:
                m = _DOC_NUMBER.search(block.text)
                if m:
                    value = m.group(0)
                    origin = "found in the text"
                    break
        if not value:
            self.report.append("doc_number: none, no 发文字号 like 〔2024〕10号 found")
            return
        value = re.sub(r"\s+", "", value) if is_chinese(value) else value
        normal = _BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", value)
        if normal != value:
            origin += "; brackets normalised to 〔〕 as GB/T 9704 writes them"
        self.fields["doc_number"] = Value(normal, origin)
        self._found("doc_number", "doc_number")

    def _published(self) -> None:
        for key, note in (("published", ""), ("written", " (成文日期: the date it was signed)")):
            found = self.meta.get(key)
            day = dates.parse_date(found.value) if found else None
            if found and day:
                if "成文日期" in found.origin:
                    note = ""
                self.fields["published"] = Value(day.isoformat(), found.origin + note)
                self._found("published", "published")
                return
        for block in reversed(self.blocks[-4:]):
            if (day := _date_line(block.text)):
                self.fields["published"] = Value(day.isoformat(),
                                                 "the date at the end of the text")
                self._found("published", "published")
                return
        self.report.append("published: none, no 发布日期 or date line found")

    def _effective(self) -> tuple[tuple[dt.date | None, dt.date | None] | None, str]:
        text = "\n".join(b.text for b in self.blocks)
        found = dates.find_range(text)
        start, end = (found.start, found.end) if found else (None, None)
        origins = [f"'{found.phrase}' in the text"] if found else []
        # A 信息公开 table's 生效日期 / 废止日期 say it better than any phrase in the text.
        from_table: list[str] = []
        for key in ("effective_from", "effective_to"):
            stated = self.meta.get(key)
            day = dates.parse_date(stated.value) if stated else None
            if stated and day:
                if key == "effective_from":
                    start = day
                else:
                    end = day
                from_table.append(stated.origin)
        origins = from_table + origins
        issue_day = dates.issue_day_phrase(text)
        if start is None and issue_day:
            signed = self.meta.get("written") or self.meta.get("published")
            day = dates.parse_date(signed.value) if signed else None
            if day:
                start = day
                origins.append(f"'{issue_day}' in the text, with the date it was issued")
        length = dates.years_phrase(text)
        if length and end is None:
            self.report.append(f"effective.to: the text says '{length}'; the end date was not "
                               "worked out, type it if you want it shown")
        if start and end and start > end:
            self.report.append(f"effective: dropped, '{found.phrase if found else ''}' reads as "
                               f"{start} to {end}, which is backwards")
            return None, ""
        window = dates.unlabelled_range(text)
        if window:
            self.report.append(
                f"effective: '{window}' found, not used: the text does not say it is the "
                "policy's term (执行期限, 有效期, 活动时间, 自…起施行); it may be a window such "
                "as a payment period. Type effective: if it is the term")
        if start is None and end is None:
            if not window:
                self.report.append("effective: none, no 自…起施行, 有效期至…, 执行期限 or "
                                   "活动时间 range found")
            return None, ""
        shown = f"{start or '…'} to {end or '…'}"
        self.report.append(f"effective: {shown} ({'; '.join(origins)})")
        return (start, end), "; ".join(origins)

    def _source_url(self) -> None:
        found = self.meta.get("source_url")
        if found and re.match(r"https?://\S+$", found.value):
            self.fields["source_url"] = Value(found.value, found.origin)
            self._found("source_url", "source_url")
        else:
            self.report.append("source_url: none, the source names no web address")

    # ------------------------------------------------------------ text fields

    def _summary(self) -> None:
        # The introduction (prose before the first heading) first, then the page's description,
        # then prose further on: a summary should not repeat a point when it can be helped.
        first_heading = next((i for i, b in enumerate(self.blocks)
                              if self._heading_kind(b) is not None), len(self.blocks))
        if self._summary_from(range(first_heading)):
            return
        description = self.meta.get("description")
        if description and len(description.value) >= 15 and \
                _squash(description.value) != _squash(self.fields["title"].value):
            cut = first_sentences(description.value, SUMMARY_CHARS[self.lang], 3)
            self.fields["summary"] = Value(cut.text, description.origin)
            self.report.append(f"summary: from {description.origin}")
            return
        if self._summary_from(range(first_heading, len(self.blocks)), run_in=True):
            return
        self.fields["summary"] = Value(self.fields["title"].value,
                                       "the title (the text has no paragraph to summarise)")
        self.report.append("summary: the title, no paragraph of prose found")

    def _summary_from(self, indexes: range, run_in: bool = False) -> bool:
        """The summary from the first paragraph of prose among `indexes`, if there is one.

        With `run_in`, the text after a run-in heading (`（一）补贴对象。对…`) counts as prose.
        """
        dropped = self.filler
        for i in indexes:
            block = self.blocks[i]
            if i in self.used or not _is_prose(block) or re.search(r"[：:]$", block.text):
                continue
            text = _strip_numbering(block.text)
            if self._heading_kind(block) is not None:
                if not run_in:
                    continue
                text = self._heading(block.text)[1]
            dateline = _DATELINE.match(text)
            text = text[dateline.end():] if dateline else text
            text, filler = _without_filler(text)
            dropped.extend(filler)
            if len(text) < 15:
                continue
            cut = first_sentences(text, SUMMARY_CHARS[self.lang], 2)
            where = "the first paragraph" if not dropped or filler else \
                "the first paragraph after it" if not run_in else \
                "the first paragraph under the headings"
            origin = where + (", shortened at a sentence end" if cut.cut else "")
            if dateline:
                origin += f", without the dateline '{dateline.group().strip()}'"
            if dropped:
                origin += ", without " + "; ".join(f"'{d}'" for d in dropped) + \
                    " (says only that the text follows)"
            self.fields["summary"] = Value(cut.text, origin)
            self.summary_index = i
            self.report.append(f"summary: {_brief(cut.text)} ({origin})")
            return True
        return False

    def _audience(self) -> None:
        """Who the policy is for: the first sentence under 适用对象, 补贴对象, Who can apply..."""
        for i, block in enumerate(self.blocks):
            label = _AUDIENCE.search(block.text)
            heading_like = self._heading_kind(block) is not None or len(block.text) <= 20
            if not label or not heading_like:
                continue
            _, rest, _ = self._heading(block.text)
            following = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
            if not rest and following is not None and self._heading_kind(following) is None:
                rest = _strip_numbering(following.text)
            if not rest:
                continue
            sentence = split_sentences(rest)[0].rstrip("。.")
            if self.lang == "zh":
                group, where = _group_of_people(sentence)
                if group is None and len(sentence) <= AUDIENCE_CHARS[self.lang]:
                    self.report.append(f"audience: not drafted, '{_brief(sentence)}' under "
                                       f"'{label.group()}' is a sentence, not a group of people; "
                                       "type who the policy is for")
                    return
                sentence = group or sentence
            else:
                where = "the first sentence"
            if len(sentence) > AUDIENCE_CHARS[self.lang]:
                self.report.append(f"audience: not drafted, the sentence under '{label.group()}' "
                                   "is too long to shorten without changing it")
                return
            self.fields["audience"] = Value(sentence, f"{where} under '{label.group()}'")
            self._found("audience", "audience")
            return
        self.report.append("audience: none, no 适用对象, 补贴对象 or the like found")

    def _heading_kind(self, block: Block) -> str | None:
        """Which kind of heading a block is (`一、`, `（一）`, `h2`, `bold`, ...), or None."""
        if block.kind == "heading":
            return f"h{block.level or 2}"
        for kind, pattern in _NUMBERING:
            if pattern.match(block.text):
                return kind
        if block.bold and len(block.text) <= 40:
            return "bold"
        return None

    def _points(
        self, faq: list[tuple[str, str, str]]
    ) -> tuple[list[DraftPoint], str, list[tuple[str, str, str]]]:
        kinds: dict[str, list[int]] = {}
        for i, block in enumerate(self.blocks):
            kind = self._heading_kind(block)
            if kind and i not in self.used and not _is_question(_strip_numbering(block.text)):
                kinds.setdefault(kind, []).append(i)
        order = [k for k, _ in _NUMBERING]
        ranked = sorted(kinds, key=lambda k: (
            (0, int(k[1:])) if re.fullmatch(r"h\d", k) else
            (1, order.index(k)) if k in order else (1, order.index("（一）") + 0.5)))
        chosen = next((k for k in ranked if len(kinds[k]) >= 2), None)
        if chosen is None:
            chosen = next((k for k in ranked if k.startswith("h")), None)
        if chosen is not None:
            points = self._points_from_headings(kinds[chosen], chosen)
            if points:
                label = {"bold": "bold paragraphs", "一是": "一是/二是 sentences"}.get(
                    chosen, f"{chosen} headings" if not chosen.startswith("h") else
                    f"<{chosen}> / level-{chosen[1:]} headings")
                kept = points[:MAX_POINTS]
                dropped = len(points) - len(kept)
                self.report.append(
                    f"points: {len(kept)} from the {label}"
                    + (f"; {dropped} more dropped (a brief holds at most {MAX_POINTS})"
                       if dropped else ""))
                return kept, f"from the {label}; each text is its section's first sentences", faq
        if len(faq) >= 2:
            take = min(len(faq) - 1, 4)
            points = []
            for q, a, _ in faq[:take]:
                heading = self._heading(q)[0]
                figure, figure_origin = self._figure(a, a, heading)
                points.append(DraftPoint(heading, a, "from a 问/答 pair", figure, figure_origin))
            self.report.append(f"points: {take} from the first 问/答 pairs (no headings found); "
                               f"faq keeps the other {len(faq) - take}")
            return points, "from the first 问/答 pairs, the text has no headings", faq[take:]
        points = self._points_from_paragraphs()
        self.report.append(f"points: {len(points)} from paragraphs (no headings found); each "
                           "heading is its paragraph's first words, make them shorter")
        return points, "from paragraphs (no headings found); headings are their first words", faq

    def _points_from_headings(self, starts: list[int], kind: str) -> list[DraftPoint]:
        points = []
        stop = set(starts) | self.used
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(self.blocks)
            # A section ends where the faq or the steps begin.
            end = next((j for j in range(start + 1, end) if j in self.used), end)
            block = self.blocks[start]
            heading, rest, heading_cut = self._heading(block.text)
            if not rest and start + 1 in self.used:
                self.report.append(f"points: '{_brief(block.text)}' left out, its section became "
                                   "the faq or the steps")
                continue
            body = [self.blocks[j] for j in range(start + 1, end) if j not in stop]
            texts = [rest] + [self._body_text(b) for b in body]
            text = next((t for t in texts if len(t) >= 4), "")
            if not text and re.search(r"[。.!?！？]$", block.text):
                # `第一条 就业补助资金用于…。`: a numbered paragraph, not a heading over text.
                text = _strip_numbering(block.text)
                first_clause = re.match(r"^(.{2,}?)[，,。；;：:!?！？]", text)
                heading = first_clause.group(1) if first_clause else heading
                texts = [text]
                origin = "heading: the paragraph's first words; text: the paragraph"
            else:
                origin = "heading" + (" shortened at a comma" if heading_cut else "") + \
                    "; text: first sentence(s) under it"
            if not heading or not text:
                self.report.append(f"points: '{_brief(block.text)}' dropped, no text under it")
                continue
            section_text = " ".join(t for t in texts if t)
            if _CONTACT_HEADING.fullmatch(heading.strip()) and (
                    _PHONE.search(section_text) or _PHONE_EN.search(section_text)):
                self.report.append(f"points: '{_brief(heading)}' left out, its section is the "
                                   "contact")
                continue
            cut = first_sentences(text, TEXT_CHARS[self.lang], 2)
            origin += ", shortened at a sentence end" if cut.cut else ""
            section = " ".join(t for t in texts if t)
            figure, figure_origin = self._figure(cut.text, section, heading)
            points.append(DraftPoint(heading, cut.text, origin, figure, figure_origin))
        return points

    def _body_text(self, block: Block) -> str:
        """A block's text under a heading; `（一）补贴对象。对…` gives `对…` (the run-in heading
        names the sub-section, it is not narration)."""
        # `一是…。` and `第X条…。` open sentences; `（一）补贴对象。` and `1.申请条件：` name parts.
        if self._heading_kind(block) in ("（一）", "1.", "（1）", "【】", "bold"):
            rest = self._heading(block.text)[1]
            if rest:
                return rest
        return _strip_numbering(block.text)

    def _heading(self, text: str) -> tuple[str, str, bool]:
        """(heading, run-in text after it, whether the heading was shortened)."""
        text = _strip_numbering(text)
        bracket = re.match(r"^【([^】]{1,30})】\s*(.*)$", text)
        if bracket:
            return bracket.group(1).strip(), bracket.group(2).strip(), False
        limit = HEADING_CHARS[self.lang]
        run_in = re.match(r"^(.{2,40}?[。：:.!！？?])\s*(\S.*)$", text) if self.lang == "zh" \
            else re.match(r"^(.{2,80}?[.:!?])\s+(\S.*)$", text)
        head, rest = (run_in.group(1), run_in.group(2)) if run_in else (text, "")
        head = head.rstrip("。：:.!！").strip()
        cut = False
        if len(head) > limit:
            comma = re.match(rf"^(.{{4,{limit}}}?)[，,；;]", head)
            if comma:
                head, cut = comma.group(1), True
        return head, rest, cut

    def _points_from_paragraphs(self) -> list[DraftPoint]:
        points = []
        for i, block in enumerate(self.blocks):
            if i in self.used or i == self.summary_index or not _is_prose(block):
                continue
            text = _strip_numbering(block.text)
            if len(text) < 15 or re.search(r"[：:]$", text):
                continue
            cut = first_sentences(text, TEXT_CHARS[self.lang], 2)
            first_clause = re.match(r"^(.{2,}?)[，,。；;：:!?！？]|^(.{2,}?)\.(?:\s|$)", text)
            heading = (first_clause.group(1) or first_clause.group(2)) if first_clause else text
            figure, figure_origin = self._figure(cut.text, text, heading)
            points.append(DraftPoint(heading.strip(), cut.text,
                                     "heading: the paragraph's first words; text: its first "
                                     "sentence(s)", figure, figure_origin))
            if len(points) == 5:
                break
        if not points:
            text = self.fields["summary"].value
            points.append(DraftPoint(self.fields["title"].value[:HEADING_CHARS[self.lang]], text,
                                     "the title and the summary: the text has no more prose"))
        return points

    def _figure(self, text: str, section: str, heading: str
                ) -> tuple[tuple[str, str] | None, str]:
        strong, count = (_FIGURE_ZH, _COUNT_ZH) if self.lang == "zh" else (_FIGURE_EN, _COUNT_EN)
        for pattern, where, haystack in ((strong, "the point's text", text),
                                         (strong, "its section", section),
                                         (count, "the point's text", text)):
            phones = [m.span() for m in _PHONE.finditer(haystack)]
            for m in pattern.finditer(haystack):
                if any(a <= m.start() < b for a, b in phones):
                    continue
                value = re.sub(r"\s+", "" if self.lang == "zh" else " ", m.group(1))
                label = _label_before(haystack, m.start(), self.lang)
                after = _noun_after(haystack, m.end(1), self.lang)
                origin = f"figure: {value} as {where} states it"
                if label and _names_something(label, self.lang):
                    origin += ", label: the words before it"
                elif after:
                    label = after
                    origin += ", label: the words after it"
                elif label and len(label) >= 2 and not _is_question(heading):
                    origin += ", label: the words before it"
                elif label and _is_question(heading):
                    origin += ", label: the words before it (the heading is a question)"
                else:
                    label = heading
                    origin += ", label: the point's heading"
                return (value, label), origin
        return None, ""

    def _faq(self) -> list[tuple[str, str, str]]:
        pairs: list[tuple[str, str, str]] = []
        i = 0
        while i < len(self.blocks):
            block = self.blocks[i]
            q = _QUESTION.match(block.text)
            if not q:
                i += 1
                continue
            question = block.text[q.end():]
            answer = ""
            inline = _INLINE_ANSWER.split(question, maxsplit=1)
            used = [i]
            if len(inline) == 2 and inline[0].endswith(("？", "?")):
                question, answer = inline
            j = i + 1
            while j < len(self.blocks) and not _QUESTION.match(self.blocks[j].text) and \
                    self._heading_kind(self.blocks[j]) not in ("一、", "h1", "h2", "第X章") and \
                    (j == i + 1 or not answer or not self.blocks[j].bold):
                a = _ANSWER.match(self.blocks[j].text)
                if a or not answer:
                    answer = (answer + " " + self.blocks[j].text[a.end() if a else 0:]).strip()
                used.append(j)
                j += 1
                if answer and not (j < len(self.blocks) and _ANSWER.match(self.blocks[j].text)):
                    break
            if question and answer:
                pairs.append((question.strip(), answer, "问/答 pairs"))
                self.used.update(used)
            i = j
        origin = "问/答 pairs in the text; answers cut to their first sentence(s)"
        if len(pairs) < 1:
            pairs = self._question_headings()
            origin = "questions set as headings, with the first sentences under them"
        if not pairs:
            self.report.append("faq: none, no 问/答 pairs or question headings found")
            return []
        kept = [(self._question(q), first_sentences(a, ANSWER_CHARS[self.lang], 2).text, origin)
                for q, a, _ in pairs[:MAX_FAQ]]
        dropped = len(pairs) - len(kept)
        self.report.append(f"faq: {len(kept)} from {origin.split(';')[0]}"
                           + (f"; {dropped} more dropped (at most {MAX_FAQ} kept)"
                              if dropped else ""))
        return kept

    def _question(self, q: str) -> str:
        return _strip_numbering(clean(q))

    def _question_headings(self) -> list[tuple[str, str, str]]:
        pairs = []
        taken: set[int] = set()
        for i, block in enumerate(self.blocks):
            text = _strip_numbering(block.text)
            if not (_is_question(text) and len(text) <= QUESTION_CHARS[self.lang] and (
                    self._heading_kind(block) or len(text) <= 40)):
                continue
            answer = []
            for j in range(i + 1, min(i + 4, len(self.blocks))):
                nxt = self.blocks[j]
                if _is_question(_strip_numbering(nxt.text)) or self._heading_kind(nxt):
                    break
                answer.append(j)
                break
            if answer:
                pairs.append((text, self.blocks[answer[0]].text, ""))
                taken.update([i, *answer])
        if len(pairs) < 2:
            return []
        self.used.update(taken)
        return pairs

    def _steps(self) -> tuple[list[str], str]:
        for i, block in enumerate(self.blocks):
            trigger = _STEP_WORDS.search(block.text)
            if not trigger or i in self.used:
                continue
            after = block.text[trigger.end():]
            inline = _split_inline_steps(after)
            if len(inline) >= 2:
                self.used.add(i)
                return self._finish_steps(inline, f"the numbered items after "
                                          f"'{trigger.group()}' in the text")
            items: list[str] = []
            j = i + 1
            while j < len(self.blocks) and len(items) < 20:
                nxt = self.blocks[j]
                numbered = _ANY_NUMBERING.match(nxt.text)
                if not (numbered or nxt.kind == "item"):
                    if not items and len(_split_inline_steps(nxt.text)) >= 2:
                        items = _split_inline_steps(nxt.text)
                        self.used.add(j)
                    break
                if items and self._heading_kind(nxt) in ("一、", "h1", "h2") and \
                        self._heading_kind(nxt) != self._heading_kind(self.blocks[i + 1]):
                    break
                items.append(_strip_numbering(nxt.text))
                self.used.add(j)
                j += 1
            if len(items) >= 2:
                self.used.add(i) if len(block.text) <= 30 else None
                return self._finish_steps(items, f"the numbered items under "
                                          f"'{_brief(block.text, 20)}'")
        self.report.append("steps: none, no numbered items under 怎么办, 办理流程, 申请程序 "
                           "or the like")
        return [], ""

    def _finish_steps(self, items: list[str], origin: str) -> tuple[list[str], str]:
        steps = []
        for item in items[:MAX_STEPS]:
            first = first_sentences(item, 40, 1).text.rstrip("。；;，,.")
            if first:
                steps.append(first)
        dropped = len(items) - len(steps)
        self.report.append(f"steps: {len(steps)} from {origin}"
                           + (f"; {dropped} more dropped" if dropped else ""))
        return steps, origin + ", each cut to its first sentence"

    def _contact(self) -> None:
        lines: list[str] = []
        numbers: set[str] = set()
        candidates = sorted(self.blocks, key=lambda b: not _HOTLINE_WORDS.search(b.text))
        for block in candidates:
            for m in (_PHONE if self.lang == "zh" else _PHONE_EN).finditer(block.text):
                clause = _clause(block.text, m.start(), m.end()) if self.lang == "zh" else \
                    _sentence_around(block.text, m.start())
                number = m.group()
                if len(re.sub(r"\D", "", number)) <= 5 and not _HOTLINE_WORDS.search(clause):
                    continue
                if number in numbers or clause in lines:
                    continue
                numbers.add(number)
                clause = _without_lead_in(clause)
                if any(clause in line for line in lines):
                    continue
                lines.append(clause)
            if len(lines) >= 2:
                break
        if not lines:
            self.report.append("contact: none, no hotline or phone number found")
            return
        joiner = "；" if self.lang == "zh" else "; "
        self.fields["contact"] = Value(
            joiner.join(lines[:2]), "the number(s) and the words naming them, from the text; "
            "lead-ins such as 咨询电话： or 可拨打 left out (templates say 咨询 themselves)")
        self._found("contact", "contact")

    def _hashtags(self) -> tuple[list[str], str]:
        found = self.meta.get("keywords")
        if not found:
            self.report.append("hashtags: none, the source has no keywords")
            return [], ""
        separators = r"[,，;；、|]"
        if is_chinese(found.value) and not re.search(separators, found.value):
            separators = r"\s+"  # 政务公开 网络直播 营商环境
        words = [w.strip().lstrip("#") for w in re.split(separators, found.value)]
        tags = [w for w in words if w and not re.search(r"\s", w) and len(w) <= 20]
        spaced = [w for w in words if w and re.search(r"\s", w)]
        seen: list[str] = []
        for tag in tags:
            if tag not in seen:
                seen.append(tag)
        kept = seen[:MAX_HASHTAGS]
        note = f"hashtags: {len(kept)} from {found.origin}"
        if spaced:
            note += f"; {len(spaced)} with spaces dropped ({', '.join(spaced[:3])})"
        if len(seen) > len(kept):
            note += f"; {len(seen) - len(kept)} more dropped (at most {MAX_HASHTAGS} kept)"
        self.report.append(note)
        return kept, f"the keywords in {found.origin}"


# What a sentence says before and after a number that the templates already say (`有疑问可以咨询…`).
_LEAD_IN = re.compile(r"^(?:.{0,12}?(?:可|请|欢迎|也可|或)?(?:拨打|致电)|(?:咨询|联系|服务|办事)?"
                      r"(?:电话|热线)\s*[:：]|(?:Questions\?\s*)?(?:Call|Phone|Ring|Contact|"
                      r"Tel\.?)\s*[:：]?)\s*", re.I)
_TAIL = re.compile(r"(?:进行)?(?:咨询|了解|查询|反映)$")


# A label before a colon that only says "the number is": `政策咨询电话：`, `咨询方式：`,
# `联系电话：`. A longer label names the line (`杭州市住房保障服务热线：`) and stays.
_LABEL_LEAD_IN = re.compile(r"^[\u4e00-\u9fa5]{0,4}?(?:咨询|联系|服务|办事|监督|投诉|举报|政策)?"
                            r"(?:电话|热线|方式|渠道)\s*[:：]\s*")


def _without_lead_in(clause: str) -> str:
    """`咨询电话：0571-12345` -> `0571-12345`; `可拨打12333咨询` -> `12333`; names stay."""
    trimmed = _strip_numbering(clause)
    trimmed = _LABEL_LEAD_IN.sub("", trimmed, count=1)
    trimmed = _TAIL.sub("", _LEAD_IN.sub("", trimmed, count=1)).strip(" ，,。；;")
    if not is_chinese(trimmed):
        trimmed = trimmed.rstrip(".;")
    return trimmed if _PHONE.search(trimmed) or _PHONE_EN.search(trimmed) else clause


# The nouns a Chinese phrase naming a group of people or bodies ends with (…的个人消费者).
_GROUP_END = re.compile(r"(?:者|人|人员|职工|员工|家庭|群体|人群|企业|单位|工商户|商户|婴幼儿|儿童|"
                        r"学生|毕业生|老人|老年人|居民|农民|农户|户|对象|主体|纳税人|市民|患者|个人|"
                        r"妇女|青年|残疾人|军人|父母|家长|孕产妇|机构|组织|学校|医院|村|社区)$")
_NOT_A_GROUP = re.compile(r"^(?:对|向|为|给|凡|如|若|经)|发放|给予|可以|可申请|应当|须")


def _group_of_people(sentence: str) -> tuple[str | None, str]:
    """The noun phrase naming who a policy is for: the sentence, or its first clause when
    the clauses after it do not narrow it (`…的个人消费者，每人每类限补1件`)."""
    if _GROUP_END.search(sentence) and not _NOT_A_GROUP.search(sentence) and \
            not re.search(r"[，,；;]", sentence):
        return sentence, "the first sentence"
    clauses = [c.strip() for c in re.split(r"[，,；;]", sentence)]
    first, later = clauses[0], clauses[1:]
    # `…人员，以灵活就业方式就业的，可申请` narrows the group in a later clause: not cut.
    if later and _GROUP_END.search(first) and not _NOT_A_GROUP.search(first) and \
            not any(c.endswith("的") for c in later):
        return first, "the first clause of the first sentence"
    return None, ""


def _without_filler(text: str) -> tuple[str, list[str]]:
    """The text without clauses that only say the text follows; and what was left out."""
    kept: list[str] = []
    dropped: list[str] = []
    for sentence in split_sentences(text):
        body = sentence.rstrip("。：:！!")
        comma = max(body.rfind("，"), body.rfind(","))
        clause = body[comma + 1:].strip()
        if not _FILLER.match(clause):
            kept.append(sentence)
            continue
        before = body[:comma].strip() if comma != -1 else ""
        if len(before) < 10 or _ONLY_PURPOSE.match(before):
            dropped.append(sentence)
        else:
            kept.append(before + "。")
            dropped.append(clause)
    return "".join(kept), dropped


def _sentence_around(text: str, start: int) -> str:
    """The sentence of `text` that holds the character at `start`."""
    offset = 0
    for sentence in split_sentences(text):
        offset = text.find(sentence, offset) + len(sentence)
        if offset > start:
            return sentence
    return text


def _date_line(text: str) -> dt.date | None:
    """The date of a line that holds only a date (`2024年1月11日`, `二〇二四年一月十一日`)."""
    found = dates.find_dates(text)
    if len(found) == 1 and found[0].start == 0 and not text[found[0].end:].strip():
        return found[0].date
    return None


def _clause(text: str, start: int, end: int) -> str:
    """The clause around text[start:end]: back to the previous sentence end, on to the next."""
    left = max((text.rfind(ch, 0, start) for ch in _CLAUSE_END), default=-1) + 1
    right_candidates = [p for p in (text.find(ch, end) for ch in _CLAUSE_END + "，,") if p != -1]
    right = min(right_candidates) if right_candidates else len(text)
    clause = text[left:right].strip()
    if len(clause) > 50:
        comma = max(text.rfind("，", left, start), text.rfind(",", left, start))
        clause = text[comma + 1:right].strip() if comma != -1 else clause
    return clause.rstrip("，,")


# Words that start or end the text before a figure without naming anything (`给予`, `成交价的`,
# `discount is`): a card label is a noun phrase, so they are trimmed off.
_LABEL_HEAD_ZH = re.compile(r"^(?:对|按照|按|将|为|由|在|并|且|和|给予|发放|可享受|享受|"
                            r"可获得|获得|可领取|领取|以|约|共计|共)+")
_LABEL_TAIL_ZH = re.compile(r"(?:的|为|是|达到|达|给予|按|至|到|约|计)+$")
# Qualifiers that say "per" or "at most" and name nothing by themselves (`每人`, `每户每月最高`).
_QUALIFIER_ZH = re.compile(r"每[\u4e00-\u9fa5]|最高|最多|最低|不超过|不低于|限|可|补")
_LABEL_TAIL_EN = re.compile(r"(?:\s+(?:is|are|was|were|be|will|of|to|by|at|up|worth|costs?|get|"
                            r"gets|receive|receives|could|can|about|around|between|over|under|"
                            r"from|for|and|or))+$", re.I)
_LABEL_HEAD_EN = re.compile(r"^(?:(?:it|this|that|there|they|you)\s+(?:is|are|was|were|will be|"
                            r"can get|could get|get)\s+)?(?:the|a|an)\s+", re.I)
_NOT_A_NOUN_EN = re.compile(r"^(?:you|we|they|it|he|she|i|this|that|there)$", re.I)
# A noun phrase right after a figure (`5000元一次性就业补贴`) when no verb is in it.
_NOUN_AFTER_ZH = re.compile(r"^的?([\u4e00-\u9fa5]{2,12}?)(?=[，,。；;！!？?、）)\s]|$)")
_VERBS_ZH = re.compile(r"发放|给予|享受|申请|缴纳|办理|领取|购买|使用|提供|补助|"
                       r"按|的|为|是|由|可|将|至")


def _label_before(text: str, start: int, lang: str) -> str:
    """The words before a figure in its clause, when they are a short label."""
    head = text[:start]
    cut = max(head.rfind(ch) for ch in "，,。；;：:、（(）)\n")
    label = head[cut + 1:].strip()
    label = re.sub(r"^(?:对|按|将|为|由|在|并|且|和|and|the|a|an)\s*", "", label, flags=re.I)
    if lang == "zh":
        label = _LABEL_TAIL_ZH.sub("", _LABEL_HEAD_ZH.sub("", label))
        return label if 2 <= len(label) <= 20 and not re.search(r"\d", label) else ""
    words = _LABEL_TAIL_EN.sub("", " " + label).split()
    if not 1 <= len(words) <= 8:
        return ""
    return _LABEL_HEAD_EN.sub("", " ".join(words[-5:]))


def _names_something(label: str, lang: str) -> bool:
    """Whether a label holds a noun, not only `每人`, `最高` or `You`."""
    if lang == "zh":
        return len(_QUALIFIER_ZH.sub("", label)) >= 2
    return not _NOT_A_NOUN_EN.match(label.strip())


def _noun_after(text: str, end: int, lang: str) -> str:
    """A short noun phrase right after a figure (`一次性就业补贴`), if there is one."""
    if lang != "zh":
        return ""
    m = _NOUN_AFTER_ZH.match(text[end:])
    if not m or _VERBS_ZH.search(m.group(1)):
        return ""
    return m.group(1)


def _split_inline_steps(text: str) -> list[str]:
    """`1.登录…；2.填写…` inside one paragraph, as separate items."""
    parts = [p.strip(" ；;。，,") for p in _INLINE_STEPS.split(text)]
    marks = _INLINE_STEPS.findall(text)
    if len(marks) < 2:
        return []
    return [p for p in parts[1:] if p]


def _strip_numbering(text: str) -> str:
    for _, pattern in _NUMBERING:
        if pattern.pattern.startswith("^【"):
            continue
        m = pattern.match(text)
        if m:
            return text[m.end():].strip()
    m = _ANY_NUMBERING.match(text)
    return text[m.end():].strip() if m else text


def _is_question(text: str) -> bool:
    return text.rstrip().endswith(("？", "?"))


def _is_prose(block: Block) -> bool:
    return block.kind != "heading" and not block.bold and not _QUESTION.match(block.text) \
        and not _ANSWER.match(block.text)


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def _brief(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def draft_brief(doc: Document, source: str) -> Draft:
    """Draft a brief from a read document."""
    return _Drafter(doc, source).draft()
