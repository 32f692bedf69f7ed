"""A recorded voice-over instead of a speech engine: one person reading the script.

A take is one audio file of the whole script, or a folder of one file per sentence named by
its number on the recording sheet (`001.wav`, `1.m4a`). A whole take is cut into sentences at
its pauses: speech and silence are told apart on an energy envelope whose threshold follows
the take's own noise floor; every pause long enough is a candidate cut; dynamic programming
then picks the N-1 cuts that best fit each sentence's expected share of the take (its spoken
characters weighted as reading speed has them) and prefer long pauses, so a comma read as a
pause or an uneven gap between sentences does not move a caption. A take whose pieces do not
fit is refused, naming the first sentence that could not be matched.

Each sentence becomes one clip (high-passed, from just before its first word to just after
its last) and an `Utterance`, exactly as a speech engine's sentence would: the timeline, the
mix, the loudness target and the music ducking treat it the same way.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import media
from ..errors import InputError
from ..models import Narration, Sentence, Utterance

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

ENGINE = "voiceover"  # the speech "engine" a recorded take stands in for
VOICE = "recorded"
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".flac", ".ogg", ".aac", ".opus")
HIGH_PASS = "highpass=f=70:poles=2"  # gentle (12 dB/octave): rumble and handling noise go

FRAME_MS = 10  # the energy envelope's resolution
MIN_PAUSE_MS = 140  # a quieter stretch shorter than this is part of the speech
MIN_SPEECH_MS = 60  # a louder blip shorter than this (a click, a breath) is not speech
PRE_ROLL_MS = 120  # a clip starts this long before its first word (room tone, faded in)
POST_ROLL_MS = 200  # and ends this long after its last

# Nominal reading speed: what the sheet estimates and what a take is compared with. A
# Chinese syllable (character) or English letter count, and a pause at each comma.
ZH_SYLLABLES_PER_S = 4.5
EN_LETTERS_PER_S = 13.0
CLAUSE_PAUSE_MS = 250
_CLAUSE = re.compile(r"(?:[，、；：—…]|[,;:](?!\d))+")  # not the comma in 100,000
# How far a take's reading speed may be from nominal before it is taken for a different text.
RATE_RANGE = (0.5, 2.0)
# A sentence whose length is off its share by more than this factor is not matched.
MAX_RATIO = 2.0
SIGMA_LOG = 0.2  # spread of a sentence's length around its share (natural reading)
PAUSE_WEIGHT = 3.0
INNER_WEIGHT = 2.0
INNER_FREE = 0.6  # pauses inside a sentence up to this share of a typical break cost nothing
EXTRA_PAUSE_WEIGHT = 4.0  # each notable pause inside a sentence beyond its commas costs this
NOTABLE_PAUSE_MS = 250
NOTABLE_SHARE = 0.35


# ---------------------------------------------------------------- expected lengths


def expected_ms(text: str, language: str) -> int:
    """How long reading `text` aloud takes at a calm, clear pace (the sheet's estimate)."""
    from .normalize import spoken_text

    spoken = spoken_text(text, language)
    pauses = len(_CLAUSE.findall(spoken.rstrip("，,、；;：:—… ")))
    if language.lower().startswith("zh"):
        han = len(re.findall(r"[\u3400-\u9fff]", spoken))
        latin = len(re.findall(r"[A-Za-z0-9]", spoken))
        seconds = han / ZH_SYLLABLES_PER_S + latin / EN_LETTERS_PER_S
    else:
        seconds = len(re.findall(r"[A-Za-z0-9\u3400-\u9fff]", spoken)) / EN_LETTERS_PER_S
    return max(300, round(seconds * 1000) + pauses * CLAUSE_PAUSE_MS)


# ---------------------------------------------------------------- the take


@dataclass(frozen=True)
class Take:
    """A voice-over: one file of the whole script, or a folder of one file per sentence."""

    path: Path
    files: tuple[Path, ...]  # the one file, or the folder's files in sentence order

    @property
    def is_folder(self) -> bool:
        """True for a folder of one file per sentence."""
        return self.path.is_dir()

    def sha256(self) -> str:
        """sha256 of the take: the file's bytes, or each file's name and bytes in order."""
        digest = hashlib.sha256()
        for file in sorted(self.files) if self.is_folder else self.files:
            if self.is_folder:
                digest.update(file.name.encode())
            with file.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
        return digest.hexdigest()


def _audio_files(folder: Path) -> list[Path]:
    """A take folder's audio files (notes, the sheet and hidden files are not part of it)."""
    return [file for file in sorted(folder.iterdir())
            if not file.name.startswith(".") and file.suffix.lower() in AUDIO_SUFFIXES]


def list_take(path: Path) -> Take:
    """The take at `path` without checking it against a script (to hash it quickly)."""
    try:
        return Take(path, tuple(_audio_files(path)) if path.is_dir() else (path,))
    except OSError as exc:
        raise InputError(f"voice-over {path}: cannot read it: {exc.strerror or exc}") from None


def open_take(path: Path, sentences: Sequence[Sentence]) -> Take:
    """The take at `path`, checked against the sentences it must hold (files, not sound)."""
    try:
        if path.is_dir():
            return Take(path, _numbered_files(path, sentences))
        if not path.is_file():
            raise InputError(f"voice-over {path}: file not found")
    except OSError as exc:
        raise InputError(f"voice-over {path}: cannot read it: {exc.strerror or exc}") from None
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        raise InputError(f"voice-over {path}: not an audio file "
                         f"(use {', '.join(s[1:] for s in AUDIO_SUFFIXES)})")
    return Take(path, (path,))


def _numbered_files(folder: Path, sentences: Sequence[Sentence]) -> tuple[Path, ...]:
    by_number: dict[int, Path] = {}
    for file in _audio_files(folder):
        if not file.stem.isdigit():
            raise InputError(f"voice-over {file}: not named by a sentence number",
                             hint="name each file by its number on the recording sheet: "
                                  "001.wav, 002.wav, ... (or 1.m4a, 2.m4a, ...)")
        number = int(file.stem)
        if number in by_number:
            raise InputError(f"voice-over {folder}: two files for sentence {number}: "
                             f"{by_number[number].name} and {file.name}")
        if not 1 <= number <= len(sentences):
            raise InputError(f"voice-over {file}: there is no sentence {number}; the script "
                             f"has {len(sentences)} sentences")
        by_number[number] = file
    for number, sentence in enumerate(sentences, 1):
        if number not in by_number:
            raise InputError(f"voice-over {folder}: no file for sentence {number} "
                             f"{_quote(sentence.text)}",
                             hint=f"record it as {number:03d}.wav (the numbers are those of "
                                  "the recording sheet: policyclip script BRIEF --sheet)")
    return tuple(by_number[n] for n in range(1, len(sentences) + 1))


def _quote(text: str, limit: int = 24) -> str:
    return f"\"{text if len(text) <= limit else text[:limit - 1] + '…'}\""


def clock(ms: int) -> str:
    """A time in a take as people read it off an audio editor: 1:02.3."""
    tenths = round(ms / 100)
    return f"{tenths // 600}:{tenths // 10 % 60:02d}.{tenths % 10}"


def decode(path: Path) -> Samples:
    """The take as mono float32 at the mix's sample rate, gently high-passed."""
    import numpy as np

    try:
        result = media.run_ffmpeg(
            ["-i", str(path), "-vn", "-af", HIGH_PASS, "-ac", "1", "-ar",
             str(media.SAMPLE_RATE), "-f", "f32le", "-"], timeout=600)
    except OSError as exc:
        raise InputError(f"voice-over {path}: cannot decode it: {exc}") from None
    samples = np.frombuffer(result.stdout, dtype=np.float32)
    if result.returncode != 0 or len(samples) == 0:
        raise InputError(f"voice-over {path}: not a readable audio file",
                         hint="use wav, mp3, m4a, flac or ogg")
    return samples


# ---------------------------------------------------------------- speech and pauses


@dataclass(frozen=True)
class Activity:
    """Where a recording holds speech: runs of speech (ms) separated by pauses."""

    runs: tuple[tuple[int, int], ...]
    floor_db: float  # the noise floor the threshold was set from
    threshold_db: float


def envelope_db(samples: Samples, rate: int = media.SAMPLE_RATE) -> npt.NDArray[np.float64]:
    """RMS level of every FRAME_MS frame in dBFS."""
    import numpy as np

    size = rate * FRAME_MS // 1000
    count = len(samples) // size
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * size].astype(np.float64).reshape(count, size)
    power = np.mean(frames * frames, axis=1)
    result: npt.NDArray[np.float64] = 10 * np.log10(power + 1e-12)
    return result


