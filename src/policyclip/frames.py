"""Stage 6: Timeline -> still frames. Each distinct screen state is drawn once with Pillow.

The screen only changes when a scene, a caption cue or the AI label changes, so the video is a
short list of stills with durations. Layout keeps the bottom fifth and the right-hand edge free
for the platforms' own buttons and text.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from .errors import RenderError
from .linebreak import LineRules, break_lines
from .models import Brief, Cue, TimedScene, Timeline
from .theme import FontFace, Theme, resolve_font

Font = ImageFont.FreeTypeFont

# Layout on a 1080x1920 frame; everything scales with the output width.
LABEL_TOP = 236
CARD_BOX = (60, 340, 1020, 1180)
CARD_PADDING = 56
CAPTION_BOX = (60, 1210, 940, 1510)  # right edge and bottom fifth stay clear
CAPTION_PADDING = (28, 16)

WORDS = {
    "zh": {"point": "要点", "steps": "怎么办", "source": "政策来源", "issued": "发布日期",
           "effective": "有效期", "from": "起施行", "until": "截至", "contact": "咨询",
           "audience": "适用对象", "q": "问", "a": "答", "dash": "至"},
    "en": {"point": "Point", "steps": "What to do", "source": "Source", "issued": "Issued",
           "effective": "In effect", "from": "from", "until": "until", "contact": "Contact",
           "audience": "For", "q": "Q", "a": "A", "dash": "to"},
}


@dataclass(frozen=True)
class ScreenState:
    """What is on screen from start to end: a scene, maybe a cue, maybe the AI label."""

    start_ms: int
    end_ms: int
    scene: int
    cue: int | None
    label: bool


def screen_states(timeline: Timeline) -> list[ScreenState]:
    """Cut the timeline into intervals during which the picture does not change."""
    cuts = {0, timeline.duration_ms, timeline.ai_label_ms}
    for scene in timeline.scenes:
        cuts |= {scene.start_ms, scene.end_ms}
    for cue in timeline.cues:
        cuts |= {cue.start_ms, cue.end_ms}
    times = sorted(t for t in cuts if 0 <= t <= timeline.duration_ms)
    states: list[ScreenState] = []
    for start, end in itertools.pairwise(times):
        scene_index = next(s.index for s in timeline.scenes if s.start_ms <= start < s.end_ms)
        cue_index = next(
            (i for i, c in enumerate(timeline.cues) if c.start_ms <= start < c.end_ms), None)
        label = start < timeline.ai_label_ms
        last = states[-1] if states else None
        if last and (last.scene, last.cue, last.label) == (scene_index, cue_index, label):
            states[-1] = ScreenState(last.start_ms, end, scene_index, cue_index, label)
        else:
            states.append(ScreenState(start, end, scene_index, cue_index, label))
    return states


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@functools.cache
def _font(face: FontFace, size: int) -> Font:
    try:
        return ImageFont.truetype(str(face.path), size=size, index=face.index)
    except OSError as exc:
        raise RenderError(f"cannot load font {face.path} (face {face.index}): {exc}") from None


class FramePainter:
    """Draws the frames of one video: a base picture per scene, then captions and label on top."""

    def __init__(self, brief: Brief, theme: Theme, timeline: Timeline) -> None:
        self.brief = brief
        self.theme = theme
        self.timeline = timeline
        self.scale = timeline.width / 1080
        self.bold = resolve_font(theme.fonts.bold)
        self.regular = resolve_font(theme.fonts.regular)
        self.words = WORDS["zh" if brief.is_chinese else "en"]
        self._bases: dict[int, Image.Image] = {}
        self._background: Image.Image | None = None
        self._scene: int | None = None  # the scene whose base is being drawn
        self.pictures: dict[int, PictureArea] = {}  # scene index -> its picture, once drawn

    # ------------------------------------------------------------ geometry helpers

    def px(self, value: float) -> int:
        """A length on the 1080-wide design grid, in output pixels."""
        return max(1, round(value * self.scale))

    def box(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A design-grid box in output pixels."""
        x0, y0, x1, y1 = box
        return self.px(x0), self.px(y0), self.px(x1), self.px(y1)

    def wrap(self, text: str, face: FontFace, size: int, max_width: int) -> list[str]:
        """Break text into lines no wider than max_width pixels with this font."""
        font = _font(face, size)
        units = max(2.0, max_width / size)
        while True:
            # A Latin letter is about half a CJK character wide: English fits ~1.9x the units.
            rules = LineRules(max_units=units, latin_unit=0.55) if self.brief.is_chinese \
                else LineRules(max_units=units * 1.9, latin_unit=1.0, chinese=False)
            lines = break_lines(text, rules, self.brief.glossary.keys())
            if all(font.getlength(line) <= max_width for line in lines) or units <= 2:
                return lines
            units -= 0.5

    def fit(
        self, text: str, face: FontFace, size: int, box: tuple[int, int, int, int],
        max_lines: int = 99, spacing: float = 1.3,
    ) -> tuple[list[str], Font]:
        """The largest size (at most `size`) at which text fits the box."""
        width, height = box[2] - box[0], box[3] - box[1]
        size = self.px(size)
        while True:
            lines = self.wrap(text, face, size, width)
            if (len(lines) <= max_lines and len(lines) * size * spacing <= height) or size <= 16:
                return lines, _font(face, size)
            size = int(size * 0.92)

    def address_lines(self, url: str, size: int, max_width: int, max_lines: int = 3
                      ) -> tuple[list[str], Font]:
        """A web address broken after its slashes and separators (never inside a name), as large
        as fits in `max_lines`: kept whole, a long address shrank to an unreadable size."""
        pieces = [piece for piece in re.findall(r"[^/?&=]*[/?&=]*", url) if piece]
        size = self.px(size)
        while True:
            font = _font(self.regular, size)
            lines = [""]
            for piece in pieces:
                if lines[-1] and font.getlength(lines[-1] + piece) > max_width:
                    lines.append(piece)
                else:
                    lines[-1] += piece
            if (len(lines) <= max_lines and all(font.getlength(line) <= max_width
                                                 for line in lines)) or size <= 16:
                return lines, font
            size = int(size * 0.92)

    def draw_lines(
        self, draw: ImageDraw.ImageDraw, lines: list[str], font: Font, x: int, y: int,
        colour: str, *, width: int | None = None, spacing: float = 1.3,
    ) -> int:
        """Draw lines from (x, y), centred in `width` when given; return the y below them."""
        step = round(font.size * spacing)
        for line in lines:
            left = x if width is None else x + (width - round(font.getlength(line))) // 2
            draw.text((left, y), line, font=font, fill=_rgb(colour))
            y += step
        return y

    # ------------------------------------------------------------ backgrounds and cards

    def background(self) -> Image.Image:
        """The theme's gradient, once per video."""
        if self._background is None:
            size = (self.timeline.width, self.timeline.height)
            top = Image.new("RGB", size, _rgb(self.theme.background.top))
            bottom = Image.new("RGB", size, _rgb(self.theme.background.bottom))
            mask = Image.linear_gradient("L").resize(size)
            self._background = Image.composite(bottom, top, mask)
        return self._background

    def scene_base(self, scene: TimedScene) -> Image.Image:
        """Background, card and logo of a scene, drawn once."""
        if scene.index not in self._bases:
            # States come in time order: keep only the latest scene, so memory stays flat.
            self._bases.clear()
            image = self.background().copy()
            draw = ImageDraw.Draw(image)
            x0, y0, x1, y1 = self.box(CARD_BOX)
            draw.rounded_rectangle((x0, y0, x1, y1), radius=self.px(36),
                                   fill=_rgb(self.theme.colors.card))
            pad = self.px(CARD_PADDING)
            content = (x0 + pad, y0 + pad, x1 - pad, y1 - pad)
            self._scene = scene.index
            getattr(self, f"_card_{scene.card}")(image, draw, content, scene.ref)
            self._scene = None
            self._bases[scene.index] = image
        return self._bases[scene.index]

    def _card_title(self, image: Image.Image, draw: ImageDraw.ImageDraw,
                    box: tuple[int, int, int, int], ref: int | None) -> None:
        x0, y0, x1, y1 = box
        y = self._pill(draw, self.brief.issuer, x0, y0, x1 - x0)
        extra = []
        if self.brief.audience:
            extra.append(f"{self.words['audience']}：{self.brief.audience}"
                         if self.brief.is_chinese else f"For: {self.brief.audience}")
        period = self._period()
        if period:
            extra.append(period)
        sizes = self.theme.sizes
        extra_font = _font(self.regular, self.px(sizes.body - 6))
        extra_lines = [line for part in extra
                       for line in self.wrap(part, self.regular, int(extra_font.size), x1 - x0)]
        extra_height = round(len(extra_lines) * extra_font.size * 1.35)
        picture = self.first_picture() if self.theme.title_image == "card" else None
        if picture is not None:
            # The picture takes the upper part of the card; the title fits into the rest.
            top = y + self.px(36)
            bottom = top + (y1 - extra_height - top) * 9 // 20
            self._picture(image, picture, (x0, top, x1, bottom))
            y = bottom
        title_box = (x0, y + self.px(40), x1, y1 - extra_height - self.px(40))
        lines, font = self.fit(self.brief.title, self.bold, sizes.title, title_box, max_lines=5,
                               spacing=1.25)
        block = round(len(lines) * font.size * 1.25)
        top = title_box[1] + (title_box[3] - title_box[1] - block) // 2
        self.draw_lines(draw, lines, font, x0, top, self.theme.colors.text,
                        width=x1 - x0, spacing=1.25)
        self.draw_lines(draw, extra_lines, extra_font, x0, y1 - extra_height,
                        self.theme.colors.muted, width=x1 - x0, spacing=1.35)

    def _card_point(self, image: Image.Image, draw: ImageDraw.ImageDraw,
                    box: tuple[int, int, int, int], ref: int | None) -> None:
        assert ref is not None
        point = self.brief.points[ref]
        x0, y0, x1, y1 = box
        sizes = self.theme.sizes
        tag = f"{self.words['point']} {ref + 1}/{len(self.brief.points)}"
        tag_font = _font(self.bold, self.px(sizes.body - 8))
        draw.text((x0, y0), tag, font=tag_font, fill=_rgb(self.theme.colors.accent))
        y = y0 + round(tag_font.size * 1.6)
        heading_box = (x0, y, x1, y + self.px(300))
        lines, font = self.fit(point.heading, self.bold, sizes.heading, heading_box,
                               max_lines=3, spacing=1.2)
        y = self.draw_lines(draw, lines, font, x0, y, self.theme.colors.text, spacing=1.2)
        y += self.px(30)
        draw.line((x0, y, x0 + self.px(120), y), fill=_rgb(self.theme.colors.accent),
                  width=self.px(8))
        area = (x0, y + self.px(40), x1, y1)
        if point.figure:
            self._figure(draw, point.figure.value, point.figure.label, area)
        elif point.image:
            self._picture(image, point.image, area)
        else:
            lines, font = self.fit(point.text, self.regular, sizes.body, area, spacing=1.45)
            self.draw_lines(draw, lines, font, x0, area[1], self.theme.colors.muted, spacing=1.45)

    def _card_faq(self, image: Image.Image, draw: ImageDraw.ImageDraw,
                  box: tuple[int, int, int, int], ref: int | None) -> None:
        assert ref is not None
        item = self.brief.faq[ref]
        x0, y0, x1, y1 = box
        sizes = self.theme.sizes
        badge = self.px(84)
        middle = y0 + (y1 - y0) * 2 // 5
        for mark, text, face, size, top, bottom, colour in (
            (self.words["q"], item.q, self.bold, sizes.heading - 8, y0, middle,
             self.theme.colors.text),
            (self.words["a"], item.a, self.regular, sizes.body, middle + self.px(30), y1,
             self.theme.colors.muted),
        ):
            draw.rounded_rectangle((x0, top, x0 + badge, top + badge), radius=self.px(18),
                                   fill=_rgb(self.theme.colors.accent))
            mark_font = _font(self.bold, self.px(52))
            self.draw_lines(draw, [mark], mark_font, x0, top + (badge - int(mark_font.size)) // 2
                            - self.px(6), self.theme.colors.on_accent, width=badge)
            lines, font = self.fit(text, face, size, (x0 + badge + self.px(30), top, x1, bottom),
                                   spacing=1.35)
            self.draw_lines(draw, lines, font, x0 + badge + self.px(30), top, colour, spacing=1.35)

    def _card_steps(self, image: Image.Image, draw: ImageDraw.ImageDraw,
                    box: tuple[int, int, int, int], ref: int | None) -> None:
        x0, y0, x1, y1 = box
        sizes = self.theme.sizes
        head = _font(self.bold, self.px(sizes.heading))
        draw.text((x0, y0), self.words["steps"], font=head, fill=_rgb(self.theme.colors.text))
        y = y0 + round(head.size * 1.6)
        steps = self.brief.steps or ()
        slot = (y1 - y) // max(1, len(steps))
        size = sizes.body
        badge = self.px(64)
        for number, step in enumerate(steps, start=1):
            draw.ellipse((x0, y, x0 + badge, y + badge), fill=_rgb(self.theme.colors.accent))
            num_font = _font(self.bold, self.px(38))
            self.draw_lines(draw, [str(number)], num_font, x0, y + (badge - int(num_font.size)) // 2
                            - self.px(5), self.theme.colors.on_accent, width=badge)
            lines, font = self.fit(step, self.regular, size,
                                   (x0 + badge + self.px(28), y, x1, y + slot - self.px(16)),
                                   spacing=1.3)
            self.draw_lines(draw, lines, font, x0 + badge + self.px(28), y, self.theme.colors.text,
                            spacing=1.3)
            y += slot

    def _card_source(self, image: Image.Image, draw: ImageDraw.ImageDraw,
                     box: tuple[int, int, int, int], ref: int | None) -> None:
        x0, y0, x1, y1 = box
        sizes = self.theme.sizes
        y = self._pill(draw, self.words["source"], x0, y0, None)
        y += self.px(40)
        lines, font = self.fit(self.brief.issuer, self.bold, sizes.heading - 8,
                               (x0, y, x1, y + self.px(260)), max_lines=3, spacing=1.25)
        y = self.draw_lines(draw, lines, font, x0, y, self.theme.colors.text, spacing=1.25)
        details = []
        if self.brief.doc_number:
            details.append(self.brief.doc_number)
        if self.brief.published:
            details.append(f"{self.words['issued']}：{self._date(self.brief.published)}"
                           if self.brief.is_chinese else
                           f"Issued {self._date(self.brief.published)}")
        period = self._period()
        if period:
            details.append(period)
        if self.brief.contact:
            details.append(f"{self.words['contact']}：{self.brief.contact}"
                           if self.brief.is_chinese else f"Contact: {self.brief.contact}")
        cta = self.brief.cta
        cta_height = self.px(150) if cta else 0
        y += self.px(24)
        for detail in [*details, *([self.brief.source_url] if self.brief.source_url else [])]:
            if detail == self.brief.source_url:
                lines, font = self.address_lines(detail, sizes.body - 4, x1 - x0)
            else:
                lines, font = self.fit(detail, self.regular, sizes.body - 4,
                                       (x0, y, x1, y1 - cta_height), max_lines=3, spacing=1.35)
            y = self.draw_lines(draw, lines, font, x0, y, self.theme.colors.muted, spacing=1.35)
            y += self.px(10)
        if cta:
            lines, font = self.fit(cta, self.bold, sizes.body + 4, (x0, y1 - cta_height, x1, y1),
                                   max_lines=2, spacing=1.25)
            top = y1 - round(len(lines) * font.size * 1.25)
            self.draw_lines(draw, lines, font, x0, top, self.theme.colors.accent, width=x1 - x0,
                            spacing=1.25)

    # ------------------------------------------------------------ pieces

    def _pill(self, draw: ImageDraw.ImageDraw, text: str, x: int, y: int,
              width: int | None) -> int:
        """A rounded accent tag; returns the y below it."""
        font_size = self.theme.sizes.body - 6
        max_width = (width or self.px(840)) - self.px(60)
        lines, font = self.fit(text, self.bold, font_size, (0, 0, max_width, self.px(200)),
                               max_lines=2, spacing=1.25)
        text_width = max(round(font.getlength(line)) for line in lines)
        height = round(len(lines) * font.size * 1.25) + self.px(28)
        left = x if width is None else x + (width - text_width - self.px(60)) // 2
        draw.rounded_rectangle((left, y, left + text_width + self.px(60), y + height),
                               radius=self.px(24), fill=_rgb(self.theme.colors.accent))
        self.draw_lines(draw, lines, font, left + self.px(30), y + self.px(10),
                        self.theme.colors.on_accent, spacing=1.25)
        return y + height

    def _figure(self, draw: ImageDraw.ImageDraw, value: str, label: str,
                area: tuple[int, int, int, int]) -> None:
        x0, y0, x1, y1 = area
        size = self.px(self.theme.sizes.figure)
        font = _font(self.bold, size)
        while font.getlength(value) > x1 - x0 and size > 40:
            size = int(size * 0.9)
            font = _font(self.bold, size)
        label_lines, label_font = self.fit(label, self.regular, self.theme.sizes.body,
                                           (x0, y0, x1, y1), max_lines=2)
        # Measure the ink, not the nominal size: digits and slashes reach below the baseline.
        ink_bottom = int(font.getbbox(value)[3])
        gap = self.px(28)
        block = ink_bottom + gap + round(len(label_lines) * label_font.size * 1.3)
        top = y0 + max(0, (y1 - y0 - block) // 2)
        self.draw_lines(draw, [value], font, x0, top, self.theme.colors.accent, width=x1 - x0)
        self.draw_lines(draw, label_lines, label_font, x0, top + ink_bottom + gap,
                        self.theme.colors.muted, width=x1 - x0)

    def _picture(self, image: Image.Image, path: Path, area: tuple[int, int, int, int]) -> None:
        """The picture whole (contained, never stretched) over its fill, filling `area`."""
        x0, y0, x1, y1 = (value + value % 2 for value in area)  # even: the zoom's overlay
        if x1 - x0 < 16 or y1 - y0 < 16:
            return
        placed = PictureArea(path, (x0, y0, x1, y1))
        image.paste(self.picture_tile(placed), (x0, y0))
        if self._scene is not None:
            self.pictures[self._scene] = placed

    def picture_tile(self, area: PictureArea, scale: int = 1) -> Image.Image:
        """What `area` shows: the picture contained whole and centred over a blurred copy of
        itself (opaque pictures, theme `picture.fill: blur`) or the fill colour. `scale` 2
        gives the sharper copy that a zoom starts from."""
        x0, y0, x1, y1 = area.box
        size = ((x1 - x0) * scale, (y1 - y0) * scale)
        style = self.theme.picture
        colour = _rgb(style.color) if style.color else _shade(
            _rgb(self.theme.colors.card), _rgb(self.theme.colors.text), 0.08)
        return _tile(area.path, _stamp(area.path), size, style.fill, colour)

    def first_picture(self) -> Path | None:
        """The brief's first picture (for a title card that shows one)."""
        return next((p.image for p in self.brief.points if p.image is not None), None)

    def _logo_box(self) -> tuple[int, int, int, int] | None:
        """Where the logo goes: the band above the card, left, centre or right as the theme
        says; the right-hand edge and the bottom fifth stay free for the platforms' buttons."""
        if self.brief.render.logo is None:
            return None
        style = self.theme.logo
        height = self.px(style.max_height)
        width, logo_height = _load_picture(self.brief.render.logo,
                                           (self.px(style.max_width), height)).size
        left = {"top-left": self.px(CARD_BOX[0]),
                "top-center": (self.timeline.width - width) // 2,
                "top-right": self.px(CARD_BOX[2]) - width}[style.position]
        top = self.px(LABEL_TOP) + (height - logo_height) // 2
        return left, top, left + width, top + logo_height

    def _draw_logo(self, image: Image.Image) -> None:
        box = self._logo_box()
        if box is None or self.brief.render.logo is None:
            return
        logo = _load_picture(self.brief.render.logo, (box[2] - box[0], box[3] - box[1]))
        image.paste(logo, box[:2], logo)

    def _label_box(self) -> tuple[int, int, int, int]:
        """The AI label's box (see _draw_label)."""
        text = self.theme.label_text(self.brief.is_chinese)
        font = _font(self.bold, self.px(self.theme.sizes.label))
        x, y = self.px(CARD_BOX[0]), self.px(LABEL_TOP)
        return (x, y, x + round(font.getlength(text)) + self.px(40),
                y + round(font.size * 1.45))

    def _date(self, value: object) -> str:
        import datetime as dt

        assert isinstance(value, dt.date)
        if self.brief.is_chinese:
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value:%B} {value.day}, {value.year}"

    def _period(self) -> str | None:
        eff = self.brief.effective
        if eff is None or (eff.start is None and eff.end is None):
            return None
        w = self.words
        if eff.start and eff.end:
            return f"{w['effective']}：{self._date(eff.start)}{w['dash']}{self._date(eff.end)}" \
                if self.brief.is_chinese else \
                f"In effect {self._date(eff.start)} to {self._date(eff.end)}"
        if eff.start:
            return f"{self._date(eff.start)}{w['from']}" if self.brief.is_chinese else \
                f"In effect from {self._date(eff.start)}"
        assert eff.end is not None
        return f"{w['until']}{self._date(eff.end)}" if self.brief.is_chinese else \
            f"In effect until {self._date(eff.end)}"

    # ------------------------------------------------------------ states

    def draw(self, state: ScreenState) -> Image.Image:
        """The full picture of one screen state."""
        scene = self.timeline.scenes[state.scene]
        image = self.scene_base(scene).copy()
        logo = self._logo_box()
        # The AI label comes first: where it covers the logo's place, the logo waits for it.
        if logo and not (state.label and _overlap(logo, self._label_box())):
            self._draw_logo(image)
        if state.label:
            self._draw_label(image)
        if state.cue is not None:
            self._draw_caption(image, self.timeline.cues[state.cue])
        return image

    def _draw_label(self, image: Image.Image) -> None:
        text = self.theme.label_text(self.brief.is_chinese)
        font = _font(self.bold, self.px(self.theme.sizes.label))
        draw = ImageDraw.Draw(image, "RGBA")
        x, y = self.px(CARD_BOX[0]), self.px(LABEL_TOP)
        draw.rounded_rectangle(self._label_box(), radius=self.px(16), fill=(0, 0, 0, 150))
        draw.text((x + self.px(20), y + round(font.size * 0.12)), text, font=font,
                  fill=(255, 255, 255))

    def caption_layout(self, cue: Cue) -> tuple[Font, list[int]]:
        """The caption font (shrunk only if a line would overflow) and each line's width."""
        x0, _, x1, _ = self.box(CAPTION_BOX)
        room = x1 - x0 - 2 * self.px(CAPTION_PADDING[0])
        # Latin text needs more characters a line than Chinese: set it a little smaller.
        size = self.px(self.theme.sizes.caption * (1.0 if self.brief.is_chinese else 0.85))
        while True:
            font = _font(self.bold, size)
            widths = [round(font.getlength(line)) for line in cue.lines]
            if max(widths) <= room or size <= 12:
                return font, widths
            size -= 2

    def _draw_caption(self, image: Image.Image, cue: Cue) -> None:
        font, widths = self.caption_layout(cue)
        x0, y0, x1, y1 = self.box(CAPTION_BOX)
        pad_x, pad_y = self.px(CAPTION_PADDING[0]), self.px(CAPTION_PADDING[1])
        line_height = round(font.size * 1.35)
        height = line_height * len(cue.lines) + 2 * pad_y
        box_width = max(widths) + 2 * pad_x
        centre_x, centre_y = (x0 + x1) // 2, (y0 + y1) // 2
        left, top = centre_x - box_width // 2, centre_y - height // 2
        alpha = round(255 * self.theme.caption_box_opacity)
        draw = ImageDraw.Draw(image, "RGBA")
        draw.rounded_rectangle((left, top, left + box_width, top + height), radius=self.px(20),
                               fill=(*_rgb(self.theme.colors.caption_box), alpha))
        y = top + pad_y + (line_height - font.size) // 2 - round(font.size * 0.08)
        for line, line_width in zip(cue.lines, widths, strict=True):
            draw.text((centre_x - line_width // 2, y), line, font=font,
                      fill=_rgb(self.theme.colors.caption_text))
            y += line_height

    def cover(self) -> Image.Image:
        """The cover picture: the title scene without captions or label."""
        image = self.scene_base(self.timeline.scenes[0]).copy()
        self._draw_logo(image)
        return image


@dataclass(frozen=True)
class PictureArea:
    """A picture as placed on a scene's card: its file and the box it fills (output pixels)."""

    path: Path
    box: tuple[int, int, int, int]


PICTURE_BOUND = 2048  # pictures are kept decoded no larger than this on their long side


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _shade(base: tuple[int, int, int], toward: tuple[int, int, int],
           amount: float) -> tuple[int, int, int]:
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


def _load_picture(path: Path, size: tuple[int, int]) -> Image.Image:
    """A picture turned upright by its EXIF data and scaled once to fit `size` (RGBA),
    without distortion. Decoding and scaling are cached: a frame never pays for them."""
    return _fitted(path, _stamp(path), size)


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


def state_at(states: list[ScreenState], at_ms: int) -> ScreenState:
    """The screen state shown at `at_ms` (the last one for times past the end)."""
    for state in states:
        if state.start_ms <= at_ms < state.end_ms:
            return state
    return states[-1]


def storyboard(painter: FramePainter, columns: int = 4, thumb_width: int = 270) -> Image.Image:
    """One picture: a thumbnail of every scene and, under it, the captions spoken over it."""
    timeline = painter.timeline
    states = screen_states(timeline)
    scale = thumb_width / timeline.width
    thumb_height = round(timeline.height * scale)
    text_height = 300
    rows = -(-len(timeline.scenes) // columns)
    gap = 16
    sheet = Image.new("RGB", (columns * (thumb_width + gap) + gap,
                              rows * (thumb_height + text_height + gap) + gap), (250, 250, 250))
    draw = ImageDraw.Draw(sheet)
    label_font = _font(painter.bold, 20)
    text_font = _font(painter.regular, 18)
    for number, scene in enumerate(timeline.scenes):
        first_cue = next((s for s in states if s.scene == scene.index and s.cue is not None),
                         state_at(states, scene.start_ms))
        thumb = painter.draw(first_cue).resize((thumb_width, thumb_height),
                                               Image.Resampling.LANCZOS)
        x = gap + (number % columns) * (thumb_width + gap)
        y = gap + (number // columns) * (thumb_height + text_height + gap)
        sheet.paste(thumb, (x, y))
        card = scene.card if scene.ref is None else f"{scene.card} {scene.ref}"
        draw.text((x, y + thumb_height + 6),
                  f"{number + 1}. {card}  {scene.start_ms / 1000:.1f}-{scene.end_ms / 1000:.1f} s",
                  font=label_font, fill=(20, 20, 20))
        lines = [" / ".join(c.lines) for c in timeline.cues if c.scene == scene.index]
        wrapped = [part for line in lines for part in painter.wrap(line, painter.regular, 18,
                                                                   thumb_width)]
        shown = wrapped[:11] + (["…"] if len(wrapped) > 11 else [])
        for row, line in enumerate(shown):
            draw.text((x, y + thumb_height + 34 + row * 24), line, font=text_font,
                      fill=(70, 70, 70))
    return sheet


def release_caches() -> None:
    """Drop loaded fonts and decoded pictures once every frame is drawn."""
    for cached in (_font, _decoded, _fitted, _tile):
        cached.cache_clear()
