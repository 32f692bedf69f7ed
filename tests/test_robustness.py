"""Stopping, failing and writing files cleanly: signals, timeouts, file modes, broken inputs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from helpers import SHORT_BRIEF, make_sound, write_brief
from policyclip import cli, interrupts
from policyclip.errors import RenderError

LONG_BRIEF = """\
title: 城乡居民医保缴费提醒
issuer: 市医疗保障局
summary: 2026年度城乡居民医保集中缴费期为2025年9月1日至12月31日，请按时缴费。
points:
  - heading: 缴多少
    text: 个人缴费标准为每人每年400元，困难群众由财政按规定资助参保。
  - heading: 怎么缴
    text: 可以通过微信、支付宝、银行网点或社区服务站缴费，也可以拨打热线咨询。
  - heading: 待遇
    text: 参保后在定点医院住院，政策范围内费用按比例报销，门诊费用也能报销一部分。
  - heading: 提醒
    text: 缴费期结束后不能补缴，次年待遇将受影响，请务必在截止日期前完成缴费。
contact: 医保服务热线12393
"""


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    """A process's command line (empty once it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_render_and_all_its_ffmpeg_at_once(tmp_path: Path,
                                                            signum: int) -> None:
    brief = write_brief(tmp_path, LONG_BRIEF)
    music = make_sound(tmp_path / "music.wav", "sine=f=220", 60)
    work = tmp_path / "tmp"
    work.mkdir()
    env = {**os.environ, "TMPDIR": str(work)}
    log = tmp_path / "stderr.txt"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "policyclip", "render", str(brief), "--out", "out", "--tts",
             "espeak", "--music", str(music)], cwd=tmp_path, env=env,
            stdout=subprocess.DEVNULL, stderr=sink)
    try:
        # Wait until the sound job runs ffmpeg (measuring the loudness) while frames are drawn.
        deadline = time.monotonic() + 120
        children: list[int] = []
        while time.monotonic() < deadline and proc.poll() is None:
            if "drawing frames" in log.read_text():
                children = [pid for pid in _children(proc.pid)
                            if b"ebur128" in _cmdline(pid)]
                if children:
                    break
            time.sleep(0.01)
        assert children, "the sound job never started ffmpeg: " + log.read_text()
        children = sorted(set(children) | set(_children(proc.pid)))
        sent = time.monotonic()
        proc.send_signal(signum)
        proc.wait(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = log.read_text()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert took < 2.0, f"stopping took {took:.1f} s"
    time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "a child outlived the render"
    assert list(work.iterdir()) == [], "the work folder was left behind"
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(("signum", "whole_group"), [
    (signal.SIGINT, True), (signal.SIGTERM, True), (signal.SIGTERM, False)])
def test_a_signal_while_speaking_stops_the_numerals_helper_too(
        tmp_path: Path, signum: int, whole_group: bool) -> None:
    """Ctrl-C in a terminal reaches the whole process group (the helper ignores it, the render
    stops it); `timeout`, systemd or a CI runner may signal the group or the render alone."""
    brief = write_brief(tmp_path, LONG_BRIEF)
    log = tmp_path / "stderr.txt"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "policyclip", "render", str(brief), "--out", "out",
             "--tts", "espeak", "--no-cache"], cwd=tmp_path, stdout=subprocess.DEVNULL,
            stderr=sink, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        helpers: list[int] = []
        while not helpers and time.monotonic() < deadline and proc.poll() is None:
            if "speaking" in log.read_text():  # the helper has had the start-up to load
                helpers = [pid for pid in _children(proc.pid)
                           if b"policyclip.numerals" in _cmdline(pid)]
            time.sleep(0.005)
        assert helpers, "no helper while speaking: " + log.read_text()
        if whole_group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = log.read_text()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    time.sleep(0.2)
    assert not [pid for pid in helpers if _alive(pid)], "the helper outlived the render"


def test_an_error_while_encoding_stops_the_sound_job_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policyclip import pipeline, video
    from policyclip.errors import RenderError

    brief = write_brief(tmp_path, LONG_BRIEF)
    music = make_sound(tmp_path / "music.wav", "sine=f=220", 60)
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(work))
    seen: list[int] = []
    failed: list[float] = []

    def failing_encoder(*args: object, **kwargs: object) -> None:
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline:
            seen.extend(pid for pid in _children(os.getpid())
                        if b"ebur128" in _cmdline(pid))
            time.sleep(0.01)
        failed.append(time.monotonic())
        raise RenderError("the encoder broke")

    monkeypatch.setattr(video, "encode", failing_encoder)
    options = pipeline.RenderOptions(tts="espeak", music=music)
    with pytest.raises(RenderError, match="the encoder broke"):
        pipeline.render_brief(brief, tmp_path / "out", options)
    assert seen, "the sound job never measured the loudness"
    assert time.monotonic() - failed[0] < 2.0
    assert not [pid for pid in seen if _alive(pid)]
    assert list(work.iterdir()) == []


