"""Stage 3: Script -> sentences with caption cues (lines decided, times not yet known)."""

from __future__ import annotations

from collections.abc import Iterable

from .linebreak import LineRules, caption_chunks, split_sentences
from .models import CaptionCue, Script, Sentence


def plan_captions(
    script: Script, rules: LineRules, glossary: Iterable[str] = ()
) -> tuple[Sentence, ...]:
    """Split every scene's narration into sentences, and each sentence into caption cues."""
    terms = tuple(glossary)
    sentences: list[Sentence] = []
    for index, scene in enumerate(script.scenes):
        for text in split_sentences(scene.narration):
            chunks = caption_chunks(text, rules, terms)
            cues = tuple(CaptionCue(lines, raw) for lines, raw in chunks)
            if cues:
                sentences.append(Sentence(scene=index, text=text, cues=cues))
    return tuple(sentences)