def find_speech(samples: Samples, rate: int = media.SAMPLE_RATE) -> Activity:
    """Speech runs from the energy envelope, with a threshold set between the take's noise
    floor (a low percentile of its frame levels: room tone, hiss) and its speech level, and
    some hysteresis so that a word's fading end is not cut into pieces."""
    import numpy as np

    level = envelope_db(samples, rate)
    if len(level) == 0:
        return Activity((), -120.0, -120.0)
    # Smooth over 30 ms: single loud or quiet frames do not decide anything.
    level = np.convolve(level, np.ones(3) / 3, mode="same")
    floor = float(np.percentile(level, 5))
    loud = float(np.percentile(level, 95))
    span = loud - floor
    if span < 10:  # no speech stands out of the noise
        return Activity((), floor, loud)
    enter = floor + min(max(0.3 * span, 8.0), 18.0)
    leave = enter - 4.0
    speaking = False
    runs: list[list[int]] = []
    for index, value in enumerate(level):
        if not speaking and value >= enter:
            speaking = True
            runs.append([index, index + 1])
        elif speaking:
            if value >= leave:
                runs[-1][1] = index + 1
            else:
                speaking = False
    # A soft onset (an unvoiced consonant, a breathy vowel) belongs to its run: walk back while
    # the level stays clearly above the floor.
    soft = floor + 4.0
    for run in runs:
        reach = max(0, run[0] - 10)
        while run[0] > reach and level[run[0] - 1] >= soft:
            run[0] -= 1
    merged: list[list[int]] = []
    gap = MIN_PAUSE_MS // FRAME_MS
    for run in runs:
        if merged and run[0] - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], run[1])
        else:
            merged.append(run)
    shortest = MIN_SPEECH_MS // FRAME_MS
    kept = tuple((a * FRAME_MS, b * FRAME_MS) for a, b in merged if b - a >= shortest)
    return Activity(kept, floor, enter)


