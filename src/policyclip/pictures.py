"""Pictures: decoded once, turned upright, scaled once per size and cached for the render.

A frame never pays for decoding or scaling a picture: the painter asks for the tile of a
picture area (the picture contained whole over its fill) and gets the cached one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps

from .errors import RenderError


@dataclass(frozen=True)
class PictureArea:
    """A picture as placed on a scene's card: its file and the box it fills (output pixels)."""

    path: Path
    box: tuple[int, int, int, int]


PICTURE_BOUND = 2048  # pictures are kept decoded no larger than this on their long side


def shade(base: tuple[int, int, int], toward: tuple[int, int, int],
          amount: float) -> tuple[int, int, int]:
    """`base` moved `amount` (0 to 1) of the way toward `toward`."""
    r, g, b = (round(x + (y - x) * amount) for x, y in zip(base, toward, strict=True))
    return r, g, b


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a changed file from the one cached: modification time and size."""
    try:
        info = path.stat()
    except OSError as exc:
        raise RenderError(f"cannot read the picture {path.name}: {exc.strerror or exc}") \
            from None
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=4)
def _decoded(path: Path, stamp: tuple[int, int]) -> Image.Image:
    """The picture decoded once: turned upright by its EXIF orientation, 8 bits a channel,
    RGBA when it has transparency (else RGB), no larger than PICTURE_BOUND. A large JPEG is
    decoded at a reduced scale straight away (libjpeg's DCT scaling), which is much faster."""
    try:
        with Image.open(path) as source:
            if source.format == "JPEG" and max(source.size) > PICTURE_BOUND:
                ratio = PICTURE_BOUND / max(source.size)
                source.draft(None, (round(source.width * ratio), round(source.height * ratio)))
            upright = ImageOps.exif_transpose(source)
            picture = _eight_bit(upright)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RenderError(f"cannot draw the picture {path.name}: {exc}") from None
    if max(picture.size) > PICTURE_BOUND:
        ratio = PICTURE_BOUND / max(picture.size)
        picture = _resize(picture, (max(1, round(picture.width * ratio)),
                                    max(1, round(picture.height * ratio))))
    return picture


def _eight_bit(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the picture has transparency; 16-bit and float greys scaled down."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        import numpy as np

        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if values.max(initial=0) > 255 else 255.0
        image = Image.fromarray(np.clip(values / top * 255.0, 0, 255).astype(np.uint8))
    clear = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if clear else "RGB")


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Resize with alpha premultiplied, so transparent edges keep no dark fringe."""
    if image.mode == "RGBA":
        return image.convert("RGBa").resize(size, Image.Resampling.LANCZOS,
                                            reducing_gap=3.0).convert("RGBA")
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


@functools.lru_cache(maxsize=32)
def _fitted(path: Path, stamp: tuple[int, int], size: tuple[int, int]) -> Image.Image:
    source = _decoded(path, stamp)
    ratio = min(size[0] / source.width, size[1] / source.height)
    target = (max(1, min(size[0], round(source.width * ratio))),
              max(1, min(size[1], round(source.height * ratio))))
    return _resize(source, target).convert("RGBA")


@functools.lru_cache(maxsize=16)
def _tile(path: Path, stamp: tuple[int, int], size: tuple[int, int], fill: str,
          colour: tuple[int, int, int]) -> Image.Image:
    picture = _fitted(path, stamp, size)
    alpha_low, _ = picture.getchannel("A").getextrema()
    if fill == "blur" and alpha_low == 255:
        # A soft, slightly washed-out copy of the picture fills the margins: cheap, because
        # it is blurred at a sixteenth of the size and only then scaled up.
        small = ImageOps.fit(_decoded(path, stamp).convert("RGB"),
                             (max(1, size[0] // 16), max(1, size[1] // 16)), Image.Resampling.BOX)
        soft = small.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BICUBIC)
        base = Image.blend(soft, Image.new("RGB", size, colour), 0.35)
    else:
        base = Image.new("RGB", size, colour)
    base.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2),
               picture)
    return base


def load_picture(path: Path, size: tuple[int, int]) -> Image.Image:
    """A picture turned upright by its EXIF data and scaled once to fit `size` (RGBA),
    without distortion. Decoding and scaling are cached: a frame never pays for them."""
    return _fitted(path, _stamp(path), size)


def tile(path: Path, size: tuple[int, int], fill: str, colour: tuple[int, int, int]
         ) -> Image.Image:
    """The picture contained whole and centred in `size` over a blurred copy of itself
    (`fill` "blur", opaque pictures) or the colour (cached)."""
    return _tile(path, _stamp(path), size, fill, colour)


def release_caches() -> None:
    """Drop decoded pictures once every frame is drawn."""
    for cached in (_decoded, _fitted, _tile):
        cached.cache_clear()
