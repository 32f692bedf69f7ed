"""Sound: music under the narration, ducking, loudness to -14 LUFS / -1 dBTP, silent videos.

Short briefs are rendered with espeak at full size (a preview sets its loudness in one pass,
unchecked), with music files made here by the bundled ffmpeg at very different levels; the MP4
is then decoded and measured."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import SHORT_BRIEF, ebur128, make_sound, probe, stream_durations, write_brief
from policyclip import media
from policyclip import sound as mixing
from policyclip.errors import BriefError, InputError
from policyclip.models import AudioClip, Timeline
from policyclip.pipeline import RenderOptions, RenderResult, load, render_brief

TARGET, TOLERANCE, PEAK_MAX = -14.0, 1.0, -1.0
TONE_HZ = 12_500  # above everything espeak says (22.05 kHz): the music alone is heard there


def decode(path: Path, rate: int = 48_000) -> np.typing.NDArray[np.float32]:
    """A file's sound as mono samples (channels averaged)."""
    result = subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-vn",
         "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(result.stdout, dtype=np.float32)


def tone_level(samples: np.typing.NDArray[np.float32], start_ms: float, end_ms: float) -> float:
    """Level (dB) of the test tone between two times, from one FFT bin."""
    part = samples[int(start_ms * 48):int(end_ms * 48)].astype(np.float64)
    window = np.hanning(len(part))
    spectrum = np.abs(np.fft.rfft(part * window))
    freqs = np.fft.rfftfreq(len(part), 1 / 48_000)
    near = np.abs(freqs - TONE_HZ) < 30
    return float(20 * np.log10(spectrum[near].max() * 2 / window.sum() + 1e-12))


def meta(result: RenderResult) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(result.outputs["metadata"].read_text("utf-8"))
    return loaded


def assert_loudness(result: RenderResult, tolerance: float) -> None:
    """The video's sound is within `tolerance` of the target, its true peak under the ceiling,
    and <stem>.json reports what the file measures."""
    integrated, peak, lra = ebur128(result.outputs["video"])
    assert abs(integrated - TARGET) <= tolerance
    assert peak <= PEAK_MAX
    reported = meta(result)["loudness"]
    assert isinstance(reported, dict)
    assert reported["integrated_lufs"] == pytest.approx(integrated, abs=0.15)
    assert reported["true_peak_dbtp"] == pytest.approx(peak, abs=0.15)
    assert reported["lra"] == pytest.approx(lra, abs=0.15)
    assert reported["target_lufs"] == TARGET


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sound")
    # Very loud stereo noise (about -5 LUFS) as m4a, a faint tone (about -55 LUFS) as ogg.
    make_sound(path / "loud.m4a", "anoisesrc=color=white:amplitude=1.0", 6, "-ac", "2")
    make_sound(path / "faint.ogg", f"sine=f={TONE_HZ}:sample_rate=48000,volume=-36dB", 3.3)
    return path


@pytest.fixture(scope="module")
def loud(folder: Path) -> RenderResult:
    """Music named in the brief, far louder than the voice."""
    brief = write_brief(folder, SHORT_BRIEF + "render:\n  music: loud.m4a\n", "loud.yaml")
    return render_brief(brief, folder / "out", RenderOptions(tts="espeak"))


@pytest.fixture(scope="module")
def faint(folder: Path) -> RenderResult:
    """Music given as --music, far quieter than the voice, shorter than the video (looped)."""
    brief = write_brief(folder, SHORT_BRIEF, "faint.yaml")
    return render_brief(brief, folder / "out", RenderOptions(
        tts="espeak", music=folder / "faint.ogg"))


@pytest.mark.parametrize("which", ["loud", "faint"])
def test_mix_is_at_the_loudness_target_whatever_the_music_level(
    which: str, request: pytest.FixtureRequest
) -> None:
    result: RenderResult = request.getfixturevalue(which)
    assert_loudness(result, TOLERANCE)


def test_preview_sound_comes_near_the_target_in_one_pass(folder: Path) -> None:
    brief = write_brief(folder, SHORT_BRIEF, "quick.yaml")
    result = render_brief(brief, folder / "preview", RenderOptions(
        tts="espeak", preview=True, music=folder / "faint.ogg"))
    integrated, peak, _ = ebur128(result.outputs["video"])
    assert abs(integrated - TARGET) <= 1.5  # a gain and a limiter, not searched
    assert peak <= PEAK_MAX
    # Mono at 16 kHz: the AAC codes five times faster, and plays at the target on both speakers.
    assert re.match(r"aac \(LC\) .*16000 Hz, mono", probe(result.outputs["video"]).audio)
    # Set, not measured again: the metadata does not claim figures nobody measured.
    assert meta(result)["loudness"] == {"integrated_lufs": None, "true_peak_dbtp": None,
                                        "lra": None, "target_lufs": TARGET}


