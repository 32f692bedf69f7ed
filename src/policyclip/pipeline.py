"""Puts the stages in order. Stages never import each other; only this module knows them all."""

from __future__ import annotations

import contextvars
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import (
    __version__,
    captions,
    editor_package,
    estimate,
    export,
    frames,
    media,
    motion,
    numerals,
    platforms,
    script,
    sound,
    speech,
    theme,
    timeline,
    video,
)
from . import brief as brief_stage
from .cache import SpeechCache, SpeechStats
from .errors import InputError, RenderError, ThemeError
from .linebreak import caption_rules, release_dictionary
from .models import Brief, Narration, Script, Sentence, Timeline, Utterance
from .speech import pronounce, voiceover
from .speech.silent import SilentEngine

if TYPE_CHECKING:
    from PIL import Image

    from .yamlfile import YamlPath


class Reporter(Protocol):
    """Where the pipeline says what it is doing; the CLI decides how to show it."""

    def stage(self, message: str) -> None:
        """A new stage starts."""

    def warn(self, message: str) -> None:
        """Something the user should know, that does not stop the render."""

    def progress(self, done_ms: int, total_ms: int) -> None:
        """Encoding progress."""


class QuietReporter:
    """Says nothing (for library use and tests)."""

    def stage(self, message: str) -> None:
        """Ignore."""

    def warn(self, message: str) -> None:
        """Ignore."""

    def progress(self, done_ms: int, total_ms: int) -> None:
        """Ignore."""


@dataclass(frozen=True)
class RenderOptions:
    """What the user asked for; None means the brief's `render:` block or the default."""

    tts: str = "auto"
    voice: str | None = None
    rate: str | None = None
    template: str | None = None
    theme: str | None = None
    preview: bool = False
    platform: str | None = None
    music: Path | None = None  # --music: instead of the brief's render.music
    allow_outside_paths: bool = False
    cache_dir: Path | None = None  # the speech cache; None: synthesize everything
    motion: str | None = None  # --motion: a preset instead of the theme's
    max_length_s: float | None = None  # --max-length: refuse a brief predicted longer
    fit_s: float | None = None  # --fit: drop low-priority scenes or speak faster to fit
    package: bool = False  # --package: also the editor package (<stem>.package/)
    voiceover: Path | None = None  # --voiceover: a recorded take instead of the brief's


@dataclass(frozen=True)
class RenderResult:
    """What a render produced."""

    outputs: dict[str, Path]
    timeline: Timeline
    warnings: tuple[str, ...] = field(default_factory=tuple)
    speech: SpeechStats = field(default_factory=SpeechStats)


def load(path: Path, options: RenderOptions, without: Collection[YamlPath] = ()) -> Brief:
    """Stage 1 alone: the validated brief (`without`: values to leave out, see load_brief)."""
    return brief_stage.load_brief(path, allow_outside=options.allow_outside_paths,
                                  without=without)


def plan(brief: Brief, options: RenderOptions, look: theme.Theme | None = None
         ) -> tuple[Script, tuple[Sentence, ...]]:
    """Stages 2-3: the script and its caption cues (no speech, no pictures)."""
    written = script.write_script(brief, options.template)
    rules = caption_rules(brief.language)
    if look is not None and rules.chinese:
        rules = replace(rules, drop_at_line_end=look.captions.drop_end)
    return written, captions.plan_captions(written, rules, brief.glossary.keys())


@dataclass(frozen=True)
class Prepared:
    """Everything decided before any speech: the brief, its look, its script and captions."""

    brief: Brief
    look: theme.Theme
    theme_path: Path
    template_path: Path
    script: Script
    sentences: tuple[Sentence, ...]
    platform: platforms.Platform
    warnings: tuple[str, ...] = ()  # odd but not wrong in the brief or theme
    pronounce: Mapping[str, str] = field(default_factory=dict)  # pronounce.yaml + the brief's
    take: voiceover.Take | None = None  # a recorded voice-over, checked against the script

    @property
    def publisher(self) -> str | None:
        """The account that publishes the video: the brief's `publisher`, else the theme's."""
        return self.brief.publisher or self.look.publisher


