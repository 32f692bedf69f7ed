"""Motion: presets, count-up formats, the card registry, and what moves on screen when.

Pictures are drawn by the painter (the same code the render encodes; test_render.py checks that
the video shows exactly those frames); one preview render checks the highlight in the MP4.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import frame_at, write_brief
from policyclip import drawing, frames, motion
from policyclip.cards import CARDS
from policyclip.errors import TemplateError, ThemeError
from policyclip.layout import CARD_BOX
from policyclip.pipeline import RenderOptions, painter_for, prepare, render_brief, speak
from policyclip.resources import builtin_dir
from policyclip.theme import load_theme

STEPS_BRIEF = """\
title: 个税专项附加扣除标准提高
issuer: 国务院
summary: 三项扣除标准每月各提高1000元。
points:
  - heading: 婴幼儿照护
    text: 每个孩子每月2000元。
    figure:
      value: 2000元/月
      label: 每个孩子
faq:
  - q: 需要申请吗？
    a: 在个人所得税App填报即可，系统会自动计算。
steps:
  - 打开个人所得税App
  - 进入专项附加扣除填报
  - 填写信息并提交
contact: 纳税服务热线12366
"""

# Two-line captions: their box reaches up into the rows a sliding card passes through.
LONG_CAPTIONS_BRIEF = """\
title: "Warm Home Discount: money off your winter energy bill"
issuer: Department for Energy
language: en-US
summary: The Warm Home Discount takes a one-off sum off your electricity bill this winter.
points:
  - heading: How much
    text: A one-off discount of 150 pounds on your electricity bill, usually by March.
    figure:
      value: "£150"
      label: off your bill this winter
  - heading: Who gets it
    text: Households that get a means-tested benefit, such as Pension Credit or Universal Credit.
