"""Saved web pages (and fetched ones): bytes -> text in the right character set -> Document."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..errors import SourceError
from .document import Block, Document, Found, clean

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.I)
# GBK and GB2312 pages often hold characters only GB18030 (their superset) names.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
              "ascii": "utf-8", "iso8859-1": "cp1252", "latin-1": "cp1252"}

_SKIP = {"script", "style", "noscript", "iframe", "form", "button", "select", "input", "nav",
         "footer", "textarea", "svg", "object", "video", "audio", "map"}
_BLOCKS = {"p", "div", "section", "article", "blockquote", "pre", "li", "ul", "ol", "dl", "dd",
           "dt", "h1", "h2", "h3", "h4", "h5", "h6", "center", "main", "header", "aside",
           "figure", "figcaption", "address", "hr"}
# Where government and news sites put the article's body, most specific first.
_BODY_XPATHS = (
    "//*[@id='UCAP-CONTENT']", "//*[contains(concat(' ', @class, ' '), ' pages_content ')]",
    "//*[@id='zoom' or @id='Zoom']", "//*[@id='js_content']",
    "//*[contains(concat(' ', @class, ' '), ' rich_media_content ')]",
    "//*[contains(@class, 'TRS_Editor') or contains(@class, 'TRS_UEDITOR')]",
    "//*[contains(concat(' ', @class, ' '), ' article-content ')]",
    "//*[contains(concat(' ', @class, ' '), ' article_content ')]",
    "//*[@id='article-content' or @id='article_content' or @id='ArticleContent']",
    "//article",
)
# The labels of gov.cn's policy-library table and provincial 信息公开 tables.
_TABLE_LABELS = {"索引号": "index", "主题分类": "topic", "发文机关": "issuer", "发布机构": "issuer",
                 "成文日期": "written", "标题": "title", "名称": "title", "发文字号": "doc_number",
                 "文号": "doc_number", "发布日期": "published", "发布时间": "published",
                 "生效日期": "effective_from", "实施日期": "effective_from",
                 "废止日期": "effective_to", "有效期": "validity"}
_BYLINE = re.compile(r"(发布时间|发布日期|发布单位|信息来源|来源|发文机关|(?<![\u4e00-\u9fa5])时间|"
                     r"(?<![\u4e00-\u9fa5])日期)\s*[:：]\s*"
                     r"((?:\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?)|[^\s|｜:：]{2,30})")
# Page furniture that sits inside article bodies on many sites: a line made only of such
# controls, bracketed (`【纠错】【打印】【关闭】`) or not. Any other `【…】` line is a section
# heading (`【补贴标准】`, `【怎么领】`) and stays.
_CONTROL = (r"字[体号]\s*[:：]?\s*[大中小默认超\s]*|打印(?:本页|此页|文章|正文)?|"
            r"关闭(?:窗口|本页)?|"
            r"(?:我要)?纠错|(?:加入)?收藏(?:本页)?|返回顶部|保存(?:本页)?|视力保护色?|"
            r"分享到?\s*[:：]?[^【】\[\]]*|扫一扫[^【】\[\]]*|责任编辑\s*[:：][^【】\[\]]*|"
            r"(?:当前)?位置\s*[:：][^【】\[\]]*|首页\s*>[^【】\[\]]*|上一篇|下一篇")
_CONTROL_AT = re.compile(_CONTROL)
_BETWEEN_CONTROLS = re.compile(r"[\s【】\[\]|｜]+")


def is_furniture(text: str) -> bool:
    """Whether a line holds only page controls such as `【打印】【关闭】` or `分享到：微信`."""
    pos, controls = 0, 0
    while pos < len(text):  # one control after another, greedily: no backtracking
        gap = _BETWEEN_CONTROLS.match(text, pos)
        if gap:
            pos = gap.end()
            continue
        control = _CONTROL_AT.match(text, pos)
        if not control or control.end() == pos:
            return False
        pos, controls = control.end(), controls + 1
    return controls > 0


def decode_page(data: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """The page as text and the character set used, from the HTTP header, a meta tag or bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    declared = [header_charset]
    meta = _META_CHARSET.search(data[:65536])
    if meta:
        declared.append(meta.group(1).decode("ascii", errors="replace"))
    tried = [_codec(name) for name in declared if name]
    for codec in [*(c for c in tried if c), "utf-8", "gb18030"]:
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    guessed = (_codec(best.encoding) if best else None) or "gb18030"
    return data.decode(guessed, errors="replace"), guessed