def prepare(path: Path, options: RenderOptions, without: Collection[YamlPath] = ()
            ) -> Prepared:
    """Stages 1-3 plus the theme and its fonts: fails fast, before any slow work, on any bad
    input (`without`: brief values to leave out, see load_brief)."""
    brief = load(path, options, without)
    theme_path = _theme_path(brief, options)
    look = theme.load_theme(theme_path)
    theme.check_fonts(theme_path, look)
    written, sentences = plan(brief, options, look)
    template_path = Path(written.template)  # the file the script was written from
    platform = platforms.get_platform(options.platform or brief.render.platform)
    warnings = (*brief.warnings, *theme.theme_warnings(theme_path, look))
    fixes = pronounce.given_for(brief.path.parent, brief.pronounce)
    recorded = options.voiceover or brief.render.voiceover
    take = voiceover.open_take(recorded, sentences) if recorded else None
    return Prepared(brief, look, theme_path, template_path, written, sentences, platform,
                    warnings, fixes, take)


def _theme_path(brief: Brief, options: RenderOptions) -> Path:
    """The theme file to use; a theme the brief names but that is not found is reported at the
    brief's `render.theme` line, like any other problem of the brief."""
    if options.theme or not brief.render.theme:
        return theme.find_theme(options.theme, brief.path.parent)
    try:
        return theme.find_theme(brief.render.theme, brief.path.parent)
    except ThemeError as exc:
        line = brief_stage.line_of(brief.path, ("render", "theme"))
        raise ThemeError(f"{brief.path.name}:{line}: render.theme: {exc.message}",
                         exc.hint) from None


def _template_path(brief: Brief, options: RenderOptions) -> Path:
    return script.find_template(
        options.template or brief.render.template or script.DEFAULT_TEMPLATE,
        brief.language, brief.path.parent)


def inputs_digest(prepared: Prepared, options: RenderOptions) -> str:
    """sha256 of everything that decides a render's outputs (kept in `<stem>.json`)."""
    return _digest(prepared.brief, prepared.template_path, prepared.theme_path, prepared.look,
                   options, prepared.take)


def fingerprint(path: Path, options: RenderOptions) -> tuple[Brief, str]:
    """The validated brief and its `inputs_digest`, without running the template or speech:
    what a batch compares with `<stem>.json` to skip briefs whose outputs are up to date."""
    brief = load(path, options)
    theme_path = _theme_path(brief, options)
    recorded = options.voiceover or brief.render.voiceover
    take = voiceover.list_take(recorded) if recorded else None
    return brief, _digest(brief, _template_path(brief, options), theme_path,
                          theme.load_theme(theme_path), options, take)


def _digest(brief: Brief, template_path: Path, theme_path: Path, look: theme.Theme,
            options: RenderOptions, take: voiceover.Take | None = None) -> str:
    """The inputs hash: besides the brief and its files, every template file the template
    includes, extends or imports, and the font files the theme resolves to (by path, size and
    modification time: reading 20 MB of fonts for every brief would slow `batch` down)."""
    music = [options.music] if options.music and options.music.is_file() else []
    used = script.referenced_templates(template_path)
    fonts = []
    for choices in (look.fonts.bold, look.fonts.regular):
        face = theme.resolve_font(choices)
        try:
            stat = face.path.stat()
        except OSError:
            continue  # drawing will say what is wrong with it
        fonts.append([str(face.path), face.index, stat.st_size, stat.st_mtime_ns])
    fixes = pronounce.shared_files(brief.path.parent)
    return export.inputs_hash(brief, [template_path, *used, theme_path, *music, *fixes], {
        "tts": options.tts, "voice": options.voice, "rate": options.rate,
        "preview": options.preview, "platform": options.platform, "fonts": fonts,
        **({"motion": options.motion} if options.motion else {}),
        **({"package": True} if options.package else {}),
        **({"fit": options.fit_s} if options.fit_s is not None else {}),
        **({"voiceover": take.sha256()} if take else {})})


