"""Word documents (.docx) -> Document: heading styles, bold paragraphs, numbering in the text."""

from __future__ import annotations

import io
import re
import zipfile
from types import MappingProxyType
from typing import Any

from ..errors import SourceError
from .document import Block, Document, Found, clean

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


def read_docx(data: bytes, name: str) -> Document:
    """Paragraphs of the document body in order; tables and pictures counted, not read."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(f"{name} is not a Word document that can be read ({exc})",
                          hint="open it in Word or WPS and save it again as .docx") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like from a damaged package
        raise SourceError(f"{name} is damaged and cannot be read ({type(exc).__name__})",
                          hint="open it in Word or WPS and save it again as .docx") from None
    blocks: list[Block] = []
    meta: dict[str, Found] = {}
    for paragraph in document.paragraphs:
        text = clean(paragraph.text)
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = _HEADING_STYLE.match(style or "")
        if style in ("Title", "标题") and "title" not in meta:
            meta["title"] = Found(text, "the document's Title paragraph")
            blocks.append(Block(text, "heading", level=1))
        elif level:
            blocks.append(Block(text, "heading", level=int(level.group(1))))
        elif style.startswith(("List", "列表")) or _numbered(paragraph):
            # Word's own numbering is not in the text: the paragraph is a numbered or bulleted item.
            blocks.append(Block(text, "item", _all_bold(paragraph)))
        else:
            blocks.append(Block(text, "para", _all_bold(paragraph)))
    title = clean(document.core_properties.title or "")
    if title and "title" not in meta:
        meta["title"] = Found(title, "the document's properties (File > Info > Title)")
    notes = []
    if document.tables:
        notes.append(f"tables: {len(document.tables)} table(s) in the document were not read; "
                     "type what matters from them into the points")
    pictures = len(document.inline_shapes)
    return Document("Word document", tuple(blocks), MappingProxyType(meta), tuple(notes),
                    pictures)


def _numbered(paragraph: Any) -> bool:
    """The paragraph carries Word's automatic numbering (w:numPr)."""
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _all_bold(paragraph: Any) -> bool:
    """Every run with text is bold (directly, or through its character or paragraph style)."""
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return all(r.bold or (r.bold is None and (style_bold or (
        r.style is not None and r.style.font.bold))) for r in runs)
