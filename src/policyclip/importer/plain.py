"""Plain text (a pasted WeChat article) and Markdown -> Document."""

from __future__ import annotations

import codecs
import re
from types import MappingProxyType

from .document import Block, Document, Found, clean
from .html import is_furniture

# Lines a WeChat article carries around its text when it is copied whole.
_WECHAT_FURNITURE = re.compile(
    r"^(点击(上方)?蓝字.*|.*关注我们.*|阅读原文|轻触阅读原文|预览时标签不可点|微信扫一扫.*|"
    r"关注该公众号|继续滑动看下一个|向上滑动看下一个|知道了|写留言|留言|分享|收藏|在看|点赞|"
    r"赞|喜欢此内容的人还喜欢|Scan to Follow|Got It|Cancel|Allow|Read more|.*分享到朋友圈.*|"
    r"[▼▲↓↑⬇︎]+|[-—=*·•]{3,})$")
# `原创 成都发布 成都发布 2024-12-01 08:30 四川` under a WeChat article's title.
_WECHAT_BYLINE = re.compile(r"^(?:原创\s+)?(?:(\S{2,20})\s+)?(?:\S{2,20}\s+)?"
                            r"(\d{4}[-年]\d{1,2}[-月]\d{1,2}日?)\s*(?:\d{1,2}:\d{2})?\s*\S{0,8}$")


def decode_text(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 / another charset."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best else data.decode("utf-8", errors="replace")


def read_text(data: bytes) -> Document:
    """A pasted article: one paragraph a line; WeChat's furniture and byline taken out."""
    blocks: list[Block] = []
    meta: dict[str, Found] = {}
    lines = [clean(line) for line in decode_text(data).splitlines()]
    for n, line in enumerate(lines):
        if not line or _WECHAT_FURNITURE.match(line) or is_furniture(line):
            continue
        byline = _WECHAT_BYLINE.match(line) if n < 6 else None
        if byline:
            if byline.group(1) and not byline.group(1).startswith("原创"):
                meta.setdefault("account", Found(byline.group(1),
                                                 "the account named in the byline under the "
                                                 "title (who published it)"))
            meta.setdefault("published", Found(byline.group(2), "the byline under the title"))
            continue
        blocks.append(Block(line))
    return Document("text file", tuple(blocks), MappingProxyType(meta))


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+")
_MD_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1[:：]?$")


def _inline(text: str) -> str:
    """Markdown inline markup removed: images, links (their text kept), emphasis, code."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*", r"\1", text)
    return clean(text.replace("`", ""))


def read_markdown(data: bytes) -> Document:
    """Markdown: `#` headings, bold lines, list items and paragraphs (joined lines)."""
    blocks: list[Block] = []
    meta: dict[str, Found] = {}
    text = decode_text(data)
    front = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if front:
        text = text[front.end():]
        title = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", front.group(1), re.M)
        if title:
            meta["title"] = Found(title.group(1), "the title in the file's front matter")
    pictures = len(re.findall(r"!\[[^\]]*\]\(", text))
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = _inline(" ".join(paragraph))
            if joined:
                blocks.append(Block(joined))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = _MD_HEADING.match(line)
        if not line.strip() or re.match(r"^\s*([-*_]\s*){3,}$", line):
            flush()
        elif heading:
            flush()
            if _inline(heading.group(2)):
                blocks.append(Block(_inline(heading.group(2)), "heading",
                                    level=len(heading.group(1))))
        elif _MD_BOLD_LINE.match(line.strip()):
            flush()
            blocks.append(Block(_inline(line), bold=True))
        elif _MD_ITEM.match(line):
            flush()
            numbered = re.match(r"^\s*(\d{1,2})[.)]\s+", line)
            item = _inline(line[_MD_ITEM.match(line).end():])  # type: ignore[union-attr]
            blocks.append(Block(f"{numbered.group(1)}. {item}" if numbered else item, "item"))
        else:
            paragraph.append(line.strip().lstrip(">").strip())
    flush()
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1 and "title" not in meta:
        meta["title"] = Found(blocks[0].text, "the file's first '#' heading")
    return Document("Markdown file", tuple(blocks), MappingProxyType(meta), (), pictures)
