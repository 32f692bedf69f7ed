"""Timeline: scenes and cues placed in integer milliseconds, captions following the speech."""

from __future__ import annotations

from pathlib import Path

from policyclip.models import CaptionCue, Narration, Scene, Script, Sentence, Utterance
from policyclip.timeline import MIN_CUE_MS, Pacing, build_timeline

PACING = Pacing()


def _script() -> Script:
    return Script("t.j2", (Scene("title", "甲。乙。"), Scene("point", "丙。", 0)))


def _sentences() -> tuple[Sentence, ...]:
    return (
        Sentence(0, "甲。", (CaptionCue(("第一行",), "第一行，"),
                            CaptionCue(("第二行",), "第二行。"))),
        Sentence(0, "乙。", (CaptionCue(("第三行",), "第三行。"),)),
        Sentence(1, "丙。", (CaptionCue(("第四行",), "第四行。"),)),
    )


def _narration(*utterances: Utterance) -> Narration:
    return Narration("espeak", "cmn-latn-pinyin", utterances)


def test_cues_start_when_their_words_do() -> None:
    narration = _narration(
        Utterance(3000, (0, 1800), Path("speech-0000.wav")),
        Utterance(1500, (0,), Path("speech-0001.wav")),
        Utterance(1200, (0,), Path("speech-0002.wav")),
    )
    timeline = build_timeline(_script(), _sentences(), narration)
    lead, gap = PACING.lead_in_ms, PACING.sentence_gap_ms
    starts = [c.start_ms for c in timeline.cues]
    second_sentence = lead + 3000 + gap
    assert starts[:3] == [lead, lead + 1800, second_sentence]
    assert [a.start_ms for a in timeline.audio][:2] == [lead, second_sentence]
    # Each cue stays up until the next one starts; no overlaps, no gaps inside a scene.
    for cue, after in zip(timeline.cues, timeline.cues[1:], strict=False):
        if cue.scene == after.scene:
            assert cue.end_ms == after.start_ms
    scene_two = timeline.scenes[1]
    assert scene_two.start_ms == second_sentence + 1500 + PACING.scene_gap_ms
    assert timeline.cues[-1].start_ms == scene_two.start_ms
    assert timeline.duration_ms == scene_two.end_ms
    assert all(isinstance(v, int) for c in timeline.cues for v in (c.start_ms, c.end_ms))


def test_a_cue_too_short_to_read_joins_its_neighbour() -> None:
    narration = _narration(
        Utterance(1400, (0, 1000), Path("a.wav")),  # second cue would last 400 ms
        Utterance(1500, (0,), Path("b.wav")),
        Utterance(1200, (0,), Path("c.wav")),
    )
    timeline = build_timeline(_script(), _sentences(), narration)
    first = timeline.cues[0]
    assert first.lines == ("第一行", "第二行")
    assert first.start_ms == PACING.lead_in_ms
    assert all(c.end_ms - c.start_ms >= MIN_CUE_MS for c in timeline.cues)


def test_no_speech_means_no_ai_label() -> None:
    narration = Narration("none", None, (Utterance(2000, (0, 1000)), Utterance(1200, (0,)),
                                         Utterance(1200, (0,))))
    timeline = build_timeline(_script(), _sentences(), narration)
    assert timeline.ai_label_ms == 0 and timeline.audio == ()
