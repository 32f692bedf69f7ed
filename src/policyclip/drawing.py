"""Drawing: each card kind on its own canvas, and the pieces laid over the frame (caption, AI
label, logo, progress bar). Layout decides sizes (layout.py); pictures come decoded and cached
(pictures.py); the painter (frames.py) puts the pieces together, still or moving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from . import cards, pictures
from .layout import (
    BUTTONS_CLEAR,
    CAPTION_BOX,
    CAPTION_PADDING,
    CARD_BOX,
    CARD_PADDING,
    CARD_RADIUS,
    FRAME_WIDTH,
    LABEL_TOP,
    PROGRESS_TOP,
    Box,
    Font,
    Layout,
    font,
    rgb,
)
from .models import Brief, Cue
from .theme import FontFace, Theme


@dataclass(frozen=True)
class Variant:
    """What of a card is showing: the step being read (None: all alike), whether the FAQ
    answer is out, whether a long opening has moved on to the summary."""

    step: int | None = None
    answer: bool = True
    summary: bool = False
    cover: bool = False  # the cover: the title card with the brief's key figure, if any


@dataclass(frozen=True)
class FigureSpot:
    """Where a card's key figure goes, so the painter can draw it counting up."""

    value: str
    font: Font
    centre_x: int
    top: int
    colour: tuple[int, int, int]


@dataclass
class CardCanvas:
    """A card being drawn: an RGB picture the card's size and where its content may go.
    Coordinates are the card's own (0, 0 at its top-left corner)."""

    layout: Layout
    image: Image.Image
    ref: int | None
    variant: Variant
    figure: FigureSpot | None = None
    picture: pictures.PictureArea | None = None  # its box in card coordinates
    boxes: dict[str, Box] = field(default_factory=dict)  # blocks laid out (title card)
    draw: ImageDraw.ImageDraw = field(init=False)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @property
    def brief(self) -> Brief:
        """The brief being drawn."""
        return self.layout.brief

    @property
    def theme(self) -> Theme:
        """The look."""
        return self.layout.theme

    def _right(self) -> int:
        """The frame x text may reach: inside the card's padding, and (since much of the card
        is in the lower half of the frame) clear of the platforms' buttons."""
        return min(CARD_BOX[2] - CARD_PADDING, FRAME_WIDTH - BUTTONS_CLEAR)

    @property
    def content(self) -> Box:
        """Where text may go, left-aligned, in card coordinates."""
        px = self.layout.px
        return (px(CARD_PADDING), px(CARD_PADDING), px(self._right()) - px(CARD_BOX[0]),
                self.image.height - px(CARD_PADDING))

    @property
    def centred(self) -> tuple[int, int]:
        """Left edge and width of centred text: symmetric about the frame's middle, so its
        right end stays as clear of the buttons as left-aligned text."""
        px = self.layout.px
        left = px(FRAME_WIDTH - self._right()) - px(CARD_BOX[0])
        return left, px(self._right()) - px(FRAME_WIDTH - self._right())

    def lines(self, lines: list[str], face: Font, x: int, y: int, colour: str | tuple[int, ...],
              *, width: int | None = None, spacing: float = 1.3) -> int:
        """Draw lines from (x, y), centred in `width` when given; return the y below them."""
        return draw_lines(self.draw, lines, face, x, y, colour, width=width, spacing=spacing)


def ink_height(lines: list[str], face: Font, spacing: float) -> int:
    """How far below its top row `draw_lines` inks these lines (a CJK font's last line reaches
    below its nominal line height)."""
    if not lines:
        return 0
    return round(face.size * spacing) * (len(lines) - 1) + max(
        int(face.getbbox(line)[3]) for line in lines)


def draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], face: Font, x: int, y: int,
               colour: str | tuple[int, ...], *, width: int | None = None,
               spacing: float = 1.3) -> int:
    """Draw lines from (x, y), centred in `width` when given; return the y below them."""
    fill = rgb(colour) if isinstance(colour, str) else colour
    step = round(face.size * spacing)
    for line in lines:
        left = x if width is None else x + (width - round(face.getlength(line))) // 2
        draw.text((left, y), line, font=face, fill=fill)
        y += step
    return y


