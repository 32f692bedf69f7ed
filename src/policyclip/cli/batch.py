"""`policyclip batch`: render many briefs, in parallel, with reports."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    EXIT_USAGE,
    AllowOutsideOpt,
    CacheDirOpt,
    FitOpt,
    MaxLengthOpt,
    MotionOpt,
    NoCacheOpt,
    PackageOpt,
    ProgressOpt,
    RateOpt,
    TemplateOpt,
    VoiceOpt,
    _check_options,
    _err,
    _guard,
    _sink,
)

if TYPE_CHECKING:
    from .. import batch, pipeline


def batch_command(
    paths: Annotated[list[str], typer.Argument(
        help="Brief files, folders (searched recursively for *.yaml and *.yml) and globs such "
        "as 'briefs/**/*.yaml'.", show_default=False, metavar="PATH...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder; a brief found in a "
                                      "subfolder renders into the same subfolder.")]
    = Path("out"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Briefs rendered at once, each in "
                                      "its own process; 0: one per CPU.")] = 1,
    shard: Annotated[str | None, typer.Option(
        "--shard", help="K/N: render only shard K of N (a stable 1/N of the briefs, chosen by "
        "the hash of each brief's path), for a CI matrix of N machines.",
        show_default=False)] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write a JSON report here.", show_default=False)] = None,
    junit: Annotated[Path | None, typer.Option(
        "--junit", help="Write JUnit XML here (one test case per brief).",
        show_default=False)] = None,
    fail_fast: Annotated[bool, typer.Option(
        "--fail-fast", help="Start no new brief after one fails.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Render even the briefs whose outputs are up to date.")] = False,
    tts: Annotated[str, typer.Option("--tts", help="Speech engine, as for render.")] = "auto",
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    template: TemplateOpt = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Theme, as for render.")] = None,
    preview: Annotated[bool, typer.Option(
        "--preview", help="Fast low-resolution previews (540x960, 15 fps).")] = False,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="Platform preset, as for render. Default: each brief's "
        "render.platform, else douyin.")] = None,
    allow_outside_paths: AllowOutsideOpt = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Only print warnings, failures and the summary.")] = False,
    progress_mode: ProgressOpt = "auto",
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    motion: MotionOpt = None,
    max_length: MaxLengthOpt = None,
    fit: FitOpt = None,
    lint: Annotated[bool, typer.Option(
        "--lint", help="Also lint every brief (as policyclip lint): findings go into the "
        "summary and the reports; an error-level finding makes the exit code 3.")] = False,
    lint_config: Annotated[Path | None, typer.Option(
        "--lint-config", help="Lint settings file for --lint (see docs/lint.md).",
        show_default=False)] = None,
    package: PackageOpt = False,
) -> None:
    """Render many briefs; skip those whose outputs are up to date. A failed brief does not stop
    the others. Exits 0 when none failed; else the failed briefs' exit code when they agree, or
    the smallest of them when they differ (1 bug, 3 bad input, 4 speech, 5 render); 130 when
    interrupted. Reports are written in every case."""
    from .. import batch as batches
    from .. import pipeline, reports
    from ..cache import resolve_cache_dir

    _check_options(tts, rate, platform, motion)
    if jobs < 0:
        _err(f"error: --jobs must be 0 or more, got {jobs}")
        raise typer.Exit(EXIT_USAGE)
    part = _guard(lambda: batches.parse_shard(shard)) if shard else None
    found = _guard(lambda: batches.find_briefs(paths))
    selected = batches.select_shard(found, *part) if part else found
    options = pipeline.RenderOptions(tts=tts, voice=voice, rate=rate, template=template,
                                     theme=theme, preview=preview, platform=platform,
                                     allow_outside_paths=allow_outside_paths,
                                     cache_dir=resolve_cache_dir(cache_dir, no_cache),
                                     motion=motion, package=package, max_length_s=max_length,
                                     fit_s=fit)
    settings = batches.BatchSettings(out, options, force)
    findings = _batch_lint(selected, lint, lint_config, options)
    workers = jobs or os.cpu_count() or 1
    sink = _sink(progress_mode, quiet, batch=True)
    try:
        outcome = _guard(lambda: batches.run_batch(selected, settings, workers=workers,
                                                   fail_fast=fail_fast, emit=sink.emit,
                                                   shard=shard))
    finally:
        sink.close()
    if report is not None:
        data = reports.report_data(outcome, out=out, options={
            "tts": tts, "voice": voice, "rate": rate, "template": template, "theme": theme,
            "preview": preview, "platform": platform, "force": force, "fail_fast": fail_fast,
            "motion": motion,
            "package": package,
            "max_length": max_length, "fit": fit,
            "cache_dir": None if options.cache_dir is None else str(options.cache_dir),
            "lint": lint}, lint=findings)
        _guard(lambda: reports.write_json_report(report, data))
    if junit is not None:
        _guard(lambda: reports.write_junit(junit, outcome, findings))
    summary = sys.stderr if progress_mode == "jsonl" else sys.stdout
    for line in [*batches.summary_lines(outcome),
                 *(batches.lint_lines(findings) if findings is not None else [])]:
        print(line, file=summary)
    if outcome.interrupted:
        _err("error: interrupted; no output was left half-written")
    raise typer.Exit(batches.final_exit_code(outcome, findings))


def _batch_lint(selected: list[batch.BriefJob], enabled: bool, config: Path | None,
                options: pipeline.RenderOptions) -> batch.LintResults | None:
    """`batch --lint`: every selected brief's findings, before any render (None: not asked)."""
    from .. import batch as batches
    from .. import lint as linting

    if not enabled:
        if config is not None:
            _err("error: --lint-config needs --lint")
            raise typer.Exit(EXIT_USAGE)
        return None
    settings = linting.LintConfig(template=options.template, theme=options.theme,
                                  platform=options.platform, tts=options.tts, rate=options.rate)
    if config is not None:
        settings = _guard(lambda: linting.load_config(config, settings))
    return batches.lint_jobs(selected, settings)
