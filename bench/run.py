"""Measure render speed and memory against the encoder's floor and the peers' MoviePy way.

    python -m bench [--brief FILE] [--long] [--skip-reference] [--no-write] [--repeat N]

Renders a brief of about 60 s (generated, or the one given) with the offline speech engine and
prints, side by side: x264 alone encoding a plain 1080x1920 30 fps stream of the same length at
the same preset (with its defaults and 2 threads: the floor; and with the render's own x264
settings), the whole `policyclip render` (default motion, and `--motion none`),
`render --preview`, and the straightforward MoviePy approach (a CompositeVideoClip of a
background and RGBA caption clips written with write_videofile). The renders are timed with
the speech synthesized (a first render) and with it cached (rendering again after an edit).
Each render and floor runs N times (3 by default) and the median time counts. Peak memory is
the largest sum of resident memory over the whole process tree, sampled every 20 ms (a child
caught before it runs its own program shares the render's memory and is not counted twice).
`--long` adds a 10-minute brief to show that memory does not grow with length. The table is
written into docs/performance.md unless --no-write.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

SENTENCES = [
    "对符合条件的小型微利企业，减按百分之二十五计入应纳税所得额。",
    "政策执行期限为2023年1月1日至2027年12月31日，无需另行申请。",
    "纳税人可以通过电子税务局在线办理，系统会自动计算减免金额。",
    "个体工商户年应纳税所得额不超过200万元的部分，减半征收个人所得税。",
    "如有疑问，请拨打纳税服务热线12366咨询，或到办税服务厅现场咨询。",
]


@dataclass(frozen=True)
class Measure:
    """One row of the table."""

    name: str
    seconds: float
    video_s: float
    peak_mb: float
    size_mb: float | None = None
    bitrate_kbps: float | None = None

    @property
    def realtime(self) -> float:
        """How many seconds of video per second of work."""
        return self.video_s / self.seconds


def write_brief(folder: Path, name: str, sentences_per_point: int, points: int = 5) -> Path:
    """A synthetic brief whose length is set by how much each point says."""
    lines = [
        "title: 小微企业和个体工商户所得税优惠政策",
        "issuer: 财政部 税务总局",
        "doc_number: 财政部 税务总局公告2023年第12号",
        "summary: 小型微利企业和个体工商户，所得税继续减半征收。",
        "points:",
    ]
    for index in range(points):
        text = "".join(SENTENCES[(index + k) % len(SENTENCES)] for k in range(sentences_per_point))
        lines += [f"  - heading: 第{index + 1}项政策", f"    text: {text}"]
        if index == 1:
            lines += ["    figure:", '      value: "50%"', "      label: 减征幅度"]
    lines += ["steps:", "  - 登录电子税务局", "  - 填写申报表", "contact: 纳税服务热线12366"]
    path = folder / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak MB of the whole process tree)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        command = root.cmdline()
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                total = 0
                for member in tree:
                    with contextlib.suppress(psutil.Error):
                        # A child started by the render shares the render's memory until it
                        # runs its program (vfork): counted, it doubled the render's memory
                        # in a sample now and then.
                        if member is not root and member.cmdline() == command:
                            continue
                        total += member.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{stderr.decode(errors='replace')}")
    return elapsed, peak / 2**20


def compile_package() -> None:
    """Write policyclip's bytecode before anything is timed. An installed package has it; an
    editable install run with PYTHONDONTWRITEBYTECODE set never writes it, and would compile
    its sources on every run (about 0.1 s)."""
    import compileall

    import policyclip

    compileall.compile_dir(Path(policyclip.__file__).parent, quiet=1)


def ffmpeg() -> str:
    """The bundled ffmpeg."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def file_stats(path: Path, video_s: float) -> tuple[float, float]:
    """(size in MB, overall bitrate in kbit/s)."""
    size = path.stat().st_size
    return size / 2**20, size * 8 / 1000 / video_s