# ---------------------------------------------------------------- the cards


def _pill(c: CardCanvas, text: str, x: int, y: int, width: int | None) -> int:
    """A rounded accent tag; returns the y below it."""
    px = c.layout.px
    max_width = (width or px(840)) - px(60)
    lines, face = c.layout.fit(text, c.layout.bold, c.theme.sizes.body - 6,
                               (0, 0, max_width, px(200)), max_lines=2, spacing=1.25)
    text_width = max(round(face.getlength(line)) for line in lines)
    height = round(len(lines) * face.size * 1.25) + px(28)
    left = x if width is None else x + (width - text_width - px(60)) // 2
    c.draw.rounded_rectangle((left, y, left + text_width + px(60), y + height), radius=px(24),
                             fill=rgb(c.theme.colors.accent))
    c.lines(lines, face, left + px(30), y + px(10), c.theme.colors.on_accent, spacing=1.25)
    return y + height


def _date(brief: Brief, value: dt.date) -> str:
    if brief.is_chinese:
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value:%B} {value.day}, {value.year}"


def period(brief: Brief, words: dict[str, str]) -> str | None:
    """When the policy applies, as one line (None when the brief does not say)."""
    eff = brief.effective
    if eff is None or (eff.start is None and eff.end is None):
        return None
    if eff.start and eff.end:
        return f"{words['effective']}：{_date(brief, eff.start)}{words['dash']}" \
            f"{_date(brief, eff.end)}" if brief.is_chinese else \
            f"In effect {_date(brief, eff.start)} to {_date(brief, eff.end)}"
    if eff.start:
        return f"{_date(brief, eff.start)}{words['from']}" if brief.is_chinese else \
            f"In effect from {_date(brief, eff.start)}"
    assert eff.end is not None
    return f"{words['until']}{_date(brief, eff.end)}" if brief.is_chinese else \
        f"In effect until {_date(brief, eff.end)}"


def first_picture(brief: Brief) -> Path | None:
    """The brief's first picture (for a title card that shows one)."""
    return next((p.image for p in brief.points if p.image is not None), None)


def _picture(c: CardCanvas, path: Path, area: Box) -> None:
    """The picture whole (contained, never stretched) over its fill, filling `area`."""
    x0, y0, x1, y1 = area
    if x1 - x0 < 16 or y1 - y0 < 16:
        return
    placed = pictures.PictureArea(path, (x0, y0, x1, y1))
    c.image.paste(picture_tile(c.theme, placed), (x0, y0))
    c.picture = placed


def picture_tile(theme: Theme, area: pictures.PictureArea, scale: int = 1) -> Image.Image:
    """What `area` shows: the picture contained whole and centred over a blurred copy of
    itself (opaque pictures, theme `picture.fill: blur`) or the fill colour. `scale` 2 gives
    the sharper copy that a zoom starts from."""
    x0, y0, x1, y1 = area.box
    size = ((x1 - x0) * scale, (y1 - y0) * scale)
    style = theme.picture
    colour = rgb(style.color) if style.color else pictures.shade(
        rgb(theme.colors.card), rgb(theme.colors.text), 0.08)
    return pictures.tile(area.path, size, style.fill, colour)