# --- files are written with the user's umask ---------------------------------------------------

@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_atomic_writes_follow_the_umask(tmp_path: Path, umask_022: None) -> None:
    from policyclip.files import write_atomic

    write_atomic(tmp_path / "a.json", b"{}")
    assert _mode(tmp_path / "a.json") == 0o644
    os.umask(0o027)
    write_atomic(tmp_path / "b.json", b"{}")
    assert _mode(tmp_path / "b.json") == 0o640


def test_frames_storyboards_reports_and_cache_entries_are_0644(
        tmp_path: Path, umask_022: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from policyclip.cli import app

    brief = write_brief(tmp_path, SHORT_BRIEF)
    cache = tmp_path / "cache"
    monkeypatch.setenv("POLICYCLIP_CACHE_DIR", str(cache))
    runner = CliRunner()
    for args in (["frame", str(brief), "--at", "1", "-o", str(tmp_path / "f.png"),
                  "--tts", "espeak"],
                 ["storyboard", str(brief), "-o", str(tmp_path / "s.png"), "--tts", "none"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert _mode(tmp_path / "f.png") == 0o644
    assert _mode(tmp_path / "s.png") == 0o644
    entries = list((cache / "speech").rglob("*.speech"))
    assert entries and all(_mode(entry) == 0o644 for entry in entries)

    from policyclip import reports

    reports.write_json_report(tmp_path / "report.json", {"briefs": []})
    assert _mode(tmp_path / "report.json") == 0o644


# --- clean errors instead of tracebacks ---------------------------------------------------------

def _fake_program(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def test_a_program_past_its_timeout_is_killed_and_a_clean_error(tmp_path: Path) -> None:
    from policyclip import media

    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"took longer than 0\.3 s"):
        media.run([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.3)
    assert time.monotonic() - started < 5


def test_an_ffmpeg_timeout_while_joining_is_a_render_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policyclip import media, video
    from policyclip.errors import RenderError

    real = media.run_ffmpeg
    monkeypatch.setattr(media, "ffmpeg_exe", lambda: str(_fake_program(
        tmp_path / "ffmpeg", "sleep 30")))
    monkeypatch.setattr(media, "run_ffmpeg",
                        lambda args, timeout=None: real(args, timeout=0.2))
    with pytest.raises(RenderError, match=r"ffmpeg failed to join video and sound: .*took longer"):
        video.mux(video.CodedVideo(tmp_path / "v.h264", 30), tmp_path / "a.m4a",
                  tmp_path / "out.mp4", 1000)


def test_ffmpeg_writing_much_to_stderr_never_blocks_reading_its_samples(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from policyclip import media, sound

    # 1 MB of warnings before any sample: a pipe holds 64 kB, so a reader of stdout alone
    # would wait for samples while ffmpeg waits for room to write its warnings.
    fake = _fake_program(tmp_path / "ffmpeg",
                         "head -c 1000000 /dev/zero | tr '\\0' 'w' >&2\n"
                         "head -c 80000 /dev/zero")
    monkeypatch.setattr(media, "ffmpeg_exe", lambda: str(fake))
    got: list[int] = []
    reader = threading.Thread(
        target=lambda: got.extend(len(c) for c in sound._decode_stereo(tmp_path / "m.wav",
                                                                        48_000)), daemon=True)
    reader.start()
    reader.join(20)
    assert not reader.is_alive(), "reading ffmpeg's samples blocked"
    assert sum(got) == 10_000


def test_a_template_folder_with_a_file_not_in_utf8(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policyclip.cli import app

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "mine.zh.j2").write_bytes("{# 我的模板 #}\n".encode("gbk"))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(app, ["templates", "list"])
        shown = CliRunner().invoke(app, ["templates", "show", "mine"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 3, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "mine.zh.j2:1: not UTF-8 text (byte 0xce)" in result.output
    assert "hint: save the file as UTF-8" in result.output
    assert shown.exit_code == 3 and "not UTF-8 text" in shown.output


def test_a_template_that_includes_a_file_not_in_utf8(tmp_path: Path) -> None:
    from policyclip import pipeline
    from policyclip.errors import TemplateError

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "mine.zh.j2").write_text('@scene title\n{% include "part.j2" %}\n',
                                       encoding="utf-8")
    (folder / "part.j2").write_bytes("你好\n".encode("gbk"))
    brief = write_brief(tmp_path, SHORT_BRIEF + "render:\n  template: mine\n")
    with pytest.raises(TemplateError, match=r"part\.j2:1: not UTF-8 text"):
        pipeline.prepare(brief, pipeline.RenderOptions(tts="none"))


def test_a_theme_that_cannot_be_read_is_a_theme_error(tmp_path: Path) -> None:
    from policyclip import theme
    from policyclip.errors import ThemeError

    folder = tmp_path / "broken.yaml"
    folder.mkdir()
    with pytest.raises(ThemeError, match=r"broken\.yaml: cannot read it: Is a directory"):
        theme.load_theme(folder)
    with pytest.raises(ThemeError, match="cannot read it"):
        theme.read_theme_text(folder)


def test_edge_cue_offsets_never_go_backwards() -> None:
    from policyclip.speech.edge import part_offsets

    # The last part has no word boundary: placed by reading speed it would start at 429 ms,
    # before the part it follows (900 ms).
    offsets = part_offsets(["x", "yy", "zzzz"], [(0, "x"), (900, "yy")], 1000)
    assert list(offsets) == sorted(offsets)
    assert offsets[2] >= 900
    # Boundaries reported out of order, and past the end.
    offsets = part_offsets(["ab ", "cd ", "ef"], [(0, "ab"), (700, "cd"), (500, "ef")], 650)
    assert list(offsets) == sorted(offsets) and max(offsets) <= 650


# --- the inputs hash follows what a render reads ------------------------------------------------

def test_the_inputs_hash_follows_included_extended_and_imported_templates(
        tmp_path: Path) -> None:
    from policyclip import pipeline

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "mine.zh.j2").write_text(
        '{% extends "base.j2" %}{% import "macros.j2" as m %}'
        '{% block body %}{{ m.line(brief.title) }}{% endblock %}\n', encoding="utf-8")
    (folder / "base.j2").write_text("@scene title\n{% block body %}{% endblock %}\n"
                                    '{% include "tail.j2" %}\n', encoding="utf-8")
    (folder / "macros.j2").write_text("{% macro line(t) %}{{ t }}。{% endmacro %}",
                                      encoding="utf-8")
    (folder / "tail.j2").write_text("欢迎咨询。\n", encoding="utf-8")
    brief = write_brief(tmp_path, SHORT_BRIEF + "render:\n  template: mine\n")
    options = pipeline.RenderOptions(tts="none")
    seen = {pipeline.fingerprint(brief, options)[1]}
    assert pipeline.inputs_digest(pipeline.prepare(brief, options), options) in seen
    for name, text in (("base.j2", "@scene title\n{% block body %}{% endblock %}\n"
                                   '{% include "tail.j2" %}再见。\n'),
                       ("macros.j2", "{% macro line(t) %}{{ t }}！{% endmacro %}"),
                       ("tail.j2", "请拨打热线。\n")):
        (folder / name).write_text(text, encoding="utf-8")
        digest = pipeline.fingerprint(brief, options)[1]
        assert digest not in seen, f"changing {name} left the inputs hash as it was"
        seen.add(digest)


def test_the_inputs_hash_follows_the_fonts_used(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from policyclip import pipeline
    from policyclip.resources import find_font

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    font = fonts / "NotoSansCJK-Bold.ttc"
    font.write_bytes(b"one font")
    monkeypatch.setenv("POLICYCLIP_FONT_DIR", str(fonts))
    find_font.cache_clear()  # where fonts are is remembered for the process
    try:
        brief = write_brief(tmp_path, SHORT_BRIEF)
        options = pipeline.RenderOptions(tts="none")
        before = pipeline.fingerprint(brief, options)[1]
        font.write_bytes(b"another font, a new version")
        assert pipeline.fingerprint(brief, options)[1] != before
    finally:
        find_font.cache_clear()


def test_a_program_that_hangs_anywhere_is_a_clean_error_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from policyclip import pipeline
    from policyclip.cli import app

    def hangs(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(["/usr/bin/espeak-ng", "--voices"], 30)

    monkeypatch.setattr(pipeline, "prepare", hangs)
    result = CliRunner().invoke(app, ["script", str(write_brief(tmp_path, SHORT_BRIEF))])
    assert result.exit_code == 5
    assert "error: espeak-ng did not finish within 30 s" in result.output
    assert "Traceback" not in result.output


def test_a_failure_after_ctrl_c_is_reported_as_the_interruption(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # Ctrl-C reaches ffmpeg too (same process group): the encode may fail before Python's
    # KeyboardInterrupt surfaces, or the interrupt may be lost in clean-up. Still exit 130.
    monkeypatch.setattr(interrupts, "_received", [])

    def render_stopped_by_ctrl_c() -> None:
        with contextlib.suppress(KeyboardInterrupt):
            interrupts.interrupt(signal.SIGINT, None)
        raise RenderError("ffmpeg failed to encode the video: received signal 2")

    with pytest.raises(typer.Exit) as stopped:
        cli._guard(render_stopped_by_ctrl_c)
    assert stopped.value.exit_code == 130
    assert capsys.readouterr().err == "error: interrupted; no output was left half-written\n"