def speak(
    prepared: Prepared, options: RenderOptions, workdir: Path, warn: Callable[[str], None],
    cache: SpeechCache | None = None,
) -> Timeline:
    """Stages 4-5: synthesize the narration into `workdir` (or cut it from the recorded
    take) and lay out the timeline."""
    if prepared.take is not None:
        if options.tts != "auto":
            warn(f"--tts {options.tts} is not used: the recorded voice-over speaks")
        return _lay_out(prepared, options, voiceover.narrate(
            prepared.take, prepared.sentences, prepared.brief.language, workdir))
    cache = cache if cache is not None else SpeechCache(options.cache_dir)
    return _lay_out(prepared, options, _narrate(prepared, options, prepared.sentences,
                                                options.tts, workdir, warn, cache))


def _narrate(
    prepared: Prepared, options: RenderOptions, sentences: tuple[Sentence, ...], engine: str,
    workdir: Path, warn: Callable[[str], None], cache: SpeechCache,
) -> Narration:
    brief = prepared.brief
    return speech.synthesize(
        sentences, engine=engine, language=brief.language,
        voice=options.voice or brief.render.voice, rate=_rate(prepared, options),
        workdir=workdir, warn=warn, cache=cache, pronounce_map=prepared.pronounce)


def _lay_out(prepared: Prepared, options: RenderOptions, narration: Narration) -> Timeline:
    canvas = timeline.Canvas(540, 960, 15) if options.preview else timeline.Canvas()
    pauses = prepared.look.pacing
    pacing = timeline.Pacing(lead_in_ms=pauses.lead_in_ms, sentence_gap_ms=pauses.sentence_gap_ms,
                             scene_gap_ms=pauses.scene_gap_ms, tail_ms=pauses.tail_ms)
    return timeline.build_timeline(prepared.script, prepared.sentences, narration,
                                   canvas=canvas, pacing=pacing)


def estimate_length(prepared: Prepared, options: RenderOptions) -> estimate.LengthEstimate:
    """The video's predicted length with the engine and rate a render would use, without
    speaking anything (`auto` is the engine it would start with now); with a recorded
    voice-over, the take's real length (cutting it takes a second or two)."""
    brief = prepared.brief
    rate = _rate(prepared, options)
    if prepared.take is not None:
        with tempfile.TemporaryDirectory(prefix="policyclip-") as work:
            return estimate.measured(speak(prepared, options, Path(work), lambda _: None), rate)
    engine = speech.best_auto_engine() if options.tts == "auto" else options.tts
    told = estimate.narration(
        prepared.sentences, engine=engine, language=brief.language, rate=rate,
        pronounce=speech.pronunciation(engine, brief.language, prepared.pronounce))
    laid_out = _lay_out(prepared, options, told)
    return estimate.LengthEstimate(
        engine=engine, rate=rate, total_ms=laid_out.duration_ms,
        speech_ms=sum(u.duration_ms for u in told.utterances),
        scenes=tuple(estimate.SceneLength(estimate.scene_name(s.card, s.ref),
                                          s.end_ms - s.start_ms) for s in laid_out.scenes))


def check_length(prepared: Prepared, options: RenderOptions, max_length_s: float | None
                 ) -> estimate.LengthEstimate:
    """The predicted length; with `max_length_s`, a brief predicted longer is refused (exit 3)
    with what would make it fit."""
    predicted = estimate_length(prepared, options)
    if max_length_s is None:
        return predicted
    limit_ms = round(max_length_s * 1000)
    # A speech engine's estimate leans safe: one within the margin of the limit may run over.
    margin = predicted.engine in estimate.MODELS
    if predicted.total_ms > (estimate.safe_limit(limit_ms) if margin else limit_ms):
        over = (f"is over --max-length {max_length_s:g} s" if predicted.total_ms > limit_ms
                else f"is within {estimate.SAFETY_MARGIN:.0%} of --max-length {max_length_s:g} s"
                " (a render can run that much longer than estimated)")
        raise InputError(
            f"{prepared.brief.path.name}: estimated length {estimate.clock(predicted.total_ms)} "
            f"{estimate.spoken_by(predicted)} {over}",
            hint=estimate.advice(predicted, limit_ms))
    return predicted


