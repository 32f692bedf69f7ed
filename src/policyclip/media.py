"""Thin helpers around the ffmpeg binary that imageio-ffmpeg ships, and Pillow checks."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import math
import re
import subprocess
import threading
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SAMPLE_RATE = 48_000


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


class _Children:
    """The child processes of one piece of work, so that they can all be stopped at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen[bytes]] = set()
        self.stopped = False

    def stop(self) -> None:
        """Kill every child still running, and any started from now on."""
        with self.lock:
            self.stopped = True
            for proc in self.live:
                with contextlib.suppress(OSError):
                    proc.kill()


_WORK: contextvars.ContextVar[_Children | None] = contextvars.ContextVar(
    "policyclip_children", default=None)


@contextlib.contextmanager
def stop_children_on_error() -> Iterator[None]:
    """Every child started through `start` inside the block, in this thread or in a thread
    run in a copy of its context (contextvars.copy_context), is killed the moment the block is
    left by an exception (an error, Ctrl-C, SIGTERM): nothing goes on working for a render
    that has already failed."""
    group = _Children()
    token = _WORK.set(group)
    try:
        yield
    except BaseException:
        group.stop()
        raise
    finally:
        _WORK.reset(token)


def start(cmd: Sequence[str], **popen_args: Any) -> subprocess.Popen[bytes]:
    """Start a child process that belongs to the current work (see stop_children_on_error);
    the caller ends it with `finish`. Raises OSError when that work has been stopped."""
    group = _WORK.get()
    if group is None:
        return subprocess.Popen(list(cmd), **popen_args)
    with group.lock:
        if group.stopped:
            raise OSError(errno.ECANCELED, "stopped")
        proc = subprocess.Popen(list(cmd), **popen_args)
        group.live.add(proc)
    return proc


def finish(proc: subprocess.Popen[bytes]) -> None:
    """The process has been waited for: it no longer belongs to the current work."""
    group = _WORK.get()
    if group is not None:
        with group.lock:
            group.live.discard(proc)


