"""The commands that check without rendering: `check` (briefs valid, estimated length), `lint`
(plain language and compliance) and `doctor` (this machine)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    AllowOutsideOpt,
    EstimateTtsOpt,
    FitOpt,
    MaxLengthOpt,
    RateOpt,
    TemplateOpt,
    ThemeOpt,
    _as_given,
    _check_options,
    _err,
    _guard,
)


def check(
    briefs: Annotated[list[Path], typer.Argument(help="Brief files to validate.",
                                                 show_default=False, metavar="BRIEF...")],
    template: TemplateOpt = None,
    theme: ThemeOpt = None,
    allow_outside_paths: AllowOutsideOpt = False,
    tts: EstimateTtsOpt = "auto",
    rate: RateOpt = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="Platform whose favoured length is shown, as for render.")] = None,
    max_length: MaxLengthOpt = None,
    fit: FitOpt = None,
) -> None:
    """Validate briefs (and run their template) without rendering; report every problem, and
    each brief's estimated length (nothing is synthesized). Exits 0 when all are valid, 3
    otherwise."""
    from .. import estimate, pipeline

    _check_options(tts, rate, platform)
    options = pipeline.RenderOptions(tts=tts, rate=rate, template=template, theme=theme,
                                     platform=platform, allow_outside_paths=allow_outside_paths)

    def check_one(path: Path) -> tuple[pipeline.Prepared, str]:
        prepared = pipeline.prepare(path, options)
        fitted = pipeline.fit_length(prepared, options, fit) if fit is not None else None
        predicted = pipeline.check_length(prepared, options, None)
        if fitted is not None and max_length is not None:
            pipeline.check_length(fitted.prepared, fitted.options, max_length)
        elif max_length is not None:
            pipeline.check_length(prepared, options, max_length)
        line = estimate.describe(predicted, prepared.platform.favoured_max_s,
                                 prepared.platform.name)
        did = fitted.summary(fit) if fitted is not None and fit is not None else None
        return prepared, f"{line}; {did}" if did else line

    failed = 0
    for path in briefs:
        try:
            prepared, length = _guard(lambda p=path: check_one(p), path)  # type: ignore[misc]
            for message in prepared.warnings:
                _err(f"warning: {_as_given(message, path)}")
            print(f"ok: {path}: {length}")
        except typer.Exit as exc:
            failed += 1
            if exc.exit_code != EXIT_INPUT:
                raise
    if failed:
        _err(f"{failed} of {len(briefs)} brief(s) have problems")
        raise typer.Exit(EXIT_INPUT)


def lint(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Brief files, folders (searched like batch does) and globs.", show_default=False,
        metavar="BRIEF...")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text (file:line: severity RULE: "
                                     "message; suggestion) or json.")] = "text",
    fail_on: Annotated[str, typer.Option(
        "--fail-on", help="Exit 3 when a finding is at least this severe: error, warning or "
        "info.")] = "error",
    config: Annotated[Path | None, typer.Option(
        "--config", help="Lint settings (YAML): sentence limits, disabled rules, severities, "
        "extra terms; see docs/lint.md.", show_default=False)] = None,
    disable: Annotated[list[str] | None, typer.Option(
        "--disable", help="Turn a rule off (repeatable), e.g. --disable PL-VAGUE.",
        show_default=False)] = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="Check title, hashtags and length for this platform. Default: the "
        "brief's render.platform, else douyin.")] = None,
    template: TemplateOpt = None,
    theme: ThemeOpt = None,
    tts: EstimateTtsOpt = "auto",
    rate: RateOpt = None,
    rules: Annotated[bool, typer.Option("--rules", help="List the rules and exit.")] = False,
) -> None:
    """Check briefs for plain language and compliance before anything renders: long spoken
    sentences, officialese, hedges, jargon, vague points, document facts, platform limits and
    the AI label. Exits 0 unless a finding reaches --fail-on (then 3), or a brief cannot be read
    (reported as check does, exit 3)."""
    import json
    from dataclasses import replace

    from .. import lint as linting

    if rules:
        for entry in linting.RULES.values():
            only = " (Chinese briefs)" if entry.chinese_only else ""
            print(f"{entry.id:<15} {entry.severity:<8} {entry.title}{only}")
        return
    if fmt not in ("text", "json"):
        _err(f"error: --format must be text or json, got '{fmt}'")
        raise typer.Exit(EXIT_USAGE)
    if fail_on not in linting.SEVERITIES:
        _err(f"error: --fail-on must be error, warning or info, got '{fail_on}'")
        raise typer.Exit(EXIT_USAGE)
    unknown = [rule for rule in disable or [] if rule not in linting.RULES]
    if unknown:
        _err(f"error: --disable: unknown rule {', '.join(unknown)} "
             f"(rules: {', '.join(linting.RULES)})")
        raise typer.Exit(EXIT_USAGE)
    if not paths:
        _err("error: give at least one brief, folder or glob (or --rules)")
        raise typer.Exit(EXIT_USAGE)
    _check_options(tts, rate, platform)
    settings = linting.LintConfig(platform=platform, template=template, theme=theme, tts=tts,
                                  rate=rate)
    if config is not None:
        settings = _guard(lambda: linting.load_config(config, settings))
    settings = replace(settings, disabled=settings.disabled | frozenset(disable or []))
    jobs = [(path, shown) for path, shown in _guard(lambda: _lint_targets(paths))
            if config is None or path.resolve() != config.resolve()]  # settings in the folder
    findings: list[linting.Finding] = []
    unreadable = 0
    for path, display in jobs:
        try:
            found = _guard(lambda p=path, d=display: linting.lint_brief(  # type: ignore[misc]
                p, settings, d))
        except typer.Exit as exc:
            if exc.exit_code != EXIT_INPUT:
                raise
            unreadable += 1
            continue
        findings += found
        if fmt == "text":
            for finding in found:
                print(finding.text())
    if fmt == "json":
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    tally = linting.counts(findings)
    parts = [f"{count} {severity}" for severity, count in tally.items()]
    unread = f", {unreadable} could not be read" if unreadable else ""
    _err(f"{len(jobs)} brief(s): {', '.join(parts)}{unread}")
    if unreadable or linting.reaches(findings, fail_on):
        raise typer.Exit(EXIT_INPUT)


def _lint_targets(args: list[str]) -> list[tuple[Path, str]]:
    """(path, name shown) of each brief: a file argument as given (a missing one is reported
    as check does), folders and globs searched as batch does."""
    import glob

    from .. import batch as batches

    targets: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for arg in args:
        if glob.has_magic(arg) or Path(arg).is_dir():
            found = [(job.path, job.display) for job in batches.find_briefs([arg])]
        else:
            found = [(Path(arg), arg)]
        for path, display in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                targets.append((path, display))
    return targets


def doctor() -> None:
    """Check speech engines, fonts, ffmpeg and the edge service; say how to fix what is missing.
    Exits 0 when an offline render can work, 3 otherwise."""
    from .. import doctor as checks

    required_ok = True
    for result in _guard(checks.run_checks):
        mark = "ok  " if result.ok else ("MISS" if result.required else "warn")
        print(f"[{mark}] {result.name}: {result.detail}")
        if not result.ok and result.fix:
            print(f"       fix: {result.fix}")
        required_ok &= result.ok or not result.required
    raise typer.Exit(EXIT_OK if required_ok else EXIT_INPUT)