@dataclass(frozen=True)
class Fitted:
    """What `--fit` decided: the brief as it will be rendered, the options (rate), and what it
    did, in words."""

    prepared: Prepared
    options: RenderOptions
    estimate: estimate.LengthEstimate
    dropped: tuple[str, ...] = ()  # scenes left out, as the brief names them
    rate: str | None = None  # the faster rate chosen, if any

    def summary(self, limit_s: float) -> str | None:
        """`--fit 60: dropped faq[2], faq[1]; spoke at +10%; estimated 0:58`, or None when
        nothing had to change."""
        done = ([f"dropped {', '.join(self.dropped)}"] if self.dropped else []) + (
            [f"spoke at {self.rate}"] if self.rate else [])
        if not done:
            return None
        return (f"--fit {limit_s:g}: {'; '.join(done)}; estimated "
                f"{estimate.clock(self.estimate.total_ms)}")


def fit_length(prepared: Prepared, options: RenderOptions, limit_s: float) -> Fitted:
    """Make a brief fit `limit_s`: a faster rate within the cap if that alone does, else drop
    the lowest-priority scenes (the FAQ after the first, from the last; then the steps) until
    the rest fits as it is or at a rate within the cap. Refused (exit 3) when even that is too
    long."""
    limit_ms = round(limit_s * 1000)
    brief = prepared.brief
    if prepared.take is not None:
        raise InputError(f"{brief.path.name}: --fit cannot shorten a recorded voice-over",
                         hint="cut the brief's text, print a new sheet and record it again")
    cuts: list[tuple[Brief, tuple[str, ...]]] = [(brief, ())]
    for kept in range(len(brief.faq) - 1, 0, -1):
        gone = tuple(f"faq[{n}]" for n in range(len(brief.faq) - 1, kept - 1, -1))
        cuts.append((replace(brief, faq=brief.faq[:kept]), gone))
    if brief.steps:
        cuts.append((replace(brief, faq=brief.faq[:1], steps=()), (*cuts[-1][1], "steps")))
    first = estimate_length(prepared, options)
    if first.total_ms > limit_ms and first.engine not in (*estimate.MODELS, "none"):
        # a narration with no reading model (a recorded take) has the length it has
        raise InputError(
            f"{brief.path.name}: the {first.engine} narration runs "
            f"{estimate.clock(first.total_ms)}, over --fit {limit_s:g} s, and cannot be sped "
            f"up or cut", hint=estimate.advice(first, limit_ms))
    for shorter, dropped in cuts:
        trial = prepared
        if dropped:
            written, sentences = plan(shorter, options, prepared.look)
            trial = replace(prepared, brief=shorter, script=written, sentences=sentences)
        guess = estimate_length(trial, options)
        if guess.total_ms <= limit_ms:
            return Fitted(trial, options, guess, dropped)
        faster = estimate.rate_that_fits(guess, limit_ms)
        if faster is not None:
            sped = replace(options, rate=faster[0])
            return Fitted(trial, sped, estimate_length(trial, sped), dropped, faster[0])
    raise InputError(
        f"{brief.path.name}: estimated length {estimate.clock(first.total_ms)} "
        f"{estimate.spoken_by(first)} cannot be brought within --fit {limit_s:g} s by dropping "
        f"the FAQ after the first and the steps or speaking faster",
        hint=estimate.advice(first, limit_ms))


def _rate(prepared: Prepared, options: RenderOptions) -> str:
    return options.rate or prepared.brief.render.rate or "+0%"


def _timed(path: Path, options: RenderOptions, reporter: Reporter | None
           ) -> tuple[Prepared, Timeline]:
    """Prepare a brief and time it by synthesizing its speech, which is then discarded."""
    report = reporter or QuietReporter()
    prepared = prepare(path, options)
    for message in prepared.warnings:
        report.warn(message)
    with tempfile.TemporaryDirectory(prefix="policyclip-") as work:
        return prepared, speak(prepared, options, Path(work), report.warn)