def run(cmd: Sequence[str], *, timeout: float | None = None, input: bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    """Run a program to the end, reading its stdout and stderr together (never a full pipe);
    killed at `timeout` (then TimeoutError, an OSError) or when its work is stopped."""
    proc = start(cmd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise TimeoutError(errno.ETIMEDOUT, f"{Path(cmd[0]).name} took longer than "
                           f"{timeout:g} s") from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        finish(proc)
    return subprocess.CompletedProcess(list(cmd), proc.returncode, stdout, stderr)


def run_ffmpeg(
    args: list[str], *, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg quietly; the caller checks returncode and stderr. A run longer than `timeout`
    raises TimeoutError (an OSError)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    return run(cmd, timeout=timeout)


def audio_problem(path: Path) -> str | None:
    """Why an audio file cannot be decoded, or None when it decodes cleanly."""
    try:
        result = run_ffmpeg(["-xerror", "-i", str(path), "-vn", "-f", "null", "-"], timeout=120)
    except TimeoutError:
        return "decoding it took longer than 120 s"
    except OSError as exc:
        return f"cannot decode it: {exc.strerror or exc}"
    if result.returncode != 0:
        return "not a readable audio file"
    if b"Output file is empty" in result.stderr or b"does not contain any stream" in result.stderr:
        return "contains no audio"
    return None


def image_problem(path: Path) -> str | None:
    """Why a picture cannot be drawn, or None when Pillow decodes it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
    except Image.DecompressionBombError:
        return "the picture is too large to decode safely (decompression bomb?)"
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        return f"not a readable picture ({type(exc).__name__})"
    return None


def read_speech(path: Path, rate: int = SAMPLE_RATE) -> npt.NDArray[np.float32]:
    """A speech clip as mono float32 at `rate`.

    The engines write 16-bit mono WAV (espeak at 22.05 kHz, edge at 48 kHz): those are read
    directly, since a subprocess per clip costs more than the audio; espeak's band-limited voice
    is brought to `rate` by interpolation. Anything else is decoded by ffmpeg.
    """
    import numpy as np

    try:
        with wave.open(str(path), "rb") as clip:
            if clip.getnchannels() != 1 or clip.getsampwidth() != 2:
                raise wave.Error("not 16-bit mono")
            source_rate = clip.getframerate()
            pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype="<i2")
    except (wave.Error, EOFError):
        return decode_audio(path, rate)
    samples = pcm.astype(np.float32) / 32768.0
    if source_rate == rate or len(samples) < 2:
        return samples
    count = round(len(samples) * rate / source_rate)
    positions = np.arange(count, dtype=np.float64) * (source_rate / rate)
    resampled: npt.NDArray[np.float32] = np.interp(
        positions, np.arange(len(samples)), samples).astype(np.float32)
    return resampled


def decode_audio(path: Path, rate: int = SAMPLE_RATE) -> npt.NDArray[np.float32]:
    """Decode any audio file to mono float32 samples at `rate`."""
    import numpy as np

    result = run_ffmpeg(
        ["-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"], timeout=300
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise OSError(f"cannot decode {path.name}: {message[-1] if message else 'ffmpeg failed'}")
    return np.frombuffer(result.stdout, dtype=np.float32)


def pcm16(samples: npt.NDArray[np.float32]) -> bytes:
    """Float samples in [-1, 1] as little-endian 16-bit PCM bytes."""
    import numpy as np

    return bytes((np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def write_wav(path: Path, samples: npt.NDArray[np.float32], rate: int = SAMPLE_RATE) -> None:
    """Write mono float samples as 16-bit PCM WAV."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm16(samples))


@dataclass(frozen=True)
class Loudness:
    """EBU R128 figures of a sound track; None where the track is silent."""

    integrated_lufs: float | None
    true_peak_dbtp: float | None
    lra: float | None


_SUMMARY = re.compile(
    r"Integrated loudness:\s+I:\s+(?P<i>\S+) LUFS.*?Loudness range:\s+LRA:\s+(?P<lra>\S+) LU"
    r"(?:.*?True peak:\s+Peak:\s+(?P<tp>\S+) dBFS)?", re.S)
SILENCE_LUFS = -70.0  # ebur128's absolute gate: this or lower means there is nothing to hear


def measure_loudness(
    path: Path, *, input_args: Sequence[str] = (), audio_filter: str = "",
    true_peak: bool = True,
) -> Loudness:
    """Integrated loudness, true peak and loudness range of `path`'s audio (ffmpeg `ebur128`).

    `input_args` describe a raw input (e.g. `-f f32le -ar 48000 -ac 2`); `audio_filter` is
    applied before measuring, so a planned gain can be checked without writing its result.
    Without `true_peak` (twice as fast) the peak is None.
    """
    chain = f"{audio_filter}," if audio_filter else ""
    mode = "true" if true_peak else "none"
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
           *input_args, "-i", str(path), "-vn", "-af",
           f"{chain}ebur128=peak={mode}:framelog=quiet", "-f", "null", "-"]
    try:
        result = run(cmd, timeout=600)
    except TimeoutError:
        raise OSError(f"measuring the loudness of {path.name} took longer than 600 s") from None
    text = result.stderr.decode(errors="replace")
    found = _SUMMARY.search(text[text.rfind("Summary:"):]) if "Summary:" in text else None
    if result.returncode != 0 or found is None:
        lines = text.strip().splitlines()
        raise OSError(f"cannot measure the loudness of {path.name}: "
                      f"{lines[-1] if lines else 'ffmpeg failed'}")
    integrated, lra = float(found["i"]), float(found["lra"])
    peak = float(found["tp"]) if found["tp"] else -math.inf
    if not integrated > SILENCE_LUFS:
        return Loudness(None, None, None)
    return Loudness(round(integrated, 1), round(peak, 1) if math.isfinite(peak) else None,
                    round(lra, 1))
