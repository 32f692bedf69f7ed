"""The cut handed to an editor: tracks of stills and sounds, every file relative to the package.

Times are integer milliseconds, as everywhere else; each writer (OpenTimelineIO, FCP7 XML, 剪映)
turns them into its own units. Pictures change on the video's frames, so video items are placed
on the frame the video shows them on (`frame_of`); sounds keep their exact millisecond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SILENT_DB = -96.0  # the level written where the music is faded out completely


def frame_of(ms: int, fps: int) -> int:
    """The frame on which something starting at `ms` appears in the video: the nearest one, as
    the encoder's `fps` filter picks it (half a frame rounds up)."""
    return math.floor(ms * fps / 1000 + 0.5)


@dataclass(frozen=True)
class Still:
    """A picture on a video track from `start_ms` to `end_ms`; `path` is relative to the package."""

    path: str
    start_ms: int
    end_ms: int
    name: str
    text: str | None = None  # a caption's words, for formats that carry text


@dataclass(frozen=True)
class Sound:
    """A sound file on an audio track: `duration_ms` of it, from `source_ms` into the file, placed
    at `start_ms`; `file_ms` is the file's whole length."""

    path: str
    start_ms: int
    duration_ms: int
    file_ms: int
    name: str
    source_ms: int = 0
    text: str | None = None  # a narration sentence's words


@dataclass(frozen=True)
class Ducking:
    """How the video sets the music's level: a gain against the narration, faded in and out,
    lowered by `depth_db` over each span of speech (starting `attack_ms` early, recovering over
    `release_ms`)."""

    gain_db: float
    depth_db: float
    attack_ms: int
    release_ms: int
    fade_in_ms: int
    fade_out_ms: int
    spans_ms: tuple[tuple[int, int], ...]

    def level_db(self, at_ms: float, duration_ms: int) -> float:
        """The music's level in dB relative to its file at `at_ms`, as the video sets it but
        with straight ducking ramps (the video's are S-shaped)."""
        depth = 0.0
        for start, end in self.spans_ms:
            if start - self.attack_ms < at_ms < end + self.release_ms:
                rise = (at_ms - start + self.attack_ms) / self.attack_ms if self.attack_ms \
                    else 1.0
                fall = (end + self.release_ms - at_ms) / self.release_ms if self.release_ms \
                    else 1.0
                depth = max(depth, min(1.0, rise, fall))
        fade = 1.0
        if self.fade_in_ms > 0:
            fade *= min(1.0, max(0.0, at_ms / self.fade_in_ms))
        if self.fade_out_ms > 0:
            fade *= min(1.0, max(0.0, (duration_ms - at_ms) / self.fade_out_ms))
        if fade <= 10 ** (SILENT_DB / 20):
            return SILENT_DB
        return self.gain_db - self.depth_db * depth + 20 * math.log10(fade)

    def keyframes(self, duration_ms: int) -> list[tuple[int, float]]:
        """The level (dB, see `level_db`) at each corner of the envelope, in timeline
        milliseconds, to be joined by straight lines: where ducking starts and ends, and along
        the fades (linear in amplitude in the video) a point every quarter."""
        corners = {0, duration_ms}
        for start, end in self.spans_ms:
            corners |= {start - self.attack_ms, start, end, end + self.release_ms}
        for first, length in ((0, self.fade_in_ms), (duration_ms - self.fade_out_ms,
                                                     self.fade_out_ms)):
            corners |= {first + length * step // 4 for step in range(5)} if length > 0 else set()
        return [(at, round(self.level_db(at, duration_ms), 2))
                for at in sorted(corners) if 0 <= at <= duration_ms]


@dataclass(frozen=True)
class VideoTrack:
    """Stills in time order, none overlapping."""

    name: str
    stills: tuple[Still, ...]


@dataclass(frozen=True)
class AudioTrack:
    """Sounds in time order, none overlapping; `ducking` describes the music's level."""

    name: str
    sounds: tuple[Sound, ...]
    ducking: Ducking | None = None


@dataclass(frozen=True)
class Cut:
    """Everything a timeline in an editor holds: video tracks bottom to top, then audio tracks."""

    title: str
    stem: str
    width: int
    height: int
    fps: int
    duration_ms: int
    video: tuple[VideoTrack, ...]
    audio: tuple[AudioTrack, ...]

    @property
    def frames(self) -> int:
        """How many frames the video has."""
        return frame_of(self.duration_ms, self.fps)

    def files(self) -> list[str]:
        """Every media file the cut uses, once each, in track order."""
        seen: dict[str, None] = {}
        for track in self.video:
            seen.update((s.path, None) for s in track.stills)
        for sound_track in self.audio:
            seen.update((s.path, None) for s in sound_track.sounds)
        return list(seen)


def db_to_gain(db: float) -> float:
    """A level in dB as a linear amplitude factor."""
    return float(10.0 ** (db / 20.0))
