"""`policyclip batch`: finding briefs, shards, up-to-date skipping, reports and exit codes.

The rendering tests share one batch, rendered once for the module with offline speech and
`--preview`, and then re-run it (unchanged, as shards, after an edit) to check what is skipped.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from helpers import ENGLISH_BRIEF, HOTLINE_BRIEF, SHORT_BRIEF, write_brief
from policyclip import batch as batches
from policyclip import pipeline
from policyclip.errors import UsageError

BROKEN_BRIEF = "title: x\nissuer: y\nsumary: z\npoints: []\n"


def run(*args: str, cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYCLIP_CACHE_DIR": str(cache or cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600, check=False)


def make_folder(root: Path) -> Path:
    """briefs/ with three good briefs (one in a subfolder), a broken one, and YAML files that
    are not briefs in places a batch does not look."""
    briefs = root / "briefs"
    (briefs / "en").mkdir(parents=True)
    write_brief(briefs, SHORT_BRIEF, "tax.yaml")
    write_brief(briefs, HOTLINE_BRIEF, "hotline.yaml")
    write_brief(briefs / "en", ENGLISH_BRIEF, "small-firms.yaml")
    write_brief(briefs, BROKEN_BRIEF, "broken.yaml")
    for skipped in ("themes", "templates", ".git"):
        (briefs / skipped).mkdir()
        (briefs / skipped / "not-a-brief.yaml").write_text("colors: {}\n", encoding="utf-8")
    return briefs


ALL = ["briefs/broken.yaml", "briefs/en/small-firms.yaml", "briefs/hotline.yaml",
       "briefs/tax.yaml"]


Rendered = tuple[Path, subprocess.CompletedProcess[str]]


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {entry["brief"]: entry["status"] for entry in report["briefs"]}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("batch")
    make_folder(root)
    result = run("batch", "briefs", "--out", "out", "--jobs", "2", "--tts", "espeak",
                 "--preview", "--report", "reports/first.json", "--junit", "reports/first.xml",
                 cwd=root)
    return root, result


# ---------------------------------------------------------------- a batch with a broken brief


def test_a_broken_brief_fails_alone_and_sets_the_exit_code(
        rendered: Rendered) -> None:
    _, result = rendered
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    summary = result.stdout.splitlines()
    assert summary[0] == "failed: briefs/broken.yaml"
    assert "  error: broken.yaml:3: sumary: unknown field (did you mean 'summary'?)" in summary
    assert summary[-1].startswith("4 brief(s): 3 rendered, 0 up to date, 1 failed in ")
    # plain progress lines, since stderr is not a terminal
    assert "[4/4] briefs/tax.yaml: rendering (no earlier outputs)" in result.stderr.splitlines()


def test_json_report_has_every_brief_with_outputs_engine_and_error(
        rendered: Rendered) -> None:
    root, _ = rendered
    report = json.loads((root / "reports/first.json").read_text(encoding="utf-8"))
    assert report["schema"] == "policyclip-batch-report/1"
    assert report["exit_code"] == 3 and report["jobs"] == 2 and report["shard"] is None
    assert report["summary"] == {"total": 4, "rendered": 3, "skipped": 0, "failed": 1,
                                 "cancelled": 0}
    assert [entry["brief"] for entry in report["briefs"]] == ALL
    by_brief = {entry["brief"]: entry for entry in report["briefs"]}
    broken = by_brief["briefs/broken.yaml"]
    assert broken["status"] == "failed" and broken["outputs"] == {}
    assert broken["error"]["type"] == "BriefError" and broken["error"]["exit_code"] == 3
    assert "broken.yaml:4: points: needs at least 1 item, got 0" in broken["error"]["lines"]
    english = by_brief["briefs/en/small-firms.yaml"]
    assert english["status"] == "rendered" and english["reason"] == "no earlier outputs"
    assert (english["engine"], english["voice"]) == ("espeak", "en-us")
    assert english["duration_s"] > 0 and english["video_ms"] > 1000
    assert english["speech"]["synthesized"] + english["speech"]["cached"] > 0
    # a brief in a subfolder renders into the same subfolder
    assert english["outputs"]["video"] == "out/en/small-firms.mp4"
    for entry in report["briefs"]:
        for output in entry["outputs"].values():
            assert (root / output).is_file() and (root / output).stat().st_size > 0
        if entry["status"] == "rendered":
            meta = json.loads((root / entry["outputs"]["metadata"]).read_text(encoding="utf-8"))
            assert meta["inputs_sha256"] == entry["inputs_sha256"]
            assert meta["speech"]["engine"] == entry["engine"]


def test_junit_has_one_test_case_per_brief(
        rendered: Rendered) -> None:
    root, _ = rendered
    suites = ET.parse(root / "reports/first.xml").getroot()
    assert suites.tag == "testsuites"
    suite = suites.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"),
            suite.get("skipped")) == ("4", "1", "0", "0")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert sorted(cases) == ALL
    failure = cases["briefs/broken.yaml"].find("failure")
    assert failure is not None and failure.get("type") == "BriefError"
    assert failure.get("message") == "broken.yaml:1: summary: field required"
    assert "sumary: unknown field" in (failure.text or "")
    for name in ALL[1:]:
        case = cases[name]
        assert case.find("failure") is None and case.find("error") is None
        assert float(case.get("time") or 0) > 0
        assert (case.findtext("system-out") or "").startswith("rendered out/")


def test_unchanged_rerun_skips_every_brief_quickly(
        rendered: Rendered) -> None:
    root, _ = rendered
    videos = sorted((root / "out").rglob("*.mp4"))
    assert len(videos) == 3
    before = {video: video.stat().st_mtime_ns for video in videos}
    result = run("batch", "briefs", "--out", "out", "--jobs", "2", "--tts", "espeak",
                 "--preview", "--report", "reports/again.json", "--junit", "reports/again.xml",
                 cwd=root)
    assert result.returncode == 3
    report = json.loads((root / "reports/again.json").read_text(encoding="utf-8"))
    assert statuses(report) == {ALL[0]: "failed", ALL[1]: "skipped", ALL[2]: "skipped",
                                ALL[3]: "skipped"}
    assert report["duration_s"] < 5  # checks only: no worker is started, nothing renders
    assert {video: video.stat().st_mtime_ns for video in videos} == before
    skipped = report["briefs"][1]
    assert skipped["reason"] == "up to date" and skipped["engine"] == "espeak"
    assert skipped["outputs"]["video"] == "out/en/small-firms.mp4"
    assert result.stdout.splitlines()[-1].startswith(
        "4 brief(s): 0 rendered, 3 up to date, 1 failed")
    suite = ET.parse(root / "reports/again.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    out = [c.findtext("system-out") or "" for c in suite.iter("testcase")]
    assert sum(text.startswith("up to date: out/") for text in out) == 3


def test_two_shards_cover_every_brief_exactly_once(
        rendered: Rendered) -> None:
    root, _ = rendered
    seen: list[str] = []
    codes = []
    for shard in ("1/2", "2/2"):
        number = shard[0]
        result = run("batch", "briefs", "--out", "out", "--tts", "espeak", "--preview",
                     "--shard", shard, "--report", f"reports/shard{number}.json",
                     "--junit", f"reports/shard{number}.xml", cwd=root)
        report = json.loads((root / f"reports/shard{number}.json").read_text(encoding="utf-8"))
        assert report["shard"] == shard
        assert report["summary"]["total"] == 2  # 4 briefs: 2 and 2
        seen += statuses(report)
        codes.append(result.returncode)
        junit = ET.parse(root / f"reports/shard{number}.xml").getroot()
        assert junit.get("name") == f"policyclip batch (shard {shard})"
        assert sorted(c.get("name") or "" for c in junit.iter("testcase")) == \
            sorted(statuses(report))
    assert sorted(seen) == ALL
    assert sorted(codes) == [0, 3]  # the shard with the broken brief fails, the other passes


def test_an_edited_brief_is_rendered_again_and_its_words_come_from_the_cache(
        rendered: Rendered, tmp_path: Path) -> None:
    root, _ = rendered
    for part in ("briefs", "out", "cache"):
        shutil.copytree(root / part, tmp_path / part, symlinks=True)
    brief = tmp_path / "briefs" / "tax.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "render:\n  theme: gov-red\n",
                     encoding="utf-8")
    result = run("batch", "briefs", "--out", "out", "--tts", "espeak", "--preview",
                 "--report", "report.json", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert statuses(report) == {ALL[0]: "failed", ALL[1]: "skipped", ALL[2]: "skipped",
                                ALL[3]: "rendered"}
    tax = report["briefs"][3]
    assert tax["reason"] == "inputs changed"
    # another theme, the same words: the speech cache answers every sentence
    assert tax["speech"]["synthesized"] == 0 and tax["speech"]["cached"] > 0
    meta = json.loads((tmp_path / "out/tax.json").read_text(encoding="utf-8"))
    assert meta["theme"] == "gov-red"


# ---------------------------------------------------------------- fail fast, interrupt, usage


def test_fail_fast_starts_nothing_after_a_failure(tmp_path: Path) -> None:
    write_brief(tmp_path, BROKEN_BRIEF, "a-broken.yaml")
    write_brief(tmp_path, HOTLINE_BRIEF, "b-good.yaml")
    result = run("batch", ".", "--out", "out", "--tts", "none", "--preview", "--fail-fast",
                 "--report", "report.json", "--junit", "report.xml", cwd=tmp_path)
    assert result.returncode == 3
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert statuses(report) == {"a-broken.yaml": "failed", "b-good.yaml": "cancelled"}
    assert report["briefs"][1]["reason"] == "--fail-fast: a-broken.yaml failed"
    assert not (tmp_path / "out").exists()
    suite = ET.parse(tmp_path / "report.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("skipped") == "1"
    skipped = [c for c in suite.iter("testcase") if c.find("skipped") is not None]
    assert [c.get("name") for c in skipped] == ["b-good.yaml"]
    assert "1 not run" in result.stdout


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupted_batch_reports_and_leaves_no_half_written_video(tmp_path: Path,
                                                                    how: str) -> None:
    """Ctrl-C reaches every process; a CI system's SIGTERM reaches the main one only, which
    stops its workers."""
    write_brief(tmp_path, SHORT_BRIEF, "one.yaml")
    write_brief(tmp_path, ENGLISH_BRIEF, "two.yaml")
    proc = subprocess.Popen(
        [sys.executable, "-m", "policyclip", "batch", ".", "--out", "out", "--jobs", "2",
         "--tts", "espeak", "--progress", "jsonl", "--report", "report.json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env={**os.environ, "POLICYCLIP_CACHE_DIR": str(tmp_path / "c")})
    assert proc.stdout is not None
    for line in proc.stdout:
        if json.loads(line).get("message") == "encoding video":
            break
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    rest, errors = proc.communicate(timeout=120)
    assert proc.returncode == 130, errors
    assert "interrupted" in errors and "Traceback" not in errors
    events = [json.loads(line) for line in rest.splitlines()]
    assert events[-1]["event"] == "done" and events[-1]["exit_code"] == 130
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] is True and report["exit_code"] == 130
    assert set(statuses(report).values()) <= {"cancelled", "rendered"}
    rendered = {Path(e["outputs"]["video"]).name for e in report["briefs"]
                if e["status"] == "rendered"}
    out = tmp_path / "out"
    assert {p.name for p in out.glob("*.mp4")} == rendered if out.exists() else not rendered
    assert not list(tmp_path.rglob(".*.partial-*"))


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere"], "error: no such file or folder: nowhere"),
    (["empty"], "error: no briefs (*.yaml) found in empty"),
    (["a.yaml", "--shard", "3/2"], "error: --shard K/N needs 1 <= K <= N, got '3/2'"),
    (["a.yaml", "--shard", "half"], "error: --shard must look like K/N, e.g. 1/4, got 'half'"),
    (["a.yaml", "--jobs", "-1"], "error: --jobs must be 0 or more, got -1"),
    (["a.yaml", "--progress", "loud"],
     "error: --progress must be one of auto, rich, plain, jsonl, got 'loud'"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    write_brief(tmp_path, HOTLINE_BRIEF, "a.yaml")
    result = run("batch", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == message


def test_batch_help_names_its_options(tmp_path: Path) -> None:
    result = run("batch", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for word in ("--out", "--jobs", "--shard", "--report", "--junit", "--fail-fast", "--force",
                 "--progress", "--cache-dir", "PATH..."):
        assert word in result.stdout


# ---------------------------------------------------------------- finding briefs


def names(jobs: list[batches.BriefJob]) -> list[str]:
    return [job.name for job in jobs]


def test_folders_are_searched_recursively_but_not_themes_templates_or_hidden(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_folder(tmp_path)
    (tmp_path / "briefs" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "briefs" / "ci.yml").write_text("x", encoding="utf-8")  # CI config, not a brief
    jobs = batches.find_briefs(["briefs"])
    assert names(jobs) == ["broken.yaml", "en/small-firms.yaml", "hotline.yaml", "tax.yaml"]
    assert jobs[1].display == "briefs/en/small-firms.yaml"
    assert jobs[1].out_dir(Path("out")) == Path("out/en")


def test_globs_files_and_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_folder(tmp_path)
    found = batches.find_briefs(["briefs/**/*.yaml"])  # themes/ and templates/ left out
    assert names(found) == ["broken.yaml", "en/small-firms.yaml", "hotline.yaml", "tax.yaml"]
    assert names(batches.find_briefs(["briefs/*.yaml"])) == \
        ["broken.yaml", "hotline.yaml", "tax.yaml"]
    # a file given twice (directly and through its folder) is rendered once
    jobs = batches.find_briefs(["briefs/tax.yaml", "briefs", "./briefs/tax.yaml"])
    assert names(jobs).count("tax.yaml") == 1 and len(jobs) == 4
    with pytest.raises(UsageError, match="no briefs"):
        batches.find_briefs(["briefs/*.json"])


def test_two_briefs_that_would_overwrite_each_other_are_refused(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_brief(tmp_path / folder, HOTLINE_BRIEF, "same.yaml")
    with pytest.raises(UsageError, match="would both write same"):
        batches.find_briefs([str(tmp_path / "a/same.yaml"), str(tmp_path / "b/same.yaml")])
    # found through their common folder they keep their subfolders apart
    jobs = batches.find_briefs([str(tmp_path)])
    assert names(jobs) == ["a/same.yaml", "b/same.yaml"]


# ---------------------------------------------------------------- shards


def fake_jobs(count: int) -> list[batches.BriefJob]:
    return [batches.BriefJob(Path(f"b{i}.yaml"), f"dir{i % 7}/b{i}.yaml", f"b{i}")
            for i in range(count)]


@pytest.mark.parametrize("count", [0, 1, 5, 37, 200])
@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_shards_partition_the_briefs_evenly_whatever_the_order(count: int, n: int) -> None:
    jobs = fake_jobs(count)
    shuffled = jobs[:]
    random.Random(count * n).shuffle(shuffled)
    shards = [batches.select_shard(jobs, k, n) for k in range(1, n + 1)]
    assert shards == [batches.select_shard(shuffled, k, n) for k in range(1, n + 1)]
    everything = [job.name for shard in shards for job in shard]
    assert sorted(everything) == sorted(job.name for job in jobs)  # each exactly once
    sizes = [len(shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1


def test_shard_of_a_brief_depends_only_on_its_name() -> None:
    jobs = fake_jobs(10)
    moved = [batches.BriefJob(Path("/elsewhere") / job.path, job.name, "x") for job in jobs]
    assert names(batches.select_shard(jobs, 2, 3)) == names(batches.select_shard(moved, 2, 3))


# ---------------------------------------------------------------- up to date


def write_outputs(out: Path, digest: str, engine: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = {"video": "x.mp4", "srt": "x.srt", "metadata": "x.json"}
    (out / "x.mp4").write_bytes(b"video")
    (out / "x.srt").write_text("1", encoding="utf-8")
    (out / "x.json").write_text(json.dumps({"inputs_sha256": digest, "files": files,
                                            "speech": {"engine": engine, "voice": None}}),
                                encoding="utf-8")


def no_probe() -> str:
    raise AssertionError("asked the network although the engine was chosen")


def test_outputs_are_up_to_date_only_when_inputs_and_files_match(tmp_path: Path) -> None:
    espeak = pipeline.RenderOptions(tts="espeak")
    write_outputs(tmp_path, "abc", "espeak")
    assert batches.freshness("x", tmp_path, "abc", espeak, no_probe)[1] == "up to date"
    assert batches.freshness("x", tmp_path, "abd", espeak, no_probe) == (None, "inputs changed")
    assert batches.freshness("y", tmp_path, "abc", espeak, no_probe) == \
        (None, "no earlier outputs")
    (tmp_path / "x.srt").unlink()
    assert batches.freshness("x", tmp_path, "abc", espeak, no_probe) == (None, "missing x.srt")
    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    assert batches.freshness("x", tmp_path, "abc", espeak, no_probe)[0] is None


def test_a_fallback_render_is_redone_once_the_better_engine_works(tmp_path: Path) -> None:
    auto = pipeline.RenderOptions(tts="auto")
    write_outputs(tmp_path, "abc", "espeak")  # auto fell back to espeak
    assert batches.freshness("x", tmp_path, "abc", auto, lambda: "espeak")[1] == "up to date"
    meta, reason = batches.freshness("x", tmp_path, "abc", auto, lambda: "edge")
    assert meta is None and reason == "spoken by espeak as edge was unavailable; edge works now"
    write_outputs(tmp_path, "abc", "edge")  # the best there is: never asks
    assert batches.freshness("x", tmp_path, "abc", auto, no_probe)[1] == "up to date"


def test_force_renders_even_when_up_to_date(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, HOTLINE_BRIEF, "x.yaml")
    options = pipeline.RenderOptions(tts="espeak")
    job = batches.BriefJob(brief, "x.yaml", "x.yaml")
    write_outputs(tmp_path / "out", pipeline.fingerprint(brief, options)[1], "espeak")
    settings = batches.BatchSettings(tmp_path / "out", options)
    skipped, reason = batches.check_brief(job, settings)
    assert skipped is not None and skipped.status == "skipped" and reason == "up to date"
    forced = batches.BatchSettings(tmp_path / "out", options, force=True)
    assert batches.check_brief(job, forced) == (None, "--force")


# ---------------------------------------------------------------- exit codes


@pytest.mark.parametrize(("codes", "expected"), [
    ([], 0), ([3], 3), ([4, 4], 4), ([5], 5), ([4, 3, 5], 3), ([5, 4], 4), ([3, 1], 1)])
def test_exit_code_is_the_shared_or_smallest_failure_code(codes: list[int],
                                                           expected: int) -> None:
    results = [batches.BriefResult(f"b{i}", f"b{i}", "failed", error=batches.ErrorInfo(
        "E", code, "m", ("m",))) for i, code in enumerate(codes)]
    results.append(batches.BriefResult("ok", "ok", "rendered"))
    outcome = batches.BatchOutcome(tuple(results), 1, None, "", 0.0)
    assert outcome.exit_code == expected
    assert batches.BatchOutcome(tuple(results), 1, None, "", 0.0, interrupted=True
                                ).exit_code == 130


def test_ci_examples_call_batch_with_options_it_has() -> None:
    import re

    import typer
    import yaml

    from policyclip import cli

    group = typer.main.get_command(cli.app)
    known = {opt for param in group.commands["batch"].params  # type: ignore[attr-defined]
             for opt in param.opts}
    examples = sorted((Path(__file__).resolve().parents[1] / "examples" / "ci").glob("*.yml"))
    assert [p.name for p in examples] == ["github-actions.yml", "gitlab-ci.yml"]
    for path in examples:
        text = path.read_text(encoding="utf-8")
        assert isinstance(yaml.safe_load(text), dict)
        calls = re.findall(r"policyclip batch[^\n]*(?:\n +--[^\n]*)*", text)
        assert len(calls) == 1, path
        options = re.findall(r"(?<=\s)--[a-z-]+", calls[0])
        assert {"--shard", "--report", "--junit"} <= set(options) <= known
