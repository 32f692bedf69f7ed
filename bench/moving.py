"""Moving stretches: MoviePy's layer composition against the painter's, frame for frame.

    python -m bench.moving [--frames N]

The same effect both ways, at 1080x1920: a card slides up 48 px and fades in over 350 ms (ease-
out) above a background, with a caption fading in below it. MoviePy composes it from layers
(an ImageClip with a position function and CrossFadeIn, in a CompositeVideoClip) and
`get_frame` returns each frame; the painter (frames.py) draws the card's rows anew and reuses
the rest of its settled picture, returning raw RGB as it hands it to ffmpeg. Prints the time
per frame of each; neither includes encoding.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SAMPLE = """\
title: 小微企业"六税两费"减半征收
issuer: 财政部 税务总局
summary: 六种地方税费按50%减征。
points:
  - heading: 减多少
    text: 按50%的幅度减征，小规模纳税人、小型微利企业和个体工商户都能享受。
contact: 纳税服务热线12366
"""


def painter_frames(folder: Path, count: int) -> tuple[float, list[int]]:
    """Seconds per frame for the painter's first `count` frames of the second scene."""
    from policyclip.pipeline import RenderOptions, painter_for, prepare, speak

    brief = folder / "brief.yaml"
    brief.write_text(SAMPLE, encoding="utf-8")
    options = RenderOptions(tts="none")
    prepared = prepare(brief, options)
    painter = painter_for(prepared, options, speak(prepared, options, folder, print))
    first = painter.frame_of(painter.timeline.scenes[1].start_ms)
    numbers = list(range(first, first + count))
    painter.frame_bytes(numbers[0])  # the settled picture, drawn once per state
    started = time.perf_counter()
    for number in numbers:
        b"".join(painter.frame_bytes(number))
    return (time.perf_counter() - started) / count, numbers


def moviepy_frames(folder: Path, count: int) -> float:
    """Seconds per frame for the same entrance composed from MoviePy layers."""
    import numpy as np
    from moviepy import ColorClip, CompositeVideoClip, ImageClip, vfx
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (960, 840), (255, 255, 255))
    ImageDraw.Draw(card).rectangle((56, 56, 900, 200), fill=(20, 33, 61))
    caption = Image.new("RGBA", (700, 110), (20, 33, 61, 224))
    duration = count / 30

    def rise(t: float) -> tuple[int, int]:
        p = min(1.0, t / 0.35)
        return 60, 340 + round((1 - (1 - (1 - p) ** 3)) * 48)

    layers = [
        ColorClip((1080, 1920), color=(244, 247, 251)).with_duration(duration),
        ImageClip(np.asarray(card)).with_duration(duration).with_position(rise)
        .with_effects([vfx.CrossFadeIn(0.35)]),
        ImageClip(np.asarray(caption)).with_duration(duration).with_position((150, 1308))
        .with_effects([vfx.CrossFadeIn(0.16)]),
    ]
    clip = CompositeVideoClip(layers, size=(1080, 1920))
    started = time.perf_counter()
    for number in range(count):
        clip.get_frame(number / 30).astype("uint8").tobytes()
    return (time.perf_counter() - started) / count


def main() -> None:
    """Measure both and print the time per frame."""
    parser = argparse.ArgumentParser(prog="python -m bench.moving",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="policyclip-bench-") as name:
        painter, _ = painter_frames(Path(name), args.frames)
    moviepy = moviepy_frames(Path("."), args.frames)
    print(f"painter: {painter * 1000:.1f} ms a frame; MoviePy layers: {moviepy * 1000:.1f} ms a "
          f"frame ({moviepy / painter:.1f}x slower), {args.frames} frames at 1080x1920")


if __name__ == "__main__":
    main()
