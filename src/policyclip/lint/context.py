"""Everything the rules look at: the brief, the line of each field, and the spoken script with
each sentence traced back to the field it came from."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import estimate, pipeline, platforms, theme
from ..errors import BriefError
from ..models import Brief, Scene
from ..yamlfile import YamlDocument, YamlPath, YamlProblem, format_path, read_yaml
from .findings import LintConfig

# The text fields a viewer hears or sees, in brief order; glossary explanations are left out
# (they explain, and are checked by nobody else).
_SCENE_FIELDS = {"point": ("points",), "faq": ("faq",), "steps": ("steps",)}


@dataclass(frozen=True)
class Spoken:
    """A sentence of the narration and the brief field most of it came from (None: the
    template's own words)."""

    text: str
    scene: Scene
    field: YamlPath | None
    share: float = 1.0  # how much of the sentence that field wrote (below 1: the template
    # joined it with other fields or words of its own)


@dataclass(frozen=True)
class LintContext:
    """A brief ready to be linted."""

    brief: Brief
    file: str  # as shown in findings
    doc: YamlDocument
    fields: tuple[tuple[YamlPath, str], ...]
    spoken: tuple[Spoken, ...]
    look: theme.Theme
    theme_path: Path
    platform: platforms.Platform
    length: estimate.LengthEstimate  # the video's predicted length, as `check` shows it
    today: dt.date
    bad_dates: tuple[tuple[YamlPath, str], ...] = ()  # date fields left out: (path, why)

    def line(self, path: YamlPath | None) -> int:
        """The line of a field in the brief (1 when it is not in the file)."""
        return 1 if path is None else self.doc.line_of(path)


def text_fields(brief: Brief) -> tuple[tuple[YamlPath, str], ...]:
    """(path, text) of every field shown or spoken, in the order of the brief format."""
    found: list[tuple[YamlPath, str]] = [(("title",), brief.title)]
    if brief.hook:
        found.append((("hook",), brief.hook))
    found.append((("summary",), brief.summary))
    if brief.audience:
        found.append((("audience",), brief.audience))
    for i, point in enumerate(brief.points):
        found += [(("points", i, "heading"), point.heading), (("points", i, "text"), point.text)]
        if point.figure:
            found += [(("points", i, "figure", "value"), point.figure.value),
                      (("points", i, "figure", "label"), point.figure.label)]
    for i, item in enumerate(brief.faq):
        found += [(("faq", i, "q"), item.q), (("faq", i, "a"), item.a)]
    found += [(("steps", i), step) for i, step in enumerate(brief.steps)]
    for key in ("doc_number", "issuer", "contact", "cta"):
        value = getattr(brief, key)
        if value:
            found.append(((key,), value))
    return tuple(found)


def trace(sentence: str, scene: Scene, fields: tuple[tuple[YamlPath, str], ...]
          ) -> tuple[YamlPath | None, float]:
    """The field sharing the longest run of characters with `sentence`; a field that belongs to
    the sentence's scene (point 2 for `@scene point 2`) wins a tie, and the share of the
    sentence it wrote. None when no field shares at least a third of the sentence (or 6
    characters): the template wrote it."""
    best: tuple[int, int, YamlPath] | None = None
    for path, value in fields:
        text = " ".join(value.split())
        match = difflib.SequenceMatcher(None, sentence, text, autojunk=False).find_longest_match(
            0, len(sentence), 0, len(text))
        own = _belongs(path, scene)
        key = (match.size, own, path)
        if match.size and (best is None or key[:2] > best[:2]):
            best = key
    if best is None or best[0] < min(6, max(1, len(sentence) // 3)):
        return None, 0.0
    return best[2], best[0] / max(1, len(sentence.strip()))


def _belongs(path: YamlPath, scene: Scene) -> int:
    roots = _SCENE_FIELDS.get(scene.card)
    if roots is None:
        return int(scene.card == "title" and path[0] in ("title", "hook", "summary"))
    return int(path[0] in roots and (scene.ref is None or path[1] == scene.ref))


def build_context(path: Path, config: LintConfig, display: str | None = None) -> LintContext:
    """Read, validate and script a brief as `check` does; raise its errors (BriefError, ...).
    `display` is how findings name the file (default: the path as given)."""
    options = pipeline.RenderOptions(tts=config.tts, rate=config.rate, template=config.template,
                                     theme=config.theme, platform=config.platform)
    bad_dates: tuple[tuple[YamlPath, str], ...] = ()
    try:
        prepared = pipeline.prepare(path, options)
    except BriefError:
        # A brief refused only for impossible dates is linted without them: they become
        # findings, and the rest is still checked.
        bad_dates = _bad_dates(path)
        if not bad_dates:
            raise
        try:
            prepared = pipeline.prepare(path, options, without=[p for p, _ in bad_dates])
        except BriefError:
            raise BriefError(_refused(path, options)) from None
    doc = read_yaml(path)  # the same file again, for the line of every field
    fields = text_fields(prepared.brief)
    scenes = prepared.script.scenes
    spoken = tuple(Spoken(s.text, scenes[s.scene], *trace(s.text, scenes[s.scene], fields))
                   for s in prepared.sentences)
    return LintContext(
        brief=prepared.brief, file=display or str(path), doc=doc, fields=fields, spoken=spoken,
        look=prepared.look, theme_path=prepared.theme_path, platform=prepared.platform,
        length=pipeline.estimate_length(prepared, options),
        today=config.today or dt.date.today(), bad_dates=bad_dates)


_DATE_FIELDS: tuple[YamlPath, ...] = (("published",), ("effective", "from"), ("effective", "to"))


def _bad_dates(path: Path) -> tuple[tuple[YamlPath, str], ...]:
    """The date fields whose value is no real date (2023-02-30), or `effective.from` after
    `effective.to`: (path, message) each."""
    try:
        data = read_yaml(path).data
    except (OSError, YamlProblem):
        return ()
    found: list[tuple[YamlPath, str]] = []
    dates: dict[YamlPath, dt.date] = {}
    for where in _DATE_FIELDS:
        value: Any = data
        for key in where:
            value = value.get(key) if isinstance(value, dict) else None
        text = value.strip() if isinstance(value, str) else ""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            dates[where] = value
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                dates[where] = dt.date.fromisoformat(text)
            except ValueError:
                found.append((where, f"{format_path(where)}: {text} is not a real date"))
    start, end = dates.get(("effective", "from")), dates.get(("effective", "to"))
    if start and end and start > end:
        found += [(where, f"effective.from ({start}) is after effective.to ({end})")
                  for where in (("effective", "from"), ("effective", "to"))]
    return tuple(found)


def _refused(path: Path, options: pipeline.RenderOptions) -> list[str]:
    """Every problem `check` reports for the brief (the dates among them)."""
    try:
        pipeline.load(path, options)
    except BriefError as exc:
        return exc.problems
    return []