# ---------------------------------------------------------------- alignment


@dataclass(frozen=True)
class Span:
    """Where one sentence is spoken in a take (ms), and the pauses inside it."""

    start_ms: int
    end_ms: int
    pauses: tuple[tuple[int, int], ...] = ()


class Mismatch(InputError):
    """The take does not read the script."""


def _mismatch(take: Path, number: int, sentence: Sentence, at_ms: int, why: str = "",
              detail: str = "") -> Mismatch:
    return Mismatch(
        f"voice-over {take.name} does not match the script{why}: sentence {number} "
        f"{_quote(sentence.text)} could not be matched{detail}; the match was lost at "
        f"{clock(at_ms)} in the take",
        hint="compare the take with the recording sheet (policyclip script BRIEF --sheet): "
             "a sentence skipped, added or read twice? Or record a folder of one file per "
             "sentence (001.wav, 002.wav, ...)")


@dataclass(frozen=True)
class _Runs:
    """A take's speech runs as arrays, with the pause before each."""

    starts: npt.NDArray[np.float64]
    ends: npt.NDArray[np.float64]

    @property
    def pauses(self) -> npt.NDArray[np.float64]:
        """pauses[j] lies between run j and run j + 1."""
        result: npt.NDArray[np.float64] = self.starts[1:] - self.ends[:-1]
        return result


