"""The commands that render: `render` (the video and everything beside it), `frame` and
`storyboard` (pictures of what a render would show)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..cache import resolve_cache_dir
from .common import (
    AllowOutsideOpt,
    BriefArg,
    CacheDirOpt,
    FitOpt,
    MaxLengthOpt,
    MotionOpt,
    NoCacheOpt,
    PackageOpt,
    ProgressOpt,
    RateOpt,
    TemplateOpt,
    ThemeOpt,
    VoiceoverOpt,
    _check_options,
    _guard,
    _sink,
    _StderrReporter,
)

if TYPE_CHECKING:
    from PIL import Image

    from .. import pipeline


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
    from .. import batch, pipeline

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


def _save_image(image: Image.Image, out: Path) -> None:
    """Save a picture as PNG atomically (a temporary name, then a rename)."""
    import io

    from ..errors import RenderError
    from ..files import write_atomic

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
    from .. import pipeline

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
    from .. import pipeline

    _picture_command(brief, out, tts, template, theme, allow_outside_paths,
                     lambda path, options: pipeline.still_frame(
                         path, options, round(at * 1000), _StderrReporter(True)),
                     motion=motion, voiceover=voiceover)


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
    from .. import pipeline

    _picture_command(brief, out, tts, template, theme, allow_outside_paths,
                     lambda path, options: pipeline.storyboard(
                         path, options, _StderrReporter(True)), voiceover=voiceover)
