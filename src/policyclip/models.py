"""The small model every stage passes on: frozen dataclasses, times in integer milliseconds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

# ---------------------------------------------------------------- brief


@dataclass(frozen=True)
class Figure:
    """A key number shown big on a point's card."""

    value: str
    label: str


@dataclass(frozen=True)
class Point:
    """One point of the policy: a heading on screen, narration, optional figure and picture."""

    heading: str
    text: str
    figure: Figure | None = None
    image: Path | None = None


@dataclass(frozen=True)
class FaqItem:
    """A question and its answer."""

    q: str
    a: str


@dataclass(frozen=True)
class Effective:
    """When the policy applies; either bound may be open."""

    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class RenderDefaults:
    """The brief's own `render:` block; command-line options override it."""

    template: str | None = None
    theme: str | None = None
    platform: str | None = None
    voice: str | None = None
    rate: str | None = None
    music: Path | None = None
    logo: Path | None = None
    voiceover: Path | None = None  # a recorded take (file or folder) instead of synthesis


@dataclass(frozen=True)
class Brief:
    """A validated policy brief (spec/brief-v1.md). Paths are absolute and checked."""

    path: Path
    title: str
    issuer: str
    summary: str
    points: tuple[Point, ...]
    version: int = 1
    doc_number: str | None = None
    published: dt.date | None = None
    effective: Effective | None = None
    source_url: str | None = None
    audience: str | None = None
    language: str = "zh-CN"
    hook: str | None = None
    faq: tuple[FaqItem, ...] = ()
    steps: tuple[str, ...] = ()
    contact: str | None = None
    cta: str | None = None
    glossary: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    pronounce: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    hashtags: tuple[str, ...] = ()
    publisher: str | None = None  # the account that publishes the video (not the issuer)
    render: RenderDefaults = field(default_factory=RenderDefaults)
    warnings: tuple[str, ...] = ()  # `file:line: ...` for what was accepted but changed

    @property
    def stem(self) -> str:
        """The file stem every output is named after."""
        return self.path.stem

    @property
    def is_chinese(self) -> bool:
        """True for zh-* briefs, which get Chinese caption rules and voices."""
        return self.language.lower().startswith("zh")

    def referenced_files(self) -> tuple[Path, ...]:
        """Every file the brief points at, in a stable order."""
        files = [p.image for p in self.points if p.image is not None]
        files += [f for f in (self.render.music, self.render.logo) if f is not None]
        return tuple(files)


# ---------------------------------------------------------------- script

@dataclass(frozen=True)
class Scene:
    """One scene of the script: which card is on screen and what is said over it."""

    card: str
    narration: str
    ref: int | None = None


@dataclass(frozen=True)
class Script:
    """The narration script produced by a template."""

    template: str
    scenes: tuple[Scene, ...]

    def text(self) -> str:
        """The narration as spoken, one paragraph per scene."""
        return "\n\n".join(s.narration for s in self.scenes if s.narration) + "\n"


# ---------------------------------------------------------------- captions


@dataclass(frozen=True)
class CaptionCue:
    """The lines of one caption, and the original words it shows (what is spoken for it)."""

    lines: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Sentence:
    """One unit of speech: synthesized as a whole and shown as one or more caption cues."""

    scene: int
    text: str
    cues: tuple[CaptionCue, ...]


# ---------------------------------------------------------------- speech


@dataclass(frozen=True)
class Utterance:
    """Synthesized audio for one sentence (no file when the engine is `none`).

    `cue_offsets_ms` says when the words of each of the sentence's cues start, measured from the
    start of the audio, so that captions appear when their words are spoken.
    """

    duration_ms: int
    cue_offsets_ms: tuple[int, ...]
    audio: Path | None = None


@dataclass(frozen=True)
class Narration:
    """What the speech stage produced: one utterance per sentence, and which engine made it."""

    engine: str
    voice: str | None
    utterances: tuple[Utterance, ...]
    synthetic: bool = True  # False for a recorded human voice (no AI-content label)


# ---------------------------------------------------------------- timeline

TIMELINE_VERSION = 1


@dataclass(frozen=True)
class TimedScene:
    """A scene placed on the timeline."""

    index: int
    card: str
    ref: int | None
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Cue:
    """A caption on screen from start to end: one or two lines."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    scene: int

    @property
    def text(self) -> str:
        """The cue as one line of text."""
        return "".join(self.lines)


@dataclass(frozen=True)
class AudioClip:
    """A piece of narration placed on the timeline; `path` is relative to the speech folder."""

    path: str
    start_ms: int
    duration_ms: int


@dataclass(frozen=True)
class Timeline:
    """Everything the renderer needs, in milliseconds; saved as `<stem>.timeline.json`."""

    width: int
    height: int
    fps: int
    duration_ms: int
    scenes: tuple[TimedScene, ...]
    cues: tuple[Cue, ...]
    audio: tuple[AudioClip, ...]
    engine: str
    voice: str | None
    ai_label_ms: int = 0
    version: int = TIMELINE_VERSION
