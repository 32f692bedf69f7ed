"""The command line. The only module that knows about Typer, the terminal and exit codes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from . import __version__, interrupts, progress
from .cache import resolve_cache_dir
from .errors import PolicyclipError

if TYPE_CHECKING:
    from PIL import Image

    from . import batch, pipeline

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_INPUT, EXIT_SPEECH, EXIT_RENDER = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="policyclip",
    help="Turn a YAML policy brief into a captioned vertical short video.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}
T = TypeVar("T")


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _as_given(line: str, brief: Path | None) -> str:
    """A message about `brief` naming it as the user typed it (`examples/a.yaml:3: ...`), not
    by its bare file name, so that it matches the `ok:` lines and one of two briefs.yaml."""
    if brief is not None and line.startswith(f"{brief.name}:") and str(brief) != brief.name:
        return f"{brief}{line[len(brief.name):]}"
    return line


def _guard(action: Callable[[], T], brief: Path | None = None) -> T:
    """Run a command body; map errors to `error:`/`hint:` lines and exit codes."""
    try:
        return action()
    except KeyboardInterrupt:
        _interrupted()
    except typer.Exit:
        raise
    except Exception as exc:
        if interrupts.received():  # a child stopped by the same Ctrl-C failed first
            _interrupted()
        _fail(exc, brief)


def _fail(exc: Exception, brief: Path | None) -> NoReturn:
    """Print why a command failed and exit with its code."""
    if isinstance(exc, PolicyclipError):
        if _state["debug"]:
            traceback.print_exc()
        for line in exc.lines():
            _err(f"error: {_as_given(line, brief)}")
        if exc.hint:
            _err(f"hint: {exc.hint}")
        raise typer.Exit(exc.exit_code) from None
    if isinstance(exc, subprocess.TimeoutExpired):  # a program run without our own timeout
        name = Path(str(exc.cmd[0] if isinstance(exc.cmd, list | tuple) else exc.cmd)).name
        _err(f"error: {name} did not finish within {exc.timeout:g} s")
        raise typer.Exit(EXIT_RENDER) from None
    if _state["debug"]:
        raise exc
    _err(f"error: internal error: {type(exc).__name__}: {exc}")
    _err("hint: this is a bug in policyclip; rerun with --debug and report the traceback")
    raise typer.Exit(EXIT_BUG) from None


def _interrupted() -> NoReturn:
    """Ctrl-C or SIGTERM stopped the command: say so and exit 130."""
    _err("error: interrupted; no output was left half-written")
    raise typer.Exit(EXIT_INTERRUPTED) from None


def _StderrReporter(quiet: bool) -> progress.BriefReporter:  # the name of the old class
    """Plain `policyclip: <stage>` lines on stderr (warnings always, stages unless quiet)."""
    sink = progress.LineSink(sys.stderr, quiet=quiet, live_percent=sys.stderr.isatty())
    return progress.BriefReporter(sink.emit, "")


def _sink(mode: str, quiet: bool, batch: bool) -> progress.Sink:
    """The progress display for --progress MODE (jsonl events go to stdout, the rest to stderr)."""
    if mode not in progress.MODES:
        _err(f"error: --progress must be one of {', '.join(progress.MODES)}, got '{mode}'")
        raise typer.Exit(EXIT_USAGE)
    return progress.make_sink(mode, stdout=sys.stdout, stderr=sys.stderr, quiet=quiet,
                              batch=batch)


def _check_options(tts: str, rate: str | None, platform: str | None = None,
                   motion: str | None = None) -> None:
    """Refuse an unknown --tts, --platform or --motion or a malformed --rate as a usage error
    (exit 2)."""
    from . import platforms, speech
    from .motion import MOTION_PRESETS

    if motion is not None and motion not in MOTION_PRESETS:
        _err(f"error: --motion must be one of {', '.join(MOTION_PRESETS)}, got '{motion}'")
        raise typer.Exit(EXIT_USAGE)
    if platform is not None and platform not in platforms.PLATFORMS:
        _err(f"error: --platform must be one of {', '.join(platforms.PLATFORMS)}, "
             f"got '{platform}'")
        raise typer.Exit(EXIT_USAGE)
    if tts not in speech.ENGINES:
        _err(f"error: --tts must be one of {', '.join(speech.ENGINES)}, got '{tts}'")
        raise typer.Exit(EXIT_USAGE)
    if rate is not None and not speech.valid_rate(rate):
        _err(f"error: --rate must look like +10% or -5%, got '{rate}'")
        raise typer.Exit(EXIT_USAGE)


def _version(value: bool) -> None:
    if value:
        print(f"policyclip {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Turn a YAML policy brief into a captioned vertical short video.

    Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input (brief, template, theme, files),
    4 speech failed, 5 render or export failed, 130 interrupted.
    """
    _state["debug"] = debug


