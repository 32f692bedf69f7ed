"""The coded stream is played out by copying its pictures: cutting it, checking it, and an
encode of real frames that decodes to exactly the pictures given, for exactly as long."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from helpers import ffmpeg_exe
from policyclip import video
from policyclip.errors import RenderError
from policyclip.video import Stretch, VideoSettings

# Made-up pictures: a delimiter (with a 4-byte start code, as x264 writes it, or a 3-byte
# one), then one slice NAL unit of the given type (5: IDR, 1: not) and a payload.
DELIMITER = b"\x00\x00\x00\x01\x09\xf0"


def unit(nal_type: int, payload: bytes, long_start: bool = True) -> bytes:
    """One made-up coded picture."""
    start = DELIMITER if long_start else DELIMITER[1:]
    return start + b"\x00\x00\x01" + bytes([0x60 | nal_type]) + payload


UNITS = [unit(5, b"\x88" * 40), unit(1, b"\x9a\x00\x00\x03\x01"), unit(1, b"", long_start=False),
         unit(5, b"\x01\x02\x00\x00\x03"), unit(1, b"\x77" * 3000)]


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 64, 1 << 20])
def test_access_units_cut_the_stream_at_every_delimiter(tmp_path: Path, chunk_size: int) -> None:
    stream = tmp_path / "s.h264"
    stream.write_bytes(b"".join(UNITS))
    assert list(video.access_units(stream, chunk_size)) == UNITS


def test_an_idr_picture_is_told_from_others() -> None:
    assert [video.is_idr(u) for u in UNITS] == [True, False, False, True, False]
    # parameter sets and an SEI before the slice do not decide it
    assert video.is_idr(DELIMITER + b"\x00\x00\x01\x67\x42\x00\x00\x01\x68\xce"
                        b"\x00\x00\x01\x06\x05\x00\x00\x01\x65\x88")


def played(tmp_path: Path, units: list[bytes], stretches: list[Stretch],
           hold_frames: int) -> bytes:
    condensed, out = tmp_path / "c.h264", tmp_path / "v.h264"
    condensed.write_bytes(b"".join(units))
    video.play_out(condensed, stretches, VideoSettings(hold_frames=hold_frames), out)
    return out.read_bytes()


def test_a_still_is_copied_to_its_length_and_a_moving_run_once(tmp_path: Path) -> None:
    i0, p0, p1, i1, p2 = UNITS
    # a still of 7 frames coded as 3 pictures, then a moving run of 2
    stretches = [Stretch(0, 7, moving=False), Stretch(7, 2, moving=True)]
    assert played(tmp_path, [i0, p0, p1, i1, p2], stretches, hold_frames=3) == b"".join(
        [i0, p0, p1, i0, p0, p1, i0, i1, p2])


@pytest.mark.parametrize(("units", "message"), [
    (UNITS[:2], "fewer coded frames than the stretches need"),
    (UNITS[:4], "fewer coded frames than the stretches need"),
    ([UNITS[0], UNITS[1], UNITS[2], UNITS[4], UNITS[4]],
     "the coded video does not open a stretch with a key frame"),
    (UNITS + UNITS[:1], "more coded frames than the stretches need"),
])
def test_a_stream_that_does_not_fit_the_stretches_is_refused(
        tmp_path: Path, units: list[bytes], message: str) -> None:
    stretches = [Stretch(0, 9, moving=False), Stretch(9, 2, moving=True)]
    with pytest.raises(RenderError, match=f"^internal: {message}$"):
        played(tmp_path, units, stretches, hold_frames=3)


@pytest.mark.parametrize("fps", [15, 30])
def test_encode_and_mux_give_every_picture_for_exactly_its_frames(tmp_path: Path,
                                                                   fps: int) -> None:
    """Real x264 and ffmpeg: stills longer and shorter than `hold_frames` (with a copy cut
    short), a moving run, a one-frame still, and a long still (the raw stream's own stamps
    drift after about a hundred frames); decoded frame by frame, each shows its picture, and
    every frame is stamped exactly on its place."""
    width, height = 64, 32
    stretches = [Stretch(0, 11, False), Stretch(11, 3, True), Stretch(14, 1, False),
                 Stretch(15, 2, False), Stretch(17, 9, False), Stretch(26, 250, False)]
    shades = [30, 60, 90, 120, 150, 190, 220, 100]  # one per picture piped: 5 stills, 3 moving
    expected = [30] * 11 + [60, 90, 120] + [150] + [190] * 2 + [220] * 9 + [100] * 250

    def picture(shade: int) -> list[bytes]:
        return [bytes([shade]) * (width * height), bytes([128]) * (width * height // 2)]

    coded = video.encode(stretches, (picture(s) for s in shades), tmp_path, size=(width, height),
                         fps=fps, settings=VideoSettings(preset="ultrafast", hold_frames=4))
    sound = tmp_path / "a.m4a"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=mono", "-t", "20", "-c:a", "aac", str(sound)],
                   check=True)
    out = tmp_path / "v.mp4"
    video.mux(coded, sound, out, duration_ms=len(expected) * 1000 // fps + 1)
    decoded = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(out), "-map", "0:v", "-f", "rawvideo",
         "-pix_fmt", "yuv420p", "-"], capture_output=True, check=True)
    assert decoded.stderr == b""
    frames = np.frombuffer(decoded.stdout, np.uint8).reshape(-1, height * 3 // 2, width)
    frames = frames[:, :height]  # the luma plane, where each picture's shade is
    assert len(frames) == len(expected)
    assert np.abs(frames.mean(axis=(1, 2)) - expected).max() < 2
    stamps = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(out), "-map", "0:v", "-c", "copy", "-f",
         "framecrc", "-"], capture_output=True, text=True, check=True).stdout
    assert "#tb 0: 1/15360" in stamps
    rows = [line.split(",") for line in stamps.splitlines() if not line.startswith("#")]
    tick = 15360 // fps
    assert [int(row[2]) for row in rows] == [n * tick for n in range(len(expected))]
    assert {int(row[3]) for row in rows} == {tick}
