"""`render --package`: the cut handed to an editor. A short brief with a picture, a logo and
music is rendered at full size with espeak, its package is moved to another folder, and then
read back as an editor would: the OTIO timeline with opentimelineio, the FCP7 XML and the 剪映
JSON with plain parsers, each compared with the delivered video."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import urllib.parse
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
import yaml
from PIL import Image, ImageDraw

from helpers import SHORT_BRIEF, frame_at, make_sound, write_brief
from policyclip.editor_package import jianying
from policyclip.editor_package.cut import Ducking, frame_of
from policyclip.errors import RenderError
from policyclip.media import ffmpeg_exe
from policyclip.pipeline import RenderOptions, RenderResult, render_brief
from policyclip.resources import builtin_dir

BRIEF = """\
title: 老旧小区加装电梯补贴
issuer: 某市住房和城乡建设局
summary: 最高补贴二十万元。
points:
  - heading: 谁来申请
    text: 业主共同申请。
    image: who.png
steps:
  - 登录政务服务网
  - 上传业主签字
render:
  logo: logo.png
  music: bgm.wav
  theme: look.yaml
"""
VIDEO_TRACKS = ["cards", "pictures", "logo", "AI label", "captions"]
AUDIO_TRACKS = ["narration", "music"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderResult, Path, int]:
    """The render, the package moved away from the video, and the video's frame count."""
    folder = tmp_path_factory.mktemp("package")
    picture = Image.new("RGB", (640, 400), (30, 60, 220))
    picture.paste((250, 210, 0), (0, 0, 320, 400))
    picture.save(folder / "who.png")
    logo = Image.new("RGBA", (240, 90), (0, 0, 0, 0))  # soft edges: a layer keeps them
    ImageDraw.Draw(logo).rounded_rectangle((0, 0, 239, 89), radius=30, fill=(200, 0, 0, 160))
    logo.save(folder / "logo.png")
    # The logo where the AI label is: the video shows it once the label is gone.
    look = yaml.safe_load((builtin_dir("templates") / "themes" / "default.yaml").read_text(
        "utf-8"))
    look["logo"]["position"] = "top-left"
    (folder / "look.yaml").write_text(yaml.safe_dump(look, allow_unicode=True), "utf-8")
    make_sound(folder / "bgm.wav", "sine=f=330", 4)  # shorter than the video: it loops
    brief = write_brief(folder, BRIEF, "dianti.yaml")
    result = render_brief(brief, folder / "out", RenderOptions(tts="espeak", package=True))
    moved = tmp_path_factory.mktemp("elsewhere") / "copied"
    shutil.move(str(result.outputs["package"]), str(moved))
    return result, moved, video_frames(result.outputs["video"])


def video_frames(path: Path) -> int:
    """How many frames the video decodes to (one framemd5 line each, on stdout: unlike the log,
    nothing else is written there)."""
    listing = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0",
         "-f", "framemd5", "-"], capture_output=True, text=True, check=True).stdout
    return sum(1 for line in listing.splitlines() if line and not line.startswith("#"))


