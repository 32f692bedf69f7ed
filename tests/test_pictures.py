"""Pictures: contained whole without distortion, EXIF orientation, transparency, the slow
zoom, the logo's place, the first picture on the title card and cover; decoded once.

One brief with pictures of odd shapes is rendered at preview size (no speech, so it is
quick); frames are decoded from the MP4 at times inside each scene and their pixels read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image, ImageDraw

from helpers import frame_at, write_brief
from policyclip import frames, pictures, timeline
from policyclip.errors import BriefError
from policyclip.pipeline import RenderOptions, RenderResult, load, prepare, render_brief, speak
from policyclip.resources import builtin_dir
from policyclip.theme import load_theme

YELLOW, BLUE, GREEN = (250, 210, 0), (30, 60, 220), (0, 170, 80)
MAGENTA, ORANGE = (200, 0, 200), (255, 140, 0)
ZOOM = 0.1

BRIEF = """\
title: 老旧小区加装电梯补贴
issuer: 某市住房和城乡建设局
summary: 加装电梯最高补贴20万元。
points:
  - heading: 补贴多少
    text: 每台最高补贴二十万元。
    image: images/upright.jpg
  - heading: 谁来申请
    text: 由业主共同申请。
    image: images/badge.png
  - heading: 怎么施工
    text: 施工前公示十天。
    image: images/wide.png
contact: 服务热线12345
render:
  logo: images/logo.png
  theme: themes/look.yaml
"""


def _pictures(folder: Path) -> None:
    images = folder / "images"
    images.mkdir()
    # Seen upright: 2:1, yellow left, blue right. Stored turned a quarter to the left, with the
    # EXIF orientation (6) that tells a viewer to turn it back.
    seen = Image.new("RGB", (480, 240), YELLOW)
    seen.paste(BLUE, (240, 0, 480, 240))
    exif = Image.Exif()
    exif[0x0112] = 6
    seen.transpose(Image.Transpose.ROTATE_90).save(images / "upright.jpg", quality=95,
                                                    exif=exif.tobytes())
    badge = Image.new("RGBA", (400, 400), (0, 0, 0, 0))  # fully transparent around a disc
    ImageDraw.Draw(badge).ellipse((50, 50, 350, 350), fill=(*GREEN, 255))
    badge.save(images / "badge.png")
    Image.new("RGB", (900, 300), MAGENTA).save(images / "wide.png")  # 3:1
    logo = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rounded_rectangle((0, 0, 299, 99), radius=30, fill=(*ORANGE, 255))
    logo.save(images / "logo.png")
    (folder / "themes").mkdir()
    look = yaml.safe_load((builtin_dir("templates") / "themes" / "default.yaml").read_text("utf-8"))
    look.update(picture={"fill": "blur", "zoom": ZOOM}, title_image="card")
    (folder / "themes" / "look.yaml").write_text(yaml.safe_dump(look, allow_unicode=True),
                                                 "utf-8")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    folder = tmp_path_factory.mktemp("pictures")
    _pictures(folder)
    brief = write_brief(folder, BRIEF, "lift.yaml")
    return render_brief(brief, folder / "out", RenderOptions(tts="none", preview=True))


@pytest.fixture(scope="module")
def boxes(rendered: RenderResult) -> dict[int, tuple[int, int, int, int]]:
    """Each scene's picture box on the frame, as the painter placed it."""
    brief = load(rendered.outputs["video"].parent.parent / "lift.yaml", RenderOptions())
    look = load_theme(brief.path.parent / "themes" / "look.yaml")
    path = rendered.outputs["timeline"]
    plan = timeline.timeline_from_json(path.read_text("utf-8"), path)
    painter = frames.FramePainter(brief, look, plan)
    found = {scene.index: painter.picture_box(scene.index) for scene in plan.scenes}
    return {index: box for index, box in found.items() if box is not None}


def _scene(result: RenderResult, card: str, ref: int | None = None) -> timeline.TimedScene:
    return next(s for s in result.timeline.scenes if s.card == card and s.ref == ref)


Pixels = np.typing.NDArray[np.int16]


def _frame(result: RenderResult, scene: timeline.TimedScene, at: float) -> Pixels:
    """The frame at a fraction `at` of the scene, as an int array (from about 0.1 on, the
    card has entered)."""
    seconds = (scene.start_ms + (scene.end_ms - scene.start_ms) * at) / 1000
    return np.asarray(frame_at(result.outputs["video"], seconds), dtype=np.int16)


def _near(pixels: Pixels, colour: tuple[int, int, int],
          tolerance: int = 40) -> np.typing.NDArray[np.bool_]:
    return np.asarray(np.abs(pixels - np.array(colour)).max(axis=-1) < tolerance)


def _bbox(mask: np.typing.NDArray[np.bool_]) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    assert len(xs), "colour not found"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _crop(pixels: Pixels, box: tuple[int, int, int, int]) -> Pixels:
    x0, y0, x1, y1 = box
    return pixels[y0:y1, x0:x1]