BriefArg = Annotated[Path, typer.Argument(help="The policy brief (YAML).", show_default=False,
                                           metavar="BRIEF")]
TemplateOpt = Annotated[str | None, typer.Option(
    "--template", help="Template name (explainer) or path to a .j2 file. "
    "Default: the brief's render.template, else explainer.")]
ThemeOpt = Annotated[str | None, typer.Option(
    "--theme", help="Theme name (default, gov-red) or path to a theme .yaml file. Default: the "
    "brief's render.theme, else default.")]
AllowOutsideOpt = Annotated[bool, typer.Option(
    "--allow-outside-paths", help="Let the brief reference files outside its own folder.")]
ProgressOpt = Annotated[str, typer.Option(
    "--progress", help="auto (a live display on a terminal, plain lines otherwise), rich, "
    "plain, or jsonl (one JSON event per line on stdout; see docs/batch.md).")]
CacheDirOpt = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Speech cache folder. Default: $POLICYCLIP_CACHE_DIR, else the user's "
    "cache folder (~/.cache/policyclip on Linux).", show_default=False)]
RateOpt = Annotated[str | None, typer.Option(
    "--rate", help="Speaking rate like +10% or -5%. Default: the brief's render.rate.")]
VoiceOpt = Annotated[str | None, typer.Option("--voice", help="Voice, as for render.")]
EstimateTtsOpt = Annotated[str, typer.Option(
    "--tts", help="Speech engine the length is estimated for, as for render (auto: the one a "
    "render would start with now).")]
MotionOpt = Annotated[str | None, typer.Option(
    "--motion", help="none, subtle or lively: how much moves (cards entering, captions "
    "appearing, key figures counting up). Default: the theme's motion.preset, else subtle.",
    show_default=False)]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Synthesize all speech again; neither read nor write the speech cache.")]
PackageOpt = Annotated[bool, typer.Option(
    "--package", help="Also write <stem>.package/, the cut for an editor: OpenTimelineIO, "
    "FCP7 XML (Premiere, Resolve), a 剪映 draft (experimental), with its media. See "
    "docs/package.md.")]
FitOpt = Annotated[float | None, typer.Option(
    "--fit", min=1, metavar="SECONDS", show_default=False,
    help="Make a brief estimated longer than SECONDS fit: a faster --rate up to +25% if that "
    "alone does, else leave out the FAQ after the first (from the last), then the steps, "
    "speaking faster if still needed; says what it did. Exit 3 when it cannot fit.")]
MaxLengthOpt = Annotated[float | None, typer.Option(
    "--max-length", min=1, metavar="SECONDS", show_default=False,
    help="Refuse (exit 3, before any slow work) a brief whose estimated length is over "
    "SECONDS, naming the scenes that cost the most and what would make it fit.")]
VoiceoverOpt = Annotated[Path | None, typer.Option(
    "--voiceover", help="A recorded voice-over instead of synthesized speech: one audio file "
    "(wav, mp3, m4a, flac, ogg) of the whole script read aloud, or a folder of one file per "
    "sentence named by its number on the recording sheet (001.wav, ...). Default: the "
    "brief's render.voiceover.", show_default=False, metavar="TAKE")]


