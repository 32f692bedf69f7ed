"""Progress: events from the pipeline's reports, and how each display shows them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import HOTLINE_BRIEF, write_brief
from policyclip import progress
from policyclip.progress import Event


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def events_of(emit_calls: list[Event]) -> list[tuple[str, Any]]:
    return [(e.kind, dict(e.data)) for e in emit_calls]


def test_reporter_turns_pipeline_calls_into_events_and_thins_progress() -> None:
    seen: list[Event] = []
    reporter = progress.BriefReporter(seen.append, "a.yaml")
    reporter.stage("drawing frames")
    reporter.warn("too long")
    for done in (0, 5, 9, 10, 999, 1000):
        reporter.progress(done, 1000)
    assert all(e.brief == "a.yaml" for e in seen)
    assert events_of(seen) == [
        ("stage", {"message": "drawing frames"}), ("warning", {"message": "too long"}),
        ("progress", {"done_ms": 0, "total_ms": 1000, "percent": 0}),
        ("progress", {"done_ms": 10, "total_ms": 1000, "percent": 1}),
        ("progress", {"done_ms": 999, "total_ms": 1000, "percent": 99}),
        ("progress", {"done_ms": 1000, "total_ms": 1000, "percent": 100})]


RENDERED = {"status": "rendered", "duration_s": 3.25, "engine": "espeak",
            "voice": "cmn-latn-pinyin", "video_ms": 20500,
            "speech": {"synthesized": 1, "cached": 4}}
FAILED = {"status": "failed", "error": {"type": "BriefError",
                                        "lines": ["b.yaml:3: sumary: unknown field"]}}


def feed(sink: progress.Sink, batch: bool = True) -> None:
    sink.emit(Event(progress.START, None, {"total": 2, "jobs": 2, "shard": "1/3"}))
    sink.emit(Event(progress.BRIEF_START, "a.yaml", {"index": 1, "total": 2}))
    sink.emit(Event(progress.STAGE, "a.yaml", {"message": "drawing frames"}))
    sink.emit(Event(progress.PROGRESS, "a.yaml", {"done_ms": 50, "total_ms": 100,
                                                  "percent": 50}))
    sink.emit(Event(progress.WARNING, "a.yaml", {"message": "the video runs 98 s"}))
    sink.emit(Event(progress.BRIEF_DONE, "a.yaml", RENDERED))
    sink.emit(Event(progress.BRIEF_START, "b.yaml", {"index": 2, "total": 2}))
    sink.emit(Event(progress.BRIEF_DONE, "b.yaml", FAILED))
    sink.emit(Event(progress.DONE, None, {"exit_code": 3}))
    sink.close()


def test_plain_lines_for_a_batch() -> None:
    stream = io.StringIO()
    feed(progress.LineSink(stream, batch=True))
    assert stream.getvalue().splitlines() == [
        "policyclip: 2 brief(s) (shard 1/3), 2 job(s)",
        "[1/2] a.yaml: drawing frames",
        "warning: a.yaml: the video runs 98 s",
        "[1/2] a.yaml: rendered in 3.2 s (20.5 s video, speech: espeak cmn-latn-pinyin, "
        "4 sentence(s) from the speech cache)",
        "[2/2] b.yaml: FAILED (BriefError): b.yaml:3: sumary: unknown field"]


def test_quiet_plain_lines_keep_warnings_and_failures() -> None:
    stream = io.StringIO()
    feed(progress.LineSink(stream, batch=True, quiet=True))
    assert stream.getvalue().splitlines() == [
        "warning: a.yaml: the video runs 98 s",
        "[2/2] b.yaml: FAILED (BriefError): b.yaml:3: sumary: unknown field"]


def test_plain_lines_for_render_look_as_they_always_did() -> None:
    stream = Tty()
    feed(progress.LineSink(stream, live_percent=True))
    assert stream.getvalue().split("\n") == [
        "policyclip: drawing frames",
        "\rpolicyclip: encoding  50%",
        "warning: the video runs 98 s", ""]


def test_jsonl_is_one_json_object_per_line() -> None:
    stream = io.StringIO()
    feed(progress.JsonlSink(stream))
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["event"] for r in records] == [
        "start", "brief_start", "stage", "progress", "warning", "brief_done", "brief_start",
        "brief_done", "done"]
    assert all(isinstance(r["t"], float) for r in records)
    assert records[5] == {"event": "brief_done", "t": records[5]["t"], "brief": "a.yaml",
                          **RENDERED}
    assert "brief" not in records[0] and records[-1]["exit_code"] == 3


def test_rich_display_prints_finished_briefs_and_warnings() -> None:
    stream = io.StringIO()
    feed(progress.RichSink(stream, batch=True))
    text = stream.getvalue()
    assert "warning: a.yaml: the video runs 98 s" in text
    assert "a.yaml: rendered in 3.2 s" in text
    assert "b.yaml: FAILED (BriefError): b.yaml:3: sumary: unknown field" in text


def test_auto_is_rich_on_a_terminal_and_plain_lines_elsewhere() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert isinstance(progress.make_sink("auto", stdout=out, stderr=err), progress.LineSink)
    assert isinstance(progress.make_sink("plain", stdout=out, stderr=Tty()), progress.LineSink)
    rich = progress.make_sink("auto", stdout=out, stderr=Tty())
    assert isinstance(rich, progress.RichSink)
    rich.close()
    quiet = progress.make_sink("auto", stdout=out, stderr=Tty(), quiet=True)
    assert isinstance(quiet, progress.LineSink)
    jsonl = progress.make_sink("jsonl", stdout=out, stderr=err)
    jsonl.emit(Event("done"))
    assert json.loads(out.getvalue())["event"] == "done" and err.getvalue() == ""


# ---------------------------------------------------------------- the commands


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYCLIP_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300, check=False)


def test_render_progress_jsonl_goes_to_stdout_and_ends_with_the_outputs(tmp_path: Path) -> None:
    write_brief(tmp_path, HOTLINE_BRIEF, "hotline.yaml")
    result = run("render", "hotline.yaml", "--tts", "none", "--preview", "--progress", "jsonl",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    events = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[:2] == ["start", "brief_start"] and kinds[-2:] == ["brief_done", "done"]
    assert events[0]["command"] == "render"
    stages = [e["message"] for e in events if e["event"] == "stage"]
    assert stages[0] == "reading hotline.yaml" and "encoding video" in stages
    percents = [e["percent"] for e in events if e["event"] == "progress"]
    assert percents == sorted(percents) and percents[-1] == 100
    done = events[-2]
    assert done["status"] == "rendered" and done["engine"] == "none"
    assert Path(tmp_path / done["outputs"]["video"]).stat().st_size > 0
    assert events[-1]["exit_code"] == 0


def test_render_progress_jsonl_reports_a_failure(tmp_path: Path) -> None:
    write_brief(tmp_path, "title: x\nissuer: y\nsumary: z\npoints: []\n", "bad.yaml")
    result = run("render", "bad.yaml", "--tts", "none", "--progress", "jsonl", cwd=tmp_path)
    assert result.returncode == 3
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["event"] for e in events] == ["start", "brief_start", "stage", "brief_done",
                                            "done"]
    assert events[3]["status"] == "failed" and events[3]["error"]["type"] == "BriefError"
    assert events[4]["exit_code"] == 3
    assert "error: bad.yaml:3: sumary: unknown field (did you mean 'summary'?)" in result.stderr


def test_batch_progress_is_plain_lines_when_not_on_a_terminal(tmp_path: Path) -> None:
    write_brief(tmp_path, HOTLINE_BRIEF, "hotline.yaml")
    result = run("batch", "hotline.yaml", "--tts", "none", "--preview", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "policyclip: 1 brief(s), 1 job(s)"
    assert lines[1] == "[1/1] hotline.yaml: rendering (no earlier outputs)"
    assert "[1/1] hotline.yaml: encoding video" in lines
    assert lines[-1].startswith("[1/1] hotline.yaml: rendered in ")
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    assert result.stdout.startswith("1 brief(s): 1 rendered, 0 up to date, 0 failed in ")
