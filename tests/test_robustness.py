"""Stopping, failing and writing files cleanly: signals, timeouts, file modes, broken inputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import make_sound, write_brief

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
                            if b"ebur128" in Path(f"/proc/{pid}/cmdline").read_bytes()]
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
                        if b"ebur128" in Path(f"/proc/{pid}/cmdline").read_bytes())
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
