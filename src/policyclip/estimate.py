"""How long narration will take, predicted from its text without synthesizing any speech.

A sentence's length is a linear reading-speed model of what the engine is asked to say (the
text after number reading and pronunciation fixes): milliseconds per syllable, per pause at a
comma or a full stop, per caption part (espeak speaks each part on its own, with a little
silence around it) and per sentence, then scaled for the speaking rate. The figures and how
they were found are in docs/cli.md ("Estimated length"); `none` is exact, since it times
captions by reading speed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .models import Narration, Sentence, Timeline, Utterance
from .speech.base import proportional_offsets
from .speech.normalize import says_nothing, spoken_parts
from .speech.pronounce import apply
from .speech.silent import reading_ms


@dataclass(frozen=True)
class ReadingSpeed:
    """A linear model of one engine and language family at +0%, in milliseconds."""

    per_syllable: float
    per_comma: float
    per_stop: float
    per_part: float
    per_sentence: float


@dataclass(frozen=True)
class RateCurve:
    """How the speaking rate stretches speech: (rate in percent, length factor) pairs."""

    points: tuple[tuple[int, float], ...]

    def factor(self, rate: str) -> float:
        """The length factor for a rate like +15%, interpolated between measured rates."""
        percent = int(rate.strip().rstrip("%"))
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        if percent <= xs[0]:
            return ys[0]
        if percent >= xs[-1]:
            return ys[-1]
        i = bisect.bisect_right(xs, percent)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 + (y1 - y0) * (percent - x0) / (x1 - x0)


def _inverse(rates: Sequence[int]) -> RateCurve:
    """A rate that is a plain multiplier of speed (edge-tts's prosody rate)."""
    return RateCurve(tuple((r, 100 / (100 + r)) for r in rates))


# Measured on Debian's espeak-ng 1.51 (voices cmn-latn-pinyin and en-us): least squares at +0%
# over the sentences of the bundled examples and three briefs from a new user's tests;
# `python bench/calibrate_speech.py` repeats it. espeak speaks each caption part on its own and
# ends it with a pause (~370 ms after one Mandarin syllable): per_part carries it, where the
# first fit had folded it into per_stop and so ran 4-8% short on sentences of several parts.
_ESPEAK = {
    "zh": ReadingSpeed(per_syllable=258.6, per_comma=199.3, per_stop=98.8, per_part=166.7,
                       per_sentence=0.0),
    "en": ReadingSpeed(per_syllable=184.9, per_comma=427.7, per_stop=180.3, per_part=279.1,
                       per_sentence=0.0),
    # zh-HK briefs are read by the Cantonese voice `yue`, a fifth quicker: fitted on 68
    # sentences of four of the same briefs
    "yue": ReadingSpeed(per_syllable=205.9, per_comma=210.3, per_stop=373.9, per_part=27.4,
                        per_sentence=0.0),
}
# Length at each rate against +0%, the mean of Mandarin and English; espeak-ng's speed is
# clamped to 80-450 words a minute, which policyclip's 175 * (1 + rate) reaches at -54%, +157%.
_ESPEAK_RATES = RateCurve(((-54, 2.23), (-30, 1.49), (-10, 1.124), (0, 1.0), (15, 0.853),
                           (30, 0.738), (60, 0.578), (100, 0.448), (157, 0.376)))
# edge-tts (Azure neural voices) cannot be reached here: these are the published and commonly
# reported figures for its default voices, not a measurement (docs/cli.md says which).
_EDGE = {
    "zh": ReadingSpeed(per_syllable=215.0, per_comma=250.0, per_stop=350.0, per_part=0.0,
                       per_sentence=700.0),
    "en": ReadingSpeed(per_syllable=230.0, per_comma=250.0, per_stop=350.0, per_part=0.0,
                       per_sentence=700.0),
}
_EDGE_RATES = _inverse((-50, -25, 0, 25, 50, 100, 200))

MODELS: dict[str, tuple[dict[str, ReadingSpeed], RateCurve]] = {
    "espeak": (_ESPEAK, _ESPEAK_RATES),
    "edge": (_EDGE, _EDGE_RATES),
}
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
COMMAS = re.compile(r"[，、：；,:;—–]")
STOPS = re.compile(r"[。？！?!…]|\.(?!\d)")


def english_syllables(word: str) -> int:
    """Syllables in an English word, by its vowel groups (a guess good to a few percent)."""
    if word.isupper() and len(word) <= 5:  # an abbreviation is spelled: HMRC, UK
        return sum(3 if ch == "W" else 1 for ch in word)
    low = word.lower()
    groups = len(re.findall(r"[aeiouy]+", low))
    if low.endswith("e") and not low.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(1, groups)


# Syllables of zero .. nineteen.
_SMALL = (2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 2, 2, 2, 2, 3, 2, 2)


def english_number_syllables(number: str) -> int:
    """Syllables of a number read in English: 10,500 is ten thousand five hundred."""
    whole, _, fraction = number.replace(",", "").partition(".")
    count = sum(1 for _ in fraction) + (1 if fraction else 0)  # "point" and each digit
    value = int(whole or "0")
    if value == 0:
        return count + 2
    if 1100 < value < 2100 and len(whole) == 4 and value % 100:  # years: twenty twenty-five
        return count + _below_thousand(value // 100) + _below_thousand(value % 100)
    scale = 0
    while value:
        group = value % 1000
        if group:
            count += _below_thousand(group) + (2 if scale else 0)  # thousand, million
        value //= 1000
        scale += 1
    return count


def _below_thousand(value: int) -> int:
    hundreds, rest = divmod(value, 100)
    count = (1 + 2) if hundreds else 0  # five hundred
    if rest >= 20:
        count += 2 + (_SMALL[rest % 10] if rest % 10 else 0)  # twenty-five
    elif rest:
        count += _SMALL[rest]
    return count


def syllables(text: str, chinese: bool) -> int:
    """Syllables an engine says for `text` (already rewritten for speech)."""
    count = 0 if not chinese else len(HAN.findall(text))
    for token in re.findall(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:'[a-z]+)?", text):
        if token[0].isdigit():
            count += (len(re.sub(r"\D", "", token)) if chinese
                      else english_number_syllables(token))
        else:
            count += english_syllables(token)
    return count


def sentence_ms(shown: Sequence[str], *, engine: str, language: str, rate: str = "+0%",
                pronounce: Mapping[str, str] | None = None) -> int:
    """The predicted length of one sentence given as its caption parts (shown text), spoken by
    `engine` (edge, espeak or none) in `language` at `rate`, with `pronounce` fixes (written ->
    read, see `speech.pronunciation`) applied first."""
    if engine == "none" or says_nothing("".join(shown), language):
        return sum(reading_ms(part) for part in shown)
    chinese = language.lower().startswith("zh")
    if engine not in MODELS:
        raise ValueError(f"no reading-speed model for engine '{engine}'")
    models, curve = MODELS[engine]
    model = models.get(_family(language)) or models["zh" if chinese else "en"]
    said = apply(shown, pronounce, language) if pronounce else list(shown)
    parts = [p for p in spoken_parts(said, language) if p.strip()]
    text = "".join(parts)
    ms = (model.per_syllable * syllables(text, chinese) + model.per_comma * len(COMMAS.findall(
        text)) + model.per_stop * len(STOPS.findall(text)) + model.per_part * len(parts)
        + model.per_sentence)
    return round(ms * curve.factor(rate))


def _family(language: str) -> str:
    """The model a language is read with: yue (Cantonese), zh (Mandarin) or en."""
    lang = language.lower()
    if lang.startswith(("zh-hk", "zh-mo", "yue")):
        return "yue"
    return "zh" if lang.startswith("zh") else "en"


def rate_factor(engine: str, rate: str) -> float:
    """How much longer (above 1) or shorter speech at `rate` is than at +0% for `engine`."""
    return MODELS[engine][1].factor(rate) if engine in MODELS else 1.0


def narration(sentences: Sequence[Sentence], *, engine: str, language: str, rate: str = "+0%",
              voice: str | None = None, pronounce: Mapping[str, str] | None = None
              ) -> Narration:
    """A narration with predicted lengths (and no audio) for every sentence: what the timeline
    is laid out from to estimate a video's length without speaking it."""
    utterances = []
    for sentence in sentences:
        shown = [cue.text for cue in sentence.cues]
        ms = sentence_ms(shown, engine=engine, language=language, rate=rate,
                         pronounce=pronounce)
        utterances.append(Utterance(ms, proportional_offsets(shown, ms)))
    return Narration(engine=engine, voice=voice, utterances=tuple(utterances))


@dataclass(frozen=True)
class SceneLength:
    """How long one scene is predicted to last."""

    name: str  # as the brief names it: title, summary, points[1], faq[0], steps, source
    ms: int


@dataclass(frozen=True)
class LengthEstimate:
    """A video's predicted length, and where it goes."""

    engine: str
    rate: str
    total_ms: int
    speech_ms: int  # the part of it that is speech (the rest is pauses, which rate leaves be)
    scenes: tuple[SceneLength, ...]

    def longest(self, count: int = 3) -> tuple[SceneLength, ...]:
        """The scenes that cost the most, longest first."""
        return tuple(sorted(self.scenes, key=lambda scene: -scene.ms)[:count])

    def at_rate(self, rate: str) -> int:
        """The predicted total length if the narration were spoken at `rate` instead."""
        factor = rate_factor(self.engine, rate) / rate_factor(self.engine, self.rate)
        return round(self.total_ms - self.speech_ms + self.speech_ms * factor)


def measured(timeline: Timeline, rate: str) -> LengthEstimate:
    """A rendered timeline's real length in the estimate's terms, to advise on it."""
    return LengthEstimate(
        engine=timeline.engine, rate=rate, total_ms=timeline.duration_ms,
        speech_ms=sum(clip.duration_ms for clip in timeline.audio),
        scenes=tuple(SceneLength(scene_name(s.card, s.ref), s.end_ms - s.start_ms)
                     for s in timeline.scenes))


def spoken_by(estimate: LengthEstimate) -> str:
    """`with espeak`, `with edge at +10%`, `without speech`."""
    if estimate.engine == "none":
        return "without speech"
    if estimate.engine == "voiceover":
        return "with the recorded voice-over"
    at = "" if int(estimate.rate.rstrip("%")) == 0 else f" at {estimate.rate}"
    return f"with {estimate.engine}{at}"


def describe(estimate: LengthEstimate, favoured_s: int | None, platform: str) -> str:
    """`estimated length 1:16 with espeak (douyin favours at most 1:00)`."""
    line = f"estimated length {clock(estimate.total_ms)} {spoken_by(estimate)}"
    if favoured_s is not None:
        line += f" ({platform} favours at most {clock(favoured_s * 1000)})"
    return line


def scene_name(card: str, ref: int | None) -> str:
    """A scene as the brief names it: points[0], faq[1], or the card (title, steps, source)."""
    plural = {"point": "points"}.get(card, card)
    return card if ref is None else f"{plural}[{ref}]"


def clock(ms: int) -> str:
    """A length as minutes:seconds, rounded to the second: 76_400 -> 1:16."""
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


# The model is unbiased over many briefs, but one brief's real render can run up to ~8% longer
# than its estimate: --max-length and the advised rate keep this share of the limit in hand.
SAFETY_MARGIN = 0.05


def safe_limit(limit_ms: int) -> int:
    """The longest estimate that counts as fitting `limit_ms`, the safety margin taken off."""
    return round(limit_ms * (1 - SAFETY_MARGIN))


# Faster than this an engine's speech stops sounding like an announcer's: advice never goes
# beyond it (espeak-ng at +25% is ~220 words a minute; edge voices start to rush near +25%).
RATE_CAP_PERCENT = 25


def rate_that_fits(estimate: LengthEstimate, limit_ms: int) -> tuple[str, int] | None:
    """The slowest rate, in steps of 5%, up to RATE_CAP_PERCENT, at which the estimate fits
    `limit_ms` with the safety margin, with the length it predicts; None when none does."""
    if estimate.engine not in MODELS:
        return None
    start = int(estimate.rate.rstrip("%"))
    for percent in range(start - start % 5 + 5, RATE_CAP_PERCENT + 1, 5):
        rate = f"{percent:+d}%"
        length = estimate.at_rate(rate)
        if length <= safe_limit(limit_ms):
            return rate, length
    return None


def advice(estimate: LengthEstimate, limit_ms: int) -> str:
    """What would make the video fit `limit_ms`: a faster rate within the cap, else what to
    cut, naming the scenes that cost the most."""
    fits = rate_that_fits(estimate, limit_ms)
    if fits is not None:
        # After a render at +5%, the rate to try is said in full, not as a step on top of it.
        instead = "" if int(estimate.rate.rstrip("%")) == 0 else f" instead of {estimate.rate}"
        return f"speak faster with --rate {fits[0]}{instead} (estimated {clock(fits[1])})"
    over = estimate.total_ms - limit_ms
    costly = ", ".join(f"{scene.name} {round(scene.ms / 1000)} s" for scene in estimate.longest())
    capped = f"{RATE_CAP_PERCENT:+d}%"
    even = (f" (even at --rate {capped} it would run {clock(estimate.at_rate(capped))})"
            if estimate.engine in MODELS and int(estimate.rate.rstrip("%")) < RATE_CAP_PERCENT
            else "")
    return (f"cut about {max(1, round(over / 1000))} s{even}; "
            f"the longest scenes: {costly}")