def caption_timeline(path: Path, options: RenderOptions, reporter: Reporter | None = None
                     ) -> Timeline:
    """The timeline a render would use (speech is synthesized to time it, then discarded)."""
    return _timed(path, options, reporter)[1]


def motion_of(prepared: Prepared, options: RenderOptions) -> motion.Motion:
    """The motion a render uses: --motion's preset, else the theme's, with the theme's own
    effect choices on top (none drops them all)."""
    style = prepared.look.motion
    return motion.resolve(options.motion or style.preset, style.overrides())


def painter_for(prepared: Prepared, options: RenderOptions, plan_: Timeline
                ) -> frames.FramePainter:
    """The frames painter of a render."""
    return frames.FramePainter(prepared.brief, prepared.look, plan_,
                               motion_of(prepared, options))


@dataclass(frozen=True)
class Made:
    """What the slow stages produced in the work folder, before anything is placed."""

    prepared: Prepared
    timeline: Timeline
    video: video.CodedVideo  # the coded video's stream (video.mux copies it)
    soundtrack: sound.Soundtrack
    mixing: sound.Sound
    music: Path | None
    cover: Path
    digest: str
    work: Path  # the work folder: the speech clips, the package's pictures
    package: tuple[editor_package.VideoTrack, ...] | None = None  # drawn when asked for

    @property
    def aigc(self) -> dict[str, str] | None:
        """The implicit AI-content label, when the narration is synthesized."""
        return video.aigc_label(self.digest[:32], self.prepared.publisher) \
            if speech.is_synthetic(self.timeline.engine) else None


@dataclass(frozen=True)
class Output:
    """One file (or folder) a render delivers: its kind, its name's ending, how it is written
    and whether this render delivers it."""

    kind: str
    suffix: str
    write: Callable[[Made, Path], None]
    wanted: Callable[[RenderOptions], bool] = lambda options: True


def _text(make: Callable[[Made], str]) -> Callable[[Made, Path], None]:
    """A writer of a UTF-8 text output."""
    def write(made: Made, out: Path) -> None:
        out.write_text(make(made), encoding="utf-8")
    return write


def _copy_cover(made: Made, out: Path) -> None:
    shutil.copyfile(made.cover, out)


def _write_video(made: Made, out: Path) -> None:
    brief, aigc, publisher = made.prepared.brief, made.aigc, made.prepared.publisher
    # `artist` names who publishes the video; the issuer made the policy, not the video.
    video.mux(made.video, made.soundtrack.path, out, made.timeline.duration_ms, metadata={
        "title": brief.title, **({"artist": publisher} if publisher else {}),
        "comment": f"policyclip {__version__}",
        **({"AIGC": video.aigc_tag(aigc)} if aigc else {})})


def _write_metadata(made: Made, out: Path) -> None:
    prepared, aigc, take = made.prepared, made.aigc, made.prepared.take
    label = prepared.look.label_text(prepared.brief.is_chinese) if aigc else None
    names = {o.kind: f"{prepared.brief.stem}{o.suffix}" for o in OUTPUTS
             if o.kind != "package" or made.package is not None}
    report = export.sound_report(made.soundtrack.loudness, sound.LOUDNESS_TARGET_LUFS, made.music,
                                 made.soundtrack.music_gain_db, made.mixing.music_level_lu,
                                 made.mixing.duck_db)
    out.write_text(export.to_json(export.metadata(
        prepared.brief, made.timeline, inputs_sha256=made.digest, files=names,
        template=prepared.template_path.name, theme=prepared.look.name, aigc=aigc,
        ai_label_text=label, platform=prepared.platform, sound=report,
        publisher=prepared.publisher,
        voice="recorded" if take else "synthesized" if aigc else "none",
        take=None if take is None else {"file": take.path.name, "sha256": take.sha256(),
                                         "files": len(take.files)})), encoding="utf-8")


