"""Recorded voice-over: the recording sheet, cutting a take into sentences, refusing a take
that does not read the script, and what a render with a voice-over delivers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import probe, write_brief
from policyclip import pipeline
from policyclip.media import ffmpeg_exe, measure_loudness
from policyclip.speech import voiceover
from takes import make_take, speech_onsets, write_audio
from test_subtitles import srt_cues

VOICE_BRIEF = """\
title: 城乡居民医保缴费开始了
issuer: 市医疗保障局
summary: 2025年度城乡居民医保开始缴费，个人每年缴费380元。
points:
  - heading: 谁要交
    text: 没有参加职工医保的城乡居民，包括学生和儿童，都可以参加。
  - heading: 怎么交
    text: 打开微信或支付宝，搜索医保缴费，按提示完成即可。
faq:
  - q: 错过了怎么办？
    a: 集中缴费期结束后，还可以在次年补缴，但要等待三个月才能报销。
contact: 医保服务热线12393
"""

ENGLISH_VOICE_BRIEF = """\
title: Free school meals for every primary pupil
issuer: Department for Education
language: en-US
summary: From September, every pupil in a state primary school gets a free lunch, whatever \
their family earns.
points:
  - heading: Who gets it
    text: All pupils in reception and years one to six, in every state school.
  - heading: What to do
    text: Nothing, unless your school asks you to sign up, which takes two minutes online.
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


def texts(brief: Path) -> list[str]:
    return [s.text for s in pipeline.prepare(brief, pipeline.RenderOptions()).sentences]


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_brief(tmp_path_factory.mktemp("voice"), VOICE_BRIEF)


# ---------------------------------------------------------------- the recording sheet


def test_sheet_numbers_the_sentences_as_captioned_grouped_by_scene(brief: Path) -> None:
    result = run("script", str(brief), "--sheet")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Recording sheet: 城乡居民医保缴费开始了"
    assert lines[1].startswith("9 sentences, about 0:")
    numbered = [ln for ln in lines if ln[:3].isdigit()]
    assert [ln.split("  ")[1] for ln in numbered] == texts(brief)
    assert [int(ln[:3]) for ln in numbered] == list(range(1, 10))
    assert "[point 2: 怎么交]" in lines and "[question 1]" in lines
    assert "004  怎么交：打开微信或支付宝，搜索医保缴费，按提示完成即可。  (6.1 s)" in lines


def test_sheet_comes_before_the_take_the_brief_names(tmp_path: Path) -> None:
    path = write_brief(tmp_path, VOICE_BRIEF + "render:\n  voiceover: takes/\n")
    result = run("script", str(path), "--sheet")
    assert result.returncode == 0, result.stderr
    assert "001  城乡居民医保缴费开始了。  (2.4 s)" in result.stdout.splitlines()
    render = run("captions", str(path))
    assert render.returncode == 3
    assert render.stderr == f"error: {path}:14: render.voiceover: file not found: 'takes/'\n"


def test_sheet_as_markdown_and_html_written_to_a_file(brief: Path, tmp_path: Path) -> None:
    result = run("script", str(brief), "--sheet", "--sheet-format", "markdown",
                 "-o", str(tmp_path / "sheet.md"))
    assert result.returncode == 0 and result.stdout.strip() == str(tmp_path / "sheet.md")
    markdown = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "| 005 | 错过了怎么办？ | 1.3 s |" in markdown
    assert run("script", str(brief), "--sheet", "--sheet-format", "html",
               "-o", str(tmp_path / "sheet.html")).returncode == 0
    page = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<td>错过了怎么办？</td>" in page
    bad = run("script", str(brief), "--sheet", "--sheet-format", "pdf")
    assert bad.returncode == 2
    assert bad.stderr == "error: --sheet-format must be one of text, markdown, html, got 'pdf'\n"


# ---------------------------------------------------------------- cutting a take


@pytest.mark.parametrize(("template", "seed", "commas"), [
    (VOICE_BRIEF, 1, (0.15, 0.35)), (ENGLISH_VOICE_BRIEF, 2, (0.15, 0.35)),
    # commas read with pauses as long as those between sentences (0.35-1.3 s)
    (VOICE_BRIEF, 5, (0.3, 0.8))])