def draw_title(c: CardCanvas) -> None:
    """Issuer, title, audience and dates; a long opening then shows the summary under a
    smaller title. The blocks are laid out top to bottom by their measured heights (recorded
    in `c.boxes`), so none is drawn over another."""
    brief, sizes, px = c.brief, c.theme.sizes, c.layout.px
    x0, y0, x1, y1 = c.content
    left, width = c.centred
    y = _pill(c, brief.issuer, left, y0, width)
    audience = None
    if brief.audience:
        audience = f"{c.layout.words['audience']}：{brief.audience}" if brief.is_chinese \
            else f"For: {brief.audience}"
    when = period(brief, c.layout.words)
    extra_font = font(c.layout.regular, px(sizes.body - 6))

    def extra_block(parts: list[str | None]) -> tuple[list[str], int]:
        lines = [line for part in parts if part
                 for line in c.layout.wrap(part, c.layout.regular, int(extra_font.size), width)]
        return lines, round(len(lines) * extra_font.size * 1.35)

    extra_lines, extra_height = extra_block([audience, when])
    figure = next((p.figure for p in brief.points if p.figure), None) \
        if c.variant.cover and not c.variant.summary else None
    figure_spot = None
    if figure is not None:
        # The title keeps room for about two lines: short of it, the figure is set smaller,
        # then the audience line makes way (the dates stay).
        for size, parts in ((170, [audience, when]), (130, [audience, when]), (130, [when])):
            extra_lines, extra_height = extra_block(parts)
            figure_spot = _figure_layout(c, figure.value, figure.label, y1 - y,
                                         size=min(sizes.figure, size))
            room = y1 - y - px(40) - figure_spot[-1] - px(70) - extra_height
            if room >= px(sizes.title) * 1.5:
                break
    if c.variant.summary:
        title_box = (x0, y + px(36), x1, y + px(36) + px(260))
        lines, face = c.layout.fit(brief.title, c.layout.bold, sizes.heading, title_box,
                                   max_lines=3, spacing=1.2)
        y = c.lines(lines, face, left, title_box[1], c.theme.colors.text, width=width,
                    spacing=1.2) + px(24)
        c.draw.line((left + width // 2 - px(60), y, left + width // 2 + px(60), y),
                    fill=rgb(c.theme.colors.accent), width=px(8))
        box = (x0, y + px(40), x1, y1 - extra_height - px(30))
        lines, face = c.layout.fit(brief.summary, c.layout.regular, sizes.body, box,
                                   spacing=1.45, grow=1.3)
        c.lines(lines, face, x0, box[1], c.theme.colors.muted, spacing=1.45)
    else:
        bottom = y1 - extra_height
        if figure_spot is not None:
            # The key figure, as tall as it measures, sits over the audience and dates; the
            # title takes the rest.
            bottom -= px(30) + figure_spot[-1]
            c.boxes["figure"] = (x0, bottom, x1, bottom + figure_spot[-1])
            _figure_draw(c, figure_spot, bottom)
        image = first_picture(brief) if c.theme.title_image == "card" and figure is None \
            else None
        if image is not None:
            # The picture takes the upper part of the card; the title fits into the rest.
            top = y + px(36)
            y = top + (y1 - extra_height - top) * 9 // 20
            _picture(c, image, (px(CARD_PADDING), top, c.image.width - px(CARD_PADDING), y))
        title_box = (left, y + px(40), left + width, bottom - px(40))
        lines, face = c.layout.fit(brief.title, c.layout.bold, sizes.title, title_box,
                                   max_lines=5, spacing=1.25)
        block = ink_height(lines, face, 1.25)
        top = title_box[1] + (title_box[3] - title_box[1] - block) // 2
        c.boxes["title"] = (left, top, left + width, top + block)
        c.lines(lines, face, left, top, c.theme.colors.text, width=width, spacing=1.25)
    if extra_lines:
        c.boxes["extra"] = (left, y1 - extra_height, left + width, y1)
    c.lines(extra_lines, extra_font, left, y1 - extra_height, c.theme.colors.muted,
            width=width, spacing=1.35)


def draw_point(c: CardCanvas) -> None:
    """A point: its number, heading, then its key figure, its picture or its text."""
    assert c.ref is not None
    brief, sizes, px = c.brief, c.theme.sizes, c.layout.px
    point = brief.points[c.ref]
    x0, y0, x1, y1 = c.content
    tag = f"{c.layout.words['point']} {c.ref + 1}/{len(brief.points)}"
    tag_font = font(c.layout.bold, px(sizes.body - 8))
    c.draw.text((x0, y0), tag, font=tag_font, fill=rgb(c.theme.colors.accent))
    y = y0 + round(tag_font.size * 1.6)
    lines, face = c.layout.fit(point.heading, c.layout.bold, sizes.heading,
                               (x0, y, x1, y + px(300)), max_lines=3, spacing=1.2)
    y = c.lines(lines, face, x0, y, c.theme.colors.text, spacing=1.2) + px(30)
    c.draw.line((x0, y, x0 + px(120), y), fill=rgb(c.theme.colors.accent), width=px(8))
    area = (x0, y + px(40), x1, y1)
    if point.figure:
        _figure(c, point.figure.value, point.figure.label, area)
    elif point.image:
        _picture(c, point.image, (px(CARD_PADDING), area[1],
                                  c.image.width - px(CARD_PADDING), area[3]))
    else:
        # A short text is set larger, to fill its card; a long one as large as fits.
        lines, face = c.layout.fit(point.text, c.layout.regular, sizes.body, area,
                                   spacing=1.45, grow=1.5)
        c.lines(lines, face, x0, area[1], c.theme.colors.muted, spacing=1.45)


FigureLayout = tuple[str, Font, list[str], Font, int, int]  # value, face, label, ink, height


def _figure_layout(c: CardCanvas, value: str, label: str, height: int, size: int | None = None
                   ) -> FigureLayout:
    """The key figure's value font, label lines and the block's measured height, within
    `height` for the label."""
    px = c.layout.px
    left, width = c.centred
    size = px(size or c.theme.sizes.figure)
    face = font(c.layout.bold, size)
    while face.getlength(value) > width and size > 40:
        size = int(size * 0.9)
        face = font(c.layout.bold, size)
    label_lines, label_font = c.layout.fit(label, c.layout.regular, c.theme.sizes.body,
                                           (left, 0, left + width, max(1, height)), max_lines=2)
    # Measure the ink, not the nominal size: digits and slashes reach below the baseline.
    ink_bottom = int(face.getbbox(value)[3])
    block = ink_bottom + px(28) + ink_height(label_lines, label_font, 1.3)
    return value, face, label_lines, label_font, ink_bottom, block


def _figure_draw(c: CardCanvas, spot: FigureLayout, top: int) -> None:
    """The label is drawn from `top`; the value's place is kept for the painter (it may count
    up)."""
    value, face, label_lines, label_font, ink_bottom, _ = spot
    left, width = c.centred
    c.figure = FigureSpot(value, face, left + width // 2, top, rgb(c.theme.colors.accent))
    c.lines(label_lines, label_font, left, top + ink_bottom + c.layout.px(28),
            c.theme.colors.muted, width=width)


def _figure(c: CardCanvas, value: str, label: str, area: Box, size: int | None = None
            ) -> None:
    """The key figure centred in `area`."""
    _, y0, _, y1 = area
    spot = _figure_layout(c, value, label, y1 - y0, size)
    _figure_draw(c, spot, y0 + max(0, (y1 - y0 - spot[-1]) // 2))


def draw_figure(draw: ImageDraw.ImageDraw, spot: FigureSpot, text: str) -> None:
    """The key figure (or its count so far), centred on its place."""
    draw.text((spot.centre_x - round(spot.font.getlength(text)) // 2, spot.top), text,
              font=spot.font, fill=spot.colour)


def draw_faq(c: CardCanvas) -> None:
    """A question and, once it has been read, its answer."""
    assert c.ref is not None
    item = c.brief.faq[c.ref]
    sizes, px = c.theme.sizes, c.layout.px
    x0, y0, x1, y1 = c.content
    badge = px(84)
    middle = y0 + (y1 - y0) * 2 // 5
    parts = [(c.layout.words["q"], item.q, c.layout.bold, sizes.heading - 8, y0, middle,
              c.theme.colors.text, 1.2)]
    if c.variant.answer:
        parts.append((c.layout.words["a"], item.a, c.layout.regular, sizes.body,
                      middle + px(30), y1, c.theme.colors.muted, 1.4))
    for mark, text, face_name, size, top, bottom, colour, grow in parts:
        c.draw.rounded_rectangle((x0, top, x0 + badge, top + badge), radius=px(18),
                                 fill=rgb(c.theme.colors.accent))
        mark_font = font(c.layout.bold, px(52))
        c.lines([mark], mark_font, x0, top + (badge - int(mark_font.size)) // 2 - px(6),
                c.theme.colors.on_accent, width=badge)
        lines, face = c.layout.fit(text, face_name, size, (x0 + badge + px(30), top, x1, bottom),
                                   spacing=1.35, grow=grow)
        c.lines(lines, face, x0 + badge + px(30), top, colour, spacing=1.35)


def draw_steps(c: CardCanvas) -> None:
    """The numbered steps; while one is being read it is lit and the others dimmed."""
    sizes, px, colours = c.theme.sizes, c.layout.px, c.theme.colors
    x0, y0, x1, y1 = c.content
    head = font(c.layout.bold, px(sizes.heading))
    c.draw.text((x0, y0), c.layout.words["steps"], font=head, fill=rgb(colours.text))
    top = y0 + round(head.size * 1.6)
    steps = c.brief.steps
    badge = px(64)
    card = rgb(colours.card)
    lit = c.variant.step
    text_x = x0 + badge + px(28)
    gap = px(36)
    # One size for every step, the largest at which all of them, each as tall as its lines,
    # fit the card: a long step takes more room instead of shrinking alone.
    size = px(sizes.body * 1.25)
    while True:
        wrapped = [c.layout.wrap(step, c.layout.regular, size, x1 - text_x) for step in steps]
        heights = [max(badge, round(len(lines) * size * 1.3)) for lines in wrapped]
        if sum(heights) + gap * (len(steps) - 1) <= y1 - top or size <= 16:
            break
        size = int(size * 0.94)
    face = font(c.layout.regular, size)
    spare = (y1 - top - sum(heights) - gap * (len(steps) - 1)) // max(1, len(steps))
    y = top
    for number, (lines, height) in enumerate(zip(wrapped, heights, strict=True), start=1):
        dimmed = lit is not None and number - 1 != lit
        badge_colour = pictures.shade(rgb(colours.accent), card, 0.6) if dimmed \
            else rgb(colours.accent)
        text_colour = pictures.shade(rgb(colours.muted), card, 0.45) if dimmed \
            else rgb(colours.text)
        if lit is not None and not dimmed:
            # A soft band of the accent behind the step being read.
            band = pictures.shade(card, rgb(colours.accent), 0.1)
            c.draw.rounded_rectangle((x0 - px(20), y - px(14), x1 - 1, y + height + px(10)),
                                     radius=px(20), fill=band)
        c.draw.ellipse((x0, y, x0 + badge, y + badge), fill=badge_colour)
        num_font = font(c.layout.bold, px(38))
        c.lines([str(number)], num_font, x0, y + (badge - int(num_font.size)) // 2 - px(5),
                colours.on_accent, width=badge)
        c.lines(lines, face, text_x, y, text_colour, spacing=1.3)
        y += height + gap + min(spare, px(60))


def draw_source(c: CardCanvas) -> None:
    """Where the policy comes from and whom to ask."""
    brief, sizes, px, words = c.brief, c.theme.sizes, c.layout.px, c.layout.words
    x0, y0, x1, y1 = c.content
    y = _pill(c, words["source"], x0, y0, None) + px(40)
    lines, face = c.layout.fit(brief.issuer, c.layout.bold, sizes.heading - 8,
                               (x0, y, x1, y + px(260)), max_lines=3, spacing=1.25)
    y = c.lines(lines, face, x0, y, c.theme.colors.text, spacing=1.25)
    details = []
    if brief.doc_number:
        details.append(brief.doc_number)
    if brief.published:
        details.append(f"{words['issued']}：{_date(brief, brief.published)}"
                       if brief.is_chinese else f"Issued {_date(brief, brief.published)}")
    when = period(brief, words)
    if when:
        details.append(when)
    if brief.contact:
        details.append(f"{words['contact']}：{brief.contact}"
                       if brief.is_chinese else f"Contact: {brief.contact}")
    cta_height = px(150) if brief.cta else 0
    y += px(24)
    # The details and the web address (up to 3 lines, broken after its slashes) at one size,
    # the largest at which all of them fit above the call to action.
    size = sizes.body - 4
    while True:
        blocks = [c.layout.wrap(detail, c.layout.regular, px(size), x1 - x0)
                  for detail in details]
        address = c.layout.address_lines(brief.source_url, size, x1 - x0)[0] \
            if brief.source_url else []
        step = round(px(size) * 1.35)
        height = sum(len(b) * step + px(10) for b in [*blocks, *([address] if address else [])])
        if (y + height <= y1 - cta_height and len(address) <= 3) or size <= 24:
            break
        size -= 2
    face = font(c.layout.regular, px(size))
    for block in [*blocks, *([address] if address else [])]:
        y = c.lines(block, face, x0, y, c.theme.colors.muted, spacing=1.35) + px(10)
    if brief.cta:
        left, width = c.centred
        lines, face = c.layout.fit(brief.cta, c.layout.bold, sizes.body + 4,
                                   (left, y1 - cta_height, left + width, y1), max_lines=2,
                                   spacing=1.25)
        top = y1 - round(len(lines) * face.size * 1.25)
        c.lines(lines, face, left, top, c.theme.colors.accent, width=width, spacing=1.25)


DRAWERS: dict[str, Callable[[CardCanvas], None]] = {
    "title": draw_title, "point": draw_point, "faq": draw_faq, "steps": draw_steps,
    "source": draw_source,
}
# A card kind without a drawer would fail only when drawn: refuse to start instead.
if set(DRAWERS) != set(cards.CARDS):  # pragma: no cover - a programming error
    raise RuntimeError(f"cards without a drawer: {set(cards.CARDS) ^ set(DRAWERS)}")


def draw_card(layout: Layout, kind: str, ref: int | None, variant: Variant) -> CardCanvas:
    """One card drawn on its own RGB canvas (the picture a mask makes round, see card_mask)."""
    x0, y0, x1, y1 = layout.card_box()
    canvas = CardCanvas(layout, Image.new("RGB", (x1 - x0, y1 - y0),
                                          rgb(layout.theme.colors.card)), ref, variant)
    DRAWERS[kind](canvas)
    return canvas


def card_mask(layout: Layout) -> Image.Image:
    """The card's rounded shape as an L mask."""
    x0, y0, x1, y1 = layout.card_box()
    mask = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, x1 - x0 - 1, y1 - y0 - 1),
                                           radius=layout.px(CARD_RADIUS), fill=255)
    return mask


# ---------------------------------------------------------------- over the frame


def label_text(theme: Theme, brief: Brief) -> str:
    """The visible AI-content label in the brief's language (else the theme's other one)."""
    return theme.label_text(brief.is_chinese)


def label_box(layout: Layout) -> Box:
    """The AI label's box on the frame."""
    face = font(layout.bold, layout.px(layout.theme.sizes.label))
    x, y = layout.px(CARD_BOX[0]), layout.px(LABEL_TOP)
    text = label_text(layout.theme, layout.brief)
    return x, y, x + round(face.getlength(text)) + layout.px(40), y + round(face.size * 1.45)


def draw_label(layout: Layout, image: Image.Image) -> None:
    """The AI label, white on a dark translucent tag, above the card."""
    face = font(layout.bold, layout.px(layout.theme.sizes.label))
    draw = ImageDraw.Draw(image, "RGBA")
    x, y = layout.px(CARD_BOX[0]), layout.px(LABEL_TOP)
    draw.rounded_rectangle(label_box(layout), radius=layout.px(16), fill=(0, 0, 0, 150))
    draw.text((x + layout.px(20), y + round(face.size * 0.12)),
              label_text(layout.theme, layout.brief), font=face, fill=(255, 255, 255))


def logo_box(layout: Layout, width: int) -> Box | None:
    """Where the logo goes: the band above the card, left, centre or right as the theme says;
    the right-hand edge and the bottom fifth stay free for the platforms' buttons."""
    path = layout.brief.render.logo
    if path is None:
        return None
    style = layout.theme.logo
    height = layout.px(style.max_height)
    logo_width, logo_height = pictures.load_picture(path, (layout.px(style.max_width),
                                                           height)).size
    left = {"top-left": layout.px(CARD_BOX[0]),
            "top-center": (width - logo_width) // 2,
            "top-right": layout.px(CARD_BOX[2]) - logo_width}[style.position]
    top = layout.px(LABEL_TOP) + (height - logo_height) // 2
    return left, top, left + logo_width, top + logo_height


def draw_logo(layout: Layout, image: Image.Image) -> None:
    """The brief's logo in its place (nothing without one)."""
    box = logo_box(layout, image.width)
    if box is None or layout.brief.render.logo is None:
        return
    logo = pictures.load_picture(layout.brief.render.logo, (box[2] - box[0], box[3] - box[1]))
    image.paste(logo, box[:2], logo)


def draw_progress(layout: Layout, image: Image.Image, scene: int, scenes: int) -> None:
    """A thin bar of one segment a scene, those reached so far filled with the accent."""
    px = layout.px
    x0, x1 = px(CARD_BOX[0]), px(CARD_BOX[2])
    gap, y, height = px(8), px(PROGRESS_TOP), px(8)
    width = (x1 - x0 - gap * (scenes - 1)) / max(1, scenes)
    draw = ImageDraw.Draw(image, "RGBA")
    accent = rgb(layout.theme.colors.accent)
    for number in range(scenes):
        left = round(x0 + number * (width + gap))
        fill = (*accent, 255) if number <= scene else (*rgb(layout.theme.colors.muted), 70)
        draw.rounded_rectangle((left, y, round(left + width), y + height), radius=height // 2,
                               fill=fill)


def caption_layout(layout: Layout, cue: Cue) -> tuple[Font, list[int]]:
    """The caption font (shrunk only if a line would overflow) and each line's width."""
    x0, _, x1, _ = layout.box(CAPTION_BOX)
    room = x1 - x0 - 2 * layout.px(CAPTION_PADDING[0])
    # Latin text needs more characters a line than Chinese: set it a little smaller.
    size = layout.px(layout.theme.sizes.caption * (1.0 if layout.brief.is_chinese else 0.85))
    while True:
        face = font(layout.bold, size)
        widths = [round(face.getlength(line)) for line in cue.lines]
        if max(widths) <= room or size <= 12:
            return face, widths
        size -= 2


def caption_tile(layout: Layout, cue: Cue) -> tuple[Image.Image, tuple[int, int]]:
    """The caption (box and text) as an RGBA picture, and where its top-left corner goes."""
    face, widths = caption_layout(layout, cue)
    x0, y0, x1, y1 = layout.box(CAPTION_BOX)
    pad_x, pad_y = layout.px(CAPTION_PADDING[0]), layout.px(CAPTION_PADDING[1])
    line_height = round(face.size * 1.35)
    height = line_height * len(cue.lines) + 2 * pad_y
    width = max(widths) + 2 * pad_x
    centre_x, centre_y = (x0 + x1) // 2, (y0 + y1) // 2
    tile = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    alpha = round(255 * layout.theme.caption_box_opacity)
    draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=layout.px(20),
                           fill=(*rgb(layout.theme.colors.caption_box), alpha))
    y = pad_y + (line_height - face.size) // 2 - round(face.size * 0.08)
    for line, line_width in zip(cue.lines, widths, strict=True):
        draw.text((width // 2 - line_width // 2, y), line, font=face,
                  fill=(*rgb(layout.theme.colors.caption_text), 255))
        y += line_height
    return tile, (centre_x - width // 2, centre_y - height // 2)


def font_face(layout: Layout, bold: bool) -> FontFace:
    """The theme's bold or regular face."""
    return layout.bold if bold else layout.regular
