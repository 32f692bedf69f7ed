"""The cut as an OpenTimelineIO timeline (`.otio`, which DaVinci Resolve imports) and, through
the OTIO FCP adapter, as FCP7 XML (xmeml, which Premiere Pro and Resolve import).

Every media reference is a URL relative to the package folder, so the folder can be copied to
another machine whole. Pictures sit on the video's frames. In the `.otio` a sound starts on its
exact millisecond (a fraction of a frame where need be); FCP7 XML counts whole frames only, so
there sounds start on the nearest frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .cut import Cut, Sound, Still, frame_of

if TYPE_CHECKING:
    import opentimelineio as otio

NAMESPACE = "policyclip"


def build_timeline(cut: Cut, *, whole_frames: bool = False) -> otio.schema.Timeline:
    """The cut as an OTIO timeline at the video's frame rate; with `whole_frames`, sounds too
    start and end on whole frames (for formats that count in frames)."""
    import opentimelineio as otio

    fps = cut.fps
    timeline = otio.schema.Timeline(
        name=cut.title, global_start_time=otio.opentime.RationalTime(0, fps))
    timeline.metadata[NAMESPACE] = {
        "width": cut.width, "height": cut.height, "fps": fps, "duration_ms": cut.duration_ms,
        "frames": cut.frames}
    for video in cut.video:
        track = otio.schema.Track(name=video.name, kind=otio.schema.TrackKind.Video)
        _lay(track, [(frame_of(s.start_ms, fps), frame_of(s.end_ms, fps), _still_clip(s, cut))
                     for s in video.stills], cut.frames, fps, float)
        timeline.tracks.append(track)
    for audio in cut.audio:
        track = otio.schema.Track(name=audio.name, kind=otio.schema.TrackKind.Audio)
        if audio.ducking is not None:
            ducking = audio.ducking
            track.metadata[NAMESPACE] = {
                "gain_db": ducking.gain_db, "duck_db": ducking.depth_db,
                "attack_ms": ducking.attack_ms, "release_ms": ducking.release_ms,
                "fade_in_ms": ducking.fade_in_ms, "fade_out_ms": ducking.fade_out_ms,
                "speech_spans_ms": [list(span) for span in ducking.spans_ms],
                "level_keyframes_db": [[at, round(db, 2)]
                                       for at, db in ducking.keyframes(cut.duration_ms)]}
        # Sounds are placed in whole frames, or else in milliseconds (as fractions of a frame).
        def tick(ms: int) -> int:
            return frame_of(ms, fps) if whole_frames else ms

        def value(ticks: int) -> float:
            return float(ticks) if whole_frames else ticks * fps / 1000

        gain = audio.ducking.gain_db if audio.ducking is not None else 0.0
        _lay(track, [(tick(s.start_ms), tick(s.start_ms + s.duration_ms),
                      _sound_clip(s, cut, value(tick(s.source_ms)), gain))
                     for s in audio.sounds], cut.frames, fps, value)
        timeline.tracks.append(track)
    return timeline


def _lay(track: otio.schema.Track, items: list[tuple[int, int, otio.schema.Clip]],
         frames: int, fps: int, value: Callable[[int], float]) -> None:
    """Put clips on `track` from start to end (in ticks, which `value` turns into frames), with
    gaps between, and a last gap so that the track lasts exactly `frames`. Each length is
    worked out from whole ticks, so no rounding error adds up along the track."""
    import opentimelineio as otio

    def gap(length: float) -> otio.schema.Gap:
        return otio.schema.Gap(source_range=_range(0, length, fps))

    cursor = 0
    for start, end, clip in items:
        start = max(start, cursor)
        length = min(value(end), frames) - value(start)
        if length <= 0:
            continue
        if start > cursor:
            track.append(gap(value(start) - value(cursor)))
        clip.source_range = _range(clip.source_range.start_time.value, length, fps)
        track.append(clip)
        cursor = end
    if value(cursor) < frames:
        track.append(gap(frames - value(cursor)))


def _still_clip(still: Still, cut: Cut) -> otio.schema.Clip:
    import opentimelineio as otio

    fps = cut.fps
    # A still can be held as long as an editor likes: its media lasts the whole video.
    reference = otio.schema.ExternalReference(
        target_url=still.path, available_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(cut.frames, fps)))
    clip = otio.schema.Clip(name=still.name, media_reference=reference,
                            source_range=_range(0, 1, fps))
    data: dict[str, Any] = {"start_ms": still.start_ms, "end_ms": still.end_ms}
    if still.text is not None:
        data["text"] = still.text
    clip.metadata[NAMESPACE] = data
    return clip


def _sound_clip(sound: Sound, cut: Cut, source: float, gain_db: float) -> otio.schema.Clip:
    import opentimelineio as otio

    fps = cut.fps
    # Whole frames, at least to the end of what is played (rounded to frames, a sentence can
    # end a fraction of a frame after its file).
    available = max(math.ceil(sound.file_ms * fps / 1000),
                    math.ceil(source + (sound.duration_ms + 1000 / fps) * fps / 1000))
    reference = otio.schema.ExternalReference(
        target_url=sound.path, available_range=_range(0, available, fps))
    clip = otio.schema.Clip(name=sound.name, media_reference=reference,
                            source_range=_range(source, 1, fps))
    clip.metadata[NAMESPACE] = {"start_ms": sound.start_ms, "duration_ms": sound.duration_ms,
                                "source_ms": sound.source_ms, "gain_db": gain_db,
                                **({"text": sound.text} if sound.text else {})}
    return clip


def _range(start: float, length: float, fps: int) -> otio.opentime.TimeRange:
    import opentimelineio as otio

    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, fps),
                                   otio.opentime.RationalTime(length, fps))


def otio_text(cut: Cut) -> str:
    """The `.otio` file's text (OTIO JSON)."""
    import opentimelineio as otio

    text: str = otio.adapters.write_to_string(build_timeline(cut), "otio_json")
    return text