@app.command()
def render(
    brief: BriefArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
    tts: Annotated[str, typer.Option(
        "--tts", help="Speech engine: auto (edge if its service answers, else espeak), "
        "edge (online), espeak (offline), none (captions only, timed by reading speed).",
    )] = "auto",
    voice: Annotated[str | None, typer.Option(
        "--voice", help="Voice of the chosen engine, e.g. zh-CN-YunxiNeural (edge) or "
        "cmn-latn-pinyin (espeak). Default: the brief's render.voice, else per language.")] = None,
    rate: RateOpt = None,
    template: TemplateOpt = None,
    theme: Annotated[str | None, typer.Option(
        "--theme", help="Theme name (default, gov-red) or path to a theme .yaml file.")] = None,
    preview: Annotated[bool, typer.Option(
        "--preview", help="Fast low-resolution preview (540x960, 15 fps).")] = False,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="douyin, kuaishou, channels, bilibili or generic: upload-form "
        "limits, hashtags, cover shape, length warning. Default: the brief's render.platform, "
        "else douyin.")] = None,
    music: Annotated[Path | None, typer.Option(
        "--music", help="Background music (mp3, m4a, wav, ogg, ...) instead of the brief's "
        "render.music: looped or trimmed to the video, faded, ducked under the narration.",
        show_default=False)] = None,
    allow_outside_paths: AllowOutsideOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print warnings and errors.")]
    = False,
    progress_mode: ProgressOpt = "auto",
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    motion: MotionOpt = None,
    package: PackageOpt = False,
    max_length: MaxLengthOpt = None,
    fit: FitOpt = None,
    voiceover: VoiceoverOpt = None,
) -> None:
    """Render BRIEF into OUT/<stem>.mp4 with .srt, .vtt, .script.txt, .json, .timeline.json and
    .cover.jpg beside it (and <stem>.package/ with --package). Outputs appear only when
    complete."""
    from . import batch, pipeline
    from .cache import resolve_cache_dir

    _check_options(tts, rate, platform, motion)
    options = pipeline.RenderOptions(tts=tts, voice=voice, rate=rate, template=template,
                                     theme=theme, preview=preview, platform=platform,
                                     music=music, allow_outside_paths=allow_outside_paths,
                                     cache_dir=resolve_cache_dir(cache_dir, no_cache),
                                     motion=motion, package=package, max_length_s=max_length,
                                     fit_s=fit, voiceover=voiceover)
    sink = _sink(progress_mode, quiet, batch=False)
    try:
        result = _guard(lambda: batch.render_one(brief, out, options, sink.emit), brief)
    finally:
        sink.close()
    if progress_mode == "jsonl":
        return
    seconds = result.timeline.duration_ms / 1000
    print(f"{result.outputs['video']}  ({seconds:.1f} s, speech: {result.timeline.engine}"
          f"{' ' + result.timeline.voice if result.timeline.voice else ''})")


@app.command()
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
    from . import estimate, pipeline

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


@app.command()
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

    from . import lint as linting

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

    from . import batch as batches

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


@app.command()
def script(
    brief: BriefArg,
    template: TemplateOpt = None,
    theme: ThemeOpt = None,
    cues: Annotated[bool, typer.Option("--cues", help="Also show each sentence's caption cues, "
                                       "one per line, with ' / ' between a cue's two lines.")]
    = False,
    allow_outside_paths: AllowOutsideOpt = False,
    sheet: Annotated[bool, typer.Option(
        "--sheet", help="Print the recording sheet for a voice-over instead: the sentences to "
        "read, numbered and grouped by scene, exactly as captioned, each with its estimated "
        "time.")] = False,
    sheet_format: Annotated[str, typer.Option(
        "--sheet-format", help="text, markdown or html (a page to print).")] = "text",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the script (or sheet) to this file instead of printing it.",
        show_default=False)] = None,
) -> None:
    """Print the narration script that a render would speak (no speech, no video), or with
    --sheet the recording sheet an announcer reads a voice-over from."""
    from . import pipeline
    from . import sheet as sheets

    if sheet_format not in sheets.FORMATS:
        _err(f"error: --sheet-format must be one of {', '.join(sheets.FORMATS)}, "
             f"got '{sheet_format}'")
        raise typer.Exit(EXIT_USAGE)
    options = pipeline.RenderOptions(template=template, theme=theme,
                                     allow_outside_paths=allow_outside_paths)
    # The sheet comes before the recording: a take the brief names need not exist yet.
    prepared = _guard(lambda: pipeline.prepare(brief, options,
                                               without=[("render", "voiceover")]), brief)
    for message in prepared.warnings:
        _err(f"warning: {_as_given(message, brief)}")
    written, sentences = prepared.script, prepared.sentences
    if sheet:
        parts = sheets.sheet_parts(prepared.brief, written, sentences)
        _emit(sheets.render_sheet(prepared.brief.title, parts, sheet_format), out)
        return
    if out is not None:
        _emit(written.text(), out)
        return
    if not cues:
        print(written.text(), end="")
        return
    for index, scene in enumerate(written.scenes):
        ref = "" if scene.ref is None else f" {scene.ref}"
        print(f"@scene {scene.card}{ref}")
        for sentence in (s for s in sentences if s.scene == index):
            for cue in sentence.cues:
                print("  " + " / ".join(cue.lines))


