"""The straightforward MoviePy approach that peer tools use, as the benchmark's reference.

A CompositeVideoClip of a full-frame background and one RGBA ImageClip per caption cue, with the
narration as audio, written with write_videofile: every frame is composited in Python.

    python -m bench.moviepy_reference TIMELINE.json NARRATED.mp4 OUT.mp4
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from moviepy import AudioFileClip, ColorClip, CompositeVideoClip, ImageClip
from PIL import Image, ImageDraw, ImageFont

from policyclip.theme import find_theme, load_theme, resolve_font


def caption_image(lines: list[str], font: ImageFont.FreeTypeFont) -> np.ndarray:
    """A caption as an RGBA picture: a translucent box with white text."""
    width = int(max(font.getlength(line) for line in lines)) + 56
    height = int(len(lines) * font.size * 1.35) + 32
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, width, height), radius=20, fill=(20, 33, 61, 224))
    for number, line in enumerate(lines):
        draw.text((28, 16 + number * font.size * 1.35), line, font=font, fill=(255, 255, 255))
    return np.asarray(image)


def main() -> None:
    """Render the reference video."""
    timeline_path, narrated, out = (Path(a) for a in sys.argv[1:4])
    timeline = json.loads(timeline_path.read_text(encoding="utf-8"))
    face = resolve_font(load_theme(find_theme(None, None)).fonts.bold)
    font = ImageFont.truetype(str(face.path), 54, index=face.index)
    duration = timeline["duration_ms"] / 1000
    layers = [ColorClip((1080, 1920), color=(244, 247, 251), duration=duration)]
    for cue in timeline["cues"]:
        layers.append(
            ImageClip(caption_image(cue["lines"], font))
            .with_start(cue["start_ms"] / 1000)
            .with_duration((cue["end_ms"] - cue["start_ms"]) / 1000)
            .with_position(("center", 1300))
        )
    video = CompositeVideoClip(layers, size=(1080, 1920)).with_audio(AudioFileClip(str(narrated)))
    # MoviePy's temporary sound goes beside the output, not into the working directory.
    video.write_videofile(str(out), fps=30, codec="libx264", preset="veryfast",
                          audio_codec="aac", logger=None,
                          temp_audiofile=str(Path(out).with_name("moviepy-temp-audio.m4a")))


if __name__ == "__main__":
    main()
