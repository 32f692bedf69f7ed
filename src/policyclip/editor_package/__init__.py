"""The editor package (`render --package`): the video's cut handed to an editor, as
`<stem>.package/` beside the video.

It holds the media (each scene's card, the layers over it, one WAV per narration sentence, the
music), the cut as OpenTimelineIO (`<stem>.otio`), FCP7 XML (`<stem>.xml`) and a 剪映 draft
(`jianying/<stem>/`, experimental), the captions as SRT and a README.txt. Nothing is encoded a
second time: the pictures are drawn once by the video's own painter, the sounds are copies.

Two steps, as the render goes: `draw` while the frame painter is at hand, `write_package` once
the sound is mixed (the music's level against the narration is known only then).
"""

from __future__ import annotations

import shutil
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cut import AudioTrack, Cut, Ducking, Sound, VideoTrack, frame_of
from .drawing import draw_video_tracks

if TYPE_CHECKING:
    from ..frames import FramePainter
    from ..models import Timeline

__all__ = ["Cut", "Ducking", "Music", "VideoTrack", "draw", "frame_of", "write_package"]

README = "README.txt"
# Frame rates an editor's timecode knows. A preview (15 fps) is handed over at 30: each of its
# frames is then two, so every change still falls on a frame.
EDITOR_RATES = (24, 25, 30, 48, 50, 60)


def draw(painter: FramePainter, timeline: Timeline, folder: Path) -> tuple[VideoTrack, ...]:
    """Draw the package's pictures into `folder` (new) and return its video tracks."""
    folder.mkdir(parents=True)
    return draw_video_tracks(painter, timeline, folder)


@dataclass(frozen=True)
class Music:
    """The music file under the video, how it loops and how its level is set."""

    path: Path
    ducking: Ducking
    loop_overlap_ms: int  # each pass after the first starts this much before the last ends