def test_the_package_is_an_output_named_after_the_brief(
        rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, _ = rendered
    assert result.outputs["package"].name == "dianti.package"
    meta = json.loads(result.outputs["metadata"].read_text(encoding="utf-8"))
    assert meta["files"]["package"] == "dianti.package"
    names = sorted(p.name for p in moved.iterdir())
    assert names == ["README.txt", "dianti.otio", "dianti.srt", "dianti.xml", "jianying",
                     "media"]
    assert (moved / "dianti.srt").read_text(encoding="utf-8") == \
        result.outputs["srt"].read_text(encoding="utf-8")
    readme = (moved / "README.txt").read_text(encoding="utf-8-sig")
    for words in ("剪映", "Premiere", "Resolve", "Motion is flattened", "Ducking becomes gain",
                  "pictures/", "music/", "logo.png", "Keep the AI label",
                  f"({frame_of(result.timeline.duration_ms, 30)} frames)"):
        assert words in readme
    assert not list(result.outputs["video"].parent.glob(".*"))  # no staging left behind


def test_every_timeline_lasts_as_long_as_the_video_to_the_frame(
        rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, frames = rendered
    assert frames == frame_of(result.timeline.duration_ms, 30)
    timeline = otio.adapters.read_from_file(str(moved / "dianti.otio"))
    assert timeline.duration().rate == 30 and timeline.duration().to_frames() == frames
    for track in timeline.tracks:
        assert track.duration().to_frames() == frames, track.name
        assert track.duration().to_seconds() == pytest.approx(frames / 30, abs=1e-9)
    sequence = ET.parse(moved / "dianti.xml").getroot().find("./project/children/sequence")
    assert sequence is not None
    assert sequence.findtext("duration") == str(frames)
    assert sequence.findtext("rate/timebase") == "30"
    assert sequence.findtext("rate/ntsc") == "FALSE"
    draft = json.loads((moved / "jianying/dianti/draft_content.json").read_text("utf-8"))
    assert draft["duration"] == round(frames * 1_000_000 / 30)
    assert draft["fps"] == 30.0
    assert draft["canvas_config"] == {"width": 1080, "height": 1920, "ratio": "original"}


def _clips(track: otio.schema.Track) -> list[tuple[float, float, otio.schema.Clip]]:
    """Each clip with its start and end on the timeline, in frames."""
    found = []
    for clip in track.find_clips():
        where = clip.range_in_parent()
        found.append((where.start_time.value, where.end_time_exclusive().value, clip))
    return found


def test_otio_tracks_kinds_and_clip_starts_follow_the_video(
        rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, _ = rendered
    plan = result.timeline
    timeline = otio.adapters.read_from_file(str(moved / "dianti.otio"))
    assert [t.name for t in timeline.video_tracks()] == VIDEO_TRACKS
    assert [t.name for t in timeline.audio_tracks()] == AUDIO_TRACKS
    tracks = {t.name: t for t in timeline.tracks}
    # One card a scene, and more where the card changes on screen: on the steps card, the
    # step being read is highlighted (the default motion), a still for each.
    cards = _clips(tracks["cards"])
    assert cards[0][0] == 0 and all(a[1] == b[0] for a, b in itertools.pairwise(cards))
    starts = {start for start, _, _ in cards}
    assert {frame_of(s.start_ms, 30) for s in plan.scenes} <= starts
    steps = next(s for s in plan.scenes if s.card == "steps")
    assert len([c for c in cards if frame_of(steps.start_ms, 30) <= c[0] < frame_of(
        steps.end_ms, 30)]) == 3  # all alike, then each of the two steps read
    captions = _clips(tracks["captions"])
    assert [start for start, _, _ in captions] == [frame_of(c.start_ms, 30) for c in plan.cues]
    assert [clip.metadata["policyclip"]["text"] for _, _, clip in captions] == [
        "\n".join(c.lines) for c in plan.cues]
    (start, end, _), = _clips(tracks["pictures"])
    point = next(s for s in plan.scenes if s.card == "point")
    assert (start, end) == (frame_of(point.start_ms, 30), frame_of(point.end_ms, 30))
    (start, end, _), = _clips(tracks["AI label"])
    assert (start, end) == (0, frame_of(plan.ai_label_ms, 30))
    (start, end, _), = _clips(tracks["logo"])  # it waits for the label, which covers its place
    assert (start, end) == (frame_of(plan.ai_label_ms, 30), frame_of(plan.duration_ms, 30))
    # The narration starts on its exact millisecond, as in the video's sound.
    spoken = _clips(tracks["narration"])
    assert len(spoken) == len(plan.audio) > 0
    for (start, end, _), clip in zip(spoken, sorted(plan.audio, key=lambda c: c.start_ms),
                                     strict=True):
        assert start * 1000 / 30 == pytest.approx(clip.start_ms, abs=1e-6)
        assert (end - start) * 1000 / 30 == pytest.approx(clip.duration_ms, abs=2)
    # Each sentence carries its words (as its captions show them), every caption once.
    assert " ".join(clip.metadata["policyclip"]["text"] for _, _, clip in spoken) == \
        " ".join(c.text for c in plan.cues)
    # The music loops end to end from the start to the end, with its level as metadata.
    music = _clips(tracks["music"])
    assert len(music) >= 2 and music[0][0] == 0
    assert all(a[1] == pytest.approx(b[0]) for a, b in itertools.pairwise(music))
    level = tracks["music"].metadata["policyclip"]
    assert level["duck_db"] == 12.0 and level["speech_spans_ms"]
    assert list(level["level_keyframes_db"][0]) == [0, -96.0]


def test_every_otio_media_reference_resolves_after_the_package_moved(
        rendered: tuple[RenderResult, Path, int]) -> None:
    _, moved, _ = rendered
    timeline = otio.adapters.read_from_file(str(moved / "dianti.otio"))
    for clip in timeline.find_clips():
        reference = clip.media_reference
        assert isinstance(reference, otio.schema.ExternalReference)
        assert not Path(reference.target_url).is_absolute()
        assert (moved / reference.target_url).is_file(), reference.target_url
        available = reference.available_range
        assert available.end_time_exclusive() >= clip.source_range.end_time_exclusive(), \
            clip.name


def test_the_layers_stacked_give_the_video_frame(
        rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, _ = rendered
    timeline = otio.adapters.read_from_file(str(moved / "dianti.otio"))
    plan = result.timeline
    point = next(s for s in plan.scenes if s.card == "point")
    cue = next(c for c in plan.cues if c.scene == point.index)
    steps = next(s for s in plan.scenes if s.card == "steps")
    last = [c for c in plan.cues if c.scene == steps.index][-1]  # the last step highlighted
    for at_ms in (plan.ai_label_ms // 2, (cue.start_ms + cue.end_ms) // 2,
                  (last.start_ms + last.end_ms) // 2):
        frame = round(at_ms * 30 / 1000)
        stacked: Image.Image | None = None
        for track in timeline.video_tracks():
            for start, end, clip in _clips(track):
                if start <= frame < end:
                    layer = Image.open(moved / clip.media_reference.target_url).convert("RGBA")
                    stacked = layer if stacked is None else Image.alpha_composite(stacked, layer)
        assert stacked is not None
        video = np.asarray(frame_at(result.outputs["video"], frame / 30), dtype=np.int16)
        drawn = np.asarray(stacked.convert("RGB"), dtype=np.int16)
        # What differs is the encoder's loss: a few levels, and little anywhere (a caption, the
        # label or the logo missing or misplaced would differ by far more, over far more).
        differs = np.abs(video - drawn).max(axis=2)
        assert differs.mean() < 4.0, at_ms
        assert (differs > 40).mean() < 0.002, at_ms


def test_narration_is_one_wav_per_sentence(rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, _ = rendered
    wavs = sorted((moved / "media/narration").iterdir())
    assert len(wavs) == len(result.timeline.audio)
    for path, clip in zip(wavs, sorted(result.timeline.audio, key=lambda c: c.start_ms),
                          strict=True):
        with wave.open(str(path), "rb") as sound:
            length_ms = sound.getnframes() * 1000 / sound.getframerate()
        assert length_ms == pytest.approx(clip.duration_ms, abs=2)


def test_fcp7_xml_pathurls_exist_and_clips_start_on_the_video_frames(
        rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, frames = rendered
    original = otio.adapters.read_from_file(str(moved / "dianti.otio"))
    root = ET.parse(moved / "dianti.xml").getroot()
    urls = [e.text or "" for e in root.iter("pathurl")]
    assert urls
    for url in urls:
        assert (moved / urllib.parse.unquote(url)).is_file(), url
    tracks = root.findall("./project/children/sequence/media/video/track")
    assert len(tracks) == len(VIDEO_TRACKS)
    starts = [int(item.findtext("start") or -1) for item in tracks[0].iter("clipitem")]
    assert starts == [int(start) for start, _, _ in _clips(original.tracks[0])]
    picture = root.find("./project/children/sequence/media/video/format/samplecharacteristics")
    assert picture is not None
    assert (picture.findtext("width"), picture.findtext("height")) == ("1080", "1920")
    for file in root.iter("file"):  # a picture has no sound track
        if (file.findtext("pathurl") or "").endswith(".png"):
            assert file.find("media/audio") is None
    # The adapter reads its own file back to the same cut.
    again = otio.adapters.read_from_file(str(moved / "dianti.xml"))
    assert again.duration().to_frames() == frames
    assert [len(list(t.find_clips())) for t in again.tracks] == [
        len(list(t.find_clips())) for t in original.tracks]
    audio = root.findall("./project/children/sequence/media/audio/track")
    assert len(audio) == len(AUDIO_TRACKS)
    spoken = [int(item.findtext("start") or -1) for item in audio[0].iter("clipitem")]
    assert spoken == [frame_of(c.start_ms, 30) for c in sorted(
        result.timeline.audio, key=lambda c: c.start_ms)]


def test_jianying_draft_tracks_times_and_media_inside_its_folder(
        rendered: tuple[RenderResult, Path, int]) -> None:
    result, moved, frames = rendered
    folder = moved / "jianying" / "dianti"
    content = (folder / "draft_content.json").read_text(encoding="utf-8")
    assert (folder / "draft_info.json").read_text(encoding="utf-8") == content
    draft = json.loads(content)
    meta = json.loads((folder / "draft_meta_info.json").read_text(encoding="utf-8"))
    assert meta["draft_name"] == "dianti" and meta["tm_duration"] == draft["duration"]
    assert [(t["type"], t["name"]) for t in draft["tracks"]] == \
        [("video", name) for name in VIDEO_TRACKS] + [("audio", name) for name in AUDIO_TRACKS]
    materials = {m["id"]: m for kind in ("videos", "audios") for m in draft["materials"][kind]}
    speeds = {s["id"] for s in draft["materials"]["speeds"]}
    for material in materials.values():
        path = material["path"]
        assert path.startswith(jianying.DRAFT_FOLDER + "/")
        assert (folder / path.removeprefix(jianying.DRAFT_FOLDER + "/")).is_file(), path
    for track in draft["tracks"]:
        for segment in track["segments"]:
            assert segment["material_id"] in materials
            assert set(segment["extra_material_refs"]) <= speeds
            span = segment["target_timerange"]
            assert span["start"] + span["duration"] <= draft["duration"]
    cards = draft["tracks"][0]["segments"]
    timeline = otio.adapters.read_from_file(str(moved / "dianti.otio"))
    assert [s["target_timerange"]["start"] for s in cards] == [
        round(start * 1_000_000 / 30) for start, _, _ in _clips(timeline.tracks[0])]
    narration = draft["tracks"][len(VIDEO_TRACKS)]["segments"]
    assert [s["target_timerange"]["start"] for s in narration] == [
        c.start_ms * 1000 for c in sorted(result.timeline.audio, key=lambda c: c.start_ms)]
    music = draft["tracks"][-1]["segments"]
    assert music[-1]["target_timerange"]["start"] + music[-1]["target_timerange"][
        "duration"] == draft["duration"] == round(frames * 1_000_000 / 30)
    volumes = music[0]["common_keyframes"][0]
    assert volumes["property_type"] == "KFTypeVolume"
    assert volumes["keyframe_list"][0]["values"] == [pytest.approx(0.0, abs=1e-4)]  # fade in


def test_a_failed_package_leaves_nothing_half_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF, "tax.yaml")
    out = tmp_path / "out"
    options = RenderOptions(tts="none", preview=True, package=True)
    first = render_brief(brief, out, options)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jianying, "write_draft", broken)
    with pytest.raises(RenderError, match="No space left on device"):
        render_brief(brief, out, options)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert (first.outputs["package"] / "tax.otio").is_file()


def test_a_new_package_replaces_the_earlier_one(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF, "tax.yaml")
    out = tmp_path / "out"
    options = RenderOptions(tts="none", preview=True, package=True)
    render_brief(brief, out, options)
    (out / "tax.package" / "media" / "stale.png").write_bytes(b"old")
    second = render_brief(brief, out, options)
    assert not (out / "tax.package" / "media" / "stale.png").exists()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    # A preview (15 fps) is handed over at 30 fps, which editors' timecode knows.
    timeline = otio.adapters.read_from_file(str(second.outputs["package"] / "tax.otio"))
    assert timeline.duration() == otio.opentime.RationalTime(
        frame_of(second.timeline.duration_ms, 30), 30)


def test_render_and_batch_take_package_on_the_command_line(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    brief = write_brief(briefs, SHORT_BRIEF, "tax.yaml")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "policyclip", *args, "--tts", "none",
                               "--preview", "--package", "--quiet"],
                              capture_output=True, text=True, timeout=300, check=False)

    single = run("render", str(brief), "--out", str(tmp_path / "one"))
    assert single.returncode == 0, single.stderr
    assert (tmp_path / "one" / "tax.package" / "jianying" / "tax" / "draft_info.json").is_file()
    batch = run("batch", str(briefs), "--out", str(tmp_path / "many"))
    assert batch.returncode == 0, batch.stderr
    assert (tmp_path / "many" / "tax.package" / "tax.xml").is_file()
    again = run("batch", str(briefs), "--out", str(tmp_path / "many"))
    assert "1 up to date" in again.stdout, again.stdout
    shutil.rmtree(tmp_path / "many" / "tax.package")
    missing = run("batch", str(briefs), "--out", str(tmp_path / "many"))
    assert "1 rendered" in missing.stdout, missing.stdout
    assert (tmp_path / "many" / "tax.package" / "tax.otio").is_file()


def test_ducking_keyframes_follow_fades_and_speech() -> None:
    ducking = Ducking(gain_db=-20.0, depth_db=12.0, attack_ms=120, release_ms=300,
                      fade_in_ms=1500, fade_out_ms=2500, spans_ms=((400, 2000), (3000, 5000)))
    levels = dict(ducking.keyframes(10_000))
    assert levels[0] == levels[10_000] == -96.0  # faded in from silence and out to it
    assert levels[1500] == levels[2000] == levels[3000] == levels[5000] == -32.0  # ducked
    assert levels[2880] == levels[5300] == levels[7500] == -20.0  # between sentences
    assert levels[8125] == pytest.approx(-20.0 + 20 * np.log10(0.75), abs=0.01)  # fading out
    assert levels[280] == pytest.approx(-20.0 + 20 * np.log10(280 / 1500), abs=0.01)
    assert sorted(levels) == [at for at, _ in ducking.keyframes(10_000)]


def test_package_module_needs_no_timeline_library_until_it_writes() -> None:
    code = ("import sys, policyclip.pipeline, policyclip.editor_package; "
            "print('opentimelineio' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