def align(runs: Sequence[tuple[int, int]], expected: Sequence[int], take: Path,
          sentences: Sequence[Sentence]) -> tuple[Span, ...]:
    """Cut a take's speech runs into one span per sentence (see the module's docstring)."""
    import numpy as np

    count = len(expected)
    if not runs:
        raise _mismatch(take, 1, sentences[0], 0, " (no speech found in it)")
    found = _Runs(np.array([a for a, _ in runs], dtype=np.float64),
                  np.array([b for _, b in runs], dtype=np.float64))
    want = np.array(expected, dtype=np.float64)
    total = float(want.sum())
    starts, ends = found.starts, found.ends
    speech_ms = ends[-1] - starts[0]

    # Only the longest pauses can be sentence breaks: at most 4 per sentence are kept as
    # candidates (the rest stay inside their speech), which bounds the work on long takes.
    pauses = found.pauses
    keep = max(4 * count, 8)
    if len(pauses) > keep:
        chosen = pauses >= np.sort(pauses)[-keep]
        starts = np.concatenate([starts[:1], starts[1:][chosen]])
        ends = np.concatenate([ends[:-1][chosen], ends[-1:]])
        pauses = starts[1:] - ends[:-1]

    lowest, highest = RATE_RANGE
    biggest = np.sort(pauses)[::-1][: count - 1].sum() if count > 1 else 0.0
    rate = (speech_ms - biggest) / total
    if rate < lowest:
        # Far too short: name the first sentence that does not fit, read at the sheet's pace.
        reach = starts[0] + np.cumsum(want) + np.arange(count) * 600.0
        number = min(int(np.searchsorted(reach, ends[-1])) + 1, count)
        raise _mismatch(take, number, sentences[number - 1], int(ends[-1]),
                        f" (far too short: {clock(int(speech_ms))} of speech, about "
                        f"{clock(int(total))} expected)")
    if rate > highest:
        slow = starts[0] + np.cumsum(want) * highest + np.arange(count) * 1200.0
        raise _mismatch(take, count, sentences[-1], int(min(slow[-1], ends[-1])),
                        f" (far too long: {clock(int(speech_ms))} of speech, about "
                        f"{clock(int(total))} expected)")

    typical = float(np.median(np.sort(pauses)[::-1][: max(1, count - 1)])) if count > 1 \
        else 1000.0
    # A break costs nothing when its pause is as long as a typical break between sentences,
    # and more the shorter it is.
    breaks = np.zeros(len(starts) + 1)
    breaks[1:-1] = PAUSE_WEIGHT * np.maximum(
        0.0, np.log(max(typical, 200.0) / np.maximum(pauses, 1.0)))
    # A pause inside a sentence costs when it is as long as one between sentences: a comma
    # read as a pause is normal, a sentence-length silence inside one is not.
    inside = INNER_WEIGHT * np.maximum(
        0.0, np.log(np.maximum(pauses, 1.0) / (INNER_FREE * max(typical, 200.0))))
    # Pauses clearly longer than a breath: a sentence is expected to have about as many of
    # them as it has commas (a reader pauses at some commas, rarely elsewhere).
    notable = (pauses >= max(NOTABLE_PAUSE_MS, NOTABLE_SHARE * typical)).astype(np.float64)
    plan = _Plan(starts, ends, breaks, inside, notable)
    plan.clauses = [len(_CLAUSE.findall(s.text.strip().rstrip("，,、；;：:—… ")))
                    for s in sentences]
    steps: list[_Step] = []
    for _ in range(3):  # the reading speed, found again from the sentences as cut
        steps = plan.best(want, rate)
        matched = [s for s in steps if s.sentence is not None and s.first < s.stop]
        said = sum(ends[s.stop - 1] - starts[s.first] for s in matched)
        new_rate = said / sum(want[s.sentence] for s in matched if s.sentence is not None)
        if abs(new_rate - rate) < 0.005 * rate:
            break
        rate = new_rate
    return _spans(steps, plan, want, rate, take, sentences)


@dataclass(frozen=True)
class _Step:
    """One move of the best path: sentence `sentence` read as runs first..stop-1 (skipped
    when first == stop), or runs first..stop-1 that belong to no sentence (sentence None)."""

    sentence: int | None
    first: int
    stop: int


