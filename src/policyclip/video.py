"""Stage 7b: pictures -> H.264, coded where the picture changes and copied where it holds.

The frames painter cuts the video into stretches: a still (one picture held for a number of
frames) or a moving run (every frame drawn). Every distinct picture is piped to ffmpeg once, as
raw yuv420p (converted by the painter); for a still, ffmpeg repeats that one frame (the `loop`
filter) for at most `hold_frames` frames. x264 codes this condensed stream as a raw H.264
stream, with a key frame forced at the start of every stretch and a delimiter before every
picture. The stream is then played out to the video's full length by copying its pictures: a
still's coded pictures as many times as its length needs (the last copy cut short), a moving
run's once. The final mux copies that stream and the soundtrack into the MP4, its frames timed
by the frame rate: a still held for ten seconds is coded for one.
Why copying is exact: every stretch opens with an IDR picture, which refers to nothing before
it, and x264 codes no B-frames, so a copy cut after any picture decodes cleanly.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import media
from .errors import RenderError


@dataclass(frozen=True)
class VideoSettings:
    """x264 settings and how the stills are condensed."""

    preset: str = "veryfast"
    crf: int = 22
    # A policy video is mostly stills, each repeated for seconds. B-frames and the macroblock
    # tree (and the lookahead that feeds them) buy nothing there; without them x264 runs 20%
    # faster and needs half the memory (about 150 MB instead of 290 MB at 1080x1920), and at
    # CRF 22 the stills come out sharper than at CRF 20 with them (luma SSIM 36.8 dB against
    # 35.7 dB on the benchmark brief) for a file 5% larger. See docs/performance.md.
    x264_params: str = "bframes=0:mbtree=0:rc-lookahead=1"
    tune: str = "stillimage"
    # A still is coded for at most this many frames (a key frame, then frames that repeat it,
    # cheap to code but not free: about 1.4 ms each at 540x960) and those pictures are copied
    # until it ends: a key frame a second.
    # The frame rate stays constant: a still coded as one long frame (variable frame rate, as
    # previews once were) made Chromium, which paces frames by the average of the last 32,
    # skip moving frames after it and show the next screens up to half a second early.
    hold_frames: int = 30


@dataclass(frozen=True)
class Stretch:
    """Frames `first` to `first + count - 1` of the video: one picture held, or a moving run
    whose every frame is drawn."""

    first: int
    count: int
    moving: bool

    @property
    def end(self) -> int:
        """The first frame after the stretch."""
        return self.first + self.count


def coded_frames(stretch: Stretch, settings: VideoSettings) -> int:
    """How many frames of the stretch x264 codes."""
    if stretch.moving:
        return stretch.count
    return min(stretch.count, settings.hold_frames)


@functools.cache
def loop_start_offset() -> int:
    """What to add to a frame's number for ffmpeg's `loop` filter to repeat that frame: 0 where
    `start` counts frames from 0, 1 in the builds (7.1 and later) that repeat frame start-1.
    Asked of the ffmpeg at hand once, with three tiny frames."""
    frames = bytes([0] * 4 + [100] * 4 + [200] * 4)
    try:
        result = media.run(
            [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "rawvideo",
             "-pix_fmt", "gray", "-s", "2x2", "-r", "30", "-i", "-", "-vf",
             "loop=loop=1:size=1:start=1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
            input=frames, timeout=60)
    except OSError as exc:
        raise RenderError(f"cannot run ffmpeg: {exc.strerror or exc}") from None
    shown = list(result.stdout[::4])
    if shown == [0, 100, 100, 200]:
        return 0
    if shown == [0, 0, 100, 200]:
        return 1
    raise RenderError(f"ffmpeg's loop filter repeats frames unexpectedly ({shown}): "
                      f"{result.stderr.decode(errors='replace').strip()[-200:]}")


def _loops(stretches: Sequence[Stretch], settings: VideoSettings) -> str:
    """ffmpeg filters that repeat each still's one input frame as often as it is coded.
    Listed from the last still to the first, so that every `start` counts input frames."""
    filters = []
    picture = 0
    for stretch in stretches:
        repeats = coded_frames(stretch, settings) - 1
        if not stretch.moving and repeats > 0:
            # Asked only when a loop is needed: a preview codes each still once, and an
            # ffmpeg run costs it about 50 ms.
            filters.append(f"loop=loop={repeats}:size=1:start={picture + loop_start_offset()}")
        picture += stretch.count if stretch.moving else 1
    return ",".join(reversed(filters))


@dataclass(frozen=True)
class CodedVideo:
    """The video's raw H.264 stream at its full length (for `mux`) and its frame rate."""

    path: Path
    fps: int


