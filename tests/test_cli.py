"""The command line as a user runs it: a real subprocess, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ENGLISH_BRIEF, SHORT_BRIEF, probe, write_brief
from policyclip import __version__


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout == f"policyclip {__version__}\n"


@pytest.mark.parametrize(
    ("command", "must_mention"),
    [("render", ["--out", "--tts", "--voice", "--template", "--theme", "--preview"]),
     ("check", ["BRIEF..."]), ("import", ["SOURCE", "--out", "--force"]),
     ("script", ["--cues"]), ("doctor", ["Exits 0"])],
)
def test_every_command_has_help(command: str, must_mention: list[str]) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    for word in must_mention:
        assert word in result.stdout


def test_render_with_no_speech_writes_a_silent_captioned_video(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, ENGLISH_BRIEF, "small-firms.yaml")
    result = run("render", str(brief), "--out", str(tmp_path / "out"), "--tts", "none",
                 "--preview", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    video = tmp_path / "out" / "small-firms.mp4"
    assert result.stdout.startswith(f"{video}  (")
    meta = json.loads((tmp_path / "out" / "small-firms.json").read_text(encoding="utf-8"))
    assert meta["speech"] == {"engine": "none", "voice": None}
    assert meta["aigc"] is None  # no synthesized voice, no AI label
    assert "AIGC" not in probe(video).raw
    srt = (tmp_path / "out" / "small-firms.srt").read_text(encoding="utf-8")
    assert "Half-price local\ntaxes for small firms." in srt


def test_script_prints_the_narration(tmp_path: Path) -> None:
    result = run("script", str(write_brief(tmp_path, SHORT_BRIEF)))
    assert result.returncode == 0
    assert result.stdout.startswith("小微企业\"六税两费\"减半征收。六种地方税费按50%减征。\n\n")


def test_script_cues_shows_caption_lines(tmp_path: Path) -> None:
    result = run("script", str(write_brief(tmp_path, SHORT_BRIEF)), "--cues")
    assert result.returncode == 0
    assert result.stdout.splitlines()[:3] == [
        "@scene title", "  小微企业\"六税两费\"减半征收", "  六种地方税费按50%减征"]


def test_check_reports_every_bad_brief_and_exits_3(tmp_path: Path) -> None:
    good = write_brief(tmp_path, SHORT_BRIEF, "good.yaml")
    bad = write_brief(tmp_path, "title: x\nissuer: y\nsumary: z\npoints: []\n", "bad.yaml")
    result = run("check", str(good), str(bad), str(tmp_path / "missing.yaml"), "--tts", "none")
    assert result.returncode == 3
    assert result.stdout == f"ok: {good}: estimated length 0:21 without speech (douyin favours " \
        "at most 1:00)\n"
    assert f"error: {bad}:3: sumary: unknown field (did you mean 'summary'?)" in result.stderr
    assert f"error: {tmp_path / 'missing.yaml'}: no such file" in result.stderr
    assert result.stderr.endswith("2 of 3 brief(s) have problems\n")
    assert "Traceback" not in result.stderr


def test_bad_brief_renders_nothing(tmp_path: Path) -> None:
    bad = write_brief(tmp_path, "title: [unclosed\n", "bad.yaml")
    result = run("render", str(bad), "--out", str(tmp_path / "out"), "--tts", "none")
    assert result.returncode == 3
    assert f"\nerror: {bad}:" in result.stderr and "YAML syntax error" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    result = run("render", str(write_brief(tmp_path, SHORT_BRIEF)), "--tts", "google")
    assert result.returncode == 2
    assert result.stderr == "error: --tts must be one of auto, edge, espeak, none, got 'google'\n"


def test_bad_rate_is_a_usage_error(tmp_path: Path) -> None:
    result = run("render", str(write_brief(tmp_path, SHORT_BRIEF)), "--rate", "fast")
    assert result.returncode == 2
    assert result.stderr == "error: --rate must look like +10% or -5%, got 'fast'\n"


@pytest.mark.parametrize("command", ["render", "batch"])
def test_unknown_platform_option_is_a_usage_error(tmp_path: Path, command: str) -> None:
    result = run(command, str(write_brief(tmp_path, SHORT_BRIEF)), "--platform", "tiktok",
                 "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr == ("error: --platform must be one of douyin, kuaishou, channels, "
                             "bilibili, generic, got 'tiktok'\n")
    assert not (tmp_path / "out").exists()


def test_output_folder_that_is_a_file_is_a_render_error(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("render", str(write_brief(tmp_path, SHORT_BRIEF)), "--out", str(blocker),
                 "--tts", "none", "--preview")
    assert result.returncode == 5
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"error: cannot create output folder {blocker}")


def test_interrupted_render_leaves_no_finished_looking_file(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF, "tax.yaml")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "policyclip", "render", str(brief), "--out", str(out),
         "--tts", "espeak"],
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "encoding video" in line:
            break
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert "interrupted" in rest
    assert list(out.iterdir()) == []


def test_captions_prints_times_and_lines_without_a_video(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = run("captions", str(brief), "--tts", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # 12 characters read at 4.5 a second, then the pause before the next sentence.
    assert lines[:2] == ["00:00:00.400 --> 00:00:03.317  [title]",
                         "  小微企业\"六税两费\"减半征收"]
    assert not (tmp_path / "out").exists()
    srt = run("captions", str(brief), "--tts", "none", "--format", "srt").stdout
    assert srt.startswith("1\n00:00:00,400 --> 00:00:03,317\n小微企业\"六税两费\"减半征收\n")


def test_templates_list_show_and_copy(tmp_path: Path) -> None:
    listing = run("templates", "list", cwd=tmp_path)
    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == [
        "explainer", "figures", "qa"]
    shown = run("templates", "show", "qa", "--language", "en-US")
    assert shown.returncode == 0 and "@scene title" in shown.stdout
    copied = run("templates", "copy", "qa", str(tmp_path / "templates"))
    assert copied.returncode == 0
    assert sorted(p.name for p in (tmp_path / "templates").iterdir()) == ["qa.en.j2", "qa.zh.j2"]
    again = run("templates", "copy", "qa", str(tmp_path / "templates"))
    assert again.returncode == 3
    assert again.stderr == (f"error: {tmp_path / 'templates' / 'qa.en.j2'} already exists\n"
                            "hint: pass --force to overwrite it\n")
    # A copy in ./templates now overrides the built-in: listed from there.
    (tmp_path / "templates" / "qa.zh.j2").write_text("@scene title\n{{ brief.title }}\n",
                                                      encoding="utf-8")
    relisted = run("templates", "list", cwd=tmp_path).stdout
    assert f"({tmp_path / 'templates'})" in next(ln for ln in relisted.splitlines()
                                                if ln.startswith("qa"))
    brief = write_brief(tmp_path, SHORT_BRIEF)
    assert run("script", str(brief), "--template", "qa", cwd=tmp_path).stdout == (
        "小微企业\"六税两费\"减半征收\n")


def test_themes_list_and_copy(tmp_path: Path) -> None:
    listing = run("themes", "list", cwd=tmp_path)
    assert [line.split()[0] for line in listing.stdout.splitlines()] == ["default", "gov-red"]
    copied = run("themes", "copy", "gov-red", str(tmp_path / "themes"))
    assert copied.returncode == 0 and (tmp_path / "themes" / "gov-red.yaml").is_file()


def test_frame_and_storyboard_write_pictures(tmp_path: Path) -> None:
    from PIL import Image

    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = run("frame", str(brief), "--at", "1.5", "-o", str(tmp_path / "f.png"),
                 "--tts", "none")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'f.png'}\n"
    with Image.open(tmp_path / "f.png") as image:
        assert image.size == (1080, 1920)
    result = run("storyboard", str(brief), "-o", str(tmp_path / "b.png"), "--tts", "none",
                 "--theme", "gov-red")
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "b.png") as board:
        assert board.width == 4 * 286 + 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png", "brief.yaml", "f.png"]
    missing = run("frame", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.png"))
    assert missing.returncode == 3 and not (tmp_path / "x.png").exists()


def test_frame_past_the_end_shows_the_last_frame_and_says_so(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF)
    late = run("frame", str(brief), "--at", "999", "-o", str(tmp_path / "late.png"),
               "--tts", "none")
    assert late.returncode == 0, late.stderr
    assert re.fullmatch(r"warning: --at 999 s is past the end of the video \(\d+\.\d s\): "
                        r"showing its last frame\n", late.stderr)


def test_check_validates_the_theme_a_brief_names(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF + "render:\n  theme: gov-blue\n")
    result = run("check", str(brief))
    assert result.returncode == 3
    line = len(SHORT_BRIEF.splitlines()) + 2
    assert result.stderr.splitlines()[:2] == [
        f"error: {brief}:{line}: render.theme: no theme named 'gov-blue'",
        "hint: built-in themes: default, gov-red"]


def test_captions_refuses_a_malformed_rate(tmp_path: Path) -> None:
    result = run("captions", str(write_brief(tmp_path, SHORT_BRIEF)), "--tts", "espeak",
                 "--rate", "fast")
    assert result.returncode == 2
    assert result.stderr == "error: --rate must look like +10% or -5%, got 'fast'\n"


def test_music_too_short_to_loop_is_refused(tmp_path: Path) -> None:
    import wave

    blip = tmp_path / "blip.wav"
    with wave.open(str(blip), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(b"\x10\x00" * 1000)  # 21 ms
    result = run("render", str(write_brief(tmp_path, SHORT_BRIEF)), "--out",
                 str(tmp_path / "out"), "--tts", "none", "--preview", "--music", str(blip))
    assert result.returncode == 3
    assert "error: the music blip.wav is too short to loop (20 ms)" in result.stderr
    assert not (tmp_path / "out" / "brief.mp4").exists()


def test_check_names_a_brief_by_the_path_typed_in_errors_and_ok_lines_alike(
    tmp_path: Path
) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    write_brief(folder, SHORT_BRIEF, "short.yaml")
    write_brief(folder, "title: x\nissuer: y\nsumary: z\npoints: []\n", "bad.yaml")
    result = run("check", "examples/short.yaml", "examples/bad.yaml", "--tts", "none",
                 "--max-length", "5", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == (
        "error: examples/short.yaml: estimated length 0:21 without speech is over "
        "--max-length 5 s")
    assert "error: examples/bad.yaml:3: sumary: unknown field (did you mean 'summary'?)" \
        in result.stderr.splitlines()


def test_render_and_script_name_a_brief_by_the_path_typed(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    write_brief(folder, "title: x\nissuer: y\nsumary: z\npoints: []\n", "bad.yaml")
    for command in (["script"], ["render", "--tts", "none"]):
        result = run(*command, "examples/bad.yaml", cwd=tmp_path)
        assert result.returncode == 3
        assert "error: examples/bad.yaml:3: sumary: unknown field (did you mean 'summary'?)" \
            in result.stderr.splitlines(), command
    assert not (tmp_path / "out").exists()