def write_package(
    target: Path, drawn: Path, video: tuple[VideoTrack, ...], timeline: Timeline, *,
    title: str, stem: str, speech_dir: Path, music: Music | None, srt: str,
) -> Path:
    """Move the drawn folder to `target` (which must not exist) and complete the package
    there: the sounds, the OTIO, FCP7 XML and 剪映 files, the SRT and README.txt."""
    from . import jianying, otio_files

    shutil.move(str(drawn), str(target))
    audio = [_narration(timeline, speech_dir, target)]
    if music is not None:
        audio.append(_music(music, timeline.duration_ms, target))
    fps = timeline.fps if timeline.fps in EDITOR_RATES else 30
    cut = Cut(title=title, stem=stem, width=timeline.width, height=timeline.height, fps=fps,
              duration_ms=timeline.duration_ms, video=video,
              audio=tuple(track for track in audio if track.sounds))
    (target / f"{stem}.otio").write_text(otio_files.otio_text(cut), encoding="utf-8")
    (target / f"{stem}.xml").write_text(otio_files.fcp7_xml_text(cut), encoding="utf-8")
    jianying.write_draft(cut, target, target / "jianying" / stem,
                         created_us=time.time_ns() // 1000)
    (target / f"{stem}.srt").write_text(srt, encoding="utf-8")
    # With a byte-order mark, so that older Windows Notepad reads it as UTF-8.
    (target / README).write_text(readme_text(cut), encoding="utf-8-sig")
    return target


def _narration(timeline: Timeline, speech_dir: Path, root: Path) -> AudioTrack:
    """Each sentence's WAV, copied as the engine wrote it, placed where the video speaks it,
    named with the first words of its captions (an editor looking for a line finds it)."""
    folder = root / "media" / "narration"
    sounds: list[Sound] = []
    for number, clip in enumerate(sorted(timeline.audio, key=lambda c: c.start_ms), start=1):
        name = f"{number:03d}.wav"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(speech_dir / clip.path, folder / name)
        with wave.open(str(folder / name), "rb") as sound:
            file_ms = sound.getnframes() * 1000 // sound.getframerate()
        length = min(clip.duration_ms, file_ms, timeline.duration_ms - clip.start_ms)
        words = " ".join(cue.text for cue in timeline.cues
                         if clip.start_ms <= cue.start_ms < clip.start_ms + clip.duration_ms)
        label = f"{number:03d} {words[:24]}{'…' if len(words) > 24 else ''}".rstrip()
        sounds.append(Sound(f"media/narration/{name}", clip.start_ms, length, file_ms, label,
                            text=words or None))
    return AudioTrack("narration", tuple(sounds))


def _music(music: Music, duration_ms: int, root: Path) -> AudioTrack:
    """The music file, copied, laid end to end as often as the video needs (the video joins
    the passes with a short crossfade; here they are cut)."""
    folder = root / "media" / "music"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"music{music.path.suffix.lower()}"
    shutil.copyfile(music.path, folder / name)
    file_ms = audio_length_ms(folder / name)
    period = max(1, file_ms - music.loop_overlap_ms)
    sounds: list[Sound] = []
    start = 0
    while start < duration_ms:
        length = min(period, duration_ms - start)
        sounds.append(Sound(f"media/music/{name}", start, length, file_ms,
                            f"music {len(sounds) + 1}"))
        start += length
    return AudioTrack("music", tuple(sounds), music.ducking)


def audio_length_ms(path: Path) -> int:
    """How long a sound file plays, decoded (a header's length can be wrong), in ms."""
    from ..media import run_ffmpeg

    rate = 8000
    # A decode past its timeout is a TimeoutError, an OSError like any other failure here.
    result = run_ffmpeg(["-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le",
                         "-"], timeout=600)
    if result.returncode != 0:
        raise OSError(f"cannot decode {path.name}")
    return len(result.stdout) // 2 * 1000 // rate


def readme_text(cut: Cut) -> str:
    """README.txt: what is in the package and how to open it in 剪映, Premiere and Resolve."""
    stem = cut.stem
    files = cut.files()
    present = {name.split("/")[1] for name in files if name.count("/") >= 2}
    present |= {name.rsplit("/", 1)[-1] for name in files}
    media = [line for key, line in (
        ("cards", "cards/         each scene's card as it looks once settled (full frame)"),
        ("pictures", "pictures/      the brief's pictures as placed on their cards "
                     "(transparent full frames)"),
        ("captions", "captions/      each caption as a transparent full frame "
                     "(001.png is the first)"),
        ("label.png", "label.png      the AI-content label (transparent full frame)"),
        ("logo.png", "logo.png       the logo (transparent full frame)"),
        ("narration", "narration/     one WAV per spoken sentence, placed where the video "
                      "speaks it"),
        ("music", "music/         the background music"),
    ) if key in present]
    tracks = ", ".join(t.name for t in cut.video)
    sounds = ", ".join(t.name for t in cut.audio) or "none"
    label = ("\n  Keep the AI label track: the video's voice is synthesized, and the label must\n"
             "  show at its start (标识办法, GB 45438-2025).\n") if "label.png" in present else ""
    listing = "\n".join(f"    {line}" for line in media)
    return f"""\
{cut.title}
Editor package made by policyclip: the cut of {stem}.mp4, to change in an editor.
{cut.width}x{cut.height}, {cut.fps} fps, {cut.duration_ms / 1000:.3f} s ({cut.frames} frames).

中文说明
  剪映：退出剪映，把 jianying/{stem} 文件夹复制到剪映的草稿位置（全局设置 -> 草稿位置），
  再打开剪映，草稿列表里就有“{stem}”（实验功能）。
  Premiere：文件 -> 导入 {stem}.xml；素材显示脱机时，选“链接媒体”，指向 media 里任一文件。
  达芬奇 Resolve：文件 -> 导入 -> 时间线 -> {stem}.otio。
  字幕文字在 {stem}.srt，可导入任一剪辑软件。动画会变成静止画面；背景音乐的压低（ducking）
  只以音量数值保留。整个文件夹要一起复制或移动。

WHAT IS HERE
  {stem}.otio   OpenTimelineIO timeline (DaVinci Resolve, and any OTIO tool)
  {stem}.xml    FCP7 XML (Premiere Pro; also DaVinci Resolve)
  {stem}.srt    the captions as text, with their times
  jianying/{stem}/   剪映 draft (experimental)
  media/   every file the timelines use:
{listing}
  Video tracks, bottom to top: {tracks}. Audio tracks: {sounds}.
  Paths inside the files are relative: keep this folder together; copy or move it whole.
{label}
剪映 (JianyingPro), experimental
  1. Quit 剪映.
  2. Copy the folder jianying/{stem} into 剪映's draft folder (剪映 -> 全局设置 -> 草稿位置;
     on Windows usually ...\\JianyingPro Drafts or
     %LOCALAPPDATA%\\JianyingPro\\User Data\\Projects\\com.lveditor.draft).
  3. Start 剪映: the draft "{stem}" is in the draft list, its media inside the draft folder.
     The captions are pictures there; to edit the words, delete the caption track and
     import {stem}.srt (文本 -> 本地字幕).

Premiere Pro
  File -> Import -> {stem}.xml. If clips show as offline, choose Link Media and point it
  at one file in media/; Premiere finds the others. Captions as text: File -> Import
  {stem}.srt and drag it onto the sequence.

DaVinci Resolve
  File -> Import -> Timeline -> {stem}.otio (or {stem}.xml); when asked for media, pick
  this folder. Captions as text: import {stem}.srt into the Media Pool and drag it onto
  the timeline.

WHAT CARRIES OVER
  Timing: every picture, caption and sentence starts where it does in the video, and the
  timeline is exactly as long as the video. (FCP7 XML counts whole frames: there a sentence
  starts on the nearest frame, within 1/{2 * cut.fps} s.)
  Media: every card, layer and sentence, and the music.
  Captions: as pictures on their own track (the look of the video) and as text in {stem}.srt.

WHAT DOES NOT
  Motion is flattened to stills: card entrances, scene crossfades, caption pops, count-ups
  and a picture's slow zoom are not in the timeline (add them in the editor). A card that
  changes while on screen (the step being read, an FAQ answer coming out) is a still per
  change, each where the video changes.
  Ducking becomes gain: the music's level under the voice is written as numbers (OTIO track
  metadata "policyclip": gain_db, duck_db and level keyframes; volume keyframes in the 剪映
  draft), not as the video's exact smooth curve. FCP7 XML carries no levels.
  Loudness: the video is brought to -14 LUFS as a whole; set the export level in the editor.
  Looped music is laid end to end; the video's short crossfade at each join becomes a cut.
"""
