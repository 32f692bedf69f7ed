"""Where things go on the frame and how text is fitted into boxes (no drawing here).

The design grid is a 1080x1920 frame; everything scales with the output width. The bottom
fifth and the right-hand edge stay free for the platforms' own buttons and text: text in the
lower half of the frame ends at least `BUTTONS_CLEAR` pixels before the right edge (Douyin's
column of buttons).
"""

from __future__ import annotations

import functools
import re

from PIL import ImageFont

from .errors import RenderError
from .linebreak import LineRules, break_lines
from .models import Brief
from .theme import FontFace, Theme, resolve_font

Font = ImageFont.FreeTypeFont
Box = tuple[int, int, int, int]

# Layout on a 1080x1920 frame.
FRAME_WIDTH = 1080
LABEL_TOP = 236
CARD_BOX = (60, 340, 1020, 1180)
CARD_RADIUS = 36
CARD_PADDING = 56
CAPTION_BOX = (60, 1210, 940, 1510)  # right edge and bottom fifth stay clear
CAPTION_PADDING = (28, 16)
BUTTONS_CLEAR = 140  # Douyin's buttons: text in the lower half ends this far from the edge
PROGRESS_TOP = 196  # the optional progress bar, above the label band
MIDDLE = 960

WORDS = {
    "zh": {"point": "要点", "steps": "怎么办", "source": "政策来源", "issued": "发布日期",
           "effective": "有效期", "from": "起施行", "until": "截至", "contact": "咨询",
           "audience": "适用对象", "q": "问", "a": "答", "dash": "至"},
    "en": {"point": "Point", "steps": "What to do", "source": "Source", "issued": "Issued",
           "effective": "In effect", "from": "from", "until": "until", "contact": "Contact",
           "audience": "For", "q": "Q", "a": "A", "dash": "to"},
}


def rgb(colour: str) -> tuple[int, int, int]:
    """#RRGGBB as a tuple."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@functools.lru_cache(maxsize=3)
def font(face: FontFace, size: int) -> Font:
    """A loaded font. Each loaded size of a CJK font holds about 4 MB (FreeType maps the file
    once per size), and loading one takes about a millisecond: only the sizes used lately are
    kept, so memory stays flat while frames are drawn during the encode."""
    try:
        return ImageFont.truetype(str(face.path), size=size, index=face.index)
    except OSError as exc:
        raise RenderError(f"cannot load font {face.path} (face {face.index}): {exc}") from None


class Layout:
    """Geometry and text fitting for one video: its scale, fonts and line-breaking rules."""

    def __init__(self, brief: Brief, theme: Theme, width: int) -> None:
        self.brief = brief
        self.theme = theme
        self.scale = width / FRAME_WIDTH
        self.bold = resolve_font(theme.fonts.bold)
        self.regular = resolve_font(theme.fonts.regular)
        self.words = WORDS["zh" if brief.is_chinese else "en"]
        # Every line break a card needs, remembered: fitting tries many sizes, and once each
        # card has been laid out (FramePainter.lay_out_cards) the word dictionary can go.
        self._wrapped: dict[tuple[str, FontFace, int, int], list[str]] = {}

    def px(self, value: float) -> int:
        """A length on the 1080-wide design grid, in output pixels."""
        return max(1, round(value * self.scale))

    def box(self, box: Box) -> Box:
        """A design-grid box in output pixels."""
        x0, y0, x1, y1 = box
        return self.px(x0), self.px(y0), self.px(x1), self.px(y1)

    def card_box(self) -> Box:
        """The card on the frame, in output pixels."""
        return self.box(CARD_BOX)

    def clear_right(self, frame_y: int) -> int:
        """The rightmost x (frame pixels) text may reach at height `frame_y`: in the lower half,
        clear of the platforms' buttons."""
        if frame_y >= self.px(MIDDLE):
            return self.px(FRAME_WIDTH - BUTTONS_CLEAR)
        return self.px(CARD_BOX[2] - CARD_PADDING)

    def wrap(self, text: str, face: FontFace, size: int, max_width: int) -> list[str]:
        """Break text into lines no wider than max_width pixels with this font."""
        key = (text, face, size, max_width)
        if key not in self._wrapped:
            self._wrapped[key] = self._wrap(text, face, size, max_width)
        return list(self._wrapped[key])

    def _wrap(self, text: str, face: FontFace, size: int, max_width: int) -> list[str]:
        loaded = font(face, size)
        units = max(2.0, max_width / size)
        while True:
            # A Latin letter is about half a CJK character wide: English fits ~1.9x the units.
            rules = LineRules(max_units=units, latin_unit=0.55) if self.brief.is_chinese \
                else LineRules(max_units=units * 1.9, latin_unit=1.0, chinese=False)
            lines = break_lines(text, rules, self.brief.glossary.keys())
            if all(loaded.getlength(line) <= max_width for line in lines) or units <= 2:
                return lines
            units -= 0.5

    def fit(
        self, text: str, face: FontFace, size: int, box: Box, max_lines: int = 99,
        spacing: float = 1.3, grow: float = 1.0,
    ) -> tuple[list[str], Font]:
        """The largest size (at most `size` times `grow`) at which text fits the box. With
        `grow` above 1 a short text is set larger than `size`, to fill its card."""
        width, height = box[2] - box[0], box[3] - box[1]
        floor = self.px(size)
        size = self.px(size * grow)
        while True:
            lines = self.wrap(text, face, size, width)
            fits = len(lines) <= max_lines and len(lines) * size * spacing <= height
            # Larger than asked only while it stays a short block: at most 4 lines.
            if size > floor and len(lines) > 4:
                fits = False
            if fits or size <= 16:
                return lines, font(face, size)
            size = max(int(size * 0.92), floor) if size > floor else int(size * 0.92)

    def address_lines(self, url: str, size: int, max_width: int, max_lines: int = 3
                      ) -> tuple[list[str], Font]:
        """A web address broken after its slashes and separators (never inside a name), as large
        as fits in `max_lines`: kept whole, a long address shrank to an unreadable size."""
        pieces = [piece for piece in re.findall(r"[^/?&=]*[/?&=]*", url) if piece]
        size = self.px(size)
        while True:
            loaded = font(self.regular, size)
            lines = [""]
            for piece in pieces:
                if lines[-1] and loaded.getlength(lines[-1] + piece) > max_width:
                    lines.append(piece)
                else:
                    lines[-1] += piece
            if (len(lines) <= max_lines and all(loaded.getlength(line) <= max_width
                                                 for line in lines)) or size <= 16:
                return lines, loaded
            size = int(size * 0.92)


def overlap(a: Box, b: Box) -> bool:
    """True when two boxes share any pixel."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
