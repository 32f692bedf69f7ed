"""Themes: YAML data (colours, background, fonts, sizes), validated like briefs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from . import files
from .errors import ThemeError
from .resources import builtin_dir, find_font
from .validation import explain_errors, format_problems
from .yamlfile import YamlProblem, format_path, load_yaml_file, read_yaml

DEFAULT_THEME = "default"
MIN_CAPTION_CONTRAST = 4.5  # WCAG AA for text; every text the painter draws must reach it
# Every (text colour, colour it is drawn on, who needs it) pair the frames are painted with.
CONTRAST_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("caption_text", "caption_box", "captions need"),
    ("text", "card", "the title, headings, questions and steps on the cards need"),
    ("muted", "card", "point text, answers and the source details on the cards need"),
    ("accent", "card", "point numbers, figures and the call to action on the cards need"),
    ("on_accent", "accent", "the issuer tag and the numbered badges need"),
)


def _labels(value: dict[str, str]) -> dict[str, str]:
    if not value:
        raise ValueError("needs the label's text for zh and/or en (e.g. zh: 本视频含AI合成语音); "
                         "it is drawn at the start of every video with a synthesized voice")
    blank = [key for key, text in value.items() if not text.strip()]
    if blank:
        raise ValueError(f"'{blank[0]}' is empty; write the label's text "
                         "(e.g. 本视频含AI合成语音) or leave the key out")
    return {key: text.strip() for key, text in value.items()}


def _publisher(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty; leave the key out if there is no publisher")
    return value.strip()


def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise ValueError(f"expected a colour like #1A2B3C, got '{value}'")
    return value.upper()


Colour = Annotated[str, AfterValidator(_colour)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Background(_Strict):
    """A vertical gradient from `top` to `bottom` (equal colours give a flat background)."""

    top: Colour
    bottom: Colour


class Colours(_Strict):
    """The palette."""

    text: Colour
    muted: Colour
    accent: Colour
    on_accent: Colour
    card: Colour
    caption_text: Colour
    caption_box: Colour


class FontChoice(_Strict):
    """A font file (name searched in the system's font folders, or a path) and its face."""

    file: str
    index: int = Field(default=0, ge=0)


class Fonts(_Strict):
    """Fonts tried in order until one is installed."""

    bold: list[FontChoice] = Field(min_length=1)
    regular: list[FontChoice] = Field(min_length=1)


class Sizes(_Strict):
    """Text sizes in pixels at 1080x1920."""

    title: int = Field(ge=20, le=200)
    heading: int = Field(ge=20, le=160)
    body: int = Field(ge=20, le=120)
    figure: int = Field(ge=40, le=400)
    caption: int = Field(ge=30, le=100)
    label: int = Field(ge=54, le=120)


class PictureStyle(_Strict):
    """How a point's picture fills its area: contained whole, over a fill, maybe zooming."""

    fill: Literal["blur", "color"] = "blur"
    color: Colour | None = None  # the fill colour; default: a shade of the card colour
    zoom: float = Field(default=0.0, ge=0.0, le=0.2)  # 0.05: 5 % closer by the scene's end


class LogoStyle(_Strict):
    """Where `render.logo` goes: in the band above the card, never near the buttons."""

    position: Literal["top-left", "top-center", "top-right"] = "top-right"
    max_width: int = Field(default=220, ge=40, le=320)  # pixels on a 1080x1920 frame
    max_height: int = Field(default=90, ge=20, le=96)


class SoundStyle(_Strict):
    """How background music sits under the narration."""

    music_level: float = Field(default=-10.0, ge=-30.0, le=0.0)  # LU against the voice
    duck: float = Field(default=12.0, ge=0.0, le=40.0)  # dB the music drops under speech
    fade_in_ms: int = Field(default=1500, ge=0, le=10_000)
    fade_out_ms: int = Field(default=2500, ge=0, le=10_000)


class CaptionStyle(_Strict):
    """Caption text rules that are a matter of house style."""

    # Trailing punctuation dropped from Chinese caption lines; "" keeps everything.
    drop_end: str = "。，、；：,;:．"


class PacingStyle(_Strict):
    """Deliberate pauses, in milliseconds."""

    lead_in_ms: int = Field(default=400, ge=0, le=5000)
    sentence_gap_ms: int = Field(default=250, ge=0, le=3000)
    scene_gap_ms: int = Field(default=600, ge=0, le=5000)
    tail_ms: int = Field(default=1200, ge=0, le=10000)


Easing = Literal["linear", "ease-out", "ease-in", "ease-in-out"]


class CardMotion(_Strict):
    """How a scene's card enters."""

    effect: Literal["slide-up", "fade", "none"] | None = None
    ms: int | None = Field(default=None, ge=0, le=2000)
    easing: Easing | None = None


class SceneMotion(_Strict):
    """How the previous scene's card leaves."""

    effect: Literal["cut", "crossfade", "slide"] | None = None
    ms: int | None = Field(default=None, ge=0, le=2000)
    easing: Easing | None = None


class CaptionMotion(_Strict):
    """How a new caption appears."""

    effect: Literal["pop", "fade", "none"] | None = None
    ms: int | None = Field(default=None, ge=0, le=1000)
    easing: Easing | None = None


class FigureMotion(_Strict):
    """How a point's key figure appears."""

    effect: Literal["count-up", "none"] | None = None
    ms: int | None = Field(default=None, ge=0, le=3000)
    easing: Easing | None = None


class MotionStyle(_Strict):
    """The `motion:` block: a preset and, optionally, effects that differ from it."""

    preset: Literal["none", "subtle", "lively"] = "subtle"
    card: CardMotion | None = None
    scene: SceneMotion | None = None
    caption: CaptionMotion | None = None
    figure: FigureMotion | None = None
    steps: Literal["highlight", "none"] | None = None
    faq: Literal["reveal", "none"] | None = None
    progress: Literal["bar", "none"] | None = None

    def overrides(self) -> dict[str, dict[str, object] | str]:
        """The keys the theme sets itself, on top of its preset."""
        found: dict[str, dict[str, object] | str] = {}
        for name in ("card", "scene", "caption", "figure"):
            block = getattr(self, name)
            if block is not None:
                found[name] = block.model_dump(exclude_none=True)
        for name in ("steps", "faq", "progress"):
            if getattr(self, name) is not None:
                found[name] = getattr(self, name)
        return found


class Theme(_Strict):
    """A validated theme."""

    name: str
    background: Background
    colors: Colours
    fonts: Fonts
    sizes: Sizes
    caption_box_opacity: float = Field(ge=0.5, le=1.0)
    ai_label: Annotated[dict[str, str], AfterValidator(_labels)]
    picture: PictureStyle = PictureStyle()
    title_image: Literal["none", "card"] = "none"  # the brief's first picture on the title
    logo: LogoStyle = LogoStyle()
    sound: SoundStyle = SoundStyle()
    captions: CaptionStyle = CaptionStyle()
    pacing: PacingStyle = PacingStyle()
    motion: MotionStyle = MotionStyle()
    # The publishing account, for a team whose theme is its house style; a brief's own wins.
    publisher: Annotated[str, AfterValidator(_publisher)] | None = None

    def label_text(self, chinese: bool) -> str:
        """The AI label drawn on a Chinese (or other) brief's video: its language's, else the
        first one the theme gives."""
        return self.ai_label.get("zh" if chinese else "en") or next(iter(self.ai_label.values()))


_MODELS: dict[str, type[BaseModel]] = {
    "": Theme, "background": Background, "colors": Colours, "sizes": Sizes, "fonts": Fonts,
    "bold": FontChoice, "regular": FontChoice, "picture": PictureStyle, "logo": LogoStyle,
    "sound": SoundStyle, "captions": CaptionStyle, "pacing": PacingStyle,
    "motion": MotionStyle, "card": CardMotion, "scene": SceneMotion, "caption": CaptionMotion,
    "figure": FigureMotion}
_FIELDS = {name: list(model.model_fields) for name, model in _MODELS.items()}


@dataclass(frozen=True)
class FontFace:
    """A resolved font: the file and the face index inside it."""

    path: Path
    index: int


def theme_dirs(brief_dir: Path | None) -> list[Path]:
    """Folders searched for themes by name: next to the brief, the working dir, built-ins."""
    dirs = [brief_dir / "themes"] if brief_dir else []
    return [d for d in (*dirs, Path.cwd() / "themes", builtin_dir("templates") / "themes")
            if d.is_dir()]


def list_themes() -> list[tuple[str, Path]]:
    """Every theme name reachable by --theme, the first folder that has it winning."""
    found: dict[str, Path] = {}
    for folder in theme_dirs(None):
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return sorted(found.items())


def copy_theme(name: str, dest: Path, *, overwrite: bool = False) -> Path:
    """Copy theme `name` into folder `dest`; return the new file."""
    source = find_theme(name, None)
    return files.copy_into([source], dest, overwrite=overwrite, error=ThemeError)[0]


def builtin_themes() -> list[str]:
    """Names of the built-in themes."""
    return sorted(p.stem for p in (builtin_dir("templates") / "themes").glob("*.yaml"))


def find_theme(name_or_path: str | None, brief_dir: Path | None) -> Path:
    """Resolve a theme name (default, gov-red) or a path to a .yaml file."""
    name_or_path = name_or_path or DEFAULT_THEME
    given = Path(name_or_path)
    if given.suffix in (".yaml", ".yml") or len(given.parts) > 1:
        bases = [brief_dir] if brief_dir and not given.is_absolute() else []
        for candidate in [*(b / given for b in bases), given]:
            if candidate.is_file():
                return candidate
        raise ThemeError(f"theme file not found: {name_or_path}")
    for folder in theme_dirs(brief_dir):
        if (folder / f"{name_or_path}.yaml").is_file():
            return folder / f"{name_or_path}.yaml"
    raise ThemeError(f"no theme named '{name_or_path}'",
                     hint=f"built-in themes: {', '.join(builtin_themes())}")


def read_theme_text(path: Path) -> str:
    """A theme file's text, or a ThemeError saying why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ThemeError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ThemeError(f"{path}: not UTF-8 text", hint="save the file as UTF-8") from None


def load_theme(path: Path) -> Theme:
    """Read and validate a theme file (see find_theme)."""
    doc = load_yaml_file(path, ThemeError, path.name)
    problems = [(line, message) for _, line, message in doc.problems]
    skip = {p for p, _, _ in doc.problems}
    for where, comment in doc.commented.items():
        # `text: #14213D`: YAML saw an empty value and a comment.
        skip.add(where)
        kind = "colour" if re.fullmatch(r"#[0-9A-Fa-f]{3,8}", comment) else "value"
        problems.append((doc.line_of(where), f"{format_path(where)}: is empty because '#' "
                         f"starts a comment in YAML; put the {kind} in quotes: "
                         f'{where[-1]}: "{comment}"'))
    theme = None
    try:
        theme = Theme.model_validate(doc.data)
    except ValidationError as exc:
        problems += explain_errors(exc, doc, _FIELDS, skip)
    if problems or theme is None:
        raise ThemeError("\n".join(format_problems(path.name, problems)))
    low = []
    for text_key, back_key, needs in CONTRAST_PAIRS:
        text, back = getattr(theme.colors, text_key), getattr(theme.colors, back_key)
        ratio = contrast_ratio(text, back)
        if ratio < MIN_CAPTION_CONTRAST:
            fixed = passing_colour(text, back)
            low.append((doc.line_of(("colors", text_key)),
                        f"colors.{text_key} on colors.{back_key} has contrast {ratio:.2f}:1; "
                        f"{needs} at least {MIN_CAPTION_CONTRAST}:1",
                        f'{text_key}: "{fixed}" ({contrast_ratio(fixed, back):.2f}:1 on {back})'))
    if low:
        low.sort(key=lambda item: item[0])
        fixes = [fix for _, _, fix in low]
        hint = (f"the nearest colour that passes is {fixes[0]}" if len(fixes) == 1 else
                f"the nearest colours that pass are {'; '.join(fixes)}")
        raise ThemeError("\n".join(f"{path.name}:{line}: {message}" for line, message, _ in low),
                         hint=hint)
    return theme


def theme_warnings(path: Path, theme: Theme) -> list[str]:
    """What is odd but not wrong in a loaded theme, as `file:line: message` lines."""
    if theme.name == path.stem:
        return []
    line = _line_of(path, ("name",))
    return [f"{path.name}:{line}: name: '{theme.name}' differs from the file name '{path.stem}' "
            f"(--theme {path.stem} finds it, the metadata calls it {theme.name}); "
            f"set name: {path.stem}"]


def check_fonts(path: Path, theme: Theme) -> tuple[FontFace, FontFace]:
    """The theme's bold and regular fonts, each found and opened, or a ThemeError that names the
    theme file and line: run before any speech, so a missing font costs no waiting."""
    from PIL import ImageFont

    faces = []
    for kind, choices in (("bold", theme.fonts.bold), ("regular", theme.fonts.regular)):
        where = f"{path.name}:{_line_of(path, ('fonts', kind))}: fonts.{kind}"
        try:
            face = resolve_font(choices)
        except ThemeError as exc:
            raise ThemeError(f"{where}: {exc.message}", exc.hint) from None
        try:
            ImageFont.truetype(str(face.path), size=20, index=face.index)
        except OSError as exc:
            raise ThemeError(f"{where}: cannot load {face.path} (face {face.index}): {exc}",
                             hint="a .ttc collection numbers its faces from 0; check `index`"
                             ) from None
        faces.append(face)
    return faces[0], faces[1]


def _line_of(path: Path, where: tuple[str, ...]) -> int:
    """The line of a key in a theme file that has already loaded (read again: errors are rare)."""
    try:
        return read_yaml(path).line_of(where)
    except (YamlProblem, OSError):
        return 1


def resolve_font(choices: list[FontChoice]) -> FontFace:
    """The first installed font of `choices`."""
    for choice in choices:
        found = find_font(choice.file)
        if found is not None:
            return FontFace(found, choice.index)
    names = ", ".join(c.file for c in choices)
    raise ThemeError(
        f"none of the theme's fonts is installed ({names})",
        hint="Debian/Ubuntu: apt-get install fonts-noto-cjk; macOS: brew install --cask "
        "font-noto-sans-cjk-sc; or set POLICYCLIP_FONT_DIR to a folder with one of them",
    )


def passing_colour(colour: str, background: str, target: float = MIN_CAPTION_CONTRAST) -> str:
    """The colour nearest to `colour` (mixed towards white or towards black, keeping its hue)
    whose contrast on `background` reaches `target`."""
    start = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    best: tuple[float, str] | None = None
    for end in (255, 0):
        for step in range(4097):  # the smallest mix that passes; every rounded shade is tried
            mixed = [round(c + (end - c) * step / 4096) for c in start]
            candidate = "#" + "".join(f"{c:02X}" for c in mixed)
            if contrast_ratio(candidate, background) >= target:
                distance = sum((a - b) ** 2 for a, b in zip(start, mixed, strict=True))
                if best is None or distance < best[0]:
                    best = (distance, candidate)
                break
    # Black or white always reaches 4.5:1 on some side; the loop above always finds one.
    assert best is not None
    return best[1]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
