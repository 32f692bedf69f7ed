"""Render a real brief at full size once, then decode the MP4 and check what a viewer gets."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pytest

from helpers import (
    SHORT_BRIEF,
    coded_frames,
    colour_distance,
    frame_at,
    mp4_tags,
    probe,
    stream_durations,
    top_level_boxes,
    visible_changes,
    write_brief,
)
from policyclip import media
from policyclip.drawing import Variant
from policyclip.frames import CAPTION_BOX, CARD_BOX, LABEL_TOP, screen_states
from policyclip.motion import count_up_text
from policyclip.pipeline import RenderOptions, RenderResult, painter_for, prepare, render_brief
from policyclip.timeline import timeline_from_json
from test_subtitles import srt_cues, vtt_cues

CARD_WHITE = (255, 255, 255)
# The default theme's colors.caption_box (#14213D) at caption_box_opacity 0.88 over the
# background's lower part.
CAPTION_BOX_COLOUR = (45, 58, 83)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    """The default: espeak, full size, the theme's motion (subtle)."""
    folder = tmp_path_factory.mktemp("render")
    brief = write_brief(folder, SHORT_BRIEF, "tax.yaml")
    return render_brief(brief, folder / "out", RenderOptions(tts="espeak"))


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    """--motion none, timed by reading speed."""
    folder = tmp_path_factory.mktemp("still")
    brief = write_brief(folder, SHORT_BRIEF, "tax.yaml")
    return render_brief(brief, folder / "out", RenderOptions(tts="none", motion="none"))


def decode_errors(path: Path) -> str:
    """What ffmpeg says when it decodes every frame and sample (nothing, for a clean file)."""
    result = subprocess.run([media.ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(path),
                             "-f", "null", "-"], capture_output=True, check=False)
    return result.stderr.decode(errors="replace") + ("" if result.returncode == 0 else "failed")


def test_every_render_decodes_cleanly_at_a_constant_30_fps(rendered: RenderResult,
                                                           still: RenderResult) -> None:
    for result in (rendered, still):
        video = result.outputs["video"]
        assert decode_errors(video) == ""
        # The coded frames as the muxer stored them (framecrc: one line a packet).
        listing = subprocess.run(
            [media.ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(video), "-map", "0:v",
             "-c", "copy", "-f", "framecrc", "-"], capture_output=True, text=True, check=True)
        base = next(line for line in listing.stdout.splitlines() if line.startswith("#tb 0"))
        tick = 1 / int(base.split("/")[1])
        times = [int(line.split(",")[2]) * tick for line in listing.stdout.splitlines()
                 if line and not line.startswith("#")]
        assert len(times) == round(result.timeline.duration_ms * 30 / 1000)
        assert np.allclose(np.diff(times), 1 / 30, atol=1e-4)  # every frame, evenly spaced


def test_every_output_is_written_and_nothing_else(rendered: RenderResult) -> None:
    out = rendered.outputs["video"].parent
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["tax.mp4", "tax.srt", "tax.vtt", "tax.script.txt", "tax.json",
                            "tax.timeline.json", "tax.cover.jpg"])


def test_video_streams_are_what_platforms_expect(rendered: RenderResult) -> None:
    info = probe(rendered.outputs["video"])
    assert info.video.startswith("h264")
    assert "yuv420p" in info.video and "1080x1920" in info.video and " 30 fps" in info.video
    assert info.audio.startswith("aac") and "48000 Hz" in info.audio
    assert info.duration_s == pytest.approx(rendered.timeline.duration_ms / 1000, abs=0.1)


def test_audio_and_video_have_equal_length(rendered: RenderResult) -> None:
    durations = stream_durations(rendered.outputs["video"])
    assert durations["video"] == pytest.approx(durations["audio"], abs=0.1)
    assert durations["video"] == pytest.approx(rendered.timeline.duration_ms / 1000, abs=0.1)


def test_stills_are_coded_without_b_frames(rendered: RenderResult) -> None:
    # A run of stills gains nothing from B-frames; x264 is faster and leaner without them.
    kinds = {kind for _, kind, _ in coded_frames(rendered.outputs["video"])}
    assert kinds == {"I", "P"}


def test_without_motion_the_picture_changes_only_when_its_state_does(still: RenderResult
                                                                      ) -> None:
    starts = [round(s.start_ms * 30 / 1000) for s in screen_states(still.timeline)[1:]]
    assert visible_changes(still.outputs["video"]) == starts