def run_repeated(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Run a command `repeat` times: the median wall time (this kind of machine drifts by 10-20%
    from one minute to the next) and the largest peak."""
    runs = [run_measured(cmd) for _ in range(repeat)]
    return statistics.median(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def measure_render(brief: Path, out: Path, name: str, *extra: str, cache: Path | None = None,
                   repeat: int = 1) -> tuple[Measure, dict[str, Any]]:
    """Time a `policyclip render` in a subprocess: without `cache`, every run synthesizes its
    speech, as a first render does; with it, the speech comes from that cache, as when a
    brief is rendered again after an edit to its template, theme or wording."""
    speech = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    cmd = [sys.executable, "-m", "policyclip", "render", str(brief), "--out", str(out),
           "--tts", "espeak", "--quiet", *speech, *extra]
    seconds, peak = run_repeated(cmd, repeat)
    meta = json.loads((out / f"{brief.stem}.json").read_text(encoding="utf-8"))
    video_s = meta["duration_ms"] / 1000
    size, rate = file_stats(out / f"{brief.stem}.mp4", video_s)
    return Measure(name, seconds, video_s, peak, size, rate), meta


def measure_floor(video_s: float, work: Path, *, same_settings: bool, repeat: int = 1
                  ) -> Measure:
    """x264 alone: a plain 1080x1920 30 fps stream of the same length at the same preset,
    either with every x264 setting the render uses or with x264's defaults and 2 threads (the
    floor the targets are set against)."""
    from policyclip.video import VideoSettings

    settings = VideoSettings()
    out = work / "floor.mp4"
    cmd = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
           f"color=c=0xF4F7FB:s=1080x1920:r=30:d={video_s:.3f}", "-pix_fmt", "yuv420p",
           "-c:v", "libx264", "-preset", settings.preset]
    if same_settings:  # as render.encode_video runs it
        cmd += ["-crf", str(settings.crf), "-tune", "stillimage",
                "-x264-params", settings.x264_params, "-threads", str(max(2, os.cpu_count() or 2))]
        name = "x264 alone, plain 1080x1920 30 fps, the render's x264 settings"
    else:  # the floor: the preset's defaults, 2 threads
        cmd += ["-threads", "2"]
        name = f"x264 alone, plain 1080x1920 30 fps, `{settings.preset}` defaults (the floor)"
    seconds, peak = run_repeated([*cmd, str(out)], repeat)
    return Measure(name, seconds, video_s, peak, *file_stats(out, video_s))


def measure_moviepy(timeline_path: Path, video: Path, work: Path) -> Measure:
    """The peers' way, run in a subprocess so its memory is measured alone."""
    out = work / "moviepy.mp4"
    cmd = [sys.executable, "-m", "bench.moviepy_reference", str(timeline_path), str(video),
           str(out)]
    seconds, peak = run_measured(cmd)
    video_s = json.loads(timeline_path.read_text(encoding="utf-8"))["duration_ms"] / 1000
    return Measure("MoviePy CompositeVideoClip + RGBA captions (peers' way)", seconds, video_s,
                   peak, *file_stats(out, video_s))


