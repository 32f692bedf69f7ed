"""Stage 6: Timeline -> pictures. Every distinct screen state is drawn once; only the frames of
an effect (a card entering, a caption popping in, a figure counting up, a picture zooming) are
drawn one by one.

The painter cuts the video into stretches (video.Stretch): a still, drawn once and held, or a
moving run whose every frame is drawn. `frame(n)` is the exact picture of frame n, so `policyclip
frame --at T` shows what the video shows, mid-animation included.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from PIL import Image, ImageDraw

from . import drawing, layout, pictures
from .drawing import CardCanvas, Variant
from .layout import CARD_BOX, Layout
from .models import Brief, Cue, TimedScene, Timeline
from .motion import PRESETS, Motion, count_up_text
from .theme import Theme
from .video import Stretch

# Kept for callers that place things relative to the layout.
CAPTION_BOX = layout.CAPTION_BOX
LABEL_TOP = layout.LABEL_TOP

LONG_OPENING_MS = 8000  # a title scene this long shows the summary once it is being read


@dataclass(frozen=True)
class ScreenState:
    """What is on screen from start to end: a scene (and what of its card shows), maybe a cue,
    maybe the AI label."""

    start_ms: int
    end_ms: int
    scene: int
    cue: int | None
    label: bool
    variant: Variant = field(default_factory=Variant)


def _plain(text: str) -> str:
    """Text as compared with captions: letters and digits only, lower case."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _cue_where(cues: list[tuple[int, Cue]], text: str, after: int = 0) -> tuple[int, int] | None:
    """(cue number, position) of the cue in which `text` starts being read, at or after the
    position `after` in the scene's captions read as one text; None when it is not read."""
    joined, owners = "", []
    for number, cue in cues:
        plain = _plain(cue.text)
        joined += plain
        owners += [number] * len(plain)
    needle = _plain(text)[:8]
    if not needle:
        return None
    found = joined.find(needle, after)
    return None if found < 0 else (owners[found], found)


def card_changes(timeline: Timeline, brief: Brief, motion: Motion) -> dict[int, list[
        tuple[int, Variant]]]:
    """For each scene, when what its card shows changes: (ms, variant) from its start on."""
    changes: dict[int, list[tuple[int, Variant]]] = {}
    for scene in timeline.scenes:
        cues = [(n, c) for n, c in enumerate(timeline.cues) if c.scene == scene.index]
        steps: list[tuple[int, Variant]] = [(scene.start_ms, Variant())]
        if scene.card == "steps" and motion.steps == "highlight":
            position = 0
            for number, step in enumerate(brief.steps):
                where = _cue_where(cues, step, position)
                if where is not None:
                    position = where[1] + 1
                    steps.append((timeline.cues[where[0]].start_ms, Variant(step=number)))
        elif scene.card == "faq" and motion.faq == "reveal" and scene.ref is not None:
            item = brief.faq[scene.ref]
            asked = _cue_where(cues, item.q)
            where = _cue_where(cues, item.a, asked[1] + 1 if asked else 0)
            if where is not None and timeline.cues[where[0]].start_ms > scene.start_ms:
                steps = [(scene.start_ms, Variant(answer=False)),
                         (timeline.cues[where[0]].start_ms, Variant())]
        elif scene.card == "title" and motion.preset != "none" and brief.summary and \
                scene.end_ms - scene.start_ms >= LONG_OPENING_MS:
            where = _cue_where(cues, brief.summary)
            if where is not None and timeline.cues[where[0]].start_ms > scene.start_ms:
                steps.append((timeline.cues[where[0]].start_ms, Variant(summary=True)))
        changes[scene.index] = sorted(steps, key=lambda change: change[0])
    return changes