def test_exif_orientation_is_honoured(rendered: RenderResult,
                                      boxes: dict[int, tuple[int, int, int, int]]) -> None:
    scene = _scene(rendered, "point", 0)
    area = _crop(_frame(rendered, scene, 0.15), boxes[scene.index])
    yellow, blue = _bbox(_near(area, YELLOW)), _bbox(_near(area, BLUE))
    assert yellow[2] <= blue[0] + 3  # yellow on the left of blue, side by side: upright
    assert abs(yellow[1] - blue[1]) <= 3 and abs(yellow[3] - blue[3]) <= 3
    whole = (yellow[0], yellow[1], blue[2], blue[3])
    assert (whole[2] - whole[0]) / (whole[3] - whole[1]) == pytest.approx(2.0, rel=0.06)


def test_wide_picture_is_contained_without_distortion(
    rendered: RenderResult, boxes: dict[int, tuple[int, int, int, int]]
) -> None:
    scene = _scene(rendered, "point", 2)
    x0, y0, x1, y1 = boxes[scene.index]
    area = _crop(_frame(rendered, scene, 0.15), boxes[scene.index])
    shown = _bbox(_near(area, MAGENTA))
    width, height = shown[2] - shown[0], shown[3] - shown[1]
    assert width / height == pytest.approx(3.0, rel=0.06)
    assert width >= (x1 - x0) - 4  # as large as the area allows: fitted to its width
    assert height < (y1 - y0) * 0.9  # and centred with a fill above and below
    assert abs(shown[1] - ((y1 - y0) - shown[3])) <= 4


def test_transparent_png_shows_the_fill_through(
    rendered: RenderResult, boxes: dict[int, tuple[int, int, int, int]]
) -> None:
    scene = _scene(rendered, "point", 1)
    area = _crop(_frame(rendered, scene, 0.15), boxes[scene.index])
    height, width = area.shape[:2]
    assert _near(area[height // 2 - 5:height // 2 + 5, width // 2 - 5:width // 2 + 5],
                 GREEN).all()
    card = (0xFF, 0xFF, 0xFF)
    text = (0x14, 0x21, 0x3D)
    fill = tuple(round(c + (t - c) * 0.08) for c, t in zip(card, text, strict=True))
    # (The preview is coded coarsely, at CRF 28 with x264's quickest preset: a level or 15 off.)
    for corner in (area[2:8, 2:8], area[2:8, -8:-2], area[-8:-2, 2:8], area[-8:-2, -8:-2]):
        assert _near(corner, fill, 16).all()  # not black, not a blur of the disc


def test_slow_zoom_moves_closer_during_its_scene_only(
    rendered: RenderResult, boxes: dict[int, tuple[int, int, int, int]]
) -> None:
    scene = _scene(rendered, "point", 2)
    box = boxes[scene.index]
    # Once the card has entered (a few hundred ms) until the end of the scene.
    early = _bbox(_near(_crop(_frame(rendered, scene, 0.15), box), MAGENTA))
    late = _bbox(_near(_crop(_frame(rendered, scene, 0.97), box), MAGENTA))
    grown = (late[3] - late[1]) / (early[3] - early[1])
    assert grown == pytest.approx((1 + ZOOM * 0.97) / (1 + ZOOM * 0.15), abs=0.04)
    after = _scene(rendered, "source")
    assert not _near(_crop(_frame(rendered, after, 0.1), box), MAGENTA).any()


def test_logo_sits_above_the_card_clear_of_the_buttons(rendered: RenderResult) -> None:
    pixels = _frame(rendered, _scene(rendered, "point", 0), 0.5)
    height, width = pixels.shape[:2]
    logo = _bbox(_near(pixels, ORANGE, 30))
    scale = width / 1080
    assert logo[3] <= frames.CARD_BOX[1] * scale  # above the card
    assert logo[2] <= frames.CARD_BOX[2] * scale + 1  # clear of the right-hand edge
    assert logo[0] > width / 2  # the theme's default: top right
    assert (logo[2] - logo[0]) / (logo[3] - logo[1]) == pytest.approx(3.0, rel=0.1)
    assert logo[3] - logo[1] <= 90 * scale + 1  # small
    assert not _near(pixels[int(height * 0.8):], ORANGE, 30).any()  # bottom fifth kept free


def test_title_card_and_cover_show_the_first_picture(rendered: RenderResult) -> None:
    title = _frame(rendered, _scene(rendered, "title"), 0.5)
    cover = np.asarray(Image.open(rendered.outputs["cover"]).convert("RGB"), dtype=np.int16)
    for picture in (title, cover):
        yellow, blue = _bbox(_near(picture, YELLOW, 25)), _bbox(_near(picture, BLUE, 25))
        assert yellow[2] <= blue[0] + 3 and abs(yellow[1] - blue[1]) <= 3
    meta = json.loads(rendered.outputs["metadata"].read_text("utf-8"))
    assert meta["loudness"]["integrated_lufs"] is None  # no speech, no music: silent


# ---------------------------------------------------------------- drawing, no video


def _painter(tmp_path: Path, brief_text: str, tts: str = "none"
             ) -> tuple[frames.FramePainter, list[frames.ScreenState]]:
    options = RenderOptions(tts=tts, preview=True)
    prepared = prepare(write_brief(tmp_path, brief_text), options)
    plan = speak(prepared, options, tmp_path, lambda _: None)
    return frames.FramePainter(prepared.brief, prepared.look, plan), frames.screen_states(plan)


def test_a_large_photo_is_decoded_and_scaled_once_not_per_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "images").mkdir()
    Image.new("RGB", (6000, 4000), BLUE).save(tmp_path / "images" / "big.jpg", quality=80)
    text = BRIEF.replace("upright.jpg", "big.jpg").replace("badge.png", "big.jpg") \
        .replace("wide.png", "big.jpg").replace("  logo: images/logo.png\n", "") \
        .replace("  theme: themes/look.yaml\n", "")
    painter, states = _painter(tmp_path, text)
    pictures.release_caches()
    opened: list[str] = []
    real_open: Callable[..., Image.Image] = Image.open

    def counting_open(path: object, *args: object, **kwargs: object) -> Image.Image:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    for state in states:
        painter.draw(state)
    assert len(states) > 3 and opened == [str(tmp_path / "images" / "big.jpg")]
    decoded = pictures._decoded(tmp_path / "images" / "big.jpg",
                                pictures._stamp(tmp_path / "images" / "big.jpg"))
    assert max(decoded.size) <= pictures.PICTURE_BOUND