def machine() -> str:
    """One line about the machine the benchmark ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, no GPU, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def table(rows: list[Measure], floor: Measure) -> str:
    """The results as a Markdown table."""
    out = ["| run | video | wall time | x realtime | vs floor | peak memory | file | bitrate |",
           "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        size = f"{row.size_mb:.1f} MB" if row.size_mb is not None else ""
        rate = f"{row.bitrate_kbps:.0f} kbit/s" if row.bitrate_kbps is not None else ""
        out.append(f"| {row.name} | {row.video_s:.1f} s | {row.seconds:.1f} s | "
                   f"{row.realtime:.2f} | {row.realtime / floor.realtime:.2f} | "
                   f"{row.peak_mb:.0f} MB | {size} | {rate} |")
    return "\n".join(out)


def main() -> None:
    """Run the benchmark and print (and record) the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--brief", type=Path, help="benchmark this brief instead of a 60 s one")
    parser.add_argument("--long", action="store_true",
                        help="also render a long brief (about 10 minutes)")
    parser.add_argument("--skip-reference", action="store_true",
                        help="skip the slow MoviePy reference")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="time each render and floor N times and take the median (default 3)")
    args = parser.parse_args()

    compile_package()
    with tempfile.TemporaryDirectory(prefix="policyclip-bench-") as name:
        work = Path(name)
        brief = args.brief.resolve() if args.brief else write_brief(work, "bench-60s", 1, 3)
        n = max(1, args.repeat)
        full, _ = measure_render(brief, work / "full", "policyclip render (espeak, full size)",
                                 repeat=n)
        still, _ = measure_render(brief, work / "still", "policyclip render --motion none",
                                  "--motion", "none", repeat=n)
        preview, _ = measure_render(brief, work / "preview", "policyclip render --preview",
                                    "--preview", repeat=n)
        # Rendered again with the speech cached (filled by a run not timed), as while editing.
        cache = work / "speech-cache"
        measure_render(brief, work / "warm-up", "filling the speech cache", "--preview",
                       cache=cache)
        again, _ = measure_render(brief, work / "again", "policyclip render, speech cached",
                                  cache=cache, repeat=n)
        preview_again, _ = measure_render(
            brief, work / "preview-again", "policyclip render --preview, speech cached",
            "--preview", cache=cache, repeat=n)
        floor = measure_floor(full.video_s, work, same_settings=False, repeat=n)
        tuned = measure_floor(full.video_s, work, same_settings=True, repeat=n)
        rows = [floor, tuned, full, still, preview, again, preview_again]
        if not args.skip_reference:
            rows.append(measure_moviepy(work / "full" / f"{brief.stem}.timeline.json",
                                        work / "full" / f"{brief.stem}.mp4", work))
        if args.long:
            # Eight points of nine sentences: about 10 minutes with espeak.
            long_brief = write_brief(work, "bench-10min", 9, points=8)
            rows.append(measure_render(long_brief, work / "long",
                                       "policyclip render, long brief")[0])

    flags = "".join(flag for flag, given in ((f" --brief {args.brief}", args.brief),
                                             (" --long", args.long),
                                             (f" --repeat {args.repeat}", args.repeat != 3),
                                             (" --skip-reference", args.skip_reference)) if given)
    report = [table(rows, floor), "", f"Machine: {machine()}.",
              f"Run on {dt.date.today().isoformat()} with `python -m bench{flags}`."]
    summary = [
        f"- render (default motion) / the floor: {full.realtime / floor.realtime:.2f} "
        "(target at least 1.0)",
        f"- render --motion none / the floor: {still.realtime / floor.realtime:.2f} "
        "(target at least 1.5)",
        f"- render / x264 alone with the render's own settings: "
        f"{full.realtime / tuned.realtime:.2f}",
        f"- preview speed-up over full render: {full.seconds / preview.seconds:.1f}x "
        "(target at least 5)",
        f"- the same with the speech cached (rendering again after an edit): "
        f"{again.seconds / preview_again.seconds:.1f}x",
    ]
    reference = next((r for r in rows if r.name.startswith("MoviePy")), None)
    if reference:
        summary.append(f"- render / MoviePy reference: {full.realtime / reference.realtime:.1f}x "
                       "(target at least 10)")
    long_row = next((r for r in rows if "long brief" in r.name), None)
    if long_row:
        summary.append(f"- peak memory, {long_row.video_s / 60:.0f} min vs "
                       f"{full.video_s:.0f} s: {long_row.peak_mb:.0f} MB vs "
                       f"{full.peak_mb:.0f} MB ({long_row.peak_mb / full.peak_mb - 1:+.0%}; "
                       "target within +20%, and at most 400 MB)")
    text = "\n".join([*report, "", *summary])
    print(text)
    if not args.no_write and DOC.is_file():
        doc = DOC.read_text(encoding="utf-8")
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
            print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