# Every coded picture opens with an access unit delimiter (x264's `aud`): where one picture's
# bytes end and the next one's begin. The start code's bytes cannot occur inside a unit (H.264
# escapes them), so the delimiter is found by searching the bytes alone.
_DELIMITER = b"\x00\x00\x01\x09"
_IDR_PICTURE = 5  # the NAL unit type of a slice of an IDR picture


def access_units(path: Path, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    """The pictures of a raw H.264 stream whose every picture opens with a delimiter, in order,
    read a chunk at a time."""
    buffer = bytearray()
    with path.open("rb") as stream:
        while chunk := stream.read(chunk_size):
            buffer += chunk
            taken = 0
            # The buffer starts at a delimiter: the next one is at least four bytes on.
            while (found := buffer.find(_DELIMITER, taken + 4)) >= 0:
                cut = found - 1 if buffer[found - 1] == 0 else found  # a 4-byte start code
                yield bytes(buffer[taken:cut])
                taken = cut
            del buffer[:taken]
    if buffer:
        yield bytes(buffer)


def is_idr(unit: bytes) -> bool:
    """Whether a coded picture is an IDR picture (decodable with nothing before it)."""
    found = unit.find(b"\x00\x00\x01")
    while 0 <= found < len(unit) - 3:
        nal_type = unit[found + 3] & 0x1F
        if nal_type == _IDR_PICTURE:
            return True
        if nal_type in (1, 5):  # the picture's first slice: it is not one
            return False
        found = unit.find(b"\x00\x00\x01", found + 3)
    return False


def play_out(condensed: Path, stretches: Sequence[Stretch], settings: VideoSettings,
             out: Path) -> None:
    """Write the video's full stream to `out`: each still's coded pictures repeated until its
    length is reached (the last copy cut short), each moving run's pictures once."""
    units = access_units(condensed)
    with out.open("wb") as sink:
        for stretch in stretches:
            coded = coded_frames(stretch, settings)
            first = _next_unit(units)
            if not is_idr(first):
                raise RenderError("internal: the coded video does not open a stretch with a "
                                  "key frame")
            if stretch.moving:
                sink.write(first)
                for _ in range(coded - 1):
                    sink.write(_next_unit(units))
                continue
            held = [first, *(_next_unit(units) for _ in range(coded - 1))]
            copies, rest = divmod(stretch.count, coded)
            for _ in range(copies):
                sink.writelines(held)
            sink.writelines(held[:rest])
    if next(units, None) is not None:
        raise RenderError("internal: more coded frames than the stretches need")


def _next_unit(units: Iterator[bytes]) -> bytes:
    unit = next(units, None)
    if unit is None:
        raise RenderError("internal: fewer coded frames than the stretches need")
    return unit


def encode(
    stretches: Sequence[Stretch],
    pictures: Iterable[Sequence[bytes | memoryview]],
    work: Path,
    *,
    size: tuple[int, int],
    fps: int,
    settings: VideoSettings = VideoSettings(),
    on_progress: Callable[[int], None] | None = None,
) -> CodedVideo:
    """Code the stretches and play them out to the video's full length in `work` (for `mux`).
    `pictures` gives one picture per still and one per frame of a moving stretch, in order,
    each as raw yuv420p in pieces (the painter replaces only the rows that move); each is
    coded once."""
    if not stretches:
        raise RenderError("nothing to render: the timeline is empty")
    starts, position = [], 0
    for stretch in stretches:
        starts.append(position)
        position += coded_frames(stretch, settings)
    # Half a frame early, so that a time printed in decimals never lands after its frame.
    cuts = ",".join(f"{(start - 0.5) / fps:.6f}" for start in starts[1:]) or "999999"
    script = work / "loops.txt"
    loops = _loops(stretches, settings)
    script.write_text(f"{loops + ',' if loops else ''}setpts=N/({fps}*TB)", encoding="utf-8")
    condensed = work / "condensed.h264"
    width, height = size
    cmd = [
        media.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-r", str(fps),
        "-i", "-", "-/vf", str(script), "-an",
        "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
        # A delimiter before every picture (where `play_out` cuts the stream), and no B-frames
        # whatever the settings: a copy cut after any picture decodes cleanly, and the mux
        # stamps frames in coding order.
        "-tune", settings.tune, "-x264-params", f"{settings.x264_params}:bframes=0:aud=1",
        "-pix_fmt", "yuv420p",
        # One x264 thread a core (its default is 1.5 a core): as fast here, and each extra
        # thread holds frames of 1080x1920 in memory.
        "-threads", str(max(2, os.cpu_count() or 2)),
        "-force_key_frames", cuts, "-f", "h264", str(condensed),
    ]
    pictures_iter = iter(pictures)
    # stderr goes to a file: ffmpeg never blocks on a full pipe while frames are written.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = media.start(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=errors)
        except OSError as exc:
            raise RenderError(f"cannot start ffmpeg: {exc.strerror or exc}") from None
        assert proc.stdin is not None
        _widen_pipe(proc.stdin.fileno())
        try:
            for stretch in stretches:
                for _ in range(stretch.count if stretch.moving else 1):
                    picture = next(pictures_iter, None)
                    if picture is None:
                        raise RenderError("internal: fewer pictures than the stretches need")
                    if sum(len(piece) for piece in picture) != width * height * 3 // 2:
                        raise RenderError(f"internal: a picture that is not {width}x{height} "
                                          "yuv420p")
                    for piece in picture:
                        proc.stdin.write(piece)
                if on_progress:
                    on_progress(stretch.end * 1000 // fps)
            proc.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its message says why
        except BaseException:  # Ctrl-C, SIGTERM or a failing drawing: stop at once
            proc.kill()
            raise
        finally:
            code = proc.wait()
            media.finish(proc)
            if not proc.stdin.closed:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace").strip()
    if code != 0:
        reason = stderr.splitlines()[-1] if stderr else f"exit code {code}"
        raise RenderError(f"ffmpeg failed to encode the video: {reason}")
    played = CodedVideo(work / "video.h264", fps)
    play_out(condensed, stretches, settings, played.path)
    condensed.unlink()
    return played


def _widen_pipe(descriptor: int) -> None:
    """Let the pipe to ffmpeg hold a megabyte (Linux; 64 kB by default): a picture is then
    handed over in a few writes instead of dozens of switches between the two processes."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, 1 << 20)


def mux(coded: CodedVideo, sound: Path, out: Path, duration_ms: int,
        metadata: dict[str, str] | None = None) -> None:
    """Join the coded video and the soundtrack into `out`, both copied, with the metadata and
    the index at the front (+faststart)."""
    # A raw stream carries no times. Its demuxer stamps frames in 1/1200000 s with rounding
    # that drifts a tick every hundred frames or so; `setts` stamps frame N at exactly N/fps,
    # in a track timed as the MP4 muxer times a stream counted in frames (15360 at 15 and 30).
    fps = coded.fps
    timescale = fps
    while timescale < 10_000:
        timescale *= 2
    args = ["-y", "-f", "h264", "-framerate", str(fps), "-i", str(coded.path),
            "-i", str(sound), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy",
            # The delimiters have done their work: MP4 samples go without them.
            "-bsf:v", f"setts=ts=N/({fps}*TB):duration=1/({fps}*TB),filter_units=remove_types=9",
            "-t", f"{duration_ms / 1000:.3f}", "-video_track_timescale", str(timescale),
            "-movflags", "+faststart+use_metadata_tags"]
    for key, value in (metadata or {}).items():
        args += ["-metadata", f"{key}={value}"]
    try:
        result = media.run_ffmpeg([*args, "-f", "mp4", str(out)], timeout=3600)
    except OSError as exc:
        raise RenderError(f"ffmpeg failed to join video and sound: {exc.strerror or exc}") \
            from None
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise RenderError(f"ffmpeg failed to join video and sound: "
                          f"{lines[-1] if lines else result.returncode}")


def aigc_label(produce_id: str, propagator: str | None = None) -> dict[str, str]:
    """The implicit AI-content label of GB 45438-2025 (made ASCII by `aigc_tag`); the
    propagator is the publishing account, left empty when none is known."""
    return {"Label": "1", "ContentProducer": "policyclip", "ProduceID": produce_id,
            "ReservedCode1": "", "ContentPropagator": propagator or "", "PropagateID": "",
            "ReservedCode2": ""}


def aigc_tag(label: dict[str, str]) -> str:
    """The label as the compact ASCII JSON stored under the MP4's `AIGC` metadata key."""
    import json

    return json.dumps(label, separators=(",", ":"), ensure_ascii=True)