def _codec(name: str) -> str | None:
    """Python's codec for a charset label, widened to the superset pages really use."""
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def read_page(data: bytes, *, header_charset: str | None = None, url: str | None = None,
              name: str = "the page") -> Document:
    """Read a page's body text, headings and stated metadata."""
    import lxml.html
    from lxml import etree

    text, _ = decode_page(data, header_charset)
    saved_from = _SAVED_FROM.search(text[:4096])
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise SourceError(f"{name} is not a web page that can be read (no HTML found)",
                          hint="save the page again from the browser (File > Save as, "
                          "'Web page, HTML only')") from None
    meta = _page_meta(root)
    if url:
        meta.setdefault("source_url", Found(url, "the address it was fetched from"))
    if saved_from:
        meta.setdefault("source_url", Found(saved_from.group(1),
                                            "the address the browser saved the page from"))
    body = _body(root)
    notes: list[str] = []
    pictures = 0
    if body is not None:
        pictures = len(body.xpath(".//img"))
        tables = len(body.xpath(".//table"))
        blocks = [b for b in _walk(body) if not is_furniture(b.text)]
        if tables:
            notes.append(f"tables: {tables} table(s) in the article were not read; "
                         "type what matters from them into the points")
    else:
        pictures = len(root.xpath("//body//img"))
        blocks = _extracted(root)
    for key, value in _byline(root, body).items():
        meta.setdefault(key, value)
    return Document("web page", tuple(blocks), MappingProxyType(meta), tuple(notes), pictures)


def _page_meta(root: HtmlElement) -> dict[str, Found]:
    """Metadata the page states in meta tags, the canonical link, tables and <title>."""
    found: dict[str, Found] = {}
    metas: dict[str, str] = {}
    for el in root.xpath("//meta[@content]"):
        key = (el.get("name") or el.get("property") or "").strip().lower()
        if key and key not in metas and clean(el.get("content", "")):
            metas[key] = clean(el.get("content", ""))
    for label, value in _table_cells(root):
        key = _TABLE_LABELS[label]
        found.setdefault(key, Found(value, f"{label}, from the page's metadata table"))
    for name, key in (("articletitle", "title"), ("og:title", "title"),
                      ("contentsource", "issuer"), ("pubdate", "published"),
                      ("firstpublishedtime", "published"),
                      ("article:published_time", "published"),
                      ("keywords", "keywords"), ("description", "description"),
                      ("og:url", "source_url")):
        if name in metas:
            shown = "ArticleTitle" if name == "articletitle" else (
                "ContentSource" if name == "contentsource" else (
                    "PubDate" if name == "pubdate" else name))
            found.setdefault(key, Found(metas[name], f"the page's <meta name=\"{shown}\">"))
    canonical = root.xpath("//link[@rel='canonical']/@href")
    if canonical and str(canonical[0]).startswith(("http://", "https://")):
        found["source_url"] = Found(str(canonical[0]).strip(),
                                    "the page's <link rel=\"canonical\">")
    titles = root.xpath("//title")
    if titles:
        title = _without_site(clean(titles[0].text_content()))
        if title:
            found.setdefault("title", Found(title, "the page's <title>, without the site's name"))
    # A WeChat article saved from the browser: its account and time sit in marked elements.
    for xpath, key, origin in (
            ("//*[@id='publish_time']", "published", "the time under the WeChat article's title"),
            ("//*[@id='js_name']", "account", "the WeChat account that published the article")):
        marked = root.xpath(xpath)
        if marked and clean(marked[0].text_content()):
            found.setdefault(key, Found(clean(marked[0].text_content()), origin))
    lang = root.get("lang") or ""
    if lang:
        found["lang"] = Found(lang, "the page's lang attribute")
    return found


_SITE_NAME = re.compile(r"(政府|人民政府|门户网站?|网站|政府网|网|办公厅|办公室|委员会|局|厅|部|"
                        r"发布|在线|新闻|融媒|GOV\.UK|\.gov\.\w+)$", re.I)


def _without_site(title: str) -> str:
    """The title without a site suffix such as `_国务院文件_中国政府网` or ` | Ministry`."""
    parts = re.split(r"\s*[_|｜]\s*|\s+[-–—]\s+|\s*-{2,}\s*|\s*—{2}\s*", title)
    parts = [p for p in parts if p]
    first = parts[0] if parts else title
    # `…通知-北京市人民政府`: a dash without spaces ends a title only before a site's name.
    site = re.match(r"^(.{4,}?)\s*[-–—]\s*([^-–—]{2,30})$", first)
    if site and _SITE_NAME.search(site.group(2)):
        return site.group(1)
    return first


def _table_cells(root: HtmlElement) -> Iterator[tuple[str, str]]:
    """(label, value) pairs from a metadata table: a label cell and the value cell after it."""
    # One pass in document order: an XPath union of these is quadratic on large pages.
    for el in root.iter("td", "th", "li", "span", "b", "strong", "label", "dt", "div", "p"):
        raw = el.text_content()
        if len(raw) > 40:
            continue
        label = re.sub(r"[\s:：\u3000\xa0]", "", raw)
        if label in _TABLE_LABELS:
            value = _value_after(el)
            if value:
                yield label, value
            continue
        same = re.fullmatch(r"\s*([^:：]{2,8}?)\s*[:：]\s*(.+)", clean(raw))
        if same and re.sub(r"\s", "", same.group(1)) in _TABLE_LABELS \
                and el.tag in ("td", "li", "span", "p", "div") and el.find(".//td") is None:
            yield re.sub(r"\s", "", same.group(1)), same.group(2).strip()


