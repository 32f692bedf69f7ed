"""Stage 1: brief.yaml -> Brief. Every rule of spec/brief-v1.md, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args
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
from .validation import describe, explain_errors, format_problems, wrong_type
from .yamlfile import YamlPath, YamlProblem, format_path, load_yaml_file, read_yaml

Platform = Literal["douyin", "kuaishou", "channels", "bilibili", "generic"]
PLATFORMS: tuple[str, ...] = get_args(Platform)

# Fields that are not text. Anywhere else, a number or date YAML found is text as written.
_TYPED: set[YamlPath] = {("version",), ("published",), ("effective", "from"), ("effective", "to")}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OUTSIDE_HINT = (
    "paths in a brief are relative to its folder; pass --allow-outside-paths to use files elsewhere"
)


def _text(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be empty")
    if not isinstance(value, str):
        raise wrong_type("text")
    control = _CONTROL.search(value)
    if control:
        raise ValueError(f"contains the control character U+{ord(control.group()):04X}")
    return value


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _version(value: Any) -> Any:
    if type(value) is not int or value != 1:
        raise wrong_type("1 (the only version)")
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise wrong_type("a date without a time, like 2023-08-02")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value.strip()} is not a real date ({exc})") from None
    raise wrong_type("a date like 2023-08-02")


def _language(value: str) -> str:
    tag = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*"
    if not re.fullmatch(tag, value):
        fixed = value.replace("_", "-")
        hint = f" (did you mean '{fixed}'?)" if re.fullmatch(tag, fixed) else ""
        raise ValueError(f"'{value}' is not a language tag like zh-CN or en-US{hint}")
    if value.split("-")[0].lower() not in ("zh", "en"):
        raise ValueError(f"'{value}' is not supported; use a zh-* or en-* tag like zh-CN or en-US")
    return value


def _url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or re.search(r"\s", value):
        raise ValueError(f"expected an http(s) URL, got '{value}'")
    return value


def _rate(value: str) -> str:
    if not re.fullmatch(r"[+-]\d{1,3}%", value):
        raise ValueError(f"expected a rate like +0%, -10% or +20%, got '{value}'")
    return value


def _hashtag(value: str) -> str:
    if not re.sub(r"[#，、\s]", "", keyboard_slips(value)[0]):
        raise ValueError(f"'{value}' is not a hashtag (it has no words)")
    return value.strip()


# Chinese (and full-width) quotes: typed on a Chinese keyboard, they are text to YAML.
_CHINESE_QUOTES = "“”‘’「」『』＂＇"
_LIST_MARKS = {"，": "a full-width comma '，'", "、": "an enumeration comma '、'"}


def keyboard_slips(written: str) -> tuple[str, list[str]]:
    """A hashtag with the slips of a Chinese keyboard undone (Chinese quotes left out, `＃` read
    as `#`; `，` and `、` are kept, to split at), and what was wrong, each with its fix."""
    text, slips = written, []
    quotes = "".join(dict.fromkeys(c for c in written if c in _CHINESE_QUOTES))
    if quotes:
        text = "".join(c for c in text if c not in _CHINESE_QUOTES)
        slips.append(f"has Chinese quotes {quotes}, which YAML does not read as quotes (quote "
                     'with half-width "...", or leave quotes out)')
    if "＃" in text:
        text = text.replace("＃", "#")
        slips.append("has a full-width '＃' (type a half-width '#')")
    for mark, name in _LIST_MARKS.items():
        if mark in text:
            slips.append(f"has {name}, which does not separate list items in YAML "
                         "(separate tags with a half-width ', ')")
    return text, slips


def join_hashtag(written: str) -> tuple[str, ...]:
    """The tags a written hashtag stands for, as platforms expect them: `#` left out, words
    joined (`cost of living` -> `CostOfLiving`, `育儿 补贴` -> `育儿补贴`); a value holding
    several `#` tags (`#育儿补贴 #减税`) gives each of them."""
    parts = [p for p in re.split(r"(?:^|\s+)#+", written.strip()) if p.strip()]
    tags = []
    for part in parts:
        words = part.split()
        if len(words) > 1:  # a capital where each Latin word starts, so the tag stays readable
            words = [w[0].upper() + w[1:] if w[0].isascii() else w for w in words]
        tags.append("".join(words).strip("#"))
    return tuple(t for t in tags if t)


Text = Annotated[str, BeforeValidator(_text), AfterValidator(_not_blank)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        """`key:` with no value means the same as leaving an optional key out."""
        if not isinstance(data, dict):
            return data
        optional = {f.alias or name for name, f in cls.model_fields.items() if not f.is_required()}
        return {k: v for k, v in data.items() if v is not None or k not in optional}


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
    platform: Platform | None = None
    voice: Text | None = None
    rate: Annotated[Text, AfterValidator(_rate)] | None = None
    music: Text | None = None
    logo: Text | None = None
    voiceover: Text | None = None


class _Brief(_Strict):
    version: Annotated[int, BeforeValidator(_version)] = 1
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
    pronounce: dict[Text, Text] = {}
    hashtags: list[Annotated[Text, AfterValidator(_hashtag)]] = []
    publisher: Text | None = None  # an extension of spec v1: the account that publishes
    render: _Render = _Render()


_FIELDS: dict[str, list[str]] = {
    "": list(_Brief.model_fields),
    "points": list(_Point.model_fields),
    "figure": list(_Figure.model_fields),
    "faq": list(_Faq.model_fields),
    "effective": ["from", "to"],
    "render": list(_Render.model_fields),
}

# Fields naming a file in the brief's folder, and what the file must be. `template` and `theme`
# may also be a built-in name; they are files only when they look like a path.
_FILE_KINDS = {"image": "picture", "logo": "picture", "music": "audio",
               "voiceover": "take"}
_NAME_OR_FILE = {"template": (".j2",), "theme": (".yaml", ".yml")}


def load_brief(path: Path, *, allow_outside: bool = False,
               without: Collection[YamlPath] = ()) -> Brief:
    """Read, validate and check a brief; raise BriefError listing every problem. Values at the
    paths `without` are left out first (lint reports impossible dates itself and goes on)."""
    name = path.name
    if not path.exists():
        raise BriefError([f"{path}: no such file"])
    if not path.is_file():
        raise BriefError([f"{path}: not a file"])
    doc = load_yaml_file(path, lambda message: BriefError([message]), name)

    problems = [(line, message) for _, line, message in doc.problems]
    # A rejected value was replaced by None; don't also report it as a type error.
    bad_paths = {where for where, _, _ in doc.problems}
    for where, comment in doc.commented.items():
        # `- #育儿补贴` or `hashtags: #育儿补贴`: YAML saw an empty value and a comment.
        bad_paths.add(where)
        listed = ", ".join(f'"{tag}"' for tag in comment.split())
        quoted = f"[{listed}]" if where == ("hashtags",) else f'"{comment}"'
        problems.append((doc.line_of(where), f"{format_path(where)}: is empty because '#' starts "
                         f"a comment in YAML; put the value in quotes: {quoted}"))
    if not isinstance(doc.data, dict):
        if () not in bad_paths:
            got = "an empty file" if doc.data is None else describe(doc.data)
            problems.append((1, f"a brief is fields written one a line, like `title: ...` and "
                             f"`issuer: ...`; got {got}"))
        raise BriefError(format_problems(name, problems))

    data = _as_written(doc.data, (), doc.source)
    for where in without:
        parent = data
        for key in where[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent.pop(where[-1], None)
    model: _Brief | None = None
    try:
        model = _Brief.model_validate(data)
    except ValidationError as exc:
        problems += explain_errors(exc, doc, _FIELDS, bad_paths)

    base = path.resolve().parent
    files: dict[YamlPath, Path] = {}
    outside = False
    for where, rel in _file_fields(data):
        if where in bad_paths:
            continue
        found = _check_file(base, rel, _FILE_KINDS.get(str(where[-1])), allow_outside)
        if isinstance(found, Path):
            files[where] = found
        else:
            problems.append((doc.line_of(where), f"{format_path(where)}: {found[0]}"))
            outside = outside or found[1]

    if problems or model is None:
        raise BriefError(format_problems(name, problems), hint=_OUTSIDE_HINT if outside else None)
    tags, warnings = _hashtags(model.hashtags, doc.line_of)
    return replace(_to_brief(path, model, files), hashtags=tags,
                   warnings=tuple(format_problems(name, warnings)))


def _hashtags(written: list[str], line_of: Callable[[YamlPath], int]
              ) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """The brief's tags as platforms expect them, and a warning for each one that was changed
    beyond dropping a leading `#`."""
    tags: list[str] = []
    warnings = []
    for index, value in enumerate(written):
        cleaned, why = keyboard_slips(value)
        parts = [join_hashtag(part) for part in re.split("[，、]", cleaned)]
        joined = tuple(dict.fromkeys(tag for part in parts for tag in part))
        tags += [t for t in joined if t not in tags]
        if any(len(part) > 1 for part in parts):
            why.append("holds several tags")
        elif joined != tuple(p.lstrip("#").strip() for p in re.split("[，、]", cleaned)
                             if p.strip()):
            why.append("has spaces, which end a tag on the platforms")
        if why:
            used = " ".join(f"#{t}" for t in joined)
            warnings.append((line_of(("hashtags", index)),
                             f"hashtags[{index}]: '{value}' {'; '.join(why)}; used as {used}"))
    return tuple(tags), warnings


def line_of(path: Path, where: YamlPath) -> int:
    """The line of a field in a brief that has loaded (read again: only errors need it)."""
    try:
        return read_yaml(path).line_of(where)
    except (YamlProblem, OSError):
        return 1


def _as_written(value: Any, path: YamlPath, source: dict[YamlPath, str]) -> Any:
    """The data with every number and date outside `_TYPED` as text, exactly as written.

    YAML reads `12366` as an int, `0755` as 493 and `1:30` as 90; in a text field each means
    what was written. true/false and null stay as they are, so that they can be reported.
    """
    if isinstance(value, dict):
        return {k: _as_written(v, (*path, k), source) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written(v, (*path, i), source) for i, v in enumerate(value)]
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return value if path in _TYPED else source.get(path, value)
    return value


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
        pronounce=MappingProxyType(dict(m.pronounce)),
        hashtags=tuple(m.hashtags),
        publisher=m.publisher.strip() if m.publisher else None,
        render=RenderDefaults(
            template=r.template,
            theme=r.theme,
            platform=r.platform,
            voice=r.voice,
            rate=r.rate,
            music=files.get(("render", "music")),
            logo=files.get(("render", "logo")),
            voiceover=files.get(("render", "voiceover")),
        ),
    )


def _file_fields(data: dict[str, Any]) -> list[tuple[YamlPath, str]]:
    """Every non-blank text value of the brief that names a file, checked or not by the model."""
    candidates: list[tuple[YamlPath, Any]] = []
    points = data.get("points")
    if isinstance(points, list):
        candidates += [(("points", i, "image"), p.get("image"))
                       for i, p in enumerate(points) if isinstance(p, dict)]
    render = data.get("render")
    if isinstance(render, dict):
        candidates += [(("render", key), render.get(key))
                       for key in ("template", "theme", "music", "logo", "voiceover")]
    found = []
    for where, value in candidates:
        if not isinstance(value, str) or not value.strip() or _CONTROL.search(value):
            continue  # the model reports what is wrong with it
        suffixes = _NAME_OR_FILE.get(str(where[-1]))
        given = Path(value.strip())
        if suffixes is None or given.suffix in suffixes or len(given.parts) > 1:
            found.append((where, value.strip()))
    return found


def _check_file(
    base: Path, rel: str, kind: str | None, allow_outside: bool
) -> Path | tuple[str, bool]:
    """The file `rel` names, or why it cannot be used and whether that is its place."""
    target = _resolve(base, rel)
    if isinstance(target, str):
        return target, False
    escape = None if allow_outside else _escape(base, rel, target)
    if escape:
        return escape, True
    problem = _file_problem(target, rel, kind)
    return (problem, False) if problem else target


def _resolve(base: Path, rel: str) -> Path | str:
    """The absolute path of `rel` with every link followed, or why there is none."""
    try:
        return (base / rel).resolve()
    except RuntimeError:  # how Python < 3.13 reports a loop of links
        return f"'{rel}' is a loop of symbolic links"
    except OSError as exc:
        return f"cannot use '{rel}': {exc.strerror or exc}"


def _escape(base: Path, rel: str, target: Path) -> str | None:
    """Why the file `rel` (resolved to `target`) is not inside `base`, or None."""
    if Path(rel).is_absolute():
        return f"'{rel}' is an absolute path; use a path relative to the brief's folder"
    if target.is_relative_to(base):
        return None
    if os.path.normpath(rel).split(os.sep)[0] == os.pardir:
        return f"'{rel}' is outside the brief's folder"
    return f"'{rel}' links to a file outside the brief's folder"


def _file_problem(target: Path, rel: str, kind: str | None) -> str | None:
    """Why the file `rel` (resolved to `target`) cannot be used as a `kind`, or None."""
    try:
        if kind == "take" and target.is_dir():
            return None  # a folder of one file per sentence, checked against the script
        if target.is_dir():
            return f"'{rel}' is a folder, not a file"
        if not target.is_file():
            return f"file not found: '{rel}'"
    except OSError as exc:
        return f"cannot use '{rel}': {exc.strerror or exc}"
    if kind in ("audio", "take"):
        reason = media.audio_problem(target)
    elif kind == "picture":
        reason = media.image_problem(target)
    else:
        reason = None
    return f"cannot use '{rel}': {reason}" if reason else None
