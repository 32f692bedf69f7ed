"""Stage 2: Brief -> Script. A sandboxed Jinja template decides scenes, order and wording.

A template writes narration text; a line `@scene CARD [N]` starts a scene and names the card on
screen (title, point N, faq N, steps, source). Brief text is only ever data: every value a
template prints is collapsed onto one line and wrapped in two control characters that no brief
value can hold (the brief refuses them), so a line that starts with a printed value is never a
`@scene` line, whatever the value says. Only the template's own text starts scenes.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .cards import CARDS
from .errors import TemplateError
from .files import copy_into
from .models import Brief, Scene, Script
from .resources import builtin_dir

DEFAULT_TEMPLATE = "explainer"
# Printed values are wrapped in these (STX, ETX); the brief refuses every C0 control character.
_VALUE_START, _VALUE_END = "\x02", "\x03"
_VALUE_MARKS = str.maketrans("", "", _VALUE_START + _VALUE_END)
# Only spaces and tabs may come before the marker: a line that starts with a value never matches.
_MARKER = re.compile(r"^[ \t]*@scene\b(.*)$")


def template_dirs(brief_dir: Path | None) -> list[Path]:
    """Folders searched for templates by name: next to the brief, the working dir, built-ins."""
    dirs = [brief_dir / "templates"] if brief_dir else []
    dirs += [Path.cwd() / "templates", builtin_dir("templates")]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def find_template(name_or_path: str, language: str, brief_dir: Path | None) -> Path:
    """Resolve a template name (explainer) or path (my.j2) to a file."""
    given = Path(name_or_path)
    if given.suffix == ".j2" or len(given.parts) > 1:
        candidates = [given] if given.is_absolute() else [Path.cwd() / given]
        if brief_dir and not given.is_absolute():
            candidates.insert(0, brief_dir / given)
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        raise TemplateError(f"template file not found: {name_or_path}")
    lang = language.lower()
    names = [f"{name_or_path}.{lang}.j2", f"{name_or_path}.{lang.split('-')[0]}.j2",
             f"{name_or_path}.j2"]
    for folder in template_dirs(brief_dir):
        for file_name in names:
            if (folder / file_name).is_file():
                return folder / file_name
    known = sorted(builtin_names())
    raise TemplateError(
        f"no template named '{name_or_path}' for language {language}",
        hint=f"built-in templates: {', '.join(known)}; or pass a path to a .j2 file",
    )


def builtin_names() -> set[str]:
    """Names of the built-in templates."""
    return {p.name.split(".")[0] for p in builtin_dir("templates").glob("*.j2")}


@dataclass(frozen=True)
class TemplateInfo:
    """A template name as found on disk: its files (one per language) and what it is for."""

    name: str
    files: tuple[Path, ...]
    description: str


def list_templates(brief_dir: Path | None = None) -> list[TemplateInfo]:
    """Every template name reachable by --template, the first folder that has it winning."""
    found: dict[str, list[Path]] = {}
    for folder in template_dirs(brief_dir):
        names_here: dict[str, list[Path]] = {}
        for path in sorted(folder.glob("*.j2")):
            names_here.setdefault(path.name.split(".")[0], []).append(path)
        for name, files in names_here.items():
            found.setdefault(name, files)
    return [TemplateInfo(name, tuple(files), _description(files))
            for name, files in sorted(found.items())]


def _description(files: list[Path]) -> str:
    """The first sentence of the template's leading comment (the English file's, if any)."""
    path = next((f for f in files if ".en." in f.name), files[0])
    match = re.search(r"\{#-?\s*(.*?)(?:[。.]\s|-?#\})", read_template(path), re.S)
    return " ".join(match.group(1).split()) if match else ""


def read_template(path: Path) -> str:
    """A template file's text; TemplateError (exit 3) naming the file when it cannot be read
    or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TemplateError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                            hint="save the file as UTF-8") from None


def referenced_templates(path: Path) -> list[Path]:
    """Every template file that `path` includes, extends or imports, directly or through
    another; where a name is computed at render time, every template in its folder."""
    from jinja2 import meta

    env = _environment(path.parent)
    found: dict[Path, None] = {}
    todo = [path]
    while todo:
        try:
            tree = env.parse(read_template(todo.pop()))
        except jinja2.TemplateSyntaxError:
            continue  # rendering it will say where
        for name in meta.find_referenced_templates(tree):
            candidates = [path.parent / name] if name is not None else \
                sorted(path.parent.glob("*.j2"))
            for used in candidates:
                if used.is_file() and used != path and used not in found:
                    found[used] = None
                    todo.append(used)
    return list(found)