def test_with_motion_scene_changes_animate_and_most_frames_hold(rendered: RenderResult) -> None:
    changed = set(visible_changes(rendered.outputs["video"]))
    total = round(rendered.timeline.duration_ms * 30 / 1000)
    for scene in rendered.timeline.scenes[1:]:
        first = round(scene.start_ms * 30 / 1000)
        assert len(changed & set(range(first, first + 12))) >= 4, scene  # several frames
    assert len(changed) < total / 4  # accents, not constant movement


def test_a_card_slides_up_as_it_enters(rendered: RenderResult) -> None:
    # The issuer's red tag at the top of the title card rises as the card enters.
    video = rendered.outputs["video"]

    def tag_top(seconds: float) -> int:
        pixels = np.asarray(frame_at(video, seconds)).astype(int)[:, :, :]
        red = (pixels[:, :, 0] - pixels[:, :, 1] > 60) & (pixels[:, :, 0] > 150)
        rows = np.nonzero(red[CARD_BOX[1]:CARD_BOX[1] + 300].any(axis=1))[0]
        return CARD_BOX[1] + int(rows[0])

    tops = [tag_top((number + 0.5) / 30) for number in range(1, 12)]
    assert tops[0] > tops[4] > tops[-1]  # moving up
    assert tops[-1] == tag_top(1.0)  # and settled after about 350 ms


def test_the_key_figure_counts_up_to_its_value(rendered: RenderResult) -> None:
    brief = rendered.outputs["video"].parent.parent / "tax.yaml"
    options = RenderOptions(tts="espeak")
    painter = painter_for(prepare(brief, options), options, rendered.timeline)
    scene = next(s for s in rendered.timeline.scenes if s.card == "point")
    x0, y0, x1, y1 = CARD_BOX

    def card_at(seconds: float) -> np.typing.NDArray[np.int_]:
        return np.asarray(frame_at(rendered.outputs["video"], seconds)).astype(int)[y0:y1, x0:x1]

    def layer(figure: str | None) -> np.typing.NDArray[np.int_]:
        return np.asarray(painter.card_layer(scene.index, Variant(), figure)).astype(int)

    # ffmpeg's seek gives the first frame that starts at or after the time asked for.
    seconds = scene.start_ms / 1000 + 0.2
    since = math.ceil(seconds * 30 - 1e-6) - painter.frame_of(scene.start_ms)
    early = card_at(seconds)
    counted = count_up_text("50%", painter.motion.figure.progress(since, 30))
    assert counted != "50%" and int(counted.rstrip("%")) < 50
    # 200 ms in, the figure's rows read the smaller number, not the value (the card is still
    # a few pixels low and not quite opaque: the digits decide which is closer)...
    spot = painter.card(scene.index, Variant()).figure
    assert spot is not None
    rows = slice(spot.top, spot.top + spot.font.size)
    assert np.abs(early[rows] - layer(counted)[rows]).mean() < \
        np.abs(early[rows] - layer(None)[rows]).mean() / 2
    # ...and after the count-up, the value.
    late = card_at(scene.start_ms / 1000 + 1.0)
    assert np.abs(late - layer(None)).mean() < 2


def test_preview_is_small_and_plays_at_a_constant_15_fps(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF, "tax.yaml")
    preview = render_brief(brief, tmp_path / "out",
                           RenderOptions(tts="none", preview=True, motion="none"))
    video, plan = preview.outputs["video"], preview.timeline
    assert "540x960" in probe(video).video
    assert decode_errors(video) == ""
    # Every frame, evenly spaced: browsers pace a variable frame rate badly (test_browser.py).
    times = [time for time, _, _ in coded_frames(video)]
    assert len(times) == round(plan.duration_ms * 15 / 1000)
    assert np.allclose(np.diff(times), 1 / 15, atol=1e-4)
    # Each still is coded for 8 frames at most (a key frame, then frames that repeat it), and
    # copied: about two key frames a second.
    assert sum(kind == "I" for _, kind, _ in coded_frames(video)) <= len(times) / 8 + len(
        screen_states(plan))
    # Without motion the picture changes exactly when the screen's state does.
    assert visible_changes(video) == [round(s.start_ms * 15 / 1000)
                                      for s in screen_states(plan)[1:]]
    durations = stream_durations(video)
    assert durations["video"] == pytest.approx(plan.duration_ms / 1000, abs=1 / 15)
    assert durations["audio"] == pytest.approx(plan.duration_ms / 1000, abs=0.03)


def test_moov_comes_before_mdat_for_fast_start(rendered: RenderResult) -> None:
    boxes = top_level_boxes(rendered.outputs["video"])
    assert boxes.index("moov") < boxes.index("mdat")