def _write_package(made: Made, out: Path) -> None:
    brief, plan_ = made.prepared.brief, made.timeline
    assert made.package is not None
    editor_package.write_package(
        out, made.work / "package", made.package, plan_, title=brief.title, stem=brief.stem,
        speech_dir=made.work, srt=export.subtitles(plan_.cues, "srt"),
        music=_package_music(made.music, plan_, made.mixing, made.soundtrack.music_gain_db))


# What a render delivers, in the order the files are put in place: the video, then the
# metadata go last, so the metadata (with the inputs hash that batch trusts) only ever
# describes a video that is complete and in place.
OUTPUTS: tuple[Output, ...] = (
    Output("srt", ".srt", _text(lambda made: export.subtitles(made.timeline.cues, "srt"))),
    Output("vtt", ".vtt", _text(lambda made: export.subtitles(made.timeline.cues, "vtt"))),
    Output("script", ".script.txt", _text(lambda made: made.prepared.script.text())),
    Output("timeline", ".timeline.json",
           _text(lambda made: timeline.timeline_to_json(made.timeline))),
    Output("cover", ".cover.jpg", _copy_cover),
    Output("package", ".package", _write_package, lambda options: options.package),
    Output("video", ".mp4", _write_video),
    Output("metadata", ".json", _write_metadata),
)


def render_brief(
    path: Path, out_dir: Path, options: RenderOptions, reporter: Reporter | None = None
) -> RenderResult:
    """Run every stage for one brief and place the outputs in `out_dir` atomically."""
    report = reporter or QuietReporter()
    if options.tts == "none" or options.voiceover:  # nothing is synthesized
        return _render(path, out_dir, options, report)
    # Numerals are read once the start-up is over: a helper process loads the number reader
    # beside it (numerals.py). It is stopped as soon as it is known to be of no more use.
    with numerals.helper_loading():
        return _render(path, out_dir, options, report)


def _render(path: Path, out_dir: Path, options: RenderOptions, report: Reporter
            ) -> RenderResult:
    report.stage(f"reading {path}")
    prepared = prepare(path, options)
    if prepared.take is not None or not prepared.brief.is_chinese:
        numerals.stop_helper()
    requested = (prepared, options)  # what the outputs' inputs digest describes
    fit_note = None
    if options.fit_s is not None:
        fitted = fit_length(prepared, options, options.fit_s)
        fit_note = fitted.summary(options.fit_s)
        prepared, options = fitted.prepared, fitted.options
    if options.max_length_s is not None:
        check_length(prepared, options, options.max_length_s)
    music = _music(prepared.brief, options)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create output folder {out_dir}: {exc.strerror or exc}") \
            from None
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        report.warn(message)

    for message in prepared.warnings:
        warn(message)
    if fit_note:
        warn(fit_note)
    spoken = SpeechCache(options.cache_dir)
    with tempfile.TemporaryDirectory(prefix="policyclip-") as work_name:
        made = _make(prepared, options, music, Path(work_name), report, warn, spoken,
                     inputs_digest(*requested))
        report.stage(f"writing outputs to {out_dir}")
        outputs = _place(made, out_dir, [o for o in OUTPUTS if o.wanted(options)])
    return RenderResult(outputs=outputs, timeline=made.timeline, warnings=tuple(warnings),
                        speech=spoken.stats())