def test_a_preview_keeps_the_music_in_time_and_in_tune(folder: Path) -> None:
    # The preview lays the narration out at espeak's own rate and resamples while encoding:
    # music mixed at one rate and read at another would play slower and lower.
    make_sound(folder / "a3k.wav", "sine=f=3000:sample_rate=44100,volume=-20dB", 3)
    brief = write_brief(folder, SHORT_BRIEF, "tuned.yaml")
    result = render_brief(brief, folder / "tuned", RenderOptions(
        tts="espeak", preview=True, music=folder / "a3k.wav"))
    durations = stream_durations(result.outputs["video"])
    assert durations["audio"] == pytest.approx(durations["video"], abs=0.1)
    samples = decode(result.outputs["video"])
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    freqs = np.fft.rfftfreq(len(samples), 1 / 48_000)
    band = (freqs > 1500) & (freqs < 6000)
    assert freqs[band][spectrum[band].argmax()] == pytest.approx(3000, abs=5)


def test_metadata_names_the_music_and_how_it_was_set(loud: RenderResult,
                                                     faint: RenderResult) -> None:
    for result, name in ((loud, "loud.m4a"), (faint, "faint.ogg")):
        music = meta(result)["music"]
        assert isinstance(music, dict)
        assert music["file"] == name and music["duck_db"] == 12.0 and music["level_lu"] == -10.0
    loud_music, faint_music = meta(loud)["music"], meta(faint)["music"]
    assert isinstance(loud_music, dict) and isinstance(faint_music, dict)
    assert loud_music["gain_db"] < -5 < 20 < faint_music["gain_db"]  # levelled either way


def test_music_drops_under_speech_and_comes_back_in_pauses(faint: RenderResult) -> None:
    samples = decode(faint.outputs["video"])
    sound = mixing.Sound()
    spans = mixing.speech_spans(faint.timeline, sound)
    pauses = [(end + sound.release_ms + 20, start - sound.attack_ms - 20)
              for (_, end), (start, _) in itertools.pairwise(spans)]
    pauses = [(a, b) for a, b in pauses if b - a >= 120]
    assert pauses, f"no pause between scenes long enough for the music to come back: {spans}"
    speaking = max(spans, key=lambda s: s[1] - s[0])
    middle, half = (speaking[0] + speaking[1]) / 2, (speaking[1] - speaking[0]) / 4
    under_speech = tone_level(samples, middle - half, middle + half)
    in_pause = max(tone_level(samples, a, b) for a, b in pauses)
    assert in_pause - under_speech == pytest.approx(sound.duck_db, abs=3.0)


def test_looped_music_keeps_playing_to_the_end_and_fades_out(faint: RenderResult) -> None:
    samples = decode(faint.outputs["video"])
    duration = faint.timeline.duration_ms
    assert len(samples) / 48 == pytest.approx(duration, abs=80)
    # The 3.3 s tone is looped: still there 4 and 7 s in, faded away at the very end.
    spans = mixing.speech_spans(faint.timeline, mixing.Sound())
    assert tone_level(samples, spans[0][0] + 300, spans[0][1] - 300) > -80
    assert tone_level(samples, duration - 120, duration - 20) < \
        tone_level(samples, spans[-1][0] + 100, spans[-1][1] - 100) - 10


def test_silent_video_has_silent_sound_and_no_loudness(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF, "quiet.yaml")
    result = render_brief(brief, tmp_path / "out", RenderOptions(tts="none", preview=True))
    samples = decode(result.outputs["video"])
    assert float(np.abs(samples).max()) < 1e-4
    durations = stream_durations(result.outputs["video"])
    assert durations["audio"] == pytest.approx(durations["video"], abs=0.1)
    assert meta(result)["loudness"] == {"integrated_lufs": None, "true_peak_dbtp": None,
                                        "lra": None, "target_lufs": TARGET}
    assert meta(result)["music"] is None


