"""Stage 4: sentences -> narration audio. Engines: edge (online), espeak (offline), none."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import slots
from ..cache import CachedSpeech, SpeechCache, speech_key
from ..models import Narration, Sentence, Utterance
from . import pronounce, registry
from .base import EngineUnavailable, SpeechEngine
from .normalize import reads_numerals, says_nothing, spoken_parts
from .silent import SilentEngine

ENGINES = ("auto", *registry.engine_names())
AUTO_ORDER = registry.auto_order()  # what `auto` tries, best first


def valid_rate(rate: str) -> bool:
    """True for a speaking rate in edge-tts notation: +0%, -10%, +25%."""
    return re.fullmatch(r"[+-]\d{1,3}%", rate) is not None


def open_engine(name: str, language: str, voice: str | None, rate: str) -> SpeechEngine:
    """Create the engine `name` with the given voice, or its voice for `language`."""
    spec = registry.engine_spec(name)
    return spec.open(registry.choose_voice(spec, voice, language), rate)


def is_synthetic(name: str) -> bool:
    """True when engine `name` makes AI-synthesized speech (the video is labelled as such)."""
    return name in registry.engine_names() and registry.engine_spec(name).synthetic


def pronunciation(engine: str, language: str, given: Mapping[str, str] | None = None
                  ) -> dict[str, str]:
    """The pronunciation fixes `engine` applies for `language`: its built-in list (if it
    has one), overridden by the `given` entries (a team's file and the brief's map)."""
    spec = registry.engine_spec(engine)
    lang = language.lower()
    name = spec.pronounce.get(lang) or spec.pronounce.get(lang.split("-")[0])
    builtin = pronounce.read_file(pronounce.builtin_file(name)) if name else {}
    return pronounce.merged(builtin, given or {})


def synthesize(
    sentences: Sequence[Sentence],
    *,
    engine: str,
    language: str,
    voice: str | None,
    rate: str,
    workdir: Path,
    warn: Callable[[str], None],
    cache: SpeechCache | None = None,
    pronounce_map: Mapping[str, str] | None = None,
) -> Narration:
    """Speak every sentence; with `auto`, fall back from edge to espeak to none, with a warning.

    With a `cache`, a sentence already synthesized with the same engine, engine version, voice,
    rate, language, shown text and reading rules is copied from it instead of synthesized
    again. `pronounce_map` (written -> read) is applied on top of each engine's built-in fixes;
    captions keep the written text.
    """
    cache = cache if cache is not None else SpeechCache(None)
    choices = list(AUTO_ORDER) if engine == "auto" else [engine]
    for position, choice in enumerate(choices):
        try:
            speaker = open_engine(choice, language, voice, rate)
            cached = _Cached(speaker, language, rate, cache, warn,
                             pronunciation(speaker.name, language, pronounce_map))
            return _speak_all(cached, sentences, workdir)
        except EngineUnavailable as exc:
            if position == len(choices) - 1:
                raise
            warn(f"{exc.message}; using {choices[position + 1]} instead")
    raise AssertionError("unreachable")


@functools.cache
def best_auto_engine(timeout_s: float = 3.0) -> str:
    """The engine `auto` would start with now: the first in `AUTO_ORDER` whose availability
    check passes (edge when its service lists its voices, else espeak when installed, else
    none). Asked once per process."""
    for name in AUTO_ORDER:
        if registry.engine_spec(name).check(timeout_s).ok:
            return name
    return AUTO_ORDER[-1]


def engine_version(name: str) -> str:
    """The version of engine `name` that goes into speech cache keys."""
    version = registry.engine_spec(name).version
    return version() if version else name


@functools.cache
def reading_version() -> str:
    """What decides how shown text is read aloud: the rules in normalize.py, how numerals.py
    asks cn2an, and cn2an's version. Speech cache keys hold it beside the shown text, so a
    cache hit needs no rewriting (importing cn2an alone takes 0.2-0.3 s, a quarter of a warm
    `policyclip frame`)."""
    from importlib.metadata import version
    from importlib.resources import files

    try:
        rules = files(__package__).joinpath("normalize.py").read_bytes() + \
            files("policyclip").joinpath("numerals.py").read_bytes()
    except OSError:  # installed without sources: the release names the rules
        from .. import __version__

        rules = __version__.encode()
    return f"{hashlib.sha256(rules).hexdigest()[:16]} cn2an {version('cn2an')}"


def _silent(shown: Sequence[str], out: Path) -> Utterance:
    held = SilentEngine().synthesize(shown, out)
    return Utterance(held.duration_ms, held.part_offsets_ms)


@dataclass(frozen=True)
class Reading:
    """How a phrase will be read: the text after each rewriting step, and the audio's length."""

    written: str
    fixes: tuple[tuple[str, str], ...]  # (written, read) entries that changed something
    pronounced: str  # after the pronunciation fixes
    spoken: str  # after numbers and symbols are written out: what the engine is given
    engine: str
    voice: str | None
    phonemes: str | None  # what the engine will say, when it can tell (espeak -x)
    duration_ms: int | None  # None when no audio was made


