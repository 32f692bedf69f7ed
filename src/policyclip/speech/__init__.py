"""Stage 4: sentences -> narration audio. Engines: edge (online), espeak (offline), none."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import InputError
from ..models import Narration, Sentence, Utterance
from .base import EngineUnavailable, SpeechEngine
from .normalize import spoken_text
from .silent import SilentEngine

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
    chinese = language.lower().startswith("zh")
    for index, sentence in enumerate(sentences):
        out = workdir / f"speech-{index:04d}.wav"
        parts = [cue.text for cue in sentence.cues]
        if speaks:
            parts = [spoken_text(part, language) for part in parts]
            if not chinese:  # cues of an English sentence are separate words
                parts = [part + " " for part in parts[:-1]] + parts[-1:]
        if speaks and not re.search(r"\w", "".join(parts)):
            # Nothing to say (a bare link or emoji): keep the caption up for its reading time.
            silent = SilentEngine().synthesize([c.text for c in sentence.cues], out)
            utterances.append(Utterance(silent.duration_ms, silent.part_offsets_ms))
            continue
        spoken = speaker.synthesize(parts, out)
        utterances.append(Utterance(spoken.duration_ms, spoken.part_offsets_ms,
                                    audio=out if speaks else None))
    return Narration(engine=speaker.name, voice=speaker.voice, utterances=tuple(utterances))


__all__ = ["ENGINES", "EngineUnavailable", "SpeechEngine", "open_engine", "synthesize",
           "valid_rate"]
