"""The speech cache: synthesized sentences kept by content, shared safely between processes.

An entry is one file, `<root>/speech/<2 hex>/<key>.speech`, named by the sha256 of everything that
decides the audio: engine, engine version, voice, rate, language, the text of each caption part
as shown and a fingerprint of the rules that turn it into spoken words. Its first line is a magic
word, its second a JSON header (the timing the engine reported, the payload's length and
sha256), then the WAV bytes. Entries are written to a temporary name in the
same folder and renamed into place, so a reader sees a whole entry or none; an entry whose
payload does not match its header (a torn copy, a full disk, a stray edit) is deleted and made
again. Several workers and processes can share one cache: two that make the same entry at once
both write a valid file and the last rename wins.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .files import write_atomic

ENV_VAR = "POLICYCLIP_CACHE_DIR"
MAGIC = b"policyclip-speech 1\n"
KEY_VERSION = 2
SPEECH_DIR = "speech"
SUFFIX = ".speech"
MAX_HEADER = 1 << 20


def default_cache_dir() -> Path:
    """$POLICYCLIP_CACHE_DIR, else the user's cache folder (~/.cache/policyclip on Linux)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("policyclip", appauthor=False))


def resolve_cache_dir(option: Path | None, disabled: bool = False) -> Path | None:
    """The cache folder to use: `--cache-dir`, else the default; None when caching is off."""
    if disabled:
        return None
    return option.expanduser() if option is not None else default_cache_dir()


def speech_key(*, engine: str, engine_version: str, voice: str | None, rate: str,
               language: str, reading: str, parts: Sequence[str],
               pronounced: Sequence[str] | None = None) -> str:
    """The content key of one synthesized sentence: `parts` are its captions as shown,
    `pronounced` the same after pronunciation fixes (when they changed anything), and
    `reading` names the rules that turn them into what is said."""
    identity: dict[str, object] = {
        "v": KEY_VERSION, "engine": engine, "engine_version": engine_version, "voice": voice,
        "rate": rate, "language": language, "reading": reading, "parts": list(parts)}
    if pronounced is not None and list(pronounced) != list(parts):
        identity["pronounced"] = list(pronounced)
    text = json.dumps(identity, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CachedSpeech:
    """What a cache hit gives back besides the audio: the timing the engine reported."""

    duration_ms: int
    part_offsets_ms: tuple[int, ...]


@dataclass(frozen=True)
class SpeechStats:
    """How a render got its speech: sentences synthesized, taken from the cache, repaired."""

    synthesized: int = 0
    cached: int = 0
    repaired: int = 0


class SpeechCache:
    """A speech cache at `root`, or a disabled one (root None) that only counts syntheses."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.synthesized = 0
        self.cached = 0
        self.repaired = 0
        self.problem: str | None = None  # set when the cache could not be written

    @property
    def enabled(self) -> bool:
        """True when entries are read and written."""
        return self.root is not None and self.problem is None

    def stats(self) -> SpeechStats:
        """The counts so far."""
        return SpeechStats(self.synthesized, self.cached, self.repaired)

    def path(self, key: str) -> Path:
        """Where the entry for `key` lives."""
        assert self.root is not None
        return self.root / SPEECH_DIR / key[:2] / f"{key}{SUFFIX}"

    def load(self, key: str, out: Path) -> CachedSpeech | None:
        """On a hit, write the cached WAV to `out` and return its timing; None on a miss."""
        if not self.enabled:
            return None
        entry = self.path(key)
        try:
            data = entry.read_bytes()
        except OSError:
            return None
        parsed = parse_entry(data)
        if parsed is None or parsed[0].get("key") != key:
            self.repaired += 1
            with contextlib.suppress(OSError):
                entry.unlink()
            return None
        header, payload = parsed
        try:
            out.write_bytes(payload)  # `out` is in the render's private work folder
        except OSError:
            return None
        self.cached += 1
        return CachedSpeech(int(header["duration_ms"]),
                            tuple(int(x) for x in header["part_offsets_ms"]))

    def store(self, key: str, wav: Path, timing: CachedSpeech, about: dict[str, Any]) -> None:
        """Keep the WAV at `wav` under `key`. Failing to write only turns the cache off (see
        `problem`); a render never fails because of its cache."""
        if not self.enabled:
            return
        try:
            payload = wav.read_bytes()
            header = {**about, "key": key, "duration_ms": timing.duration_ms,
                      "part_offsets_ms": list(timing.part_offsets_ms), "size": len(payload),
                      "sha256": hashlib.sha256(payload).hexdigest(), "created": time.time()}
            head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode()
            entry = self.path(key)
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, MAGIC + head + b"\n" + payload)
        except OSError as exc:
            self.problem = f"{exc.strerror or exc}"


def parse_entry(data: bytes) -> tuple[dict[str, Any], bytes] | None:
    """An entry's header and payload, or None when it is damaged in any way."""
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if end < 0:
        return None
    try:
        header = json.loads(data[len(MAGIC):end])
        payload = data[end + 1:]
        ok = (isinstance(header, dict) and header.get("size") == len(payload)
              and header.get("sha256") == hashlib.sha256(payload).hexdigest()
              and isinstance(header.get("duration_ms"), int)
              and isinstance(header.get("part_offsets_ms"), list)
              and payload[:4] == b"RIFF" and payload[8:12] == b"WAVE")
    except (ValueError, UnicodeDecodeError):
        return None
    return (header, payload) if ok else None


# ---------------------------------------------------------------- info and clear


@dataclass(frozen=True)
class CacheInfo:
    """What `policyclip cache info` shows."""

    root: Path
    entries: int
    bytes: int
    by_engine: dict[str, int]
    damaged: int
    temporary: int


def _entries(root: Path) -> Iterator[Path]:
    base = root / SPEECH_DIR
    if base.is_dir():
        yield from sorted(base.glob(f"*/*{SUFFIX}"))


def _temporaries(root: Path) -> Iterator[Path]:
    base = root / SPEECH_DIR
    if base.is_dir():
        yield from base.glob("*/.*.tmp")


def cache_info(root: Path) -> CacheInfo:
    """Count the entries under `root` (a missing folder is an empty cache)."""
    _check_folder(root)
    entries = size = damaged = 0
    engines: dict[str, int] = {}
    for path in _entries(root):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        size += len(data)
        parsed = parse_entry(data)
        if parsed is None:
            damaged += 1
            continue
        entries += 1
        engine = str(parsed[0].get("engine", "?"))
        engines[engine] = engines.get(engine, 0) + 1
    temporary = sum(1 for _ in _temporaries(root))
    return CacheInfo(root, entries, size, dict(sorted(engines.items())), damaged, temporary)


def clear_cache(root: Path) -> tuple[int, int]:
    """Delete every speech entry (and leftover temporary files); returns (files, bytes)."""
    _check_folder(root)
    files = size = 0
    for path in [*_entries(root), *_temporaries(root)]:
        try:
            size += path.stat().st_size
            path.unlink()
            files += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise InputError(f"cannot delete {path}: {exc.strerror or exc}") from None
    base = root / SPEECH_DIR
    if base.is_dir():
        for folder in base.iterdir():
            if folder.is_dir():
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
    return files, size


def _check_folder(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise InputError(f"cache folder {root} is not a folder",
                         hint=f"point --cache-dir or {ENV_VAR} at a folder")


__all__ = ["ENV_VAR", "CacheInfo", "CachedSpeech", "SpeechCache", "SpeechStats", "cache_info",
           "clear_cache", "default_cache_dir", "parse_entry", "resolve_cache_dir",
           "speech_key"]