def say(text: str, *, engine: str, language: str, voice: str | None, rate: str,
        pronounce_map: Mapping[str, str] | None = None, out: Path | None = None) -> Reading:
    """Read one phrase as a render would (pronunciation fixes, then number reading), and speak
    it into `out` (WAV) when given; `auto` is the engine a render would start with now."""
    speaker = open_engine(best_auto_engine() if engine == "auto" else engine, language, voice,
                          rate)
    fixes = pronunciation(speaker.name, language, pronounce_map)
    pronounced = "".join(pronounce.apply([text], fixes, language))
    used = tuple((w, r) for w, r in fixes.items()
                 if w in text and "".join(pronounce.apply([text], {w: r}, language)) != text)
    spoken = "".join(spoken_parts([pronounced], language))
    reader = getattr(speaker, "phonemes", None)
    phonemes = reader(spoken) if callable(reader) else None
    duration = None
    if out is not None and not says_nothing(text, language):
        speaker.ready()
        duration = speaker.synthesize([spoken], out).duration_ms
    return Reading(text, used, pronounced, spoken, speaker.name, speaker.voice,
                   phonemes if isinstance(phonemes, str) else None, duration)


def _uncached(speaker: SpeechEngine, shown: Sequence[str], out: Path) -> Utterance:
    spoken = speaker.synthesize(shown, out)
    return Utterance(spoken.duration_ms, spoken.part_offsets_ms,
                     audio=out if out.is_file() else None)


class _Cached:
    """An engine seen through the speech cache; requests of an engine with shared slots (edge)
    also wait for one."""

    def __init__(self, speaker: SpeechEngine, language: str, rate: str, cache: SpeechCache,
                 warn: Callable[[str], None], fixes: Mapping[str, str] | None = None) -> None:
        self.speaker = speaker
        self.name = speaker.name
        self.spec = registry.engine_spec(speaker.name)
        self.fixes = dict(fixes or {})
        self.voice = speaker.voice
        self.language = language
        self.rate = rate
        self.cache = cache
        self.warn = warn
        # Sentences are spoken in threads: this guards the shared cache (its counts, its
        # problem flag) and the one warning about it.
        self.lock = threading.Lock()

    def utterance(self, shown: Sequence[str], out: Path) -> Utterance:
        """One sentence, given as its caption parts: from the cache when it holds it, else
        spoken into `out`; held silent for its reading time when there is nothing to say."""
        if says_nothing("".join(shown), self.language):
            # Nothing to say (emoji, a bare link): keep the caption up for its reading time.
            return _silent(shown, out)
        if not self.spec.cached:
            return _uncached(self.speaker, shown, out)
        said = pronounce.apply(shown, self.fixes, self.language)
        version = engine_version(self.name)
        key = speech_key(engine=self.name, engine_version=version, voice=self.voice,
                         rate=self.rate, language=self.language, reading=reading_version(),
                         parts=shown, pronounced=said)
        with self.lock:
            hit = self.cache.load(key, out)
        if hit is not None:
            return Utterance(hit.duration_ms, hit.part_offsets_ms, audio=out)
        self.speaker.ready()  # an unreachable service fails before any text is rewritten
        parts = spoken_parts(said, self.language)
        shared = self.spec.shared_slots
        limit = (slots.slot(self.name, shared()) if shared else contextlib.nullcontext())
        with limit:
            spoken = self.speaker.synthesize(parts, out)
        with self.lock:
            self.cache.synthesized += 1
            was_enabled = self.cache.enabled
            self.cache.store(key, out, CachedSpeech(spoken.duration_ms, spoken.part_offsets_ms),
                             {"engine": self.name, "engine_version": version,
                              "voice": self.voice, "rate": self.rate, "text": "".join(parts)})
            if was_enabled and not self.cache.enabled:
                self.warn(f"speech cache {self.cache.root} cannot be written "
                          f"({self.cache.problem}); rendering without it")
        return Utterance(spoken.duration_ms, spoken.part_offsets_ms, audio=out)


def _speak_all(cached: _Cached, sentences: Sequence[Sentence], workdir: Path) -> Narration:
    def one(index: int) -> Utterance:
        return cached.utterance([cue.text for cue in sentences[index].cues],
                                workdir / f"speech-{index:04d}.wav")

    # Reading a numeral loads cn2an, which takes 0.2 s: the first sentence with one is started
    # first, and while it loads, the other threads speak the sentences without one.
    numbered = [index for index, sentence in enumerate(sentences)
                if reads_numerals(sentence.text, cached.language)]
    order = numbered[:1] + [index for index in range(len(sentences)) if index not in numbered] \
        + numbered[1:]
    with ThreadPoolExecutor(max_workers=max(1, cached.speaker.concurrency)) as pool:
        started = {index: pool.submit(one, index) for index in order}
        try:
            utterances = [started[index].result() for index in range(len(sentences))]
        except BaseException:
            # The first failing sentence (in reading order) is the error; those not yet
            # started are not started.
            for future in started.values():
                future.cancel()
            raise
    return Narration(engine=cached.name, voice=cached.voice, utterances=tuple(utterances))


__all__ = ["AUTO_ORDER", "ENGINES", "EngineUnavailable", "SpeechEngine", "best_auto_engine",
           "engine_version", "is_synthetic", "open_engine", "pronunciation", "reading_version",
           "registry", "say", "spoken_parts", "synthesize", "valid_rate"]
