"""Stage 7: stills + narration -> MP4, encoded once by the ffmpeg that imageio-ffmpeg ships.

Each screen state is written once as an uncompressed BMP (cheap to write and to decode) and
handed to ffmpeg's concat demuxer with its duration; `fps` turns it into constant 30 fps.
Narration clips are placed on one PCM track in Python; music, ducking and loudness
normalization are ffmpeg filters. The output is written to a temporary name by the caller.
"""

from __future__ import annotations

import json
import subprocess
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from . import media
from .errors import RenderError
from .models import Timeline

LOUDNESS_TARGET_LUFS = -14.0
TRUE_PEAK_DB = -1.5
MUSIC_GAIN = 0.25  # music level before ducking, relative to full scale


@dataclass(frozen=True)
class EncodeSettings:
    """x264 and AAC settings."""

    preset: str = "veryfast"
    crf: int = 20
    audio_bitrate: str = "128k"


def write_states(images: Iterable[tuple[Image.Image, int]], folder: Path) -> Path:
    """Write each still with its duration into an ffconcat list; return the list's path."""
    entries = []
    last = None
    for number, (image, duration_ms) in enumerate(images):
        path = folder / f"state-{number:04d}.bmp"
        image.save(path)
        entries.append(f"file '{path.name}'\nduration {duration_ms / 1000:.3f}")
        last = path
    if last is None:
        raise RenderError("nothing to render: the timeline is empty")
    # The concat demuxer ignores the last entry's duration unless the file is listed again.
    entries.append(f"file '{last.name}'")
    listing = folder / "states.ffconcat"
    listing.write_text("ffconcat version 1.0\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return listing


def mix_narration(timeline: Timeline, speech_dir: Path, out: Path) -> None:
    """Lay every narration clip at its time on one mono WAV track as long as the video.

    Clips follow one another, so the track is written front to back one clip at a time:
    memory stays the size of one clip whatever the length of the video.
    """
    import numpy as np

    rate = media.SAMPLE_RATE
    total = round(timeline.duration_ms * rate / 1000)
    written = 0
    with wave.open(str(out), "wb") as track:
        track.setnchannels(1)
        track.setsampwidth(2)
        track.setframerate(rate)

        def silence(count: int) -> None:
            chunk = b"\0\0" * min(count, rate)
            while count > 0:
                step = min(count, rate)
                track.writeframes(chunk[: 2 * step])
                count -= step

        for clip in sorted(timeline.audio, key=lambda c: c.start_ms):
            try:
                samples = media.decode_audio(speech_dir / clip.path, rate)
            except OSError as exc:
                raise RenderError(f"narration clip unusable: {exc}") from None
            start = max(written, round(clip.start_ms * rate / 1000))
            samples = samples[: max(0, total - start)].copy()
            # Short fades at both ends so that joins never click.
            fade = min(len(samples) // 2, rate // 200)
            if fade:
                ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
                samples[:fade] *= ramp
                samples[-fade:] *= ramp[::-1]
            silence(start - written)
            track.writeframes(media.pcm16(samples))
            written = start + len(samples)
        silence(total - written)


def aigc_label(produce_id: str) -> dict[str, str]:
    """The implicit AI-content label of GB 45438-2025 (ASCII only)."""
    return {"Label": "1", "ContentProducer": "policyclip", "ProduceID": produce_id,
            "ReservedCode1": "", "ContentPropagator": "", "PropagateID": "", "ReservedCode2": ""}


def aigc_tag(label: dict[str, str]) -> str:
    """The label as the compact ASCII JSON stored under the MP4's `AIGC` metadata key."""
    return json.dumps(label, separators=(",", ":"), ensure_ascii=True)


def encode(
    timeline: Timeline,
    states: Path,
    narration_wav: Path,
    out: Path,
    *,
    music: Path | None = None,
    metadata: dict[str, str] | None = None,
    settings: EncodeSettings = EncodeSettings(),
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Encode the stills and the narration (plus music) into an H.264/AAC MP4 at `out`."""
    seconds = f"{timeline.duration_ms / 1000:.3f}"
    args = ["-y", "-f", "concat", "-safe", "0", "-i", str(states), "-i", str(narration_wav)]
    voice = "[1:a]aresample=48000"
    if music is not None:
        args += ["-stream_loop", "-1", "-i", str(music)]
        fade_out = max(0.0, timeline.duration_ms / 1000 - 2.0)
        audio = (
            f"{voice},asplit=2[voice][key];"
            f"[2:a]aresample=48000,aformat=channel_layouts=mono,volume={MUSIC_GAIN},"
            f"afade=t=in:d=1.5,afade=t=out:st={fade_out:.3f}:d=2[music];"
            # The music drops while someone speaks and comes back in pauses.
            "[music][key]sidechaincompress=threshold=0.02:ratio=8:attack=30:release=600[ducked];"
            "[voice][ducked]amix=inputs=2:duration=first:normalize=0"
        )
    else:
        audio = voice
    audio += (f",loudnorm=I={LOUDNESS_TARGET_LUFS}:TP={TRUE_PEAK_DB}:LRA=11,"
              "aresample=48000[aout]")
    video = f"[0:v]format=yuv420p,fps={timeline.fps}[vout]"
    args += [
        "-filter_complex", f"{video};{audio}",
        "-map", "[vout]", "-map", "[aout]",
        "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
        "-tune", "stillimage", "-pix_fmt", "yuv420p", "-r", str(timeline.fps),
        "-c:a", "aac", "-b:a", settings.audio_bitrate, "-ac", "2", "-ar", "48000",
        "-t", seconds, "-movflags", "+faststart+use_metadata_tags",
    ]
    for key, value in (metadata or {}).items():
        args += ["-metadata", f"{key}={value}"]
    args += ["-progress", "pipe:1", "-nostats", "-f", "mp4", str(out)]
    cmd = [media.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode(errors="replace").strip()
            if on_progress and line.startswith("out_time_us="):
                value = line.split("=", 1)[1]
                if value.isdigit():
                    on_progress(int(value) // 1000)
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {code}"
        raise RenderError(f"ffmpeg failed to encode the video: {reason}")