class _Plan:
    """Dynamic programming over (sentences matched, runs used). A sentence is matched to a
    stretch of runs at the cost of its squared log-ratio of length to its share of the take;
    a break before it costs more the shorter its pause. A sentence may also be skipped, or
    runs left to no sentence (speech not in the script), at a price a natural reading never
    pays: when the best path pays it, the take does not read the script, and the path says
    where."""

    SKIP = 4.0
    EXTRA = 4.0
    NOISE = 0.5  # a cough or a click between sentences: not reported
    NOISE_MS = 350

    def __init__(self, starts: npt.NDArray[np.float64], ends: npt.NDArray[np.float64],
                 breaks: npt.NDArray[np.float64], inside: npt.NDArray[np.float64],
                 notable: npt.NDArray[np.float64]) -> None:
        import numpy as np

        self.starts, self.ends, self.breaks = starts, ends, breaks
        runs = len(starts)
        self.positions = runs + 1
        # log of the length of runs p..q-1, at [p, q] for q > p
        length = np.full((runs + 1, runs + 1), np.nan)
        for p in range(runs):
            length[p, p + 1:] = ends[p:] - starts[p]
        with np.errstate(invalid="ignore"):
            self.log_length = np.log(np.maximum(length, 1.0))
        self.log_length[np.isnan(length)] = np.nan
        # the pauses inside runs p..q-1 (pauses p..q-2), at [p, q]
        summed = np.concatenate([[0.0], np.cumsum(inside)])  # pauses 0..k-1, at k
        upto = np.concatenate([[0.0], summed])  # [q]: pauses 0..q-2
        since = np.concatenate([summed, [0.0]])  # [p]: pauses 0..p-1
        self.inside = np.where(np.isnan(length), 0.0, upto[None, :] - since[:, None])
        summed = np.concatenate([[0.0], np.cumsum(notable)])
        upto = np.concatenate([[0.0], summed])
        since = np.concatenate([summed, [0.0]])
        self.notable = np.where(np.isnan(length), 0.0, upto[None, :] - since[:, None])
        self.clauses: list[int] = []
        extra = np.where(length < self.NOISE_MS, self.NOISE, self.EXTRA)
        self.extra = np.where(np.isnan(length), np.inf, extra + breaks[:, None])

    def best(self, want: npt.NDArray[np.float64], rate: float) -> list[_Step]:
        """The cheapest path through every sentence and every run."""
        import numpy as np

        n, inf = len(want), math.inf
        value = np.full(self.positions, inf)
        value[0] = 0.0
        entered: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]] = []
        came: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]] = []
        for i in range(n + 1):
            # speech outside the script before sentence i (or after the last one)
            through = value[:, None] + self.extra
            origin = np.argmin(through, axis=0)
            detour = through[origin, np.arange(self.positions)]
            use = detour < value
            entered.append((value.copy(), np.where(use, origin, -1)))
            value = np.where(use, detour, value)
            if i == n:
                break
            fit = (self.log_length - math.log(want[i] * rate)) ** 2 / (2 * SIGMA_LOG ** 2)
            extra = np.maximum(0.0, self.notable - self.clauses[i]) if self.clauses else 0.0
            fit = np.where(np.isnan(fit), inf, fit + self.inside + EXTRA_PAUSE_WEIGHT * extra)
            through = (value + self.breaks[: self.positions])[:, None] + fit
            origin = np.argmin(through, axis=0)
            matched = through[origin, np.arange(self.positions)]
            skipped = value + self.SKIP
            skip = skipped <= matched
            came.append((origin, skip))
            value = np.where(skip, skipped, matched)
        steps: list[_Step] = []
        q = self.positions - 1
        for i in range(n, -1, -1):
            before, extra_from = entered[i]
            if extra_from[q] >= 0:
                steps.append(_Step(None, int(extra_from[q]), q))
                q = int(extra_from[q])
            del before
            if i == 0:
                break
            origin, skip = came[i - 1]
            if skip[q]:
                steps.append(_Step(i - 1, q, q))
            else:
                steps.append(_Step(i - 1, int(origin[q]), q))
                q = int(origin[q])
        return steps[::-1]


def _spans(steps: Sequence[_Step], plan: _Plan, want: npt.NDArray[np.float64], rate: float,
           take: Path, sentences: Sequence[Sentence]) -> tuple[Span, ...]:
    """The sentences' spans along the best path; the first step that does not read the
    script is refused."""
    starts, ends = plan.starts, plan.ends
    spans: list[Span] = []
    for index, step in enumerate(steps):
        if step.sentence is None:
            if ends[step.stop - 1] - starts[step.first] < plan.NOISE_MS:
                continue
            later = [s.sentence for s in steps[index:] if s.sentence is not None]
            number = later[0] if later else len(sentences) - 1
            where = "before" if later else "after"
            raise _mismatch(take, number + 1, sentences[number], int(starts[step.first]),
                            detail=f" (speech not in the script comes {where} it)")
        number = step.sentence
        if step.first == step.stop:
            at = ends[step.first - 1] if step.first else starts[0]
            raise _mismatch(take, number + 1, sentences[number], int(at),
                            detail=" (it seems not to be read)")
        first, last = step.first, step.stop - 1
        length = ends[last] - starts[first]
        ratio = length / (want[number] * rate)
        if max(ratio, 1 / ratio) > MAX_RATIO:
            raise _mismatch(take, number + 1, sentences[number], int(starts[first]),
                            detail=f" (read in {clock(int(length))}, about "
                                   f"{clock(int(want[number] * rate))} expected)")
        inner = tuple((int(ends[j]), int(starts[j + 1])) for j in range(first, last))
        spans.append(Span(int(starts[first]), int(ends[last]), inner))
    return tuple(spans)


# ---------------------------------------------------------------- clips