def test_every_sentence_starts_within_a_quarter_second_of_its_speech(
        tmp_path: Path, template: str, seed: int, commas: tuple[float, float]) -> None:
    path = write_brief(tmp_path, template)
    prepared = pipeline.prepare(path, pipeline.RenderOptions())
    gaps = (0.4, 1.2) if commas[1] < 0.4 else (0.35, 1.3)
    take = make_take(tmp_path, texts(path), prepared.brief.language, seed=seed,
                     name="take.flac", comma_gap=commas, sentence_gap=gaps)
    samples = voiceover.decode(take.path)
    activity = voiceover.find_speech(samples)
    assert activity.floor_db == pytest.approx(-50, abs=3)  # room tone, hum and hiss
    spans = voiceover.align(activity.runs, [voiceover.expected_ms(t, prepared.brief.language)
                                            for t in texts(path)], take.path,
                            prepared.sentences)
    starts = [span.start_ms / 1000 for span in spans]
    assert starts == pytest.approx(list(take.onsets_s), abs=0.25)


@pytest.mark.parametrize(("change", "message"), [
    ("skip 3", 'sentence 3 "谁要交：没有参加职工医保的城乡居民，包括学生和…" could not be matched '
     "(it seems not to be read); the match was lost at 0:11.4 in the take"),
    ("add 5", 'sentence 5 "错过了怎么办？" could not be matched (speech not in the script '
     "comes before it); the match was lost at 0:29.0 in the take"),
    ("cut 4", 'sentence 4 "怎么交：打开微信或支付宝，搜索医保缴费，按提示…" could not be matched; '
     "the match was lost at 0:20.2 in the take"),
])
def test_a_take_that_does_not_read_the_script_is_refused(
        brief: Path, tmp_path: Path, change: str, message: str) -> None:
    said = texts(brief)
    kind, number = change.split()
    at = int(number) - 1
    if kind == "skip":
        said = said[:at] + said[at + 1:]
    elif kind == "add":
        said = [*said[:at], "这句话不在稿子里，是读的人临时加上的一段话。", *said[at:]]
    else:
        said = said[:at]  # the reader stopped before it
    take = make_take(tmp_path, said, seed=1)
    out = tmp_path / "out"
    result = run("render", str(brief), "--voiceover", str(take.path), "--out", str(out),
                 "--preview", "-q")
    assert result.returncode == 3
    why = (" (far too short: 0:19.4 of speech, about 0:38.5 expected)" if kind == "cut"
           else "")
    assert result.stderr.splitlines()[0] == (
        f"error: voice-over take.wav does not match the script{why}: {message}")
    assert result.stderr.splitlines()[1].startswith("hint: compare the take with the "
                                                    "recording sheet")
    assert not out.exists() or not any(out.iterdir())


def test_an_undecodable_or_missing_take_is_bad_input(brief: Path, tmp_path: Path) -> None:
    broken = tmp_path / "take.mp3"
    broken.write_bytes(b"ID3 this is not audio" * 50)
    result = run("captions", str(brief), "--voiceover", str(broken))
    assert result.returncode == 3
    assert result.stderr == (f"error: voice-over {broken}: not a readable audio file\n"
                             "hint: use wav, mp3, m4a, flac or ogg\n")
    missing = run("captions", str(brief), "--voiceover", str(tmp_path / "nope.wav"))
    assert missing.returncode == 3
    assert missing.stderr == f"error: voice-over {tmp_path / 'nope.wav'}: file not found\n"


# ---------------------------------------------------------------- a folder of sentences


