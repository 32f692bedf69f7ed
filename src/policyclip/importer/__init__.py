"""`policyclip import`: a saved page, a URL, a .docx, .md or .txt -> a draft brief (YAML text).

One reader per kind of source turns it into a Document; `draft` takes every value from that
document (never inventing one) and `yamlout` writes it with a comment per field.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import BriefError, SourceError
from .document import Document, Found
from .web import FetchLimits

__all__ = ["FetchLimits", "Imported", "import_source"]

MAX_FILE_BYTES = {"page": 10 * 1024 * 1024, "docx": 50 * 1024 * 1024}
_MIN_TEXT = 40  # characters of body text below which a page is "pictures only"
_SUPPORTED = "a saved web page (.html, .htm), an http(s) address, a Word document (.docx), " \
             "Markdown (.md) or plain text (.txt)"
_OTHER_TYPES = {
    ".doc": "save it as .docx in Word or WPS first",
    ".wps": "save it as .docx in WPS first",
    ".pdf": "copy the article's text into a .txt file and import that",
    ".mhtml": "save the page as 'Web page, HTML only' (.html) instead",
    ".mht": "save the page as 'Web page, HTML only' (.html) instead",
}


@dataclass(frozen=True)
class Imported:
    """The draft brief's YAML and the lines that sum up what was found, guessed and dropped."""

    yaml: str
    report: tuple[str, ...]


def _read_page(data: bytes, name: str) -> Document:
    from .html import read_page

    return read_page(data, name=name)


def _read_docx(data: bytes, name: str) -> Document:
    from .word import read_docx

    return read_docx(data, name)


def _read_markdown(data: bytes, name: str) -> Document:
    from .plain import read_markdown

    return read_markdown(data)


def _read_text(data: bytes, name: str) -> Document:
    from .plain import read_text

    return read_text(data)


# Suffix -> (reader, size class). A new kind of source is one more entry here.
READERS: dict[str, tuple[Callable[[bytes, str], Document], str]] = {
    ".html": (_read_page, "page"), ".htm": (_read_page, "page"), ".xhtml": (_read_page, "page"),
    ".shtml": (_read_page, "page"), ".docx": (_read_docx, "docx"),
    ".md": (_read_markdown, "page"), ".markdown": (_read_markdown, "page"),
    ".txt": (_read_text, "page"),
}


def import_source(source: str, limits: FetchLimits | None = None) -> Imported:
    """Read SOURCE (a path or an http(s) URL) and draft a brief that passes `check`."""
    from .draft import draft_brief
    from .yamlout import to_yaml

    if not source.strip():
        raise SourceError("no source given: the SOURCE argument is empty",
                          hint=f"name the article to import: {_SUPPORTED}")
    if re.match(r"^https?://", source, re.I):
        doc = _fetch_document(source, limits or FetchLimits())
    elif re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        raise SourceError(f"{source}: only http:// and https:// addresses can be fetched",
                          hint=f"import {_SUPPORTED}")
    else:
        doc = _file_document(Path(source))
    _require_text(doc, source)
    draft = draft_brief(doc, source)
    text = to_yaml(draft)
    _self_check(text)
    return Imported(text, draft.report)


def _file_document(path: Path) -> Document:
    name = str(path)
    if not path.exists():
        raise SourceError(f"{name}: no such file",
                          hint="check the path; a web address must start with http:// or https://")
    if path.is_dir():
        raise SourceError(f"{name} is a folder, not a file", hint=f"import {_SUPPORTED}")
    suffix = path.suffix.lower()
    if suffix not in READERS:
        what = f"'{suffix}' files" if suffix else "files without an extension"
        raise SourceError(f"{name}: cannot import {what}",
                          hint=_OTHER_TYPES.get(suffix, f"import {_SUPPORTED}"))
    reader, size_class = READERS[suffix]
    cap = MAX_FILE_BYTES[size_class]
    try:
        if path.stat().st_size > cap:
            raise SourceError(f"{name} is larger than {cap // (1024 * 1024)} MB, the most "
                              f"import reads from a {suffix} file",
                              hint="copy the article's text into a .txt file and import that")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    return reader(data, name)


def _fetch_document(url: str, limits: FetchLimits) -> Document:
    from . import web

    fetched = web.fetch(url, limits)
    kind = fetched.content_type
    path = fetched.url.split("?")[0].lower()
    saved_page = path.endswith((".htm", ".html"))
    if kind in ("text/html", "application/xhtml+xml") or (
            kind in ("application/octet-stream", "text/plain") and saved_page):
        from .html import read_page

        return read_page(fetched.data, header_charset=fetched.charset, url=fetched.url,
                         name=url)
    if "wordprocessingml" in kind or path.endswith(".docx"):
        return _with_address(_read_docx(fetched.data, url), fetched.url)
    if kind == "text/markdown" or path.endswith(".md"):
        return _with_address(_read_markdown(fetched.data, url), fetched.url)
    if kind == "text/plain":
        return _with_address(_read_text(fetched.data, url), fetched.url)
    raise SourceError(f"{url}: the server sent {kind}, which import cannot read",
                      hint=_OTHER_TYPES.get("." + kind.split("/")[-1],
                                            f"import {_SUPPORTED}"))


def _with_address(doc: Document, url: str) -> Document:
    """The document with the address it was fetched from as its source_url, unless it names one."""
    meta = {"source_url": Found(url, "the address it was fetched from"), **doc.meta}
    return dataclasses.replace(doc, meta=MappingProxyType(meta))


def _require_text(doc: Document, source: str) -> None:
    """Refuse a source with no article text, such as an image-only 一图读懂 page."""
    if sum(len(b.text) for b in doc.blocks) >= _MIN_TEXT:
        return
    if doc.pictures:
        raise SourceError(
            f"{source}: no article text found (only {doc.pictures} picture(s): an image-only "
            "page such as 一图读懂?)",
            hint="pictures are not read: type the points into a brief yourself (docs/brief.md "
            "lists the fields), or import the text version of the article if there is one")
    tables = " (tables are not read)" if any(n.startswith("tables:") for n in doc.notes) else ""
    raise SourceError(f"{source}: no article text found{tables}",
                      hint="import reads the article's paragraphs; check that this is the "
                      "article itself, or copy its text into a .txt file and import that")


def _self_check(text: str) -> None:
    """The draft must pass `policyclip check`; a failure here is a bug in import, not input."""
    from ..brief import load_brief

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_brief(path)
        except BriefError as exc:
            raise RuntimeError("the drafted brief does not pass check: "
                               + "; ".join(exc.problems)) from None
