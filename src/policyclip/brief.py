"""Stage 1: brief.yaml -> Brief. Every rule of spec/brief-v1.md, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from . import media
from .errors import BriefError
from .models import Brief, Effective, FaqItem, Figure, Point, RenderDefaults
from .validation import describe, explain_errors, format_problems
from .yamlfile import YamlPath, YamlProblem, format_path, read_yaml

PLATFORMS = ("douyin", "kuaishou", "channels", "bilibili", "generic")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")


def _text(value: Any) -> Any:
    # YAML turns `12366` into an int; as text it means exactly what was written.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {describe(value)}")
    return value


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date like 2023-08-02, got a date and time ({value})")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected an ISO date like 2023-08-02, got '{value}'") from None
    raise ValueError(f"expected an ISO date like 2023-08-02, got {describe(value)}")


def _language(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"'{value}' is not a BCP-47 language tag like zh-CN or en-US")
    if value.split("-")[0].lower() not in ("zh", "en"):
        raise ValueError(f"language '{value}' is not supported (use zh-CN, zh-TW or en-US)")
    return value


def _url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"expected an http(s) URL, got '{value}'")
    return value


def _rate(value: str) -> str:
    if not re.fullmatch(r"[+-]\d{1,3}%", value):
        raise ValueError(f"expected a rate like +0%, -10% or +20%, got '{value}'")
    return value


def _hashtag(value: str) -> str:
    tag = value.lstrip("#").strip()
    if not tag or re.search(r"\s", tag):
        raise ValueError(f"'{value}' is not a hashtag (one word, no spaces)")
    return tag


Text = Annotated[str, BeforeValidator(_text), AfterValidator(_not_blank)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Figure(_Strict):
    value: Text
    label: Text


class _Point(_Strict):
    heading: Text
    text: Text
    figure: _Figure | None = None
    image: Text | None = None


class _Faq(_Strict):
    q: Text
    a: Text


class _Effective(_Strict):
    from_: Date | None = Field(default=None, alias="from")
    to: Date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _Effective:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError(f"'from' ({self.from_}) is after 'to' ({self.to})")
        return self


class _Render(_Strict):
    template: Text | None = None
    theme: Text | None = None
    platform: Literal["douyin", "kuaishou", "channels", "bilibili", "generic"] | None = None
    voice: Text | None = None
    rate: Annotated[Text, AfterValidator(_rate)] | None = None
    music: Text | None = None
    logo: Text | None = None


class _Brief(_Strict):
    version: Literal[1] = 1
    title: Text
    issuer: Text
    doc_number: Text | None = None
    published: Date | None = None
    effective: _Effective | None = None
    source_url: Annotated[Text, AfterValidator(_url)] | None = None
    audience: Text | None = None
    language: Annotated[Text, AfterValidator(_language)] = "zh-CN"
    hook: Text | None = None
    summary: Text
    points: Annotated[list[_Point], Field(min_length=1, max_length=8)]
    faq: list[_Faq] = []
    steps: list[Text] = []
    contact: Text | None = None
    cta: Text | None = None
    glossary: dict[Text, Text] = {}
    hashtags: list[Annotated[Text, AfterValidator(_hashtag)]] = []
    render: _Render = _Render()


_FIELDS: dict[str, list[str]] = {
    "": list(_Brief.model_fields),
    "points": list(_Point.model_fields),
    "figure": list(_Figure.model_fields),
    "faq": list(_Faq.model_fields),
    "effective": ["from", "to"],
    "render": list(_Render.model_fields),
}


def load_brief(path: Path, *, allow_outside: bool = False) -> Brief:
    """Read, validate and check a brief; raise BriefError listing every problem."""
    name = path.name
    if not path.is_file():
        raise BriefError([f"{path}: no such file"])
    try:
        doc = read_yaml(path)
    except YamlProblem as exc:
        raise BriefError([f"{name}:{exc.line}: {exc.message}"]) from None
    except OSError as exc:
        raise BriefError([f"{path}: cannot read ({exc.strerror})"]) from None

    problems = [(line, message) for _, line, message in doc.problems]
    # A rejected value was replaced by None; don't also report it as a type error.
    bad_paths = {where for where, _, _ in doc.problems}
    if not isinstance(doc.data, dict):
        got = "an empty file" if doc.data is None else describe(doc.data)
        problems.append((1, f"a brief is a mapping of fields (title, issuer, ...), got {got}"))
        raise BriefError(format_problems(name, problems))

    model: _Brief | None = None
    try:
        model = _Brief.model_validate(doc.data)
    except ValidationError as exc:
        problems += explain_errors(exc, doc, _FIELDS, bad_paths)

    base = path.resolve().parent
    files: dict[YamlPath, Path] = {}
    if model is not None:
        for where, rel in _file_fields(model):
            checked = _check_file(base, rel, where, allow_outside)
            if isinstance(checked, str):
                problems.append((doc.line_of(where), f"{format_path(where)}: {checked}"))
            else:
                files[where] = checked

    if problems or model is None:
        raise BriefError(format_problems(name, problems))
    return _to_brief(path, model, files)


def _to_brief(path: Path, m: _Brief, files: dict[YamlPath, Path]) -> Brief:
    points = tuple(
        Point(
            heading=p.heading,
            text=p.text,
            figure=Figure(p.figure.value, p.figure.label) if p.figure else None,
            image=files.get(("points", i, "image")),
        )
        for i, p in enumerate(m.points)
    )
    r = m.render
    return Brief(
        path=path,
        version=m.version,
        title=m.title,
        issuer=m.issuer,
        summary=m.summary,
        points=points,
        doc_number=m.doc_number,
        published=m.published,
        effective=Effective(m.effective.from_, m.effective.to) if m.effective else None,
        source_url=m.source_url,
        audience=m.audience,
        language=m.language,
        hook=m.hook,
        faq=tuple(FaqItem(f.q, f.a) for f in m.faq),
        steps=tuple(m.steps),
        contact=m.contact,
        cta=m.cta,
        glossary=MappingProxyType(dict(m.glossary)),
        hashtags=tuple(m.hashtags),
        render=RenderDefaults(
            template=r.template,
            theme=r.theme,
            platform=r.platform,
            voice=r.voice,
            rate=r.rate,
            music=files.get(("render", "music")),
            logo=files.get(("render", "logo")),
        ),
    )


def _file_fields(m: _Brief) -> list[tuple[YamlPath, str]]:
    found: list[tuple[YamlPath, str]] = [
        (("points", i, "image"), p.image) for i, p in enumerate(m.points) if p.image
    ]
    if m.render.music:
        found.append((("render", "music"), m.render.music))
    if m.render.logo:
        found.append((("render", "logo"), m.render.logo))
    return found


def _check_file(base: Path, rel: str, where: YamlPath, allow_outside: bool) -> Path | str:
    """The resolved path of a referenced file, or why it cannot be used."""
    given = Path(rel)
    if given.is_absolute() and not allow_outside:
        return f"'{rel}' is an absolute path; use a path relative to the brief's folder"
    target = (base / given).resolve()
    if not allow_outside and not target.is_relative_to(base):
        return f"'{rel}' leaves the brief's folder (pass --allow-outside-paths to permit it)"
    if not target.is_file():
        return f"file not found: '{rel}'"
    if where[-1] == "music":
        reason = media.audio_problem(target)
    else:
        reason = media.image_problem(target)
    if reason:
        return f"cannot use '{rel}': {reason}"
    return target