def screen_states(timeline: Timeline, changes: dict[int, list[tuple[int, Variant]]] | None = None
                  ) -> list[ScreenState]:
    """Cut the timeline into intervals during which the settled picture does not change."""
    changes = changes or {}
    cuts = {0, timeline.duration_ms, timeline.ai_label_ms}
    for scene in timeline.scenes:
        cuts |= {scene.start_ms, scene.end_ms}
        cuts |= {ms for ms, _ in changes.get(scene.index, [])}
    for cue in timeline.cues:
        cuts |= {cue.start_ms, cue.end_ms}
    times = sorted(t for t in cuts if 0 <= t <= timeline.duration_ms)
    states: list[ScreenState] = []
    for start, end in itertools.pairwise(times):
        scene_index = next(s.index for s in timeline.scenes if s.start_ms <= start < s.end_ms)
        cue_index = next(
            (i for i, c in enumerate(timeline.cues) if c.start_ms <= start < c.end_ms), None)
        label = start < timeline.ai_label_ms
        variant = Variant()
        for ms, shown in changes.get(scene_index, []):
            if ms <= start:
                variant = shown
        last = states[-1] if states else None
        key = (scene_index, cue_index, label, variant)
        if last and (last.scene, last.cue, last.label, last.variant) == key:
            states[-1] = replace(last, end_ms=end)
        else:
            states.append(ScreenState(start, end, scene_index, cue_index, label, variant))
    return states


def state_at(states: list[ScreenState], at_ms: int) -> ScreenState:
    """The screen state shown at `at_ms` (the last one for times past the end)."""
    for state in states:
        if state.start_ms <= at_ms < state.end_ms:
            return state
    return states[-1]


@dataclass(frozen=True)
class _Span:
    """A state on the frame grid."""

    first: int
    end: int
    state: ScreenState


