"""Filmstrips of the motion vocabulary (docs/templates.md, "## Motion"), drawn by the real painter.

    .venv/bin/python docs/pictures/make_motion_pictures.py [--out DIR]

Each strip is a few frames across one effect of one preset, as `policyclip render` would encode
them: the frames come from `FramePainter.frame` at the painter's own frame numbers, on the
bundled example brief, without speech (`tts="none"`) or any video encode. The PNGs are generated
media: they are not committed (.gitignore), only this script is.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from policyclip import layout
from policyclip.frames import FramePainter
from policyclip.models import Timeline
from policyclip.motion import PRESETS, Effect
from policyclip.pipeline import Prepared, RenderOptions, painter_for, prepare, speak

HERE = Path(__file__).resolve().parent
# A brief with every card the motion table speaks of: key figures, steps and FAQ.
BRIEF = HERE.parents[1] / "examples" / "geshui-zhuanxiang-fujia.yaml"

TILE_WIDTH = 180  # each frame, scaled down
GAP = 8  # between frames and around the strip
HEADER = 26  # the line naming the effect, above the frames
LABEL = 22  # the time under each frame
PAPER = (255, 255, 255)
INK = (40, 40, 40)

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Strip:
    """One filmstrip to draw: which preset, which frames, which part of the frame."""

    name: str  # the PNG's stem
    preset: str
    title: str  # the line above the frames
    frames: tuple[int, ...]  # the painter's frame numbers, in order
    labels: tuple[str, ...]  # one time label a frame
    crop: Box  # the region of the 1080x1920 frame shown


def spread(count: int, shown: int) -> list[int]:
    """`shown` frame offsets from 0 to count - 1 (the effect's first and last, settled, frame),
    evenly apart and without repeats."""
    last = max(0, count - 1)
    return sorted({round(index * last / max(1, shown - 1)) for index in range(shown)})


def effect_text(effect: Effect) -> str:
    """An effect as the motion table writes it: `slide-up, 350 ms, ease-out`."""
    return f"{effect.kind}, {effect.ms} ms, {effect.easing}" if effect.on else effect.kind


class Moments:
    """Where in the example video each effect can be seen on its own."""

    def __init__(self, timeline: Timeline, prepared: Prepared,
                 painters: dict[str, FramePainter]) -> None:
        self.timeline = timeline
        self.brief = prepared.brief
        self.motions = [painter.motion for painter in painters.values()]
        # The frame grid and the layout are the same whatever the preset; `subtle` has every
        # card change (a step lit, an FAQ answer shown), which `none` leaves out.
        self.painter = painters["subtle"]

    def frame_of(self, ms: int) -> int:
        """The painter's frame for a time."""
        return self.painter.frame_of(ms)

    def first_scene(self) -> int:
        """The opening card's first frame."""
        return self.frame_of(self.timeline.scenes[0].start_ms)

    def scene_change(self) -> int:
        """The first change to a point card without a key figure (so only the scene change and
        the entrance move, no count-up)."""
        scene = next(s for s in self.timeline.scenes[1:] if s.card == "point"
                     and s.ref is not None and self.brief.points[s.ref].figure is None)
        return self.frame_of(scene.start_ms)

    def figure_scene(self) -> int:
        """The first point card with a key figure."""
        scene = next(s for s in self.timeline.scenes if s.card == "point"
                     and s.ref is not None and self.brief.points[s.ref].figure is not None)
        return self.frame_of(scene.start_ms)

    def _quiet(self, ms: int) -> bool:
        """True when nothing but the caption changes at `ms`, with any preset: the card has
        entered and its key figure (if any) has counted up, and it shows no new variant."""
        scene = next(s for s in self.timeline.scenes if s.start_ms <= ms < s.end_ms)
        figure = scene.card == "point" and scene.ref is not None and \
            self.brief.points[scene.ref].figure is not None
        settle = max(max(m.card.ms, m.scene.ms, m.figure.ms if figure else 0)
                     for m in self.motions)
        changes = [at for at, _ in self.painter.changes[scene.index]]
        return ms - scene.start_ms >= settle and ms not in changes[1:]

    def caption_appears(self) -> int:
        """The first caption (its number) that appears after a pause, over a card at rest."""
        cues = self.timeline.cues
        return next(index for index, cue in enumerate(cues)
                    if (index == 0 or cues[index - 1].end_ms < cue.start_ms)
                    and self._quiet(cue.start_ms))

    def caption_follows(self) -> int:
        """The first caption (its number) that follows the one before without a pause, over a
        card at rest."""
        cues = self.timeline.cues
        return next(index for index, cue in enumerate(cues)
                    if index > 0 and cues[index - 1].end_ms >= cue.start_ms
                    and self._quiet(cue.start_ms))

    def caption_crop(self, *cues: int) -> Box:
        """The captions' boxes on the frame with a margin: the text is what changes, so it is
        shown larger than on a whole frame."""
        places = []
        for cue in cues:
            tile, (x, y) = self.painter.caption(cue)
            places.append((x, y, x + tile.width, y + tile.height))
        margin = self.painter.layout.px(40)
        return (min(p[0] for p in places) - margin, min(p[1] for p in places) - margin,
                max(p[2] for p in places) + margin, max(p[3] for p in places) + margin)

    def next_step(self) -> int:
        """The moment the highlight moves from the first step to the second."""
        scene = next(s for s in self.timeline.scenes if s.card == "steps")
        lit = [ms for ms, variant in self.painter.changes[scene.index] if variant.step is not None]
        return self.frame_of(lit[1])

    def faq_answer(self) -> int:
        """The moment the first FAQ answer is revealed."""
        scene = next(s for s in self.timeline.scenes if s.card == "faq")
        return self.frame_of(self.painter.changes[scene.index][-1][0])


def strips(moments: Moments, painters: dict[str, FramePainter]) -> list[Strip]:
    """Every filmstrip the motion section shows."""
    grid = moments.painter.layout
    fps = moments.painter.fps
    width, height = moments.timeline.width, moments.timeline.height
    whole: Box = (0, 0, width, height)
    card = grid.card_box()
    caption = grid.box(layout.CAPTION_BOX)
    # The card and the rows it slides up through.
    around_card: Box = (0, card[1] - grid.px(24), width, card[3] + grid.px(130))
    card_and_caption: Box = (0, card[1] - grid.px(24), width, caption[3] + grid.px(24))
    # The bar, and the top of the card to tell the scenes apart.
    top: Box = (0, grid.px(layout.PROGRESS_TOP) - grid.px(60), width, card[1] + grid.px(220))

    def ms(offset: int) -> str:
        return f"{round(offset * 1000 / fps)} ms"

    made: list[Strip] = []

    def add(name: str, preset: str, title: str, anchor: int, offsets: Sequence[int], crop: Box
            ) -> None:
        made.append(Strip(name, preset, title, tuple(anchor + o for o in offsets),
                          tuple(ms(o) for o in offsets), crop))

    subtle = painters["subtle"].motion
    for preset in ("subtle", "lively"):
        motion = painters[preset].motion
        add(f"card-{preset}", preset, f"card enters · {preset}: {effect_text(motion.card)}"
            f" ({motion.slide_px} px)", moments.first_scene(),
            spread(motion.card.frames(fps), 6), whole)
    for preset in ("none", "subtle", "lively"):
        motion = painters[preset].motion
        # The new card enters while the old one leaves: the change lasts the longer of the two.
        # `none` shows the same moments as `subtle`, to compare.
        timed = subtle if preset == "none" else motion
        length = max(timed.scene.frames(fps), timed.card.frames(fps))
        add(f"scene-{preset}", preset, f"scene change · {preset}: {effect_text(motion.scene)}"
            + (f" + card {effect_text(motion.card)}" if motion.card.on else ""),
            moments.scene_change(), [-1, *spread(length, 5)], whole)
    appears, follows = moments.caption_appears(), moments.caption_follows()
    cue_frame = [moments.frame_of(cue.start_ms) for cue in moments.timeline.cues]
    for preset in ("subtle", "lively"):
        motion = painters[preset].motion
        count = motion.caption.frames(fps)
        add(f"caption-{preset}", preset,
            f"caption appears · {preset}: {effect_text(motion.caption)}",
            cue_frame[appears], [-1, *spread(count, 5)], moments.caption_crop(appears))
        add(f"caption-dissolve-{preset}", preset,
            f"caption follows, dissolves · {preset}: {effect_text(motion.caption)}",
            cue_frame[follows], [-1, *spread(count, 5)],
            moments.caption_crop(follows - 1, follows))
        add(f"figure-{preset}", preset, f"key figure · {preset}: {effect_text(motion.figure)}",
            moments.figure_scene(), spread(motion.figure.frames(fps), 6), around_card)
        # The band moves at once; the caption that names the step dissolves meanwhile.
        add(f"steps-{preset}", preset, f"step highlight · {preset}: {motion.steps} (at once),"
            f" caption {effect_text(motion.caption)}", moments.next_step(),
            [-1, *spread(count, 5)], card_and_caption)
        # The answer fades in over the card's entrance time and easing.
        add(f"faq-{preset}", preset, f"FAQ answer · {preset}: {motion.faq}, fades in, "
            f"{motion.card.ms} ms, {motion.card.easing}", moments.faq_answer(),
            [-1, *spread(motion.card.frames(fps), 5)], around_card)
    # The bar changes at once at each scene change: one frame a second into each of six
    # scenes, when every effect has settled (labelled with the video's time).
    lively = painters["lively"]
    shown = moments.timeline.scenes[:6]
    made.append(Strip("progress-lively", "lively", "progress bar · lively: bar, one segment a "
                      "scene", tuple(lively.frame_of(s.start_ms + 1000) for s in shown),
                      tuple(f"{(s.start_ms + 1000) / 1000:.1f} s" for s in shown), top))
    return made


def draw_strip(painter: FramePainter, strip: Strip) -> Image.Image:
    """The filmstrip: a title line, then the frames side by side, each with its time under it
    (frame i's left edge at GAP + i * (TILE_WIDTH + GAP), its top at HEADER)."""
    x0, y0, x1, y1 = strip.crop
    tile_height = round((y1 - y0) * TILE_WIDTH / (x1 - x0))
    count = len(strip.frames)
    sheet = Image.new("RGB", (GAP + count * (TILE_WIDTH + GAP),
                              HEADER + tile_height + LABEL + GAP), PAPER)
    draw = ImageDraw.Draw(sheet)
    title_font = layout.font(painter.layout.bold, 15)
    label_font = layout.font(painter.layout.regular, 14)
    draw.text((GAP, HEADER // 2), strip.title, font=title_font, fill=INK, anchor="lm")
    for index, (number, label) in enumerate(zip(strip.frames, strip.labels, strict=True)):
        x = GAP + index * (TILE_WIDTH + GAP)
        tile = painter.frame(number).crop(strip.crop).resize(
            (TILE_WIDTH, tile_height), Image.Resampling.LANCZOS)
        sheet.paste(tile, (x, HEADER))
        draw.text((x + TILE_WIDTH // 2, HEADER + tile_height + LABEL // 2 + 1), label,
                  font=label_font, fill=INK, anchor="mm")
    return sheet


def make_pictures(out: Path) -> list[Path]:
    """Draw every filmstrip into `out` (created if missing); the PNGs' paths."""
    out.mkdir(parents=True, exist_ok=True)
    options = RenderOptions(tts="none")
    prepared = prepare(BRIEF, options)
    with tempfile.TemporaryDirectory() as work:
        # No speech: the `none` engine times each caption by its reading length, as a render
        # with `--tts none` does; the effects are the same whatever the voice.
        timeline = speak(prepared, options, Path(work), lambda message: None)
    painters = {preset: painter_for(prepared, RenderOptions(tts="none", motion=preset),
                                    timeline) for preset in PRESETS}
    moments = Moments(timeline, prepared, painters)
    written = []
    for strip in strips(moments, painters):
        sheet = draw_strip(painters[strip.preset], strip)
        path = out / f"{strip.name}.png"
        # 256 colours without dithering: 40% of the size, and a frame drawn twice stays pixel
        # for pixel the same on the strip (the test compares frames on it).
        sheet.quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write the pictures and list them with their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for the PNGs (default: this script's folder)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pictures = make_pictures(args.out)
    for path in pictures:
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")
    print(f"{len(pictures)} pictures in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