@app.command()
def captions(
    brief: BriefArg,
    tts: Annotated[str, typer.Option(
        "--tts", help="Speech engine used to time the cues (as for render).")] = "auto",
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    template: TemplateOpt = None,
    theme: ThemeOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="text (times, scene and lines), srt or "
                                     "vtt.")] = "text",
    allow_outside_paths: AllowOutsideOpt = False,
    voiceover: VoiceoverOpt = None,
) -> None:
    """Print the caption cues with their times and line breaks, without rendering a video.
    The narration is synthesized to time them (fast with espeak or none), then discarded."""
    from . import export, pipeline

    _check_options(tts, rate)
    if fmt not in ("text", "srt", "vtt"):
        _err(f"error: --format must be text, srt or vtt, got '{fmt}'")
        raise typer.Exit(EXIT_USAGE)
    options = pipeline.RenderOptions(tts=tts, voice=voice, rate=rate, template=template,
                                     theme=theme, allow_outside_paths=allow_outside_paths,
                                     cache_dir=resolve_cache_dir(None), voiceover=voiceover)
    timeline = _guard(lambda: pipeline.caption_timeline(brief, options, _StderrReporter(True)),
                      brief)
    if fmt != "text":
        print(export.subtitles(timeline.cues, fmt), end="")
        return
    for cue in timeline.cues:
        scene = timeline.scenes[cue.scene]
        card = scene.card if scene.ref is None else f"{scene.card} {scene.ref}"
        print(f"{_clock(cue.start_ms)} --> {_clock(cue.end_ms)}  [{card}]")
        for line in cue.lines:
            print(f"  {line}")


def _emit(text: str, out: Path | None) -> None:
    """Print `text`, or write it to `out` atomically and print the file's name."""
    if out is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    from .errors import RenderError
    from .files import write_atomic

    def write() -> None:
        try:
            write_atomic(out, text.encode("utf-8"))
        except OSError as exc:
            raise RenderError(f"cannot write {out}: {exc.strerror or exc}") from None

    _guard(write)
    print(out)


