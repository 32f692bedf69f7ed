"""Thin helpers around the ffmpeg binary that imageio-ffmpeg ships, and Pillow checks."""

from __future__ import annotations

import functools
import subprocess
import wave
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SAMPLE_RATE = 48_000


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(
    args: list[str], *, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg quietly; the caller checks returncode and stderr."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)


def audio_problem(path: Path) -> str | None:
    """Why an audio file cannot be decoded, or None when it decodes cleanly."""
    try:
        result = run_ffmpeg(["-xerror", "-i", str(path), "-vn", "-f", "null", "-"], timeout=120)
    except subprocess.TimeoutExpired:
        return "decoding it took longer than 120 s"
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
