"""The package's pictures, drawn by the video's own frame painter: each scene's card in its
settled state, and the layers that go over it (a picture, the logo, the AI label, each caption)
as transparent full-frame PNGs, so that stacked in an editor they give the video's frames.

A layer is drawn twice by the painter, over black and over white: what it adds to any frame is
then known exactly (its colour and its opacity, pixel by pixel), however the painter blends.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from .cut import Still, VideoTrack

if TYPE_CHECKING:
    from ..frames import FramePainter
    from ..models import Timeline

# Fast zlib: these stills are drawn while the video waits to be encoded, and a card of flat
# colours compresses nearly as well at level 1 as at the default 6, in a third of the time.
PNG_LEVEL = 1
CARDS, PICTURES, CAPTIONS, LABEL, LOGO = "cards", "pictures", "captions", "label", "logo"


def draw_video_tracks(painter: FramePainter, timeline: Timeline, root: Path
                      ) -> tuple[VideoTrack, ...]:
    """Draw every picture the cut shows into `root`/media and return the video tracks, bottom
    to top: cards, pictures, logo, AI label, captions (empty tracks are left out)."""
    media = root / "media"
    size = (timeline.width, timeline.height)

    cards: list[Still] = []
    pictures: list[Still] = []
    for scene in timeline.scenes:
        number = scene.index + 1
        kind = scene.card if scene.ref is None else f"{scene.card}-{scene.ref + 1}"
        name = f"{number:02d}-{kind}.png"
        # A card that changes while on screen (the step being read, an FAQ answer coming out,
        # a long opening moving on to the summary) is one still per change, each settled.
        changes = [(max(ms, scene.start_ms), variant) for ms, variant in
                   painter.changes.get(scene.index, [(scene.start_ms, None)])
                   if ms < scene.end_ms]
        for step, (start, variant) in enumerate(changes):
            end = changes[step + 1][0] if step + 1 < len(changes) else scene.end_ms
            if end <= start:
                continue
            card = name if len(changes) == 1 else f"{number:02d}-{kind}-{step + 1}.png"
            _save(painter.scene_base(scene, variant), media / CARDS / card)
            cards.append(Still(f"media/{CARDS}/{card}", start, end,
                               f"{number:02d} {kind}" + (f" {step + 1}" if card != name else "")))
        area = painter.picture_area(scene.index)
        if area is not None:
            layer = Image.new("RGBA", size, (0, 0, 0, 0))
            layer.paste(painter.picture_tile(area).convert("RGBA"), area.box[:2])
            _save(layer, media / PICTURES / name)
            pictures.append(Still(f"media/{PICTURES}/{name}", scene.start_ms, scene.end_ms,
                                  f"{number:02d} picture {area.path.name}"))

    matte = _Matte(size)
    captions: list[Still] = []
    for number, cue in enumerate(timeline.cues, start=1):
        name = f"{number:03d}.png"
        _save(matte(lambda image, c=cue: painter.draw_caption(image, c)),  # type: ignore[misc]
              media / CAPTIONS / name)
        captions.append(Still(f"media/{CAPTIONS}/{name}", cue.start_ms, cue.end_ms,
                              f"caption {number}", text="\n".join(cue.lines)))

    label: list[Still] = []
    if timeline.ai_label_ms > 0:
        _save(matte(painter.draw_label), media / "label.png")
        label.append(Still("media/label.png", 0, timeline.ai_label_ms, "AI label"))

    logo: list[Still] = []
    box = painter.logo_box()
    if box is not None:
        _save(matte(painter.draw_logo), media / "logo.png")
        # Where the AI label covers the logo's place, the video shows the logo after it.
        start = timeline.ai_label_ms if timeline.ai_label_ms > 0 and _overlap(
            box, painter.label_box()) else 0
        if start < timeline.duration_ms:
            logo.append(Still("media/logo.png", start, timeline.duration_ms, "logo"))

    tracks = (VideoTrack("cards", tuple(cards)), VideoTrack(PICTURES, tuple(pictures)),
              VideoTrack(LOGO, tuple(logo)), VideoTrack("AI label", tuple(label)),
              VideoTrack(CAPTIONS, tuple(captions)))
    return tuple(track for track in tracks if track.stills)


def _save(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, compress_level=PNG_LEVEL)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a: tuple[int, int, int, int] | None, b: tuple[int, int, int, int] | None
           ) -> tuple[int, int, int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


class _Matte:
    """Takes what a drawing adds to a frame as an RGBA layer: drawn over black and over white,
    the two differ by (1 - opacity) * 255 in every channel, and over black it shows colour *
    opacity. The two canvases are kept and cleaned where drawn, not made anew each time."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.black = Image.new("RGB", size, (0, 0, 0))
        self.white = Image.new("RGB", size, (255, 255, 255))

    def __call__(self, draw: Callable[[Image.Image], None]) -> Image.Image:
        import numpy as np
        from PIL import ImageChops

        draw(self.black)
        draw(self.white)
        layer = Image.new("RGBA", self.size, (0, 0, 0, 0))
        inked = _union(self.black.getbbox(), ImageChops.invert(self.white).getbbox())
        if inked is None:  # nothing was drawn
            return layer
        on_black = np.asarray(self.black.crop(inked), dtype=np.float32)
        on_white = np.asarray(self.white.crop(inked), dtype=np.float32)
        self.black.paste((0, 0, 0), inked)
        self.white.paste((255, 255, 255), inked)
        alpha = np.clip(255.0 - (on_white - on_black).mean(axis=2), 0.0, 255.0)
        colour = np.where(alpha[..., None] > 0,
                          on_black * 255.0 / np.maximum(alpha[..., None], 1.0), 0.0)
        pixels = np.dstack([np.clip(colour, 0, 255), alpha]).round().astype(np.uint8)
        layer.paste(Image.fromarray(pixels), inked[:2])
        return layer
