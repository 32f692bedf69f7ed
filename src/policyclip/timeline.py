"""Stage 5: script + captions + narration -> Timeline, every time in integer milliseconds."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import (
    TIMELINE_VERSION,
    AudioClip,
    Cue,
    Narration,
    Script,
    Sentence,
    TimedScene,
    Timeline,
    Utterance,
)


@dataclass(frozen=True)
class Pacing:
    """Deliberate pauses, in milliseconds."""

    lead_in_ms: int = 400
    sentence_gap_ms: int = 250
    scene_gap_ms: int = 600
    min_scene_ms: int = 2000
    tail_ms: int = 1200
    ai_label_ms: int = 3000


@dataclass(frozen=True)
class Canvas:
    """Frame size and rate of the output video."""

    width: int = 1080
    height: int = 1920
    fps: int = 30


def build_timeline(
    script: Script,
    sentences: tuple[Sentence, ...],
    narration: Narration,
    *,
    canvas: Canvas = Canvas(),
    pacing: Pacing = Pacing(),
) -> Timeline:
    """Place scenes, sentences and cues one after another; captions follow the speech."""
    scenes: list[TimedScene] = []
    cues: list[Cue] = []
    audio: list[AudioClip] = []
    clock = pacing.lead_in_ms
    for index, scene in enumerate(script.scenes):
        start = 0 if index == 0 else clock
        mine = [(s, u) for s, u in zip(sentences, narration.utterances, strict=True)
                if s.scene == index]
        scene_cues: list[Cue] = []
        for sentence, utterance in mine:
            if utterance.audio is not None:
                audio.append(AudioClip(utterance.audio.name, clock, utterance.duration_ms))
            scene_cues += _spread(sentence, utterance, clock, index)
            clock += utterance.duration_ms + pacing.sentence_gap_ms
        end = max(clock - pacing.sentence_gap_ms + pacing.scene_gap_ms,
                  start + pacing.min_scene_ms)
        if index == len(script.scenes) - 1:
            end += pacing.tail_ms
        scenes.append(TimedScene(index, scene.card, scene.ref, start, end))
        cues += _hold(scene_cues, end)
        clock = end
    label_ms = pacing.ai_label_ms if narration.engine != "none" and narration.synthetic else 0
    return Timeline(
        width=canvas.width, height=canvas.height, fps=canvas.fps, duration_ms=clock,
        scenes=tuple(scenes), cues=tuple(cues), audio=tuple(audio),
        engine=narration.engine, voice=narration.voice, ai_label_ms=min(label_ms, clock),
    )


MIN_CUE_MS = 800


def _spread(sentence: Sentence, utterance: Utterance, start: int, scene: int) -> list[Cue]:
    """Place a sentence's cues where the engine says their words start.

    A one-line cue too short to read joins its neighbour as a two-line cue, so it never flashes;
    the joined cue still starts with its first words.
    """
    offsets = [*utterance.cue_offsets_ms, utterance.duration_ms]
    cues = [
        Cue(start + offsets[i], start + max(offsets[i + 1], offsets[i]), cue.lines, scene)
        for i, cue in enumerate(sentence.cues)
    ]
    merged: list[Cue] = []
    for cue in cues:
        last = merged[-1] if merged else None
        too_short = last is not None and (last.end_ms - last.start_ms < MIN_CUE_MS
                                          or cue.end_ms - cue.start_ms < MIN_CUE_MS)
        if last is not None and too_short and len(last.lines) + len(cue.lines) <= 2:
            merged[-1] = Cue(last.start_ms, cue.end_ms, last.lines + cue.lines, scene)
        else:
            merged.append(cue)
    return merged


def _hold(cues: list[Cue], scene_end: int) -> list[Cue]:
    """Keep each cue up until the next one starts; the last holds briefly into the pause."""
    held = []
    for i, cue in enumerate(cues):
        end = cues[i + 1].start_ms if i + 1 < len(cues) else min(scene_end, cue.end_ms + 400)
        held.append(Cue(cue.start_ms, max(end, cue.end_ms), cue.lines, cue.scene))
    return held


def timeline_to_json(timeline: Timeline) -> str:
    """Serialize a timeline (versioned) as pretty JSON."""
    return json.dumps(asdict(timeline), ensure_ascii=False, indent=2) + "\n"


def timeline_from_json(text: str, source: Path) -> Timeline:
    """Read a timeline written by timeline_to_json; refuse other versions."""
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != TIMELINE_VERSION:
        raise InputError(f"{source}: timeline version {data.get('version')} is not supported")
    return Timeline(
        width=data["width"], height=data["height"], fps=data["fps"],
        duration_ms=data["duration_ms"],
        scenes=tuple(TimedScene(**s) for s in data["scenes"]),
        cues=tuple(Cue(c["start_ms"], c["end_ms"], tuple(c["lines"]), c["scene"])
                   for c in data["cues"]),
        audio=tuple(AudioClip(**a) for a in data["audio"]),
        engine=data["engine"], voice=data["voice"], ai_label_ms=data["ai_label_ms"],
    )
