"""Recorded voice-over takes made inside the tests: real espeak-ng speech of each sentence,
clause by clause, joined with uneven pauses (0.4-1.2 s between sentences, shorter ones at
commas) over room noise at about -50 dBFS, with the true onset of every sentence known."""

from __future__ import annotations

import re
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policyclip.media import ffmpeg_exe
from policyclip.speech.normalize import spoken_text

RATE = 22_050  # espeak-ng's own rate
_CLAUSES = re.compile(r"(?<=[，、；：])|(?<=[,;:])(?!\d)")  # not inside 100,000


@dataclass(frozen=True)
class MadeTake:
    """A take on disk and when each of its sentences starts to be heard (s)."""

    path: Path
    onsets_s: tuple[float, ...]
    duration_s: float


def espeak(text: str, language: str) -> np.ndarray:
    """espeak-ng's reading of `text` as float32 at RATE, its own leading silence cut off."""
    voice = "cmn-latn-pinyin" if language.startswith("zh") else "en-us"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), "--stdin"],
                       input=spoken_text(text, language).encode(), check=True)
        with wave.open(str(out), "rb") as wav:
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples = pcm.astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0]: loud[-1] + 1] if len(loud) else samples


def make_take(folder: Path, sentences: Sequence[str], language: str = "zh-CN", *,
              seed: int = 1, noise_dbfs: float = -50.0, name: str = "take.wav",
              gain_db: float = -6.0, sentence_gap: tuple[float, float] = (0.4, 1.2),
              comma_gap: tuple[float, float] = (0.15, 0.35)) -> MadeTake:
    """Read `sentences` into one take with uneven pauses and room noise; write it (wav, or any
    suffix ffmpeg can encode) and return it with its sentence onsets."""
    rng = np.random.default_rng(seed)
    pieces: list[np.ndarray] = [np.zeros(int(RATE * 0.7), dtype=np.float32)]
    onsets = []
    clock = len(pieces[0])
    for number, sentence in enumerate(sentences):
        if number:
            gap = np.zeros(int(RATE * rng.uniform(*sentence_gap)), dtype=np.float32)
            pieces.append(gap)
            clock += len(gap)
        onsets.append(clock / RATE)
        clauses = [c for c in _CLAUSES.split(sentence) if c.strip()]
        for index, clause in enumerate(clauses):
            if index:  # a comma read as a pause
                gap = np.zeros(int(RATE * rng.uniform(*comma_gap)), dtype=np.float32)
                pieces.append(gap)
                clock += len(gap)
            speech = espeak(clause, language)
            pieces.append(speech)
            clock += len(speech)
    pieces.append(np.zeros(int(RATE * 0.9), dtype=np.float32))
    clean = np.concatenate(pieces) * np.float32(10 ** (gain_db / 20))
    noise = rng.normal(0.0, 10 ** (noise_dbfs / 20), len(clean)).astype(np.float32)
    hum = (10 ** ((noise_dbfs - 6) / 20) * np.sqrt(2)
           * np.sin(2 * np.pi * 50 * np.arange(len(clean)) / RATE)).astype(np.float32)
    write_audio(folder / name, clean + noise + hum)
    return MadeTake(folder / name, tuple(onsets), len(clean) / RATE)


def write_audio(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write mono samples as WAV, or through ffmpeg for any other suffix (m4a, mp3, flac)."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    if path.suffix == ".wav":
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm)
        return
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "s16le", "-ar", str(rate),
                    "-ac", "1", "-i", "-", str(path)], input=pcm, check=True)


def speech_onsets(samples: np.ndarray, rate: int, *, quiet_s: float = 0.3,
                  below_db: float = 25.0) -> list[float]:
    """Times (s) where sound rises to within `below_db` of the recording's loud level (its
    95th percentile of 10 ms levels) after at least `quiet_s` under it: where speech resumes
    after a pause (room tone and digital silence are both quiet)."""
    size = rate // 100
    frames = samples[: len(samples) // size * size].reshape(-1, size).astype(np.float64)
    level = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
    loud = level > np.percentile(level, 95) - below_db
    onsets, quiet = [], quiet_s * 100
    run = quiet
    for index, is_loud in enumerate(loud):
        if is_loud:
            if run >= quiet:
                onsets.append(index / 100)
            run = 0
        else:
            run += 1
    return onsets
