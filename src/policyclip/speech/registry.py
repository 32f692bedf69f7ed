"""One record per speech engine: what `open_engine`, `engine_version`, `doctor` and `auto` read.

Adding an engine means writing its module (a class that follows `base.SpeechEngine`) and one
`EngineSpec` here (or `register(spec)` from elsewhere); shared code never names an engine.
Everything an engine needs beyond the standard library is imported inside the callables, so
reading the registry costs nothing at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..errors import InputError
from .base import SpeechEngine


@dataclass(frozen=True)
class Availability:
    """Whether an engine can speak here now, in the doctor's words."""

    ok: bool
    detail: str
    fix: str | None = None


def _always_available(timeout_s: float) -> Availability:
    return Availability(True, "always available")


@dataclass(frozen=True)
class EngineSpec:
    """What policyclip knows about one speech engine."""

    name: str  # as users type it after --tts
    label: str  # the doctor's name for it
    open: Callable[[str | None, str], SpeechEngine]  # (voice, rate) -> a ready engine
    voices: Mapping[str, str] = field(default_factory=dict)  # language ("zh", "zh-hk") -> voice
    voice_pattern: str | None = None  # a regex every voice name of this engine matches
    version: Callable[[], str] | None = None  # goes into speech cache keys; None: the name
    check: Callable[[float], Availability] = _always_available  # doctor and auto (timeout s)
    synthetic: bool = True  # AI-synthesized speech: the video gets the AIGC labels
    cached: bool = True  # its audio goes through the speech cache
    auto_rank: int | None = None  # order in which `auto` tries it (0 first); None: never
    required: bool = False  # `doctor` fails when it is missing: offline renders need it
    shared_slots: Callable[[], int] | None = None  # requests open at once across processes
    rate_note: str = ""  # what the service tolerates, for people reading this table
    pronounce: Mapping[str, str] = field(default_factory=dict)  # language -> built-in fixes file

    def default_voice(self, language: str) -> str | None:
        """The voice for a brief language: the exact tag, else its first subtag (zh-CN -> zh)."""
        lang = language.lower()
        return self.voices.get(lang) or self.voices.get(lang.split("-")[0])

    def owns_voice(self, voice: str) -> bool:
        """True when `voice` is a voice name of this engine."""
        pattern = self.voice_pattern
        return pattern is not None and re.fullmatch(pattern, voice) is not None


_SPECS: dict[str, EngineSpec] = {}


def register(spec: EngineSpec) -> None:
    """Add an engine (or replace the one of the same name)."""
    _SPECS[spec.name] = spec


def engine_names() -> tuple[str, ...]:
    """Every registered engine, in registration order."""
    return tuple(_SPECS)


def engine_spec(name: str) -> EngineSpec:
    """The record of engine `name`; an unknown name is bad input."""
    if name not in _SPECS:
        raise InputError(f"unknown speech engine '{name}'",
                         hint=f"use one of auto, {', '.join(_SPECS)}")
    return _SPECS[name]


def auto_order() -> tuple[str, ...]:
    """The engines `auto` tries, best first."""
    ranked = sorted((spec.auto_rank, spec.name) for spec in _SPECS.values()
                    if spec.auto_rank is not None)
    return tuple(name for _, name in ranked)


def choose_voice(spec: EngineSpec, voice: str | None, language: str) -> str | None:
    """The voice `spec` speaks with: `voice` unless it names another engine's voice (a brief's
    edge voice means nothing to espeak when `auto` falls back), else the language's default."""
    if voice and (spec.owns_voice(voice) or not any(
            other.owns_voice(voice) for other in _SPECS.values() if other is not spec)):
        return voice
    return spec.default_voice(language)


# --- the built-in engines -------------------------------------------------------------------

def _open_edge(voice: str | None, rate: str) -> SpeechEngine:
    from .edge import EdgeEngine

    assert voice is not None
    return EdgeEngine(voice, rate)


def _edge_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"edge-tts {version('edge-tts')}"
    except PackageNotFoundError:
        return "edge-tts"


def _check_edge(timeout_s: float) -> Availability:
    from .edge import check_available

    return check_available(timeout_s)


def _edge_slots() -> int:
    from .. import slots

    return slots.edge_limit()


def _open_espeak(voice: str | None, rate: str) -> SpeechEngine:
    from .espeak import EspeakEngine

    assert voice is not None
    return EspeakEngine(voice, rate)


def _espeak_version() -> str:
    from .espeak import program_version

    return program_version()


def _check_espeak(timeout_s: float) -> Availability:
    from .espeak import check_available

    return check_available(timeout_s)


def _open_silent(voice: str | None, rate: str) -> SpeechEngine:
    from .silent import SilentEngine

    return SilentEngine()


register(EngineSpec(
    name="edge", label="edge-tts service (online speech)", open=_open_edge,
    voices={"zh": "zh-CN-XiaoxiaoNeural", "zh-tw": "zh-TW-HsiaoChenNeural",
            "zh-hk": "zh-HK-HiuMaanNeural", "en": "en-US-AriaNeural",
            "en-gb": "en-GB-SoniaNeural"},
    voice_pattern=r"[a-z]{2,3}-[A-Za-z]{2,4}(-[A-Za-z]+)?-\w+Neural", version=_edge_version,
    check=_check_edge, auto_rank=0, shared_slots=_edge_slots,
    rate_note="throttles bursts: one request per engine, $POLICYCLIP_EDGE_CONCURRENCY "
              "(default 2) across all processes of a user"))
register(EngineSpec(
    name="espeak", label="espeak-ng (offline speech)", open=_open_espeak,
    # Debian's espeak-ng 1.51 `cmn` reads digits and Latin in English; `cmn-latn-pinyin`
    # reads Mandarin.
    voices={"zh": "cmn-latn-pinyin", "zh-hk": "yue", "en": "en-us", "en-gb": "en-gb"},
    voice_pattern=r"(?!.*Neural$)[\w.+-]+", version=_espeak_version, check=_check_espeak,
    auto_rank=1, required=True, rate_note="local: one process a core",
    pronounce={"zh": "espeak.zh.yaml"}))
register(EngineSpec(
    name="none", label="none (captions only)", open=_open_silent, synthetic=False,
    cached=False, auto_rank=2, rate_note="no speech: sentences last their reading time"))
