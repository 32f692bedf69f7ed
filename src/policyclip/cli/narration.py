"""The commands that show what a render would say: `script` (the narration, or the recording
sheet for a voice-over), `captions` (the cues and their times) and `say` (one phrase read
aloud)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..cache import resolve_cache_dir
from .common import (
    EXIT_USAGE,
    AllowOutsideOpt,
    BriefArg,
    RateOpt,
    TemplateOpt,
    ThemeOpt,
    VoiceOpt,
    VoiceoverOpt,
    _as_given,
    _check_options,
    _err,
    _guard,
    _StderrReporter,
)


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
    from .. import pipeline
    from .. import sheet as sheets

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
    from .. import export, pipeline

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
    from ..errors import RenderError
    from ..files import write_atomic

    def write() -> None:
        try:
            write_atomic(out, text.encode("utf-8"))
        except OSError as exc:
            raise RenderError(f"cannot write {out}: {exc.strerror or exc}") from None

    _guard(write)
    print(out)


def _clock(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


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

    from .. import brief as briefs
    from .. import speech
    from ..speech import pronounce

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