"""


@pytest.mark.parametrize(("value", "progress", "shown"), [
    ("2万元", 0.5, "1万元"),
    ("20%", 0.5, "10%"),
    ("3600元/年", 0.25, "900元/年"),
    ("£150", 0.5, "£75"),
    ("$67,000", 0.5, "$33,500"),
    ("$67,000", 0.01, "$670"),
    ("4.5亿", 0.5, "2.2亿"),
    ("2000元/月", 1.0, "2000元/月"),
    ("三成", 0.5, "三成"),  # no digits: shown as it is
])
def test_a_count_keeps_the_figures_unit_and_format(value: str, progress: float,
                                                   shown: str) -> None:
    assert motion.count_up_text(value, progress) == shown


def test_an_effect_ends_exactly_on_its_last_frame() -> None:
    enter = motion.Effect("slide-up", 350)
    assert enter.frames(30) == 10
    steps = [enter.progress(n, 30) for n in range(12)]
    assert 0 < steps[0] < steps[4] < steps[8] < 1 == steps[9] == steps[11]
    assert motion.Effect("none", 350).frames(30) == 0
    assert motion.PRESETS["none"].still and not motion.PRESETS["subtle"].still


def test_the_theme_chooses_a_preset_and_effects_and_bad_ones_are_named(tmp_path: Path) -> None:
    base = (builtin_dir("templates") / "themes" / "default.yaml").read_text("utf-8")
    base = base.split("# Motion:")[0]  # the built-in's own motion block, replaced below
    good = tmp_path / "good.yaml"
    good.write_text(base + "motion:\n  preset: lively\n  caption:\n    effect: fade\n"
                    "    ms: 120\n", "utf-8")
    style = load_theme(good).motion
    chosen = motion.resolve(style.preset, style.overrides())
    assert (chosen.preset, chosen.caption, chosen.scene.kind) == (
        "lively", motion.Effect("fade", 120, "ease-out"), "slide")
    assert motion.resolve("none", style.overrides()) == motion.PRESETS["none"]
    bad = tmp_path / "bad.yaml"
    lines = len(base.splitlines())
    bad.write_text(base + "motion:\n  card:\n    effect: spin\n", "utf-8")
    with pytest.raises(ThemeError) as raised:
        load_theme(bad)
    assert str(raised.value).startswith(f"bad.yaml:{lines + 3}: motion.card.effect: ")
    assert "spin" in str(raised.value)


def test_every_registered_card_has_a_drawer() -> None:
    assert set(drawing.DRAWERS) == set(CARDS)


def test_a_card_the_brief_cannot_fill_fails_at_check(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, STEPS_BRIEF.split("steps:")[0] + "contact: 12366\n")
    (tmp_path / "mine.j2").write_text("@scene title\n{{ brief.title }}\n@scene steps\n"
                                      "怎么办？\n", "utf-8")
    with pytest.raises(TemplateError, match=r"mine\.j2: '@scene steps': the brief has no "
                       r"`steps`"):
        prepare(brief, RenderOptions(template="mine.j2"))
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(brief),
                             "--template", str(tmp_path / "mine.j2")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "'@scene steps': the brief has no `steps`" in result.stderr


@pytest.fixture(scope="module")
def painter(tmp_path_factory: pytest.TempPathFactory) -> frames.FramePainter:
    folder = tmp_path_factory.mktemp("motion")
    options = RenderOptions(tts="none")
    prepared = prepare(write_brief(folder, STEPS_BRIEF), options)
    return painter_for(prepared, options, speak(prepared, options, folder, print))


def _lit_rows(image: Image.Image, painter: frames.FramePainter) -> set[int]:
    """Rows of the card where the band behind the step being read shows, left of its badge."""
    band = drawing.pictures.shade((255, 255, 255), (0xC8, 0x10, 0x2E), 0.1)
    column = np.asarray(image).astype(int)[:, painter.layout.px(CARD_BOX[0] + 46)]
    return set(np.nonzero(np.abs(column - np.array(band)).max(axis=1) < 6)[0].tolist())


def test_the_highlighted_step_follows_the_narration(painter: frames.FramePainter) -> None:
    plan = painter.timeline
    scene = next(s for s in plan.scenes if s.card == "steps")
    cues = [c for c in plan.cues if c.scene == scene.index]
    centres = []
    for number, step in enumerate(STEPS_BRIEF.split("steps:\n")[1].splitlines()[:3]):
        text = step.strip("- ")
        cue = next(c for c in cues if text[:6] in c.text)
        lit = _lit_rows(painter.frame(painter.frame_at((cue.start_ms + cue.end_ms) // 2)),
                        painter)
        assert lit, f"step {number + 1} is not lit while it is read"
        centres.append(sum(lit) / len(lit))
    assert centres[0] < centres[1] < centres[2]  # each in turn, down the card
    before = painter.frame(painter.frame_at(cues[0].start_ms + 100))
    assert not _lit_rows(before, painter)  # "怎么办？": no step yet
    assert not _lit_rows(painter.draw(painter.states[0]), painter)


def test_an_faq_answer_appears_once_its_question_is_read(painter: frames.FramePainter) -> None:
    plan = painter.timeline
    scene = next(s for s in plan.scenes if s.card == "faq")
    cues = [c for c in plan.cues if c.scene == scene.index]
    answer = next(c for c in cues if "个人所得税App" in c.text)
    x0, y0, x1, y1 = painter.layout.card_box()
    lower = (x0, (y0 + y1) // 2, x1, y1)  # where the answer goes

    def accent_pixels(ms: int) -> int:
        pixels = np.asarray(painter.frame(painter.frame_at(ms)).crop(lower)).astype(int)
        return int(((pixels[:, :, 0] - pixels[:, :, 1]) > 100).sum())

    assert accent_pixels((cues[0].start_ms + cues[0].end_ms) // 2) == 0  # the question alone
    assert accent_pixels((answer.start_ms + answer.end_ms) // 2) > 1000  # its 答 badge


def test_text_in_the_lower_half_stays_clear_of_the_buttons(painter: frames.FramePainter
                                                           ) -> None:
    px = painter.layout.px
    for state in painter.states:
        pixels = np.asarray(painter.draw(state)).astype(int)
        strip = pixels[px(960):px(CARD_BOX[3]) - px(40), px(940):px(CARD_BOX[2]) - px(4)]
        assert (np.abs(strip - 255).max(axis=2) < 8).all(), state  # plain card


def test_a_short_text_is_set_larger_than_a_long_one(painter: frames.FramePainter) -> None:
    box = (0, 0, painter.layout.px(848), painter.layout.px(500))
    body = painter.theme.sizes.body
    _, short = painter.layout.fit("全天有人接听。", painter.layout.regular, body, box, grow=1.5)
    _, long = painter.layout.fit("全天有人接听。" * 12, painter.layout.regular, body, box,
                                 grow=1.5)
    assert short.size > painter.layout.px(body) >= long.size


def test_the_cover_carries_the_key_figure(painter: frames.FramePainter) -> None:
    cover = np.asarray(painter.cover()).astype(int)
    x0, y0, x1, y1 = painter.layout.card_box()
    red = (cover[:, :, 0] - cover[:, :, 1]) > 100
    rows = np.nonzero(red[(y0 + y1) // 2:y1, x0:x1].any(axis=1))[0]
    assert len(rows) > painter.layout.px(80)  # a big accent figure in the card's lower half
    title = np.asarray(painter.draw(painter.states[0])).astype(int)
    assert not ((title[:, :, 0] - title[:, :, 1]) > 100)[(y0 + y1) // 2:y1, x0:x1].any()


def test_with_motion_none_nothing_moves_between_state_changes(tmp_path: Path) -> None:
    options = RenderOptions(tts="none", motion="none")
    prepared = prepare(write_brief(tmp_path, STEPS_BRIEF), options)
    still = painter_for(prepared, options, speak(prepared, options, tmp_path, print))
    assert not any(stretch.moving for stretch in still.stretches())
    scene = still.timeline.scenes[1]
    entering = still.frame(still.frame_of(scene.start_ms) + 2)
    assert np.array_equal(np.asarray(entering), np.asarray(
        still.draw(frames.state_at(still.states, scene.start_ms))))


def test_the_preview_shows_the_highlight_where_the_painter_draws_it(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, STEPS_BRIEF)
    result = render_brief(brief, tmp_path / "out", RenderOptions(tts="none", preview=True))
    options = RenderOptions(tts="none", preview=True)
    painter = painter_for(prepare(brief, options), options, result.timeline)
    scene = next(s for s in result.timeline.scenes if s.card == "steps")
    cue = [c for c in result.timeline.cues if c.scene == scene.index][-1]
    at = (cue.start_ms + cue.end_ms) // 2
    decoded = frame_at(result.outputs["video"], at / 1000)
    drawn = painter.frame(painter.frame_at(at))
    # (a preview is coded coarsely: CRF 28)
    assert np.abs(np.asarray(decoded).astype(int) - np.asarray(drawn)).mean() < 6
    assert _lit_rows(drawn, painter)


def test_a_long_opening_moves_on_to_the_summary_when_it_is_read(tmp_path: Path) -> None:
    text = STEPS_BRIEF.replace(
        "summary: 三项扣除标准每月各提高1000元。",
        "hook: 养娃、养老的个税扣除，又提高了！这一次，三项扣除一起提高，每个家庭都能算出一笔账。\n"
        "summary: 从2023年1月1日起，三项扣除标准每月各提高1000元，婴幼儿照护、子女教育、赡养老人"
        "三项一起提高，正在享受扣除的纳税人不用重新申请。")
    options = RenderOptions(tts="none")
    prepared = prepare(write_brief(tmp_path, text), options)
    painter = painter_for(prepared, options, speak(prepared, options, tmp_path, print))
    title = painter.timeline.scenes[0]
    assert title.end_ms - title.start_ms >= frames.LONG_OPENING_MS
    summary = next(c for c in painter.timeline.cues if c.scene == 0 and "2023年1月1日" in c.text)
    changes = painter.changes[0]
    assert changes[-1] == (summary.start_ms, drawing.Variant(summary=True))
    before = np.asarray(painter.frame(painter.frame_at(summary.start_ms - 200))).astype(int)
    after = np.asarray(painter.frame(painter.frame_at(summary.end_ms - 10))).astype(int)
    x0, y0, x1, y1 = painter.layout.card_box()
    assert np.abs(before[y0:y1, x0:x1] - after[y0:y1, x0:x1]).mean() > 5  # the card changed
    still = painter_for(prepared, RenderOptions(tts="none", motion="none"), painter.timeline)
    assert len(still.changes[0]) == 1  # without motion, the title card stays as it is


def test_lively_shows_a_progress_bar_of_the_scenes(painter: frames.FramePainter) -> None:
    lively = frames.FramePainter(painter.brief, painter.theme, painter.timeline,
                                 motion.PRESETS["lively"])
    px = painter.layout.px
    for scene in painter.timeline.scenes[:3]:
        image = np.asarray(lively.frame(lively.frame_at(scene.end_ms - 50))).astype(int)
        row = image[px(200)]
        red = (row[:, 0] - row[:, 1]) > 100
        share = red[px(60):px(1020)].mean()
        expected = (scene.index + 1) / len(painter.timeline.scenes)
        assert share == pytest.approx(expected, abs=0.05)
    plain = np.asarray(painter.frame(painter.frame_at(painter.timeline.scenes[1].end_ms - 50)))
    assert not ((plain[px(200)].astype(int)[:, 0] - plain[px(200)].astype(int)[:, 1]) > 100).any()


def test_a_caption_shows_whole_while_the_card_under_it_moves(tmp_path: Path) -> None:
    options = RenderOptions(tts="none", motion="lively")
    prepared = prepare(write_brief(tmp_path, LONG_CAPTIONS_BRIEF), options)
    lively = painter_for(prepared, options, speak(prepared, options, tmp_path, print))
    fps, checked = lively.fps, 0
    for scene in lively.timeline.scenes:
        first = lively.frame_of(scene.start_ms)
        # Frames where the card still slides (or its figure counts) but the caption has popped.
        for number in range(first, first + lively.motion.figure.frames(fps)):
            state = lively.span_of(number).state
            if state.cue is None or lively.motion.caption.progress(
                    number - lively.frame_of(lively.timeline.cues[state.cue].start_ms), fps) < 1:
                continue
            tile, (x, y) = lively.caption(state.cue)
            shown = np.asarray(lively.frame(number))[y:y + tile.height, x:x + tile.width]
            drawn = np.asarray(tile)
            solid = drawn[:, :, 3] == 255  # the text (and an opaque box) as the tile has it
            assert np.array_equal(shown[solid], drawn[:, :, :3][solid]), (scene.index, number)
            checked += 1
    assert checked > 10


COVER_BRIEFS = {
    "zh": """\
        title: 托育补贴来了：每个孩子每年5000元
        issuer: 市卫生健康委员会
        audience: 有未满3周岁婴幼儿且在本市托育机构入托的家庭
        effective:
          from: 2026-03-01
        summary: 每个孩子每年补贴5000元。
        points:
          - heading: 补多少
            text: 每个孩子每年5000元。
            figure:
              value: "5000元/年"
              label: 每个入托孩子的补贴标准
        """,
    "en": """\
        title: "Childcare grant: up to £900 a year for each child"
        issuer: Department for Education
        language: en-GB
        audience: Working parents of children under three who use a registered nursery
        effective:
          from: 2026-03-01
        summary: Parents can get up to £900 a year for each child.
        points:
          - heading: How much
            text: Up to £900 a year for each child.
            figure:
              value: "£900"
              label: for each child in a registered nursery
        """,
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_cover_figure_has_its_own_rows_clear_of_title_and_audience(
        tmp_path: Path, language: str) -> None:
    options = RenderOptions(tts="none")
    prepared = prepare(write_brief(tmp_path, COVER_BRIEFS[language]), options)
    painter = painter_for(prepared, options, speak(prepared, options, tmp_path, print))
    canvas = drawing.draw_card(painter.layout, "title", None, drawing.Variant(cover=True))
    boxes = canvas.boxes
    assert set(boxes) == {"title", "figure", "extra"}
    for a, b in [("title", "figure"), ("figure", "extra"), ("title", "extra")]:
        assert boxes[a][3] <= boxes[b][1], (a, b, boxes)  # top to bottom, none over another
    # On the cover itself: ink in each block, and none in the rows between the figure's label
    # and the audience/dates lines.
    cover = np.asarray(painter.cover()).astype(int)
    x0, y0, _, _ = painter.layout.card_box()
    left, width = canvas.centred
    card = np.array(drawing.rgb(painter.theme.colors.card))
    region = cover[y0:, x0 + left:x0 + left + width]
    ink = np.abs(region - card).max(axis=2).max(axis=1) > 60
    figure, extra = boxes["figure"], boxes["extra"]
    assert ink[figure[1]:figure[3]].any() and ink[extra[1]:extra[3]].any()
    assert not ink[figure[3]:extra[1]].any()
    assert not ink[boxes["title"][3]:figure[1]].any()


def _in_frame(tile: Image.Image, at: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """The tile's RGBA pixels placed on an empty frame of `size`."""
    canvas = Image.new("RGBA", size)
    canvas.paste(tile, at)
    return np.asarray(canvas).astype(int)