def test_mp4_carries_the_implicit_aigc_label(rendered: RenderResult) -> None:
    raw = probe(rendered.outputs["video"]).raw
    line = next(ln for ln in raw.splitlines() if ln.strip().startswith("AIGC"))
    label = json.loads(line.split(":", 1)[1].strip())
    assert label["Label"] == "1" and label["ContentProducer"] == "policyclip"
    assert set(label) == {"Label", "ContentProducer", "ProduceID", "ReservedCode1",
                          "ContentPropagator", "PropagateID", "ReservedCode2"}


def test_without_a_publisher_the_issuer_is_not_named_as_the_maker(
    rendered: RenderResult,
) -> None:
    tags = mp4_tags(rendered.outputs["video"])
    assert "artist" not in tags  # the issuer made the policy, not the video
    assert json.loads(tags["AIGC"])["ContentPropagator"] == ""
    meta = json.loads(rendered.outputs["metadata"].read_text(encoding="utf-8"))
    assert meta["publisher"] is None and meta["issuer"] == "财政部 税务总局"
    assert "来源：财政部 税务总局（财政部 税务总局公告2023年第12号）" in meta["description"]


def test_srt_and_vtt_match_the_burned_in_cues(rendered: RenderResult) -> None:
    cues = rendered.timeline.cues
    for kind, read in (("srt", srt_cues), ("vtt", vtt_cues)):
        assert read(rendered.outputs[kind].read_text(encoding="utf-8")) == [
            (c.start_ms, c.end_ms, list(c.lines)) for c in cues
        ]
    assert cues[0].lines == ("小微企业\"六税两费\"减半征收",)


def test_timeline_json_round_trips(rendered: RenderResult) -> None:
    path = rendered.outputs["timeline"]
    assert timeline_from_json(path.read_text(encoding="utf-8"), path) == rendered.timeline


def test_metadata_names_engine_voice_and_hash(rendered: RenderResult) -> None:
    meta = json.loads(rendered.outputs["metadata"].read_text(encoding="utf-8"))
    assert meta["title"] == "小微企业\"六税两费\"减半征收"
    assert meta["platform"] == "douyin"
    assert meta["speech"] == {"engine": "espeak", "voice": "cmn-latn-pinyin"}
    assert meta["duration_ms"] == rendered.timeline.duration_ms
    assert len(meta["inputs_sha256"]) == 64
    assert meta["aigc"]["visible_label"] == "本视频含AI合成语音"
    assert meta["aigc"]["visible_ms"] >= 2000


def test_cover_is_the_title_card_in_douyin_shape(rendered: RenderResult) -> None:
    from PIL import Image

    with Image.open(rendered.outputs["cover"]) as cover:
        assert cover.size == (1080, 1440)
        assert cover.getpixel((540, 700)) == pytest.approx((255, 255, 255), abs=8)


def test_script_is_the_narration(rendered: RenderResult) -> None:
    text = rendered.outputs["script"].read_text(encoding="utf-8")
    assert "六种地方税费按50%减征。" in text
    assert "纳税服务热线12366" in text


