"""Dates as Chinese and English articles write them, and the effective range phrases."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})

_Y = r"(\d{4})\s*(?:年|[-/.])\s*"
_M = r"(\d{1,2})\s*(?:月|[-/.])\s*"
_D = r"(\d{1,2})\s*日?"
ZH_DATE = _Y + _M + _D
_ZH_DATE = re.compile(r"(?<!\d)" + ZH_DATE + r"(?!\d)")
_CN_NUMERAL_DATE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                              r"([一二三四五六七八九十]{1,3})日")
_EN_MONTH = (r"(January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_EN_MDY = re.compile(_EN_MONTH + r"\s+(\d{1,2}),?\s+(\d{4})", re.I)
_EN_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+" + _EN_MONTH + r",?\s+(\d{4})", re.I)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _small_cn(text: str) -> int:
    """十二 -> 12, 二十一 -> 21, 三十 -> 30."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateMatch:
    """A date found in text, with where it stood."""

    date: dt.date
    start: int
    end: int


def find_dates(text: str) -> list[DateMatch]:
    """Every real date written in the text, in order."""
    found: list[DateMatch] = []
    for m in _ZH_DATE.finditer(text):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append(DateMatch(d, m.start(), m.end()))
    for m in _CN_NUMERAL_DATE.finditer(text):
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        d = _date(year, _small_cn(m.group(2)), _small_cn(m.group(3)))
        if d:
            found.append(DateMatch(d, m.start(), m.end()))
    for m in _EN_MDY.finditer(text):
        d = _date(int(m.group(3)), _MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
        if d:
            found.append(DateMatch(d, m.start(), m.end()))
    for m in _EN_DMY.finditer(text):
        d = _date(int(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
        if d:
            found.append(DateMatch(d, m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return [f for i, f in enumerate(found) if not i or f.start >= found[i - 1].end]


def parse_date(text: str) -> dt.date | None:
    """The first date in a metadata value such as `2024-12-01 17:00` or `2024年12月1日`."""
    iso = _ISO.search(text)
    if iso:
        return _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    found = find_dates(text)
    return found[0].date if found else None


@dataclass(frozen=True)
class Range:
    """An effective range found in the text: either bound may be open; the phrase it came from."""

    start: dt.date | None
    end: dt.date | None
    phrase: str


# Only a range labelled as the policy's term is `effective`: `集中缴费期为…至…` or
# `发放时间：…至…` is a window inside the policy (see unlabelled_range). A bare `时间：` at the
# start of a line counts: it sits under a heading such as 活动时间.
_RANGE_WORDS = (r"(?:有效期限?|执行期限?|实施期限?|执行时间|实施时间|活动时间|政策期限|试行期|"
                r"执行期间|实施期间|活动期间|活动期|政策有效期|(?<![\u4e00-\u9fa5])时间\s*[:：])")
_RANGE = re.compile(_RANGE_WORDS + r"[^。；;\n]{0,14}?" + r"(?P<a>" + ZH_DATE + r")\s*(?:起)?\s*"
                    r"(?:至|到|—|－|-|~|～)\s*(?P<b>(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日)")
_BARE_RANGE = re.compile(r"(?<!\d)(?P<a>" + ZH_DATE + r")\s*(?:起)?\s*(?:至|到|—|－|~|～)\s*"
                         r"(?P<b>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_FROM = re.compile(r"自\s*(?P<a>" + ZH_DATE + r")\s*起[^。；;\n]{0,30}?(?:施行|实施|执行|生效|试行|"
                   r"开始|推开)")
_TO = re.compile(r"有效期\s*(?:至|到)\s*(?P<b>" + ZH_DATE + r")")
_FROM_ISSUE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
_FOR_YEARS = re.compile(r"有效期\s*(?:为)?\s*([一二三四五六七八九十\d]+)\s*年")
_EN_ANY = (r"(?:" + _EN_MONTH + r"\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+" + _EN_MONTH +
           r",?\s+\d{4}|\d{4}-\d{2}-\d{2})")
_EN_RANGE = re.compile(r"\bfrom\s+(?P<a>" + _EN_ANY + r")\s+(?:to|until|through)\s+(?P<b>" + _EN_ANY
                       + ")", re.I)
_EN_FROM = re.compile(r"(?:effective|takes effect|come[s]? into (?:force|effect)|applies)"
                      r"[^.]{0,20}?(?:from|on|as of)\s+", re.I)


def _year_of(text: str, default: int) -> dt.date | None:
    m = re.search(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})", text)
    if not m:
        return None
    return _date(int(m.group(1) or default), int(m.group(2)), int(m.group(3)))


def find_range(text: str) -> Range | None:
    """The first effective range phrase of the text (`自…起施行`, `有效期至…`, `活动时间：…至…`)."""
    start: dt.date | None = None
    end: dt.date | None = None
    phrases: list[str] = []
    m = _RANGE.search(text)
    if m:
        start = parse_date(m.group("a"))
        end = _year_of(m.group("b"), start.year) if start else None
        phrases.append(m.group(0).strip())
    if start is None:
        m = _FROM.search(text)
        if m:
            start = parse_date(m.group("a"))
            phrases.append(m.group(0))
    if end is None:
        m = _TO.search(text)
        if m:
            end = parse_date(m.group("b"))
            phrases.append(m.group(0))
    if start is None and end is None:
        m = _EN_RANGE.search(text)
        if m:
            start, end = parse_date(m.group("a")), parse_date(m.group("b"))
            phrases.append(m.group(0))
    if start is None and end is None:
        for m in _EN_FROM.finditer(text):
            dates = [d for d in find_dates(text[m.end():m.end() + 40]) if d.start == 0]
            if dates:
                start = dates[0].date
                phrases.append(text[m.start():m.end() + dates[0].end])
                break
    if start is None and end is None:
        return None
    return Range(start, end, "; ".join(phrases))


def unlabelled_range(text: str) -> str | None:
    """A date range the text gives without saying it is the policy's term (`缴费期为…至…`)."""
    for m in _BARE_RANGE.finditer(text):
        labelled = _RANGE.search(text, max(0, m.start() - 30), m.end())
        if not labelled or labelled.end() < m.end():
            return m.group(0).strip()
    return None


def issue_day_phrase(text: str) -> str | None:
    """`自印发之日起施行` and the like, when the text says it."""
    m = _FROM_ISSUE.search(text)
    return m.group(0) if m else None


def years_phrase(text: str) -> str | None:
    """`有效期5年`: a validity stated as a length, which import does not turn into a date."""
    m = _FOR_YEARS.search(text)
    return m.group(0) if m else None
