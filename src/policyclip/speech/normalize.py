"""Rewrite numbers, dates, money and symbols as words before they reach a speech engine.

Captions keep the original text; only what is spoken changes. Chinese numbers are read with
cn2an after the cases it does not know (hotlines digit by digit, ISO dates, ranges, currency
signs, per-unit slashes) have been rewritten here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..numerals import read_numerals
from ..weblinks import WEB_ADDRESS_RE, host

_DIGITS_ZH = dict(zip("0123456789", "零幺二三四五六七八九", strict=True))
_CURRENCY_ZH = {"¥": "元", "￥": "元", "$": "美元", "£": "英镑", "€": "欧元"}
_CURRENCY_EN = {"¥": "yuan", "￥": "yuan", "$": "dollars", "£": "pounds", "€": "euros"}
_UNITS_ZH = {"km²": "平方公里", "km": "公里", "㎡": "平方米", "m²": "平方米", "kg": "公斤",
             "℃": "摄氏度"}
_PER_UNIT = "元人次户月年日天周小时时件台辆吨斤公里米"
_UNIT_CHARS = "万亿千百元角块个人次户家项条款件岁天周年月日号时分秒倍名所座辆台份套层亩吨斤克米%％‰"
_NUMBER_UNIT = f"(?:[{_UNIT_CHARS}])"
# Landlines start with 0 (0755-8888 1234, 024-22345678, (0571)8888 8888, 0300 200 3200),
# mobiles are 3-4-4 digits, US 3-3-4. A number may end a sentence (a full stop, not a decimal
# point, after it).
_PHONE = (r"(?<![\d.])(?:[（(]0\d{2,3}[）)]\s?\d{3,4}(?:[ -]?\d{3,4})?"
          r"|0\d{2,3}[ -]\d{7,8}|0\d{2,4}(?:[ -]\d{3,4}){1,3}|1\d{2}[ -]\d{4}[ -]\d{4}"
          r"|\d{3}-\d{3}-\d{4})(?!\d|\.\d)")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


_URL = WEB_ADDRESS_RE


def spoken_text(text: str, language: str) -> str:
    """The text to send to a speech engine for `language` (zh-* or en-*)."""
    if language.lower().startswith("zh"):
        return spoken_chinese(text)
    return spoken_english(text)


def spoken_parts(shown: Sequence[str], language: str) -> list[str]:
    """What the engine is asked to say for a sentence's caption parts."""
    parts = [spoken_text(part, language) for part in shown]
    if not language.lower().startswith("zh"):  # cues of an English sentence are separate words
        parts = [part + " " for part in parts[:-1]] + parts[-1:]
    return parts


def reads_numerals(text: str, language: str) -> bool:
    """Whether reading `text` aloud needs cn2an (Chinese with a numeral), slow to load."""
    return language.lower().startswith("zh") and re.search(r"\d", text) is not None


def says_nothing(text: str, language: str) -> bool:
    """True when `text` has nothing to read aloud: emoji, or in Chinese a bare link (links are
    not read in Chinese). Decided without the number-reading rules, which are slow to load."""
    if language.lower().startswith("zh"):
        text = _URL.sub("", text)
    return re.search(r"\w", text) is None


def _digit_by_digit(digits: str) -> str:
    return "".join(_DIGITS_ZH.get(d, d) for d in digits)


# How Chinese speakers name Latin letters; a Mandarin voice reads Latin text as pinyin otherwise.
_LETTERS_ZH = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    "诶", "比", "西", "迪", "伊", "艾弗", "吉", "艾尺", "艾", "杰", "开", "艾勒", "艾姆", "艾恩",
    "欧", "披", "吉吾", "艾儿", "艾丝", "提", "优", "维", "达布留", "艾克斯", "歪", "贼德"),
    strict=True))
# Short Latin words said letter by letter in Chinese speech: abbreviations (MCN, GDP, AI) and a
# few mixed-case ones people spell out.
_SPELLED_WORDS = {"App", "app", "APP", "iPad", "WiFi"}


def _spell(word: str) -> str:
    return "".join(_LETTERS_ZH.get(ch.upper(), ch) for ch in word)