def copy_template(name: str, dest: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy every language file of template `name` into `dest`, to start a custom one."""
    info = next((t for t in list_templates() if t.name == name), None)
    if info is None:
        raise TemplateError(f"no template named '{name}'",
                            hint=f"built-in templates: {', '.join(sorted(builtin_names()))}")
    return copy_into(info.files, dest, overwrite=overwrite, error=TemplateError)


def write_script(brief: Brief, template: str | None = None) -> Script:
    """Run the template on the brief and split its output into scenes."""
    path = find_template(template or brief.render.template or DEFAULT_TEMPLATE,
                         brief.language, brief.path.parent)
    text = _render(path, brief)
    scenes = _scenes(text, brief, path.name)
    return Script(template=str(path), scenes=tuple(scenes))


def _environment(folder: Path) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_collapse,
    )
    env.filters.update(
        cn_date=cn_date,
        en_date=en_date,
        join_cn=join_cn,
        join_en=join_en,
        strip_end=strip_end,
        sentence=sentence,
        lower_first=lower_first,
    )
    return env


def _collapse(value: Any) -> Any:
    # Every text value printed by the template lands on one line, marked as data (see above).
    if isinstance(value, str):
        return _VALUE_START + " ".join(value.split()) + _VALUE_END
    return value


def _unmark(text: str) -> str:
    """Text with the data marks of printed values removed."""
    return text.translate(_VALUE_MARKS)


def _render(path: Path, brief: Brief) -> str:
    env = _environment(path.parent)
    try:
        template = env.get_template(path.name)
        return template.render(brief=brief)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{path.name}:{exc.lineno}: {exc.message}") from None
    except (UnicodeDecodeError, OSError):
        # A file this template includes, extends or imports (or itself) is unreadable or not
        # UTF-8: name the file.
        for used in [path, *referenced_templates(path)]:
            read_template(used)
        raise TemplateError(f"{path}: a template it uses cannot be read",
                            hint="save every template file as UTF-8") from None
    except jinja2.TemplateError as exc:
        line = _template_line(exc, path)
        where = f"{path.name}:{line}" if line else path.name
        raise TemplateError(f"{where}: {exc.message or exc}") from None


def _template_line(exc: BaseException, path: Path) -> int | None:
    # Jinja rewrites tracebacks so that frames point at template lines.
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__)
             if f.filename == str(path) or f.filename.endswith(path.name)]
    return lines[-1] if lines else None


def _scenes(text: str, brief: Brief, template_name: str) -> list[Scene]:
    scenes: list[Scene] = []
    card: tuple[str, int | None] | None = None
    lines: list[str] = []

    def close() -> None:
        if card is not None:
            narration = ""
            for line in (_unmark(ln).strip() for ln in lines if _unmark(ln).strip()):
                # Chinese needs no space between lines; English and Latin-to-Latin joins do.
                cjk_join = brief.is_chinese and not (narration[-1:].isascii() and line[0].isascii())
                narration += line if not narration or cjk_join else " " + line
            scenes.append(Scene(card=card[0], ref=card[1], narration=narration))

    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            close()
            words = _unmark(match.group(1)).split()
            card, lines = _parse_marker(words, brief, template_name), []
        elif _unmark(line).strip():
            if card is None:
                raise TemplateError(f"{template_name}: narration before the first '@scene' "
                                    f"line: {_unmark(line).strip()!r}")
            lines.append(line)
    close()
    if not scenes:
        raise TemplateError(f"{template_name}: the template produced no '@scene' lines")
    return scenes


def _parse_marker(words: Sequence[str], brief: Brief, template_name: str) -> tuple[str, int | None]:
    kind = CARDS.get(words[0]) if words else None
    if kind is None:
        raise TemplateError(
            f"{template_name}: '@scene {' '.join(words)}': card must be one of "
            f"{', '.join(CARDS)}"
        )
    missing = kind.needs(brief)
    if missing:
        raise TemplateError(f"{template_name}: '@scene {' '.join(words)}': {missing}")
    if kind.ref is None:
        return kind.name, None
    count = len(getattr(brief, kind.ref))
    if len(words) != 2 or not words[1].isdigit() or int(words[1]) >= count:
        raise TemplateError(
            f"{template_name}: '@scene {' '.join(words)}': needs an index from 0 to {count - 1}"
        )
    return kind.name, int(words[1])


# ---------------------------------------------------------------- filters for template authors


def cn_date(value: dt.date | None) -> str:
    """2023-08-02 -> 2023年8月2日."""
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def en_date(value: dt.date | None) -> str:
    """2023-08-02 -> August 2, 2023."""
    return "" if value is None else f"{value:%B} {value.day}, {value.year}"


def join_cn(items: Iterable[str]) -> str:
    """Join with the Chinese enumeration comma: 甲、乙、丙."""
    return "、".join(items)


def join_en(items: Iterable[str]) -> str:
    """Join as English prose: a, b and c."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def sentence(value: str) -> str:
    """End text as a sentence: keep a final 。！？ (.!?), else end it with 。 (or . for Latin)."""
    text = value.rstrip()
    if text[-1:] in set("。！？!?….」』”’"):
        return text
    text = strip_end(text)
    return text + ("." if text[-1:].isascii() else "。")


def lower_first(value: str) -> str:
    """Lower-case the first letter of an English word (Open -> open), but not of HMRC or App."""
    if len(value) > 1 and value[0].isupper() and value[1].islower():
        return value[0].lower() + value[1:]
    return value


def strip_end(value: str) -> str:
    """Drop trailing sentence punctuation, so the template can add its own."""
    return value.rstrip("。．.！!？?；;，,、 ")