def test_a_folder_of_numbered_files_times_each_sentence(brief: Path, tmp_path: Path) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    for number, text in enumerate(texts(brief), 1):
        made = make_take(tmp_path, [text], seed=number, name=f"{number}.wav")
        # 001.wav or 1.m4a: both are the sentence's number
        name = f"{number:03d}.wav" if number % 2 else f"{number}.m4a"
        write_audio(folder / name, _read(made.path))
    (folder / "notes.txt").write_text("room 2, second take", encoding="utf-8")
    result = run("captions", str(brief), "--voiceover", str(folder), "--format", "srt")
    assert result.returncode == 0, result.stderr
    cues = srt_cues(result.stdout)
    assert cues[0][0] == pytest.approx(400 + 120, abs=30)  # lead-in, then the first word

    (folder / "005.wav").unlink()
    missing = run("captions", str(brief), "--voiceover", str(folder))
    assert missing.returncode == 3
    assert missing.stderr.splitlines()[0] == (
        f'error: voice-over {folder}: no file for sentence 5 "错过了怎么办？"')


def _read(path: Path) -> np.ndarray:
    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-ac", "1",
                          "-ar", "22050", "-f", "f32le", "-"], capture_output=True,
                         check=True).stdout
    return np.frombuffer(raw, dtype=np.float32)


# ---------------------------------------------------------------- the delivered video


@pytest.fixture(scope="module")
def rendered(brief: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("render")
    take = make_take(folder, texts(brief), seed=3, name="take.m4a", gain_db=-12)
    result = run("render", str(brief), "--voiceover", str(take.path), "--out",
                 str(folder / "out"), "-q")
    assert result.returncode == 0, result.stderr
    return folder / "out", take.path


def test_captions_follow_the_recorded_speech_in_the_video(rendered: tuple[Path, Path]) -> None:
    out, _ = rendered
    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(out / "brief.mp4"),
                          "-ac", "1", "-ar", "16000", "-f", "f32le", "-"], capture_output=True,
                         check=True).stdout
    onsets = speech_onsets(np.frombuffer(raw, dtype=np.float32), 16000, quiet_s=0.45,
                           below_db=20)
    starts = [start / 1000 for start, _, _ in srt_cues((out / "brief.srt").read_text("utf-8"))]
    assert len(onsets) == 9  # one a sentence: the pauses inside sentences are shorter
    for onset in onsets:
        assert min(abs(onset - start) for start in starts) <= 0.25, (onset, starts)


def test_a_recorded_voice_carries_no_ai_label(rendered: tuple[Path, Path]) -> None:
    out, take = rendered
    assert "AIGC" not in probe(out / "brief.mp4").raw
    meta = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert meta["voice"] == "recorded" and meta["aigc"] is None
    assert meta["speech"]["engine"] == "voiceover"
    import hashlib

    assert meta["speech"]["take"]["sha256"] == hashlib.sha256(take.read_bytes()).hexdigest()
    timeline = json.loads((out / "brief.timeline.json").read_text(encoding="utf-8"))
    assert timeline["ai_label_ms"] == 0  # no visible label is drawn


def test_the_take_is_brought_to_the_loudness_target(rendered: tuple[Path, Path]) -> None:
    out, _ = rendered  # the take was recorded 6 dB quieter than the others
    measured = measure_loudness(out / "brief.mp4")
    assert measured.integrated_lufs == pytest.approx(-14.0, abs=0.5)
    assert measured.true_peak_dbtp is not None and measured.true_peak_dbtp <= -1.0


def test_the_briefs_render_block_names_the_take_for_batch(tmp_path: Path) -> None:
    said = texts(write_brief(tmp_path, VOICE_BRIEF, "probe.yaml"))
    make_take(tmp_path, said, seed=4, name="take.wav")
    write_brief(tmp_path, VOICE_BRIEF + "render:\n  voiceover: take.wav\n", "clinic.yaml")
    (tmp_path / "probe.yaml").unlink()
    result = run("batch", str(tmp_path), "--out", str(tmp_path / "out"), "--preview", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    meta = json.loads((tmp_path / "out" / "clinic.json").read_text(encoding="utf-8"))
    assert meta["voice"] == "recorded" and meta["speech"]["take"]["file"] == "take.wav"
    again = run("batch", str(tmp_path), "--out", str(tmp_path / "out"), "--preview", "-q")
    assert "1 up to date" in again.stdout or "skipped" in again.stdout, again.stdout