def _make(prepared: Prepared, options: RenderOptions, music: Path | None, work: Path,
          report: Reporter, warn: Callable[[str], None], spoken: SpeechCache, digest: str
          ) -> Made:
    """Speech, then the sound (in a second thread) beside the pictures and their encode."""
    look = prepared.look
    report.stage(f"speaking {len(prepared.sentences)} sentences")
    plan_ = speak(prepared, options, work, warn, spoken)
    numerals.stop_helper()  # every numeral is read: its memory goes before the encode
    real = estimate.measured(plan_, _rate(prepared, options))
    too_long = platforms.duration_warning(prepared.platform, plan_.duration_ms,
                                          lambda limit_ms: estimate.advice(real, limit_ms))
    if too_long:
        warn(too_long)
    mixing = sound.Sound(music_level_lu=look.sound.music_level, duck_db=look.sound.duck,
                         fade_in_ms=look.sound.fade_in_ms, fade_out_ms=look.sound.fade_out_ms)
    if options.preview:
        sound_settings = sound.PREVIEW_SOUND
        # 15 fps (the canvas). A still is coded for 8 frames of x264's quickest preset, then
        # copied: fewer frames coded than a second's (0.2 s less on a 67 s brief), for a file
        # a third larger (two key frames a second).
        video_settings = video.VideoSettings(preset="ultrafast", crf=28, hold_frames=8)
    else:
        sound_settings, video_settings = sound.SoundSettings(), video.VideoSettings()

    def make_sound() -> sound.Soundtrack:
        narration_wav = work / "narration.wav"
        sound.narration_track(plan_, work, narration_wav, sound_settings)
        # The clips were read in this thread's own heap, which would keep them while it waits
        # on ffmpeg beside the encoder.
        trim_heap()
        return sound.soundtrack(plan_, narration_wav, work, music=music, sound=mixing,
                                settings=sound_settings)

    # The sound (mostly ffmpeg measuring and encoding AAC) is made while the frames are drawn
    # and the video encoded; the two are joined at the end without re-encoding.
    # An error, Ctrl-C or SIGTERM meanwhile kills every ffmpeg of both at once (the pool
    # then waits only for a sound job whose ffmpeg is gone), so stopping takes no time.
    with ThreadPoolExecutor(max_workers=1) as pool, media.stop_children_on_error():
        sound_job = pool.submit(contextvars.copy_context().run, make_sound)
        report.stage("drawing frames")
        painter = painter_for(prepared, options, plan_)
        cover = _save_cover(painter, prepared.platform, work / "cover.jpg")
        package = editor_package.draw(painter, plan_, work / "package") if options.package \
            else None
        stretches = painter.stretches()
        if not options.preview:
            # x264 needs most memory at full size: the dictionary goes before it starts.
            painter.lay_out_cards()
            release_memory()
        # Each frame is drawn as x264 asks for it: drawing and coding run side by side.
        report.stage("encoding video")
        coded = video.encode(
            stretches, painter.chunks(stretches), work,
            size=(plan_.width, plan_.height), fps=plan_.fps, settings=video_settings,
            on_progress=lambda done: report.progress(done, plan_.duration_ms))
        del painter
        frames.release_caches()
        if not options.preview:  # a preview holds little: not worth a garbage collection
            release_memory()
        report.progress(plan_.duration_ms, plan_.duration_ms)
        soundtrack = sound_job.result()
    return Made(prepared, plan_, coded, soundtrack, mixing, music, cover, digest, work,
                package)


def _place(made: Made, out_dir: Path, outputs: list[Output]) -> dict[str, Path]:
    """Write every output under a temporary name, then move them into `out_dir` in order."""
    stem = made.prepared.brief.stem
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{stem}.partial-", dir=out_dir))
        for output in outputs:
            output.write(made, staging / f"{stem}{output.suffix}")
        export.place([staging / f"{stem}{o.suffix}" for o in outputs], out_dir)
    except OSError as exc:
        raise RenderError(f"cannot write outputs to {out_dir}: {exc.strerror or exc}") \
            from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return {o.kind: out_dir / f"{stem}{o.suffix}" for o in outputs}


def _music(brief: Brief, options: RenderOptions) -> Path | None:
    """--music, else the brief's render.music (already checked); a --music file that cannot
    be played is refused (exit 3) before any slow work."""
    if options.music is None:
        return brief.render.music
    problem = sound.music_problem(options.music)
    if problem:
        raise InputError(f"--music {options.music}: {problem}")
    return options.music.resolve()


def _package_music(music: Path | None, plan_: Timeline, mixing: sound.Sound,
                   gain_db: float | None) -> editor_package.Music | None:
    """The music as the editor package describes it: the file, its loop and its level."""
    if music is None:
        return None
    return editor_package.Music(music, editor_package.Ducking(
        gain_db=gain_db or 0.0, depth_db=mixing.duck_db, attack_ms=mixing.attack_ms,
        release_ms=mixing.release_ms, fade_in_ms=mixing.fade_in_ms,
        fade_out_ms=mixing.fade_out_ms, spans_ms=tuple(sound.speech_spans(plan_, mixing))),
        sound.LOOP_CROSSFADE_MS)


