"""Shared test helpers: briefs on disk, and decoding outputs with the bundled ffmpeg."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from policyclip.media import ffmpeg_exe

SHORT_BRIEF = """\
title: 小微企业"六税两费"减半征收
issuer: 财政部 税务总局
doc_number: 财政部 税务总局公告2023年第12号
effective:
  from: 2023-01-01
  to: 2027-12-31
summary: 六种地方税费按50%减征。
points:
  - heading: 减多少
    text: 按50%的幅度减征。
    figure:
      value: "50%"
      label: 减征幅度
contact: 纳税服务热线12366
"""

HOTLINE_BRIEF = """\
title: 12345热线上线
issuer: 市政府办公厅
summary: 有事打12345。
points:
  - heading: 怎么打
    text: 全天有人接听。
"""

ENGLISH_BRIEF = """\
title: Half-price local taxes for small firms
issuer: Ministry of Finance
language: en-US
summary: Six local taxes and fees are cut by 50% for small businesses.
points:
  - heading: Who qualifies
    text: Small-scale VAT payers, small low-profit firms and sole traders.
"""


def write_brief(folder: Path, text: str, name: str = "brief.yaml") -> Path:
    """Write a brief (dedented) into folder and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Probe:
    """What `ffmpeg -i` says about a media file."""

    duration_s: float
    video: str
    audio: str
    raw: str


def probe(path: Path) -> Probe:
    """Parse `ffmpeg -i` output (the bundled ffmpeg has no ffprobe)."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                            capture_output=True, check=False)
    text = result.stderr.decode(errors="replace")
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text)
    assert duration, text
    hours, minutes, seconds = duration.groups()
    video = re.search(r"Stream #.*Video: (.*)", text)
    audio = re.search(r"Stream #.*Audio: (.*)", text)
    return Probe(
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        video=video.group(1) if video else "",
        audio=audio.group(1) if audio else "",
        raw=text,
    )


def mp4_tags(path: Path) -> dict[str, str]:
    """The container's metadata tags (title, artist, AIGC, ...) as ffmpeg reads them."""
    raw = probe(path).raw
    block = raw.split("Metadata:", 1)[1].split("Duration:", 1)[0] if "Metadata:" in raw else ""
    tags = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            tags[key.strip()] = value.strip()
    return tags


def stream_durations(path: Path) -> dict[str, float]:
    """Decoded duration of the video and audio streams, in seconds."""
    out = {}
    for kind, selector in (("video", "0:v:0"), ("audio", "0:a:0")):
        result = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", selector, "-f", "null", "-"],
            capture_output=True, check=False)
        times = re.findall(r"time=(\d+):(\d+):([\d.]+)", result.stderr.decode(errors="replace"))
        hours, minutes, seconds = times[-1]
        out[kind] = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return out


def coded_frames(path: Path) -> list[tuple[float, str, str]]:
    """Each coded video frame's time, picture type (I, P or B) and checksum, in display
    order."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v:0", "-vf", "showinfo",
         "-fps_mode", "passthrough", "-f", "null", "-"], capture_output=True, check=True)
    found = re.findall(r"pts_time:([\d.]+).*? type:([IPB]) checksum:(\w+)",
                       result.stderr.decode(errors="replace"))
    return [(float(time), kind, checksum) for time, kind, checksum in found]


def visible_changes(path: Path, threshold: int = 24, min_pixels: int = 50) -> list[int]:
    """Indexes of the decoded frames that differ visibly from the frame before (compared in
    grey at a quarter of the size: the encoder's small refinements of a still do not count)."""
    width, height = 270, 480
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0",
         "-vf", f"scale={width}:{height}", "-pix_fmt", "gray", "-f", "rawvideo", "-"],
        capture_output=True, check=True)
    frames = np.frombuffer(result.stdout, dtype=np.uint8).reshape(-1, height, width)
    return [number for number in range(1, len(frames))
            if (np.abs(frames[number].astype(np.int16) - frames[number - 1]) > threshold).sum()
            >= min_pixels]


def frame_at(path: Path, seconds: float) -> Image.Image:
    """Decode the frame shown at `seconds`."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{seconds:.3f}", "-i",
         str(path), "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"],
        capture_output=True, check=True)
    return Image.open(io.BytesIO(result.stdout)).convert("RGB")


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (moov before mdat means faststart)."""
    boxes = []
    with path.open("rb") as handle:
        while header := handle.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            boxes.append(kind.decode("latin-1"))
            handle.seek(size - 8, io.SEEK_CUR)
    return boxes


def colour_distance(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Largest channel difference between two RGB colours."""
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def ebur128(path: Path) -> tuple[float, float, float]:
    """Integrated loudness (LUFS), true peak (dBTP) and loudness range (LU) of a file's sound,
    as ffmpeg's `ebur128` filter (peak=true) measures them; -70 LUFS and -inf for silence. A
    mono track is measured as it plays, on both speakers (dual mono)."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-vn", "-af",
         "ebur128=peak=true:dualmono=true:framelog=quiet", "-f", "null", "-"],
        capture_output=True, check=True)
    summary = result.stderr.decode(errors="replace").rsplit("Summary:", 1)[1]
    found = re.search(r"I:\s+(\S+) LUFS.*?LRA:\s+(\S+) LU.*?Peak:\s+(\S+) dBFS", summary, re.S)
    assert found, summary
    return float(found[1]), float(found[3]), float(found[2])


def make_sound(path: Path, source: str, seconds: float, *args: str) -> Path:
    """Write `seconds` of an ffmpeg lavfi source (e.g. "sine=f=440") to `path`; the format
    follows the file's suffix (.wav, .mp3, .m4a, .ogg); `args` are extra output options."""
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
         "-t", f"{seconds}", *args, str(path)], check=True)
    return path