class FramePainter:
    """Draws the pictures of one video: settled states, and every frame of an effect."""

    def __init__(self, brief: Brief, theme: Theme, timeline: Timeline,
                 motion: Motion | None = None) -> None:
        self.brief = brief
        self.theme = theme
        self.timeline = timeline
        self.motion = motion or PRESETS["none"]
        self.layout = Layout(brief, theme, timeline.width)
        self.fps = timeline.fps
        self.total_frames = max(1, self.frame_of(timeline.duration_ms))
        self.changes = card_changes(timeline, brief, self.motion)
        self.states = screen_states(timeline, self.changes)
        spans = []
        for state in self.states:
            first, end = self.frame_of(state.start_ms), self.frame_of(state.end_ms)
            if end > first:
                spans.append(_Span(first, min(end, self.total_frames), state))
        self.spans = spans
        self._span_starts = [span.first for span in spans]
        self._scene_first = {s.index: self.frame_of(s.start_ms) for s in timeline.scenes}
        self._scene_end = {s.index: self.frame_of(s.end_ms) for s in timeline.scenes}
        self._cue_first = [self.frame_of(c.start_ms) for c in timeline.cues]
        # A cue that takes over from the one before without a gap dissolves into it in a box
        # that stays (the two captions are mixed, not the new one faded in from nothing,
        # which made the box blink out for a frame at every change); a caption appearing
        # where none was pops or fades in.
        self._cue_takes_over = [
            index > 0 and self.frame_of(timeline.cues[index - 1].end_ms) >= first
            for index, first in enumerate(self._cue_first)]
        self._variant_first = {
            (scene, variant): self.frame_of(ms)
            for scene, shown in self.changes.items() for ms, variant in shown}
        self._background: Image.Image | None = None
        self._cards: OrderedDict[tuple[object, ...], CardCanvas] = OrderedDict()
        self._layers: OrderedDict[tuple[object, ...], Image.Image] = OrderedDict()
        self._captions: OrderedDict[int, tuple[Image.Image, tuple[int, int]]] = OrderedDict()
        self._rests: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._rests_yuv: OrderedDict[tuple[object, ...], tuple[bytes, bytes, bytes]] = \
            OrderedDict()
        self._mask: Image.Image | None = None
        self.zoom = theme.picture.zoom if not self.motion.still else 0.0

    # ------------------------------------------------------------ the frame grid

    def frame_of(self, ms: int) -> int:
        """The frame on which something timed at `ms` first shows (the nearest frame)."""
        return (ms * self.fps + 500) // 1000

    def frame_at(self, ms: int) -> int:
        """The frame on screen at `ms`."""
        return min(self.total_frames - 1, ms * self.fps // 1000)

    def span_of(self, frame: int) -> _Span:
        """The state span that frame `frame` belongs to."""
        index = bisect.bisect_right(self._span_starts, frame) - 1
        return self.spans[max(0, index)]

    def effects(self) -> list[tuple[int, int]]:
        """Every frame range [first, end) in which something moves."""
        motion, fps = self.motion, self.fps
        ranges = []
        for scene in self.timeline.scenes:
            first, end = self._scene_first[scene.index], self._scene_end[scene.index]
            ranges.append((first, first + motion.card.frames(fps)))
            if scene.index > 0:
                ranges.append((first, first + motion.scene.frames(fps)))
            if scene.card == "point" and scene.ref is not None:
                point = self.brief.points[scene.ref]
                if point.figure is not None:
                    ranges.append((first, first + motion.figure.frames(fps)))
                elif point.image is not None and self.zoom > 0:
                    ranges.append((first, end))
            for ms, _ in self.changes[scene.index][1:]:
                if scene.card != "steps":  # a step lights up at once; the rest fades in
                    change = self.frame_of(ms)
                    ranges.append((change, change + motion.card.frames(fps)))
        ranges += [(first, first + motion.caption.frames(fps)) for first in self._cue_first]
        return [(max(0, a), min(b, self.total_frames)) for a, b in ranges if b > a]

    def stretches(self) -> list[Stretch]:
        """The video cut into still and moving stretches."""
        moving = [False] * self.total_frames
        for first, end in self.effects():
            moving[first:end] = [True] * (end - first)
        cuts = {0, self.total_frames, *self._span_starts}
        for first, end in self.effects():
            cuts |= {first, end}
        times = sorted(t for t in cuts if 0 <= t <= self.total_frames)
        stretches: list[Stretch] = []
        for first, end in itertools.pairwise(times):
            moves = moving[first]
            last = stretches[-1] if stretches else None
            if moves and last is not None and last.moving:
                stretches[-1] = Stretch(last.first, end - last.first, True)
            else:
                stretches.append(Stretch(first, end - first, moves))
        return stretches

    def lay_out_cards(self) -> None:
        """Lay out every card the video shows, once: every line break is then remembered by the
        layout, so drawing the frames later needs no word dictionary (it can be released)."""
        for scene, variant in dict.fromkeys((s.scene, s.variant) for s in self.states):
            timed = self.timeline.scenes[scene]
            drawing.draw_card(self.layout, timed.card, timed.ref, variant)

    # ------------------------------------------------------------ pieces

    def background(self) -> Image.Image:
        """The theme's gradient, once per video."""
        if self._background is None:
            size = (self.timeline.width, self.timeline.height)
            top = Image.new("RGB", size, layout.rgb(self.theme.background.top))
            bottom = Image.new("RGB", size, layout.rgb(self.theme.background.bottom))
            mask = Image.linear_gradient("L").resize(size)
            self._background = Image.composite(bottom, top, mask)
        return self._background

    def card(self, scene: int, variant: Variant) -> CardCanvas:
        """A scene's card as drawn for `variant`, without its key figure (cached)."""
        key = (scene, variant)
        if key not in self._cards:
            timed = self.timeline.scenes[scene]
            self._cards[key] = drawing.draw_card(self.layout, timed.card, timed.ref, variant)
            while len(self._cards) > 4:  # the scene before and this one: memory stays flat
                self._cards.popitem(last=False)
        self._cards.move_to_end(key)
        return self._cards[key]

    def card_layer(self, scene: int, variant: Variant, figure: str | None = None,
                   zoom: float = 0.0) -> Image.Image:
        """The card's picture with its key figure at `figure` (its value when None) and its
        picture `zoom` of the way into the zoom."""
        canvas = self.card(scene, variant)
        key = (scene, variant, figure, zoom)
        if key in self._layers:
            return self._layers[key]
        if canvas.figure is None and (zoom == 0 or canvas.picture is None):
            return canvas.image
        image = canvas.image.copy()
        if canvas.figure is not None:
            text = canvas.figure.value if figure is None else figure
            drawing.draw_figure(ImageDraw.Draw(image), canvas.figure, text)
        if canvas.picture is not None and zoom > 0:
            image.paste(self._zoomed(canvas.picture, zoom), canvas.picture.box[:2])
        self._layers[key] = image
        while len(self._layers) > 2:
            self._layers.popitem(last=False)
        return image

    def _zoomed(self, area: pictures.PictureArea, progress: float) -> Image.Image:
        """The picture area `progress` of the way into its slow zoom (from a copy drawn at
        twice the size, so the zoom does not shimmer)."""
        x0, y0, x1, y1 = area.box
        width, height = x1 - x0, y1 - y0
        big = drawing.picture_tile(self.theme, area, scale=2)
        factor = 1 + self.zoom * progress
        crop_w, crop_h = big.width / factor, big.height / factor
        left, top = (big.width - crop_w) / 2, (big.height - crop_h) / 2
        return big.resize((width, height), Image.Resampling.BILINEAR,
                          box=(left, top, left + crop_w, top + crop_h))

    def picture_box(self, scene: int) -> tuple[int, int, int, int] | None:
        """Where a scene's picture sits on the frame once its card has entered (None: none)."""
        area = self.card(scene, Variant()).picture
        if area is None:
            return None
        x0, y0, _, _ = self.layout.card_box()
        a, b, c, d = area.box
        return a + x0, b + y0, c + x0, d + y0

    def mask(self) -> Image.Image:
        """The card's rounded shape."""
        if self._mask is None:
            self._mask = drawing.card_mask(self.layout)
        return self._mask

    def caption(self, cue: int) -> tuple[Image.Image, tuple[int, int]]:
        """A cue's caption tile and its place (cached)."""
        if cue not in self._captions:
            self._captions[cue] = drawing.caption_tile(self.layout, self.timeline.cues[cue])
            while len(self._captions) > 3:
                self._captions.popitem(last=False)
        return self._captions[cue]

    # ------------------------------------------------------------ frames

    def frame(self, number: int, *, settled: bool = False) -> Image.Image:
        """The exact picture of frame `number` (with `settled`, as it looks once every effect
        has finished)."""
        size = (self.timeline.width, self.timeline.height)
        return Image.frombytes("RGB", size, b"".join(self.frame_bytes(number, settled=settled)))

    def draw(self, state: ScreenState) -> Image.Image:
        """The settled picture of one screen state."""
        size = (self.timeline.width, self.timeline.height)
        return Image.frombytes("RGB", size, b"".join(
            self._bytes(state, self.frame_of(state.start_ms), settled=True)))

    def frame_bytes(self, number: int, *, settled: bool = False) -> list[bytes | memoryview]:
        """Frame `number` as raw RGB, in pieces: the state's settled picture, with the rows
        where something moves (the card, the caption) drawn anew. Nothing else is copied."""
        return self._bytes(self.span_of(number).state, number, settled)

    def chunks(self, stretches: list[Stretch]) -> Iterator[list[bytes | memoryview]]:
        """One frame per still and per frame of a moving stretch, in order, as raw yuv420p
        pieces (what x264 codes: converting here, once per picture and only the rows that
        move, spares ffmpeg a queue of full RGB frames)."""
        for stretch in stretches:
            for number in range(stretch.first, stretch.end if stretch.moving else
                                stretch.first + 1):
                yield self.frame_yuv(number)

    def frame_yuv(self, number: int) -> list[bytes | memoryview]:
        """Frame `number` as raw yuv420p (BT.601, limited range, as ffmpeg converts RGB), in
        pieces: the state's settled planes with the moving rows' planes in between."""
        state = self.span_of(number).state
        data, bands = self._bands(state, number, False)
        key = ("rest", state.scene, state.variant, state.label)
        if key not in self._rests_yuv:
            width, height = self.timeline.width, self.timeline.height
            self._rests_yuv[key] = _yuv420(Image.frombytes("RGB", (width, height), data))
            while len(self._rests_yuv) > 1:  # only the current state is drawn from
                self._rests_yuv.popitem(last=False)
        planes = [memoryview(plane) for plane in self._rests_yuv[key]]
        converted = [(top, _yuv420(band)) for top, band in sorted(bands, key=lambda b: b[0])]
        width = self.timeline.width
        pieces: list[bytes | memoryview] = []
        for index, (plane, row, scale) in enumerate(
                zip(planes, (width, width // 2, width // 2), (1, 2, 2), strict=True)):
            at = 0
            for top, band_planes in converted:
                pieces.append(plane[at // scale * row:top // scale * row])
                pieces.append(band_planes[index])
                at = top + len(band_planes[0]) // width
            pieces.append(plane[at // scale * row:])
        return pieces

    def _backdrop(self, scene: int, label: bool) -> Image.Image:
        """Background, progress bar, logo and label: everything but the card and caption."""
        image = self.background().copy()
        if self.motion.progress == "bar":
            drawing.draw_progress(self.layout, image, scene, len(self.timeline.scenes))
        logo = drawing.logo_box(self.layout, image.width)
        # The AI label comes first: where it covers the logo's place, the logo waits for it.
        if logo and not (label and layout.overlap(logo, drawing.label_box(self.layout))):
            drawing.draw_logo(self.layout, image)
        if label:
            drawing.draw_label(self.layout, image)
        return image

    def _rest(self, state: ScreenState) -> bytes:
        """The state's settled picture without its caption, as raw RGB (only the bytes are
        kept: a band is cut from them when it is needed)."""
        key = ("rest", state.scene, state.variant, state.label)
        if key not in self._rests:
            image = self._backdrop(state.scene, state.label)
            x0, y0, _, _ = self.layout.card_box()
            image.paste(self.card_layer(state.scene, state.variant), (x0, y0), self.mask())
            self._rests[key] = image.tobytes()
            while len(self._rests) > 1:  # frames come in order: one state at a time
                self._rests.popitem(last=False)
        return self._rests[key]

    def _rows(self, data: bytes, top: int, bottom: int) -> Image.Image:
        """Rows top to bottom of a raw RGB frame, as a picture."""
        width = self.timeline.width
        return Image.frombytes("RGB", (width, bottom - top),
                               data[top * width * 3:bottom * width * 3])

    def _bands(self, state: ScreenState, number: int, settled: bool
               ) -> tuple[bytes, list[tuple[int, Image.Image]]]:
        """The state's settled picture (raw RGB) and the bands of rows drawn anew for frame
        `number`, each starting on an even row and an even number of rows tall (so that they
        convert to yuv420p on their own)."""
        data = self._rest(state)
        bands: list[tuple[int, Image.Image]] = []
        card = None if settled else self._card_band(state, number)
        caption = self._caption(state, number, settled)
        if caption is not None:
            tile, (x, y) = caption
            top = y - y % 2
            bottom = min(self.timeline.height, y + tile.height + (y + tile.height) % 2)
            if card is not None and card[0] < bottom and top < card[0] + card[1].height:
                # The caption shares rows with the moving card: one band reaching over all of
                # both carries them (the card's band alone clipped the caption to a strip).
                start, end = min(top, card[0]), max(bottom, card[0] + card[1].height)
                band = self._rows(data, start, end)
                band.paste(card[1], (0, card[0] - start))
                top, card = start, None
            else:
                band = self._rows(data, top, bottom)
            band.paste(tile.convert("RGB"), (x, y - top), tile.getchannel("A"))
            bands.append((top, band))
        if card is not None:
            bands.append(card)
        return data, bands

    def _bytes(self, state: ScreenState, number: int, settled: bool) -> list[bytes | memoryview]:
        data, bands = self._bands(state, number, settled)
        width = self.timeline.width
        pieces: list[bytes | memoryview] = []
        view, row, at = memoryview(data), width * 3, 0
        for top, band in sorted(bands, key=lambda b: b[0]):
            pieces.append(view[at * row:top * row])
            pieces.append(band.tobytes())
            at = top + band.height
        pieces.append(view[at * row:])
        return pieces

    def _caption(self, state: ScreenState, number: int, settled: bool
                 ) -> tuple[Image.Image, tuple[int, int]] | None:
        """The caption tile as it shows on frame `number` (fading or popping in) and its
        place; None without a caption."""
        if state.cue is None:
            return None
        motion = self.motion
        tile, place = self.caption(state.cue)
        shown = 1.0 if settled else motion.caption.progress(
            number - self._cue_first[state.cue], self.fps)
        if shown >= 1:
            return tile, place
        if motion.caption.kind == "pop":
            scale = motion.pop_scale + (1 - motion.pop_scale) * shown
            size = (max(1, round(tile.width * scale)), max(1, round(tile.height * scale)))
            place = (place[0] + (tile.width - size[0]) // 2,
                     place[1] + (tile.height - size[1]) // 2)
            tile = tile.resize(size, Image.Resampling.BILINEAR)
        if self._cue_takes_over[state.cue]:
            return _dissolve(*self.caption(state.cue - 1), tile, place, shown)
        faded = tile.copy()
        faded.putalpha(tile.getchannel("A").point(_alpha_scale(round(shown * 255))))
        return faded, place

    def _card_band(self, state: ScreenState, number: int) -> tuple[int, Image.Image] | None:
        """The rows of the card drawn for frame `number` while something on it moves (it
        enters, the previous card leaves, its figure counts, its picture zooms, a new variant
        fades in), with their top row; None when the card is at rest."""
        motion, fps = self.motion, self.fps
        scene = self.timeline.scenes[state.scene]
        since = number - self._scene_first[scene.index]
        leaving = 1.0 if scene.index == 0 or not motion.scene.on else \
            motion.scene.progress(since, fps)
        entering = motion.card.progress(since, fps) if motion.card.on else 1.0
        layer = self._card_picture(state, scene.index, number, since)
        if leaving >= 1 and entering >= 1 and layer is None:
            return None
        x0, y0, _, y1 = self.layout.card_box()
        slide = self.layout.px(motion.slide_px) if motion.card.kind == "slide-up" else 0
        top = y0 - y0 % 2
        bottom = min(self.timeline.height, y1 + slide + (y1 + slide) % 2)
        # Nothing but the background lies under the card's rows (label, logo and progress bar
        # sit above the card).
        band = self.background().crop((0, top, self.timeline.width, bottom))
        if leaving < 1:
            previous = self.timeline.scenes[scene.index - 1]
            old = self.card_layer(previous.index, self.changes[previous.index][-1][1])
            if motion.scene.kind == "slide":
                self._paste(band, old, (x0 - round(leaving * band.width), 0), 1.0)
            else:
                self._paste(band, old, (x0, 0), 1 - leaving)
        dx = round((1 - leaving) * band.width) if motion.scene.kind == "slide" else 0
        dy = round((1 - entering) * slide)
        shown = layer if layer is not None else self.card_layer(scene.index, state.variant)
        self._paste(band, shown, (x0 + dx, dy), entering)
        return top, band

    def _card_picture(self, state: ScreenState, scene: int, number: int, since: int
                      ) -> Image.Image | None:
        """The card of a state at frame `number` when it differs from the settled card: its
        figure counting, its picture zooming, a new variant fading in over the one before."""
        motion, fps = self.motion, self.fps
        figure = None
        counting = motion.figure.progress(since, fps)
        if counting < 1:
            canvas = self.card(scene, state.variant)
            if canvas.figure is not None:
                figure = count_up_text(canvas.figure.value, counting)
        zoom = 0.0
        if self.zoom > 0 and self.card(scene, state.variant).picture is not None:
            length = self._scene_end[scene] - self._scene_first[scene]
            zoom = min(1.0, since / max(1, length - 1))
        fading = 1.0
        changes = self.changes[scene]
        position = next((i for i, (_, v) in enumerate(changes) if v == state.variant), 0)
        if position > 0 and self.timeline.scenes[scene].card != "steps" and motion.card.on:
            fading = motion.card.progress(
                number - self._variant_first[(scene, state.variant)], fps)
        if figure is None and zoom == 0 and fading >= 1:
            return None
        layer = self.card_layer(scene, state.variant, figure, zoom)
        if fading >= 1:
            return layer
        before = self.card_layer(scene, changes[position - 1][1], None, zoom)
        return Image.blend(before, layer, fading)

    def _paste(self, image: Image.Image, layer: Image.Image, at: tuple[int, int],
               alpha: float) -> None:
        """Lay a card picture through the card's rounded mask, `alpha` opaque."""
        level = round(255 * alpha)
        if level <= 0:
            return
        mask = self.mask()
        if level < 255:
            # Made for each frame (half a millisecond): kept, the levels of a fade held a
            # megabyte each.
            mask = mask.point([value * level // 255 for value in range(256)])
        image.paste(layer, at, mask)

    # ------------------------------------------------------------ outside the video

    def cover(self) -> Image.Image:
        """The cover picture: the title card (with the brief's key figure when it has one),
        without captions or label."""
        image = self.background().copy()
        title = next((s for s in self.timeline.scenes if s.card == "title"),
                     self.timeline.scenes[0])
        canvas = drawing.draw_card(self.layout, title.card, title.ref, Variant(cover=True))
        layer = canvas.image
        if canvas.figure is not None:
            layer = layer.copy()
            drawing.draw_figure(ImageDraw.Draw(layer), canvas.figure, canvas.figure.value)
        x0, y0, _, _ = self.layout.card_box()
        image.paste(layer, (x0, y0), self.mask())
        drawing.draw_logo(self.layout, image)
        return image

    def px(self, value: float) -> int:
        """A length on the 1080-wide design grid, in output pixels."""
        return self.layout.px(value)

    # ------------------------------------------------------------ layers (editor package)

    def scene_base(self, scene: TimedScene, variant: Variant | None = None) -> Image.Image:
        """The background with the scene's card settled on it (no logo, label or caption), as
        `variant` shows it (the step being read, the FAQ answer out or not; default: all)."""
        image = self.background().copy()
        x0, y0, _, _ = self.layout.card_box()
        image.paste(self.card_layer(scene.index, variant or Variant()), (x0, y0), self.mask())
        return image

    def picture_area(self, scene: int) -> pictures.PictureArea | None:
        """A scene's picture and where it sits on the frame (None: the card shows none)."""
        box = self.picture_box(scene)
        area = self.card(scene, Variant()).picture
        return None if box is None or area is None else pictures.PictureArea(area.path, box)

    def picture_tile(self, area: pictures.PictureArea) -> Image.Image:
        """What a picture area shows (the picture contained whole over its fill)."""
        return drawing.picture_tile(self.theme, area)

    def draw_caption(self, image: Image.Image, cue: Cue) -> None:
        """A caption, settled, on `image`."""
        tile, place = drawing.caption_tile(self.layout, cue)
        image.paste(tile.convert("RGB"), place, tile.getchannel("A"))

    def draw_label(self, image: Image.Image) -> None:
        """The AI label on `image`."""
        drawing.draw_label(self.layout, image)

    def draw_logo(self, image: Image.Image) -> None:
        """The logo on `image` (nothing without one)."""
        drawing.draw_logo(self.layout, image)

    def logo_box(self) -> tuple[int, int, int, int] | None:
        """Where the logo goes (None without one)."""
        return drawing.logo_box(self.layout, self.timeline.width)

    def label_box(self) -> tuple[int, int, int, int]:
        """Where the AI label goes."""
        return drawing.label_box(self.layout)


@functools.cache
def _alpha_scale(level: int) -> list[int]:
    """A `point` table scaling an alpha channel by level/255 (made once per level)."""
    return [round(value * level / 255) for value in range(256)]


def _dissolve(before: Image.Image, before_at: tuple[int, int], after: Image.Image,
              after_at: tuple[int, int], progress: float
              ) -> tuple[Image.Image, tuple[int, int]]:
    """One caption tile that, laid over any picture, shows `before` dissolving into `after`
    (`progress` of the way), and its place. The two are mixed with premultiplied alpha: where
    both have the box, the box stays exactly as it is, and only the text changes."""
    x0, y0 = min(before_at[0], after_at[0]), min(before_at[1], after_at[1])
    x1 = max(before_at[0] + before.width, after_at[0] + after.width)
    y1 = max(before_at[1] + before.height, after_at[1] + after.height)
    layers = []
    for tile, (x, y) in ((before, before_at), (after, after_at)):
        layer = Image.new("RGBa", (x1 - x0, y1 - y0))
        layer.paste(tile.convert("RGBa"), (x - x0, y - y0))
        layers.append(layer)
    return Image.blend(layers[0], layers[1], progress).convert("RGBA"), (x0, y0)


# BT.601 studio range, as ffmpeg converts RGB to yuv420p: Pillow's YCbCr is the same matrix at
# full range (JPEG), so each channel is mapped into 16-235 (luma) and 16-240 (chroma).
_LUMA = [round(16 + value * 219 / 255) for value in range(256)]
_CHROMA = [round(128 + (value - 128) * 224 / 255) for value in range(256)]


def _yuv420(image: Image.Image) -> tuple[bytes, bytes, bytes]:
    """An RGB picture (even width and height) as yuv420p planes; chroma averaged 2x2."""
    luma, blue, red = image.convert("YCbCr").split()
    return (luma.point(_LUMA).tobytes(), blue.reduce(2).point(_CHROMA).tobytes(),
            red.reduce(2).point(_CHROMA).tobytes())


def storyboard(painter: FramePainter, columns: int = 4, thumb_width: int = 270) -> Image.Image:
    """One picture: a settled thumbnail of every scene and, under it, the captions spoken over
    it."""
    timeline = painter.timeline
    states = painter.states
    scale = thumb_width / timeline.width
    thumb_height = round(timeline.height * scale)
    text_height = 300
    rows = -(-len(timeline.scenes) // columns)
    gap = 16
    sheet = Image.new("RGB", (columns * (thumb_width + gap) + gap,
                              rows * (thumb_height + text_height + gap) + gap), (250, 250, 250))
    draw = ImageDraw.Draw(sheet)
    label_font = layout.font(painter.layout.bold, 20)
    text_font = layout.font(painter.layout.regular, 18)
    for number, scene in enumerate(timeline.scenes):
        first_cue = next((s for s in states if s.scene == scene.index and s.cue is not None),
                         state_at(states, scene.start_ms))
        thumb = painter.draw(replace(first_cue, variant=Variant())).resize(
            (thumb_width, thumb_height), Image.Resampling.LANCZOS)
        x = gap + (number % columns) * (thumb_width + gap)
        y = gap + (number // columns) * (thumb_height + text_height + gap)
        sheet.paste(thumb, (x, y))
        card = scene.card if scene.ref is None else f"{scene.card} {scene.ref}"
        draw.text((x, y + thumb_height + 6),
                  f"{number + 1}. {card}  {scene.start_ms / 1000:.1f}-{scene.end_ms / 1000:.1f} s",
                  font=label_font, fill=(20, 20, 20))
        lines = [" / ".join(c.lines) for c in timeline.cues if c.scene == scene.index]
        wrapped = [part for line in lines
                   for part in painter.layout.wrap(line, painter.layout.regular, 18, thumb_width)]
        shown = wrapped[:11] + (["…"] if len(wrapped) > 11 else [])
        for row, line in enumerate(shown):
            draw.text((x, y + thumb_height + 34 + row * 24), line, font=text_font,
                      fill=(70, 70, 70))
    return sheet


def release_caches() -> None:
    """Drop loaded fonts and decoded pictures once every frame is drawn."""
    layout.font.cache_clear()
    pictures.release_caches()


__all__ = ["CARD_BOX", "FramePainter", "ScreenState", "release_caches", "screen_states",
           "state_at", "storyboard"]