def fcp7_xml_text(cut: Cut) -> str:
    """The cut as FCP7 XML (xmeml version 4) for Premiere Pro and DaVinci Resolve."""
    import opentimelineio as otio

    text: str = otio.adapters.write_to_string(build_timeline(cut, whole_frames=True), "fcp_xml")
    return _with_formats(text, cut)


def _with_formats(text: str, cut: Cut) -> str:
    """The adapter's XML with what it leaves out: the sequence's frame size and sound format
    (without them Premiere and Resolve make a landscape sequence of their default size), and
    pictures marked as video only (the adapter gives every file an audio track)."""
    import xml.etree.ElementTree as ET

    def element(tag: str, *children: ET.Element, text: str | None = None) -> ET.Element:
        made = ET.Element(tag)
        made.extend(children)
        made.text = text
        return made

    def rate() -> ET.Element:
        return element("rate", element("timebase", text=str(cut.fps)),
                       element("ntsc", text="FALSE"))

    root = ET.fromstring(text)
    for sequence in root.iter("sequence"):
        video_format = sequence.find("media/video/format")
        if video_format is not None:
            video_format.clear()
            video_format.append(element(
                "samplecharacteristics", rate(), element("width", text=str(cut.width)),
                element("height", text=str(cut.height)),
                element("anamorphic", text="FALSE"),
                element("pixelaspectratio", text="square"),
                element("fielddominance", text="none")))
        audio = sequence.find("media/audio")
        if audio is not None and audio.find("format") is None:
            audio.insert(0, element("format", element(
                "samplecharacteristics", element("depth", text="16"),
                element("samplerate", text="48000"))))
    for file in root.iter("file"):
        media, url = file.find("media"), file.findtext("pathurl") or ""
        if media is not None and url.lower().endswith(".png"):
            for sound in media.findall("audio"):
                media.remove(sound)
            video = media.find("video")
            if video is not None:
                video.append(element("samplecharacteristics",
                                     element("width", text=str(cut.width)),
                                     element("height", text=str(cut.height))))
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + ET.tostring(
        root, encoding="unicode") + "\n"
