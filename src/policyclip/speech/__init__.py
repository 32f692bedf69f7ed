"""Stage 4: sentences -> narration audio. Engines: edge (online), espeak (offline), none."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import InputError
from ..models import Narration, Sentence, Utterance
from .base import EngineUnavailable, SpeechEngine
from .normalize import spoken_text
from .silent import reading_ms

ENGINES = ("auto", "edge", "espeak", "none")


def valid_rate(rate: str) -> bool:
    """True for a speaking rate in edge-tts notation: +0%, -10%, +25%."""
    return re.fullmatch(r"[+-]\d{1,3}%", rate) is not None


def open_engine(name: str, language: str, voice: str | None, rate: str) -> SpeechEngine:
    """Create the engine `name` with the voice for `language` (or the given voice)."""
    if name == "edge":
        from . import edge

        return edge.EdgeEngine(voice or edge.default_voice(language), rate)
    if name == "espeak":
        from . import espeak

        if voice and voice.endswith("Neural"):
            voice = None  # an edge voice name means nothing to espeak
        return espeak.EspeakEngine(voice or espeak.default_voice(language), rate)
    if name == "none":
        from .silent import SilentEngine

        return SilentEngine()
    raise InputError(f"unknown speech engine '{name}'", hint=f"use one of {', '.join(ENGINES)}")


def synthesize(
    sentences: Sequence[Sentence],
    *,
    engine: str,
    language: str,
    voice: str | None,
    rate: str,
    workdir: Path,
    warn: Callable[[str], None],
) -> Narration:
    """Speak every sentence; with `auto`, fall back from edge to espeak to none, with a warning."""
    choices = ["edge", "espeak", "none"] if engine == "auto" else [engine]
    for position, choice in enumerate(choices):
        try:
            speaker = open_engine(choice, language, voice, rate)
            return _speak_all(speaker, sentences, language, workdir)
        except EngineUnavailable as exc:
            if position == len(choices) - 1:
                raise
            warn(f"{exc.message}; using {choices[position + 1]} instead")
    raise AssertionError("unreachable")


def _speak_all(
    speaker: SpeechEngine, sentences: Sequence[Sentence], language: str, workdir: Path
) -> Narration:
    utterances: list[Utterance] = []
    speaks = speaker.name != "none"
    for index, sentence in enumerate(sentences):
        out = workdir / f"speech-{index:04d}.wav"
        text = spoken_text(sentence.text, language) if speaks else sentence.text
        if speaks and not re.search(r"\w", text):
            # Nothing to say (a bare link or emoji): keep the caption up for its reading time.
            utterances.append(Utterance(duration_ms=reading_ms(sentence.text)))
            continue
        duration_ms = speaker.synthesize(text, out)
        utterances.append(Utterance(duration_ms=duration_ms, audio=out if speaks else None))
    return Narration(engine=speaker.name, voice=speaker.voice, utterances=tuple(utterances))


__all__ = ["ENGINES", "EngineUnavailable", "SpeechEngine", "open_engine", "synthesize",
           "valid_rate"]