def _value_after(el: HtmlElement) -> str:
    """The text of the cell that follows a label cell (climbing out of <b> or <strong>)."""
    node: HtmlElement | None = el
    for _ in range(3):
        if node is None:
            break
        sibling = node.getnext()
        if sibling is not None:
            return clean(sibling.text_content())
        tail = clean(node.tail or "")
        if tail:
            return tail
        node = node.getparent()
    return ""


def _body(root: HtmlElement) -> HtmlElement | None:
    """The element that holds the article's body on the layouts we know, if any."""
    for xpath in _BODY_XPATHS:
        for el in root.xpath(xpath):
            if len(clean(el.text_content())) >= 20 or el.xpath(".//img"):
                return el
    return None


def _walk(el: HtmlElement) -> list[Block]:
    """The element's paragraphs, headings and list items, with bold paragraphs marked."""
    out: list[Block] = []
    runs: list[tuple[str, bool]] = []

    def flush(kind: str = "para", level: int = 0) -> None:
        text = clean("".join(t for t, _ in runs))
        if text:
            bold = all(b for t, b in runs if clean(t))
            out.append(Block(text, kind, bold, level))  # type: ignore[arg-type]
        runs.clear()

    def inline(node: HtmlElement, bold: bool) -> None:
        bold = bold or node.tag in ("b", "strong") or _styled_bold(node)
        if node.text:
            runs.append((node.text, bold))
        for child in node:
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                pass
            elif child.tag == "br":
                flush()
            else:
                inline(child, bold)
            if child.tail:
                runs.append((child.tail, bold))

    def block(node: HtmlElement) -> None:
        tag = node.tag
        if tag == "table":
            flush()
            return
        bold = tag in ("b", "strong") or _styled_bold(node)
        if node.text:
            runs.append((node.text, bold))
        for child in node:
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                pass
            elif child.tag == "br":
                flush()
            elif child.tag in _BLOCKS or child.tag == "table" or child.xpath(
                    ".//p|.//div|.//li|.//h1|.//h2|.//h3|.//h4|.//table"):
                flush()
                before = len(out)
                block(child)
                heading = re.fullmatch(r"h([1-6])", child.tag)
                if heading and len(out) > before:
                    first = out[before]
                    out[before] = Block(first.text, "heading", first.bold, int(heading.group(1)))
                elif child.tag == "li" and len(out) > before and out[before].kind == "para":
                    out[before] = Block(out[before].text, "item", out[before].bold)
            else:
                inline(child, bold)
            if child.tail:
                runs.append((child.tail, bold))
        flush()

    block(el)
    return out


def _styled_bold(node: HtmlElement) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return "font-weight:bold" in style or "font-weight:700" in style


def _extracted(root: HtmlElement) -> list[Block]:
    """The main text by trafilatura, for pages whose layout we do not know."""
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(root, output_format="xml", include_formatting=True,
                              include_tables=False, include_comments=False, favor_recall=True)
    if not xml:
        return []
    doc = etree.fromstring(xml.encode("utf-8"))
    out: list[Block] = []
    main = doc.find("main")
    for el in (main if main is not None else doc).iter("head", "p", "item"):
        if el.tag == "p" and el.getparent() is not None and el.getparent().tag == "item":
            continue
        text = clean("".join(el.itertext()))
        if not text or is_furniture(text):
            continue
        if el.tag == "head":
            level = re.search(r"\d", el.get("rend") or "h2")
            out.append(Block(text, "heading", False, int(level.group()) if level else 2))
        elif el.tag == "item":
            out.append(Block(text, "item"))
        else:
            bold_text = "".join("".join(hi.itertext()) for hi in el.iter("hi")
                                if "b" in (hi.get("rend") or ""))
            out.append(Block(text, "para", clean(bold_text) == text))
    return out


def _byline(root: HtmlElement, body: HtmlElement | None) -> dict[str, Found]:
    """`发布时间：… 来源：…` and friends from the page outside the article's body."""
    found: dict[str, Found] = {}
    lines: list[str] = []
    for el in root.xpath("//body//*[not(self::script or self::style)]"):
        if body is not None and (el is body or body in el.iterancestors()):
            continue
        if el.text and el.text.strip():
            lines.append(el.text)
        if el.tail and el.tail.strip():
            lines.append(el.tail)
    text = clean(" ".join(lines))
    for label, value in _BYLINE.findall(text):
        key = {"发布时间": "published", "发布日期": "published", "时间": "published",
               "日期": "published", "发文机关": "issuer"}.get(label, "issuer")
        if key == "published" and not re.match(r"\d{4}", value):
            continue
        if key == "issuer" and re.match(r"\d", value):
            continue
        found.setdefault(key, Found(value, f"{label}, from the page's byline"))
    return found