def test_music_option_with_captions_only_video(tmp_path: Path) -> None:
    music = make_sound(tmp_path / "bed.mp3", "sine=f=330:sample_rate=44100,volume=-20dB", 4)
    brief = write_brief(tmp_path, SHORT_BRIEF, "bed.yaml")
    result = render_brief(brief, tmp_path / "out", RenderOptions(
        tts="none", preview=True, music=music))
    integrated, peak, _ = ebur128(result.outputs["video"])
    assert abs(integrated - TARGET) <= TOLERANCE and peak <= PEAK_MAX


def test_broken_music_option_is_refused_with_exit_3_before_rendering(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00not an mp3 at all")
    brief = write_brief(tmp_path, SHORT_BRIEF, "b.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "policyclip", "render", str(brief), "--out", str(tmp_path / "out"),
         "--tts", "espeak", "--music", str(broken)],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 3
    assert f"error: --music {broken}: not a readable audio file" in done.stderr
    assert "speaking" not in done.stderr  # refused before any slow work
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.mp3", b"", "not a readable audio file"),
    ("nope.ogg", None, "file not found"),
])
def test_unusable_music_option_is_an_input_error(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    brief = write_brief(tmp_path, SHORT_BRIEF, "m.yaml")
    with pytest.raises(InputError, match=reason) as raised:
        render_brief(brief, tmp_path / "out", RenderOptions(tts="none", music=tmp_path / name))
    assert raised.value.exit_code == 3


def test_broken_music_in_the_brief_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bgm.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 64)
    brief = write_brief(tmp_path, SHORT_BRIEF + "render:\n  music: bgm.m4a\n", "bb.yaml")
    with pytest.raises(BriefError, match=r"render\.music: cannot use 'bgm.m4a'") as raised:
        load(brief, RenderOptions())
    assert raised.value.exit_code == 3


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".m4a", ".ogg"])
def test_common_audio_formats_are_accepted(tmp_path: Path, suffix: str) -> None:
    path = make_sound(tmp_path / f"bgm{suffix}", "sine=f=440", 0.5)
    assert mixing.music_problem(path) is None
    first = next(mixing.looped_music(path))
    assert first.shape[1] == 2 and float(np.abs(first).max()) > 0.05


# ---------------------------------------------------------------- the mixer without video


def _timeline(clips: list[tuple[int, int]], duration_ms: int) -> Timeline:
    return Timeline(width=540, height=960, fps=15, duration_ms=duration_ms, scenes=(),
                    cues=(), audio=tuple(AudioClip(f"{i}.wav", s, d)
                                         for i, (s, d) in enumerate(clips)),
                    engine="espeak", voice="x", ai_label_ms=0)


def test_short_pauses_keep_the_music_down_and_long_ones_let_it_back() -> None:
    sound = mixing.Sound()
    timeline = _timeline([(400, 2000), (2650, 1000), (4250, 1500)], 8000)
    # 250 ms between sentences: joined; 600 ms between scenes: the music comes back.
    assert mixing.speech_spans(timeline, sound) == [(400, 3650), (4250, 5750)]


def test_envelope_fades_ducks_and_releases() -> None:
    sound = mixing.Sound(duck_db=12.0, fade_in_ms=1000, fade_out_ms=1000)
    timeline = _timeline([(2000, 2000)], 10_000)
    spans = mixing.speech_spans(timeline, sound)
    gain = mixing.music_envelope(timeline, sound, spans, 0, 480_000)

    def at(ms: int) -> float:
        return float(20 * np.log10(gain[ms * 48] + 1e-12))

    assert gain[0] == 0.0 and gain[-1] < 0.01  # fades in and out
    assert at(1500) == pytest.approx(0.0, abs=0.01)  # full level before speech
    assert at(2000) == pytest.approx(-12.0, abs=0.01)  # down when the voice starts
    assert at(3000) == pytest.approx(-12.0, abs=0.01)
    assert at(2000 - sound.attack_ms // 2) == pytest.approx(-6.0, abs=0.5)  # on its way down
    assert at(4000 + sound.release_ms + 10) == pytest.approx(0.0, abs=0.01)  # back


def test_looping_a_short_file_does_not_click(tmp_path: Path) -> None:
    # 0.3 s of 441 Hz ends mid-cycle: a plain join would jump.
    path = make_sound(tmp_path / "loop.wav", "sine=f=441:sample_rate=48000", 0.3)
    stream = mixing.looped_music(path)
    samples = np.concatenate([next(stream) for _ in range(6)])[:, 0]
    stream.close()
    assert len(samples) > 48_000  # more than three passes
    smooth = float(np.abs(np.diff(samples[:10_000])).max())
    assert float(np.abs(np.diff(samples)).max()) < 1.5 * smooth