def _save_cover(painter: frames.FramePainter, platform: platforms.Platform, out: Path) -> Path:
    """The title card (with the key figure, when the brief has one) cropped to the platform's
    cover shape, as JPEG."""
    cover = painter.cover()
    focus_y = painter.px((frames.CARD_BOX[1] + frames.CARD_BOX[3]) / 2)
    cover.crop(platforms.cover_box(cover.width, cover.height, platform.cover_aspect, focus_y)) \
        .save(out, quality=90)
    return out


def release_memory() -> None:
    """Drop the word dictionary once every line is broken, and return freed memory to the
    system: the encoder runs beside this process."""
    import gc

    release_dictionary()
    gc.collect()
    trim_heap()


def trim_heap() -> None:
    """Return the free memory of every heap of this process to the system (glibc keeps it)."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _timed_until(prepared: Prepared, options: RenderOptions, at_ms: int,
                 warn: Callable[[str], None]) -> Timeline:
    """The timeline a render would have, exact up to `at_ms`. Sentences are spoken in order, a
    few at a time, until the next one would start after `at_ms`; the ones after it are timed by
    reading speed, since nothing they do can change the screen before they start."""
    sentences = prepared.sentences
    cache = SpeechCache(options.cache_dir)
    engine, voice = options.tts, None
    spoken: list[Utterance] = []
    step = max(2, os.cpu_count() or 2)  # a batch keeps every core busy with espeak-ng
    with tempfile.TemporaryDirectory(prefix="policyclip-") as work:
        while True:
            if len(spoken) < len(sentences):
                told = _narrate(prepared, options, sentences[len(spoken):len(spoken) + step],
                                engine, Path(work), warn, cache)
                engine, voice = told.engine, told.voice  # after a fallback, keep to it
                spoken += told.utterances
            reading = [SilentEngine().synthesize([c.text for c in s.cues], Path(work))
                       for s in sentences[len(spoken):]]
            utterances = [*spoken, *(Utterance(r.duration_ms, r.part_offsets_ms) for r in reading)]
            # Each sentence's audio clip says where it starts: mark every one to find them.
            marked = _lay_out(prepared, options, Narration(engine, voice, tuple(
                replace(u, audio=Path(str(number))) for number, u in enumerate(utterances))))
            starts = {clip.path: clip.start_ms for clip in marked.audio}
            if len(spoken) == len(sentences) or starts[str(len(spoken))] > at_ms:
                return _lay_out(prepared, options, Narration(engine, voice, tuple(utterances)))


def still_frame(path: Path, options: RenderOptions, at_ms: int,
                reporter: Reporter | None = None) -> Image.Image:
    """The full-size frame a render would show at `at_ms`, without encoding anything."""
    prepared = prepare(path, options)
    warn = (reporter or QuietReporter()).warn
    for message in prepared.warnings:
        warn(message)
    if prepared.take is not None:  # cutting a take is quick: time the whole video
        with tempfile.TemporaryDirectory(prefix="policyclip-") as work:
            plan_ = speak(prepared, options, Path(work), warn)
    else:
        plan_ = _timed_until(prepared, options, at_ms, warn)
    if at_ms >= plan_.duration_ms and reporter is not None:
        reporter.warn(f"--at {at_ms / 1000:g} s is past the end of the video "
                      f"({plan_.duration_ms / 1000:.1f} s): showing its last frame")
    painter = painter_for(prepared, options, plan_)
    return painter.frame(painter.frame_at(at_ms))


def storyboard(path: Path, options: RenderOptions, reporter: Reporter | None = None
               ) -> Image.Image:
    """A contact sheet of every scene with its captions: what an editor checks before a render."""
    prepared, plan_ = _timed(path, options, reporter)
    return frames.storyboard(painter_for(prepared, options, plan_))
