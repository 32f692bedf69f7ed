"""Stage 8: sidecar files (SRT, VTT, script, metadata, timeline) and atomic placement."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .media import Loudness
from .models import Brief, Cue, Timeline
from .platforms import Platform, upload_form

# WebVTT cue text is markup: these three must be written as character references.
_VTT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def subtitles(cues: Iterable[Cue], fmt: str) -> str:
    """The cues as SubRip (`srt`) or WebVTT (`vtt`) text, lines kept exactly as on screen.

    Written directly, not through a subtitle library: SRT text is the caption text as is (SRT
    has no escapes), VTT text escapes `&`, `<` and `>`. A blank line would end a cue early in
    both formats, so blank lines are left out (and cues with no text at all).
    """
    if fmt not in ("srt", "vtt"):
        raise ValueError(f"unknown subtitle format {fmt!r}")
    vtt = fmt == "vtt"
    blocks = ["WEBVTT\n"] if vtt else []
    for cue in cues:
        lines = [" ".join(line.splitlines()) for line in cue.lines if line.strip()]
        if not lines:
            continue
        text = "\n".join(line.translate(_VTT_ESCAPES) if vtt else line for line in lines)
        start, end = _clock(cue.start_ms, vtt), _clock(max(cue.end_ms, cue.start_ms), vtt)
        blocks.append(f"{len(blocks) + (0 if vtt else 1)}\n{start} --> {end}\n{text}\n")
    return "\n".join(blocks)


def _clock(ms: int, vtt: bool) -> str:
    """00:01:02,345 (SRT) or 00:01:02.345 (VTT)."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{'.' if vtt else ','}{millis:03d}"


def inputs_hash(brief: Brief, extra_files: Iterable[Path], settings: dict[str, Any]) -> str:
    """sha256 of everything that decides the output: brief, its files, template, theme, options."""
    digest = hashlib.sha256()
    for path in (brief.path, *brief.referenced_files(), *extra_files):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(__version__.encode())
    return digest.hexdigest()


def metadata(
    brief: Brief, timeline: Timeline, *, inputs_sha256: str, files: dict[str, str],
    template: str, theme: str, aigc: dict[str, str] | None, ai_label_text: str | None,
    platform: Platform, sound: dict[str, Any] | None = None, publisher: str | None = None,
    voice: str | None = None, take: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a person or a script needs to publish the video; `sound` adds `loudness`
    (as measured on the encoded video) and `music` (see `sound_report`); `voice` says whose
    voice speaks (recorded, synthesized or none) and `take` describes a recorded voice-over."""
    form = upload_form(platform, brief.title, brief.hook or "", brief.summary, brief.hashtags,
                       source=source_line(brief))
    return {
        "platform": platform.name,
        "publisher": publisher,
        "issuer": brief.issuer,
        "title": form["title"],
        "description": form["description"],
        "hashtags": form["tags"],
        "duration_ms": timeline.duration_ms,
        "language": brief.language,
        "speech": {"engine": timeline.engine, "voice": timeline.voice,
                   **({"take": take} if take else {})},
        **({"voice": voice} if voice else {}),
        "aigc": None if aigc is None else {"visible_label": ai_label_text,
                                           "visible_ms": timeline.ai_label_ms,
                                           "metadata": aigc},
        "video": {"width": timeline.width, "height": timeline.height, "fps": timeline.fps},
        **(sound or {}),
        "template": template,
        "theme": theme,
        "tool": {"name": "policyclip", "version": __version__},
        "inputs_sha256": inputs_sha256,
        "files": files,
    }


def source_line(brief: Brief) -> str:
    """Who issued the policy, for the description: 来源：财政部（公告2023年第12号）."""
    number = brief.doc_number
    if brief.is_chinese:
        return f"来源：{brief.issuer}" + (f"（{number}）" if number else "")
    return f"Source: {brief.issuer}" + (f" ({number})" if number else "")


def sound_report(
    loudness: Loudness, target_lufs: float, music: Path | None, music_gain_db: float | None,
    level_lu: float, duck_db: float,
) -> dict[str, Any]:
    """The `loudness` and `music` entries of the metadata: integrated loudness (LUFS), true
    peak (dBTP) and loudness range (LU) of the encoded sound, null for a silent video."""
    return {
        "loudness": {"integrated_lufs": loudness.integrated_lufs,
                     "true_peak_dbtp": loudness.true_peak_dbtp, "lra": loudness.lra,
                     "target_lufs": target_lufs},
        "music": None if music is None else {
            "file": music.name, "gain_db": music_gain_db, "level_lu": level_lu,
            "duck_db": duck_db},
    }


def to_json(data: Any) -> str:
    """Pretty, UTF-8-friendly JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def place(staged: list[Path], out_dir: Path) -> list[Path]:
    """Move finished files (and folders) into `out_dir`, each by an atomic rename, in the given
    order. A folder replaces an earlier one of its name, which is moved aside first (a folder
    cannot be renamed over a full one) and then deleted."""
    placed = []
    for path in staged:
        target = out_dir / path.name
        if path.is_dir() and target.is_dir():
            aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=out_dir))
            os.replace(target, aside / path.name)
            os.replace(path, target)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(path, target)
        placed.append(target)
    return placed