def _clock(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


@app.command()
def say(
    text: Annotated[str, typer.Argument(help="The words to read, as a brief would write them.",
                                        show_default=False)],
    tts: Annotated[str, typer.Option("--tts", help="Speech engine, as for render.")] = "auto",
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    language: Annotated[str | None, typer.Option(
        "--language", help="zh-CN, en-US, ...; default: the brief's, else zh-CN when TEXT has "
        "Chinese characters, else en-US.", show_default=False)] = None,
    brief: Annotated[Path | None, typer.Option(
        "--brief", help="Use this brief's pronounce: map, its folder's pronounce.yaml and its "
        "language.", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="WAV file to write. Default: say.wav, unless --show is given.",
        show_default=False)] = None,
    show: Annotated[bool, typer.Option(
        "--show", help="Print the text after pronunciation fixes and number reading, the "
        "fixes used and espeak-ng's phonemes; write audio only with -o.")] = False,
) -> None:
    """Read TEXT as a render would, to hear or inspect it: pronunciation fixes (built-in,
    ./pronounce.yaml, the brief's), then numbers and symbols written out."""
    import re

    from . import brief as briefs
    from . import speech
    from .speech import pronounce

    _check_options(tts, rate)

    def run() -> speech.Reading:
        written = briefs.load_brief(brief) if brief else None
        lang = language or (written.language if written else None) or (
            "zh-CN" if re.search(r"[\u3400-\u9fff]", text) else "en-US")
        given = pronounce.given_for(written.path.parent if written else None,
                                    written.pronounce if written else {})
        target = out if out is not None or show else Path("say.wav")
        return speech.say(text, engine=tts, language=lang,
                          voice=voice or (written.render.voice if written else None),
                          rate=rate or (written.render.rate if written else None) or "+0%",
                          pronounce_map=given, out=target)

    reading = _guard(run)
    if show:
        print(f"written:    {reading.written}")
        fixes = ", ".join(f"{w} -> {r}" for w, r in reading.fixes) or "none"
        print(f"fixes:      {fixes}")
        print(f"pronounced: {reading.pronounced}")
        print(f"spoken:     {reading.spoken}")
        if reading.phonemes is not None:
            print(f"phonemes:   {reading.phonemes}")
    if reading.duration_ms is not None:
        target = out or Path("say.wav")
        print(f"{target}  ({reading.duration_ms / 1000:.1f} s, speech: {reading.engine}"
              f"{' ' + reading.voice if reading.voice else ''})")


@app.command()
def doctor() -> None:
    """Check speech engines, fonts, ffmpeg and the edge service; say how to fix what is missing.
    Exits 0 when an offline render can work, 3 otherwise."""
    from . import doctor as checks

    required_ok = True
    for result in _guard(checks.run_checks):
        mark = "ok  " if result.ok else ("MISS" if result.required else "warn")
        print(f"[{mark}] {result.name}: {result.detail}")
        if not result.ok and result.fix:
            print(f"       fix: {result.fix}")
        required_ok &= result.ok or not result.required
    raise typer.Exit(EXIT_OK if required_ok else EXIT_INPUT)


def _save_image(image: Image.Image, out: Path) -> None:
    """Save a picture as PNG atomically (a temporary name, then a rename)."""
    import io

    from .errors import RenderError
    from .files import write_atomic

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    try:
        write_atomic(out, buffer.getvalue())
    except OSError as exc:
        raise RenderError(f"cannot write {out}: {exc.strerror or exc}") from None


def _picture_command(
    brief: Path, out: Path, tts: str, template: str | None, theme: str | None,
    allow_outside_paths: bool,
    draw: Callable[[Path, pipeline.RenderOptions], Image.Image],
    motion: str | None = None,
    voiceover: Path | None = None,
) -> None:
    """What frame and storyboard share: check --tts, draw with the pipeline, save, print."""
    from . import pipeline

    _check_options(tts, None, motion=motion)
    options = pipeline.RenderOptions(tts=tts, template=template, theme=theme,
                                     allow_outside_paths=allow_outside_paths,
                                     cache_dir=resolve_cache_dir(None), motion=motion,
                                     voiceover=voiceover)
    image = _guard(lambda: draw(brief, options), brief)
    _guard(lambda: _save_image(image, out))
    print(out)


TtsOpt = Annotated[str, typer.Option("--tts", help="Speech engine that times the video "
                                     "(as for render).")]


@app.command()
def frame(
    brief: BriefArg,
    at: Annotated[float, typer.Option("--at", help="Time in seconds.", min=0)] = 0.0,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")]
    = Path("frame.png"),
    tts: TtsOpt = "auto",
    template: TemplateOpt = None,
    theme: ThemeOpt = None,
    allow_outside_paths: AllowOutsideOpt = False,
    motion: MotionOpt = None,
    voiceover: VoiceoverOpt = None,
) -> None:
    """Write the full-size frame a render would show at --at seconds (mid-animation
    included), without encoding."""
    from . import pipeline

    _picture_command(brief, out, tts, template, theme, allow_outside_paths,
                     lambda path, options: pipeline.still_frame(
                         path, options, round(at * 1000), _StderrReporter(True)),
                     motion=motion, voiceover=voiceover)


@app.command()
def storyboard(
    brief: BriefArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")]
    = Path("storyboard.png"),
    tts: TtsOpt = "auto",
    template: TemplateOpt = None,
    theme: ThemeOpt = None,
    allow_outside_paths: AllowOutsideOpt = False,
    voiceover: VoiceoverOpt = None,
) -> None:
    """Write one picture with a thumbnail of every scene (as it looks once its effects have
    finished), its times and its captions."""
    from . import pipeline

    _picture_command(brief, out, tts, template, theme, allow_outside_paths,
                     lambda path, options: pipeline.storyboard(
                         path, options, _StderrReporter(True)), voiceover=voiceover)


@app.command("import")
def import_command(
    source: Annotated[str, typer.Argument(
        help="A saved web page (.html, .htm), an http(s) address, a Word document (.docx), "
        "Markdown (.md) or plain text (.txt, e.g. a pasted WeChat article).",
        show_default=False, metavar="SOURCE")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Brief file to write. Default: print the brief on standard output.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing brief.")] = False,
) -> None:
    """Draft a brief from an article: every value is the article's own text, with a comment
    saying where it came from; standard error sums up what was found, guessed and dropped.
    Review it, then run `policyclip check`. Exits 3 when the source cannot be read."""
    from . import importer
    from .errors import InputError

    if out is not None and out.exists() and not force:
        _guard(lambda: _raise(InputError(f"{out} already exists",
                                         hint="pass --force to overwrite it")))
    result = _guard(lambda: importer.import_source(source))
    for line in result.report:
        _err(f"import: {line}")
    if out is None:
        print(result.yaml, end="")
        return
    _guard(lambda: _write_brief(out, result.yaml))
    _err(f"import: wrote {out}; review the comments, then run: policyclip check {out}")


def _raise(error: Exception) -> None:
    raise error


def _write_brief(out: Path, text: str) -> None:
    """Write the drafted brief atomically (a temporary name, then a rename)."""
    from .errors import InputError
    from .files import write_atomic

    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None


templates_app = typer.Typer(help="List, show and copy narration templates.",
                            no_args_is_help=True)
themes_app = typer.Typer(help="List, show and copy themes.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")
app.add_typer(themes_app, name="themes")


@templates_app.command("list")
def templates_list() -> None:
    """List templates: built-ins, and those in ./templates that override or add to them."""
    from . import script as scripts

    for info in _guard(scripts.list_templates):
        languages = ", ".join(".".join(f.name.split(".")[1:-1]) or "any" for f in info.files)
        print(f"{info.name:<12} [{languages}]  {info.description}  ({info.files[0].parent})")


@templates_app.command("show")
def templates_show(
    name: Annotated[str, typer.Argument(help="Template name.", show_default=False)],
    language: Annotated[str, typer.Option("--language", help="Brief language.")] = "zh-CN",
) -> None:
    """Print a template's source for a language."""
    from . import script as scripts

    path = _guard(lambda: scripts.find_template(name, language, None))
    text = _guard(lambda: scripts.read_template(path))
    print(f"# {path}")
    print(text, end="")


@templates_app.command("copy")
def templates_copy(
    name: Annotated[str, typer.Argument(help="Template to copy.", show_default=False)],
    dest: Annotated[Path, typer.Argument(help="Folder to copy into, e.g. ./templates.",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy a template (every language) into DEST to start a custom one. A copy kept in
    ./templates or in templates/ beside a brief overrides the built-in of the same name."""
    from . import script as scripts

    for path in _guard(lambda: scripts.copy_template(name, dest, overwrite=force)):
        print(path)


@themes_app.command("list")
def themes_list() -> None:
    """List themes: built-ins, and those in ./themes."""
    from . import theme as themes

    for name, path in themes.list_themes():
        print(f"{name:<12} ({path})")


@themes_app.command("show")
def themes_show(
    name: Annotated[str, typer.Argument(help="Theme name or path.", show_default=False)],
) -> None:
    """Print a theme file."""
    from . import theme as themes

    path = _guard(lambda: themes.find_theme(name, None))
    text = _guard(lambda: themes.read_theme_text(path))
    print(f"# {path}")
    print(text, end="")


@themes_app.command("copy")
def themes_copy(
    name: Annotated[str, typer.Argument(help="Theme to copy.", show_default=False)],
    dest: Annotated[Path, typer.Argument(help="Folder to copy into, e.g. ./themes.",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Copy a theme into DEST to start a custom one."""
    from . import theme as themes

    print(_guard(lambda: themes.copy_theme(name, dest, overwrite=force)))


@app.command("batch")
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
    from . import batch as batches
    from . import pipeline, reports
    from .cache import resolve_cache_dir

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
    from . import batch as batches
    from . import lint as linting

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


cache_app = typer.Typer(help="Show or clear the speech cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None) -> None:
    """Where the speech cache is, how many sentences it holds and how large it is."""
    from . import cache

    root = cache.resolve_cache_dir(cache_dir)
    assert root is not None
    info = _guard(lambda: cache.cache_info(root))
    engines = ", ".join(f"{name} {count}" for name, count in info.by_engine.items())
    print(f"cache: {info.root}")
    print(f"speech: {info.entries} sentences, {info.bytes / 1e6:.1f} MB"
          + (f" ({engines})" if engines else ""))
    if info.damaged or info.temporary:
        print(f"damaged: {info.damaged} (made again when next used), "
              f"unfinished writes: {info.temporary}")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached sentence (speech is synthesized again when next needed)."""
    from . import cache

    root = cache.resolve_cache_dir(cache_dir)
    assert root is not None
    files, size = _guard(lambda: cache.clear_cache(root))
    print(f"removed {files} file(s), {size / 1e6:.1f} MB, from {root}")


def main() -> None:
    """Entry point of the `policyclip` command."""
    interrupts.install()
    try:
        app()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _leave_now(EXIT_INTERRUPTED)
        raise


def _leave_now(code: int) -> None:
    """Exit without Python's clean-up at exit, once an interrupted command has removed its
    temporary files and stopped its children: freeing the word dictionary alone takes half a
    second, and whoever pressed Ctrl-C or sent SIGTERM wants the process gone. Not while
    worker processes are still running: their clean-up must happen."""
    workers = sys.modules.get("multiprocessing")
    if workers is not None and workers.active_children():
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