def test_logo_waits_while_the_ai_label_covers_its_place(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    logo = Image.new("RGBA", (300, 100), (*ORANGE, 255))
    logo.save(tmp_path / "images" / "logo.png")
    text = ("title: Half-price local taxes\nissuer: Ministry of Finance\nlanguage: en-US\n"
            "summary: Six local taxes are cut by half.\npoints:\n  - heading: Who\n"
            "    text: Small firms.\ncontact: 12366\nrender:\n  logo: images/logo.png\n")
    painter, states = _painter(tmp_path, text, tts="espeak")
    labelled = next(s for s in states if s.label)
    later = next(s for s in states if not s.label)
    # The English label spans the band above the card: the logo appears when it has gone.
    assert not _near(np.asarray(painter.draw(labelled), dtype=np.int16), ORANGE, 30).any()
    assert _near(np.asarray(painter.draw(later), dtype=np.int16), ORANGE, 30).any()
    assert _near(np.asarray(painter.cover(), dtype=np.int16), ORANGE, 30).any()


def test_sixteen_bit_and_palette_pictures_keep_their_tones(tmp_path: Path) -> None:
    grey = Image.fromarray(np.full((40, 40), 32768, dtype=np.uint16))
    grey.save(tmp_path / "grey16.png")
    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([*GREEN, *YELLOW] + [0] * 762)
    palette.info["transparency"] = 1
    palette.save(tmp_path / "palette.png", transparency=1)
    tone = pictures.load_picture(tmp_path / "grey16.png", (20, 20)).getpixel((10, 10))
    assert isinstance(tone, tuple) and 120 <= tone[0] <= 135 and tone[3] == 255
    dot = pictures.load_picture(tmp_path / "palette.png", (20, 20)).getpixel((10, 10))
    assert dot == (*GREEN, 255)


def test_a_corrupt_picture_is_refused_before_rendering(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is no jpeg")
    text = BRIEF.replace("  logo: images/logo.png\n", "").replace("  theme: themes/look.yaml\n", "")
    for name in ("upright.jpg", "badge.png", "wide.png"):
        text = text.replace(name, "broken.jpg")
    with pytest.raises(BriefError, match=r"points\[0\]\.image: cannot use 'images/broken\.jpg'"
                       ) as raised:
        load(write_brief(tmp_path, text), RenderOptions())
    assert raised.value.exit_code == 3


def test_a_long_web_address_wraps_after_its_slashes_at_full_size(tmp_path: Path) -> None:
    url = ("https://www.lanxi.gov.cn/art/2025/3/12/art_1229517_59123456.html"
           "?from=policy&id=1234567")
    painter, _ = _painter(tmp_path, f"title: 补贴\nissuer: 兰溪市商务局\nsummary: 最高2000元。\n"
                                    f"source_url: {url}\npoints:\n  - heading: 补多少\n"
                                    f"    text: 每件最高2000元。\n")
    width = 860
    lines, font = painter.layout.address_lines(url, painter.theme.sizes.body - 4, width)
    assert "".join(lines) == url
    assert 1 < len(lines) <= 3
    assert all(font.getlength(line) <= width for line in lines)
    assert all(line.endswith(("/", "=", "&", "?")) for line in lines[:-1])
    assert font.size == painter.px(painter.theme.sizes.body - 4)  # not shrunk to fit one line