def spoken_chinese(text: str) -> str:
    """Chinese reading of numbers and symbols: 2000元/月 -> 两千元每月, 12366 -> 幺二三六六."""
    text = _URL.sub("", text)
    # Abbreviations inside Chinese: MCN -> 艾姆西艾恩, App -> 诶披披 (longer words stay English).
    text = re.sub(r"(?<![A-Za-z])(?:[A-Z]{2,6}|[A-Za-z]{2,5})(?![A-Za-z])",
                  lambda m: _spell(m[0]) if m[0].isupper() or m[0] in _SPELLED_WORDS else m[0],
                  text)
    # Document numbers: 国发〔2023〕13号 -> 国发二零二三年十三号 (cn2an reads the year as digits).
    text = re.sub(r"[〔［\[](\d{4})[〕］\]](\d+)号", r"\1年\2号", text)
    # Phone numbers in groups (0755-8888 1234, 138 1234 5678): digit by digit, 1 read as 幺.
    text = re.sub(_PHONE, lambda m: _digit_by_digit(re.sub(r"[-\s（）()]", "", m[0])), text)
    # ISO dates.
    text = re.sub(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)",
                  lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text)
    # Ranges between numbers: 2023—2027年 (both are years), 1~3月.
    text = re.sub(r"(?<!\d)(\d{4})\s*[-—–~～至]+\s*(\d{4})年", r"\1年至\2年", text)
    text = re.sub(r"(?<=\d)\s*[-—–~～]+\s*(?=\d)", "至", text)
    text = re.sub(rf"(?<![\d.])(\d{{5,}})(?![\d.]|{_NUMBER_UNIT})",
                  lambda m: _digit_by_digit(m[1]), text)
    text = re.sub(r"(热线|电话|拨打|号码|短号)(\d{3,4})(?!\d)",
                  lambda m: m[1] + _digit_by_digit(m[2]), text)
    # Currency signs before a number: ¥13.5 -> 13.5元.
    text = re.sub(r"([¥￥$£€])\s*(\d+(?:\.\d+)?)(万|亿)?",
                  lambda m: f"{m[2]}{m[3] or ''}{_CURRENCY_ZH[m[1]]}", text)
    for unit, word in _UNITS_ZH.items():
        text = re.sub(rf"(?<=\d){re.escape(unit)}(?![A-Za-z])", word, text)
    text = re.sub(rf"(?<=[{_PER_UNIT}])\s*[/／]\s*(?=[{_PER_UNIT}])", "每", text)
    text = text.replace("‰", "‰").replace("％", "%")
    text = re.sub(r"(\d+(?:\.\d+)?)‰", r"千分之\1", text)
    text = text.replace("&", "和").replace("+", "加").replace("@", "")
    text = re.sub(r"[#*_~|<>^]", " ", text)
    # cn2an reads numerals (any Unicode digit) and nothing else, and it is slow to load.
    if reads_numerals(text, "zh"):
        text = read_numerals(text)
    # 二千 / 二万 / 二亿 at the head of a number is read 两.
    return re.sub(r"(?<![一二三四五六七八九十百千万零点两])二(?=[千万亿])", "两", text)


def spoken_english(text: str) -> str:
    """English reading of symbols: 50% -> 50 percent, £150 -> 150 pounds, 2023-01-01 -> a date."""
    text = WEB_ADDRESS_RE.sub(lambda match: host(match[0]), text)
    text = re.sub(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)",
                  lambda m: f"{_MONTHS[int(m[2]) - 1]} {int(m[3])}, {m[1]}"
                  if 1 <= int(m[2]) <= 12 else m[0], text)
    text = re.sub(r"([¥￥$£€])\s*(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|thousand))?",
                  lambda m: f"{m[2]} {m[3] + ' ' if m[3] else ''}{_CURRENCY_EN[m[1]]}", text)
    text = re.sub(r"(\d)\s*[%％]", r"\1 percent", text)
    # Hotlines and phone numbers are read digit by digit: 12366, 0300 200 3200, 010-1234 5678.
    text = re.sub(_PHONE + r"|(?<![\d,.])\d{5,}(?![\d,.]*\d)",
                  lambda m: ", ".join(" ".join(g) for g in re.split(r"[ -]", m[0])), text)
    text = re.sub(r"(?<=\d)\s*[-–—~]\s*(?=\d)", " to ", text)
    text = _slashes_english(text.replace("&", " and "))
    return re.sub(r"\s+", " ", text).strip()


# A quantity before a slash: a number, then maybe million, a currency word, a short unit.
_QUANTITY = (r"\d(?:\s+(?:million|billion|thousand))?(?:\s+(?:dollars|pounds|euros|yuan))?"
             r"(?:\s?[A-Za-z]{1,3}\b)?")


def _slashes_english(text: str) -> str:
    """`/` as people read it: per only between a quantity and a unit ($20/month, 50 km/h);
    24/7 as twenty-four seven, and/or as and or, he/she as he or she, 4/15/2025 as a date."""
    def date(match: re.Match[str]) -> str:
        first, second, year = int(match[1]), int(match[2]), match[3]
        month, day = (second, first) if first > 12 else (first, second)  # US order unless not
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match[0]
        return f"{_MONTHS[month - 1]} {day}, {year}"

    text = re.sub(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])", date, text)
    text = re.sub(r"(?<![\d/])24\s*/\s*7(?![\d/])", "24 7", text)
    # A web address without https:// is read as its host: irs.gov/free-file -> irs.gov.
    text = re.sub(r"\b((?:[\w-]+\.)+(?:gov|com|org|net|edu|int|cn|uk|io)\b)/\S*", r"\1", text)
    text = re.sub(rf"({_QUANTITY})\s*/\s*(?=[A-Za-z])", r"\1 per ", text)
    text = re.sub(r"\band\s*/\s*or\b", "and or", text, flags=re.I)
    text = re.sub(r"(?<=[A-Za-z])\s*/\s*(?=[A-Za-z])", " or ", text)
    return re.sub(r"(?<!\d)\s*/\s*(?!\d)", " ", text)
