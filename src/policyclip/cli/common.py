"""What every command shares: exit codes, turning errors into `error:`/`hint:` lines and an
exit code, the progress reporters, the checks of --tts, --rate, --platform and --motion, and the
options several commands take."""

from __future__ import annotations

import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from .. import interrupts, progress
from ..errors import PolicyclipError

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_INPUT, EXIT_SPEECH, EXIT_RENDER = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130

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
    from .. import platforms, speech
    from ..motion import MOTION_PRESETS

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