def _mostly(image: object, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> float:
    """Share of pixels in box within a small distance of colour."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    pixels = np.asarray(image.crop(box)).reshape(-1, 3).astype(int)
    return float((np.abs(pixels - np.array(colour)).max(axis=1) < 24).mean())


def test_frames_show_card_caption_and_label_at_the_right_times(rendered: RenderResult) -> None:
    video = rendered.outputs["video"]
    timeline = rendered.timeline
    first = timeline.cues[0]
    during = frame_at(video, (first.start_ms + first.end_ms) / 2000)
    before = frame_at(video, 0.1)
    caption_band = (CAPTION_BOX[0], CAPTION_BOX[1] + 60, CAPTION_BOX[2], CAPTION_BOX[3] - 60)
    assert _mostly(during, caption_band, CAPTION_BOX_COLOUR) > 0.2
    assert _mostly(before, caption_band, CAPTION_BOX_COLOUR) == 0.0
    # The title card is white, and the caption text inside its box is white too.
    card_inner = (CARD_BOX[0] + 20, CARD_BOX[1] + 20, CARD_BOX[0] + 40, CARD_BOX[3] - 20)
    assert _mostly(during, card_inner, CARD_WHITE) > 0.95
    assert _mostly(during, caption_band, (255, 255, 255)) > 0.01
    # The AI label is on screen at the start and gone after its time.
    label_spot = (CARD_BOX[0] + 4, LABEL_TOP + 30, CARD_BOX[0] + 14, LABEL_TOP + 50)
    after = frame_at(video, timeline.ai_label_ms / 1000 + 0.5)
    assert colour_distance(during.getpixel(label_spot[:2]), after.getpixel(label_spot[:2])) > 40


def test_nothing_is_drawn_in_the_bottom_fifth_or_right_edge(rendered: RenderResult) -> None:
    video = rendered.outputs["video"]
    for cue in rendered.timeline.cues:
        frame = frame_at(video, (cue.start_ms + cue.end_ms) / 2000)
        bottom = np.asarray(frame.crop((0, 1536, 1080, 1920))).astype(int)
        # The background is a smooth vertical gradient: every row is one colour.
        assert (bottom.max(axis=1) - bottom.min(axis=1)).max() < 12
        right_edge = np.asarray(frame.crop((960, 1200, 1080, 1536))).astype(int)
        assert (right_edge.max(axis=1) - right_edge.min(axis=1)).max() < 12


def test_each_cue_starts_with_its_speech(rendered: RenderResult) -> None:
    rate = 16_000
    samples = media.decode_audio(rendered.outputs["video"], rate)
    starts = {clip.start_ms for clip in rendered.timeline.audio}
    first_cues = [c for c in rendered.timeline.cues if c.start_ms in starts]
    assert len(first_cues) == len(starts)

    def loudness(start_ms: int, end_ms: int) -> float:
        window = samples[start_ms * rate // 1000 : end_ms * rate // 1000]
        return float(np.sqrt(np.mean(window**2))) if len(window) else 0.0

    for cue in first_cues:
        assert loudness(cue.start_ms, cue.start_ms + 200) > 0.01, cue
        assert loudness(cue.start_ms - 180, cue.start_ms - 30) < 0.01, cue


def test_frame_command_shows_what_the_video_shows(rendered: RenderResult) -> None:
    from policyclip.pipeline import still_frame

    brief = rendered.outputs["video"].parent.parent / "tax.yaml"
    middles = [(cue.start_ms + cue.end_ms) // 2 for cue in rendered.timeline.cues[:3]]
    # and mid-animation: a card entering, a scene changing (times on a whole frame, which
    # both the painter and ffmpeg's seek take as that frame)
    entering = [-(-(scene.start_ms + 100) // 100) * 100 for scene in rendered.timeline.scenes[:3]]
    for at in middles + entering:
        drawn = np.asarray(still_frame(brief, RenderOptions(tts="espeak"), at)).astype(int)
        decoded = np.asarray(frame_at(rendered.outputs["video"], at / 1000)).astype(int)
        assert drawn.shape == decoded.shape == (1920, 1080, 3)
        assert np.abs(drawn - decoded).mean() < 3  # only compression differs


def test_frame_speaks_only_up_to_its_time_and_draws_what_the_full_timing_draws(
    tmp_path: Path
) -> None:
    from policyclip.pipeline import speak, still_frame

    brief = write_brief(tmp_path, SHORT_BRIEF, "tax.yaml")
    options = RenderOptions(tts="espeak", cache_dir=tmp_path / "cache")
    first = still_frame(brief, options, 500)
    entries = list((tmp_path / "cache").rglob("*.speech"))
    prepared = prepare(brief, options)
    assert 0 < len(entries) < len(prepared.sentences)  # the later sentences were not spoken
    plan = speak(prepared, options, tmp_path, print)
    painter = painter_for(prepared, options, plan)
    middle = [(s.start_ms + s.end_ms) // 2 for s in painter.states]
    for at in [500, *middle[1::3], plan.duration_ms - 1]:
        full = np.asarray(painter.frame(painter.frame_at(at)))
        lazy = first if at == 500 else still_frame(brief, options, at)
        assert np.array_equal(np.asarray(lazy), full), f"frame at {at} ms differs"


def test_storyboard_has_a_thumbnail_per_scene(rendered: RenderResult) -> None:
    from policyclip.pipeline import storyboard

    brief = rendered.outputs["video"].parent.parent / "tax.yaml"
    board = storyboard(brief, RenderOptions(tts="espeak"))
    scenes = len(rendered.timeline.scenes)
    rows = -(-scenes // 4)
    assert board.size == (4 * 286 + 16, rows * (480 + 300 + 16) + 16)
    # Each scene's thumbnail shows its white card.
    for number in range(scenes):
        x = 16 + (number % 4) * 286 + 21  # inside the card, left of its text
        y = 16 + (number // 4) * (480 + 300 + 16) + 200
        assert board.getpixel((x, y)) == pytest.approx((255, 255, 255), abs=10)


def test_no_partial_outputs_are_left_behind(rendered: RenderResult) -> None:
    out: Path = rendered.outputs["video"].parent
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