def _place_cues(sentence: Sentence, span: Span, lead_ms: int, language: str) -> tuple[int, ...]:
    """When each of the sentence's cues starts in its clip: spread over the spoken time by
    the cues' expected lengths, each moved to the end of a pause inside the sentence when one
    is near (a reader pauses at the commas where cues break)."""
    weights = [expected_ms(cue.text, language) for cue in sentence.cues]
    total = sum(weights) or 1
    length = span.end_ms - span.start_ms
    offsets: list[int] = []
    done = 0
    resumes = [end - span.start_ms for _, end in span.pauses]
    for weight in weights:
        guess = round(length * done / total)
        if offsets:
            near = [r for r in resumes if abs(r - guess) <= 600 and r > offsets[-1] - lead_ms]
            if near:
                guess = min(near, key=lambda r: abs(r - guess))
                resumes = [r for r in resumes if r > guess]
        offsets.append(lead_ms + guess if not offsets else max(offsets[-1], lead_ms + guess))
        done += weight
    return tuple(offsets)


def _clip(samples: Samples, start_ms: int, end_ms: int, lead_ms: int, tail_ms: int,
          out: Path, rate: int = media.SAMPLE_RATE) -> int:
    """Write samples from start-lead to end+tail as WAV with the margins faded; its length."""
    import numpy as np

    first = max(0, (start_ms - lead_ms) * rate // 1000)
    last = min(len(samples), (end_ms + tail_ms) * rate // 1000)
    piece = samples[first:last].copy()
    fade_in = min(len(piece) // 2, lead_ms * rate // 1000)
    fade_out = min(len(piece) // 2, tail_ms * rate // 1000)
    if fade_in:
        piece[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
    if fade_out:
        piece[-fade_out:] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)
    media.write_wav(out, piece, rate)
    return round(len(piece) * 1000 / rate)


def narrate(take: Take, sentences: Sequence[Sentence], language: str, workdir: Path) -> Narration:
    """One utterance per sentence, cut from the take into `workdir/speech-NNNN.wav`."""
    expected = [expected_ms(s.text, language) for s in sentences]
    pieces: list[tuple[Samples, Span]] = []
    if take.is_folder:
        for number, (file, sentence) in enumerate(zip(take.files, sentences, strict=True), 1):
            samples = decode(file)
            runs = find_speech(samples).runs
            if not runs:
                raise Mismatch(f"voice-over {take.path.name}/{file.name}: no speech found for "
                               f"sentence {number} {_quote(sentence.text)}")
            inner = tuple((runs[j][1], runs[j + 1][0]) for j in range(len(runs) - 1))
            pieces.append((samples, Span(runs[0][0], runs[-1][1], inner)))
        _check_files(take, pieces, expected, sentences)
    else:
        samples = decode(take.path)
        spans = align(find_speech(samples).runs, expected, take.path, sentences)
        pieces = [(samples, span) for span in spans]
    utterances = []
    for index, ((samples, span), sentence) in enumerate(zip(pieces, sentences, strict=True)):
        # Margins take from the pauses around the sentence, never from a neighbour's words.
        before = span.start_ms - (pieces[index - 1][1].end_ms if index and not take.is_folder
                                  else 0)
        after = ((pieces[index + 1][1].start_ms if index + 1 < len(pieces) and not take.is_folder
                  else len(samples) * 1000 // media.SAMPLE_RATE) - span.end_ms)
        lead = max(0, min(PRE_ROLL_MS, before // 2 if not take.is_folder else before))
        tail = max(0, min(POST_ROLL_MS, after // 2 if not take.is_folder else after))
        out = workdir / f"speech-{index:04d}.wav"
        length = _clip(samples, span.start_ms, span.end_ms, lead, tail, out)
        utterances.append(Utterance(length, _place_cues(sentence, span, lead, language),
                                    audio=out))
    return Narration(engine=ENGINE, voice=VOICE, utterances=tuple(utterances), synthetic=False)


def _check_files(take: Take, pieces: Sequence[tuple[Samples, Span]], expected: Sequence[int],
                 sentences: Sequence[Sentence]) -> None:
    """Refuse a file far longer or shorter than its sentence, against the folder's own pace."""
    said = [span.end_ms - span.start_ms for _, span in pieces]
    rate = sum(said) / sum(expected)
    for number, (length, want) in enumerate(zip(said, expected, strict=True), 1):
        ratio = length / (want * rate)
        if max(ratio, 1 / ratio) > MAX_RATIO + 0.5 and len(said) > 2:
            raise Mismatch(f"voice-over {take.path.name}/{take.files[number - 1].name} does not "
                           f"match sentence {number} {_quote(sentences[number - 1].text)}: "
                           f"{clock(length)} of speech, about {clock(round(want * rate))} "
                           "expected", hint="was another sentence recorded under this number?")