def test_a_caption_taking_over_dissolves_in_a_box_that_stays(
        painter: frames.FramePainter) -> None:
    cues, checked = painter.timeline.cues, 0
    size = (painter.timeline.width, painter.timeline.height)
    last = painter.motion.caption.frames(painter.fps) - 1
    for index in range(1, len(cues)):
        before, cue = cues[index - 1], cues[index]
        first = painter.frame_of(cue.start_ms)
        if painter.frame_of(before.end_ms) < first:
            continue  # after a pause the caption pops or fades in anew
        if painter.frame_of(painter.timeline.scenes[cue.scene].start_ms) > first - 4:
            continue  # the card moves too: its rows are checked elsewhere
        old, new = _in_frame(*painter.caption(index - 1), size), _in_frame(
            *painter.caption(index), size)
        fill = np.unique(new.reshape(-1, 4)[new.reshape(-1, 4)[:, 3] > 0], axis=0,
                         return_counts=True)
        box = fill[0][fill[1].argmax()]  # the box's colour, its commonest pixel
        shared = (old == box).all(axis=2) & (new == box).all(axis=2)
        text = (new[:, :, 3] == 255) & ~(new == box).all(axis=2)
        settled = np.asarray(painter.draw(painter.span_of(first).state)).astype(int)
        whole = np.asarray(painter.frame(first + last)).astype(int)
        on_tile = new[:, :, 3] > 0
        assert np.array_equal(whole[on_tile], settled[on_tile]), index  # on its last frame
        for number in range(first - 1, first + last):
            shown = np.asarray(painter.frame(number)).astype(int)
            # Where both captions have their box, the box never changes: no blink, no pulse.
            assert np.abs(shown[shared] - settled[shared]).max() <= 2, (index, number)
        # ...while the new text arrives over the first frames.
        arriving = np.abs(np.asarray(painter.frame(first)).astype(int)[text] - settled[text])
        assert arriving.mean() > 20, index
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("name", ["baoan-tiexi-xiaofeiquan", "en-small-business-tax",
                                  "geshui-zhuanxiang-fujia"])
def test_once_the_cards_are_laid_out_frames_are_drawn_without_the_dictionary(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The render drops the word dictionary (about 30 MB) before x264 starts; a card that
    # broke its lines again while frames are drawn would load it back beside the encoder.
    from policyclip import linebreak

    options = RenderOptions(tts="none")
    prepared = prepare(Path(__file__).parents[1] / "examples" / f"{name}.yaml", options)
    painter = painter_for(prepared, options, speak(prepared, options, tmp_path, print))
    painter.lay_out_cards()
    linebreak.release_dictionary()

    def no_dictionary() -> None:
        raise AssertionError("the word dictionary was needed while frames were drawn")

    monkeypatch.setattr(linebreak, "_segmenter", no_dictionary)
    stretches = painter.stretches()
    assert sum(1 for _ in painter.chunks(stretches)) == sum(
        s.count if s.moving else 1 for s in stretches)
