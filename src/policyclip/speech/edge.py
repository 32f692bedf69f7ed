"""The online engine: edge-tts (Microsoft Edge's read-aloud voices).

Offline, edge-tts fails fast with an aiohttp.ClientError; a hanging connection is bounded by a
connect timeout and an overall timeout; transient failures (no audio, 403 after service changes,
5xx, throttling) are retried a bounded number of times with backoff. edge-tts leaves an empty file
behind when it fails, so audio is collected in memory and written only when complete. Before
the first request the service's host name is resolved: offline, that fails in milliseconds,
where importing edge-tts and aiohttp alone takes 0.35 s.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import media
from ..errors import SpeechError
from .base import EngineUnavailable, Spoken, proportional_offsets

if TYPE_CHECKING:
    from .registry import Availability

SERVICE_HOST = "speech.platform.bing.com"  # where edge-tts connects (edge_tts.constants)
TICKS_PER_MS = 10_000  # edge-tts reports offsets in 100 ns ticks

def check_service_resolves(host: str = SERVICE_HOST, timeout_s: float = 5.0) -> None:
    """Raise EngineUnavailable when the service's host name does not resolve (no network) or
    takes longer than `timeout_s` to. Behind a proxy (HTTPS_PROXY, which edge-tts honours)
    names may resolve only at the proxy, so nothing is checked then."""
    import urllib.request

    if {"https", "all"} & set(urllib.request.getproxies()):
        return
    failure: list[BaseException] = []

    def resolve() -> None:
        try:
            socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            failure.append(exc)

    # getaddrinfo has no timeout of its own: a resolver that never answers would hang us.
    lookup = threading.Thread(target=resolve, daemon=True)
    lookup.start()
    lookup.join(timeout_s)
    if lookup.is_alive():
        failure.append(TimeoutError(errno.ETIMEDOUT,
                                    f"looking up {host} took longer than {timeout_s:g} s"))
    if failure:
        raise _unreachable(failure[0])


def check_available(timeout_s: float) -> Availability:
    """Whether the service answers now: its host resolves and it lists its voices in time."""
    from .registry import Availability

    try:
        check_service_resolves(timeout_s=timeout_s)
        import edge_tts

        voices = asyncio.run(asyncio.wait_for(edge_tts.list_voices(), timeout_s))
    except Exception as exc:  # the report names whatever went wrong
        return Availability(False, f"does not answer ({type(exc).__name__})",
                            "needs internet access; renders fall back to espeak")
    return Availability(True, f"{len(voices)} voices")


def _unreachable(exc: BaseException) -> EngineUnavailable:
    return EngineUnavailable(f"the edge-tts service cannot be reached ({_reason(exc)})",
                             hint="check the network, or use --tts espeak for offline speech")


def _is_transient(exc: BaseException) -> bool:
    import aiohttp
    import edge_tts.exceptions as edge_errors

    if isinstance(exc, (edge_errors.NoAudioReceived, edge_errors.WebSocketError,
                        edge_errors.UnexpectedResponse, edge_errors.UnknownResponse,
                        asyncio.TimeoutError)):
        return True
    if isinstance(exc, aiohttp.WSServerHandshakeError | aiohttp.ClientResponseError):
        return exc.status == 403 or exc.status == 429 or exc.status >= 500
    return False


def _is_unreachable(exc: BaseException) -> bool:
    import aiohttp

    return isinstance(exc, aiohttp.ClientConnectionError | OSError) and not _is_transient(exc)


def _reason(exc: BaseException) -> str:
    """A short reason for a network failure: the OS's words when there are any."""
    inner = getattr(exc, "os_error", None) or exc
    words = getattr(inner, "strerror", None)
    return f"{type(exc).__name__}: {words}" if words else type(exc).__name__


class EdgeEngine:
    """edge-tts with timeouts, retries and clean failure."""

    name = "edge"
    concurrency = 1  # one request at a time: the service throttles bursts

    def __init__(
        self,
        voice: str,
        rate: str = "+0%",
        *,
        communicate: Callable[..., Any] | None = None,
        connect_timeout_s: int = 5,
        total_timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 0.5,
    ) -> None:
        self.voice = voice
        self.rate = rate
        self.communicate = communicate  # None: the real edge-tts, imported at the first request
        self.connect_timeout_s = connect_timeout_s
        self.total_timeout_s = total_timeout_s
        self.retries = retries
        self.backoff_s = backoff_s

    def ready(self) -> None:
        """Resolve the service's host and import edge-tts (once)."""
        self._communicate()

    def _communicate(self) -> Callable[..., Any]:
        if self.communicate is None:
            check_service_resolves()
            import edge_tts

            self.communicate = edge_tts.Communicate
        return self.communicate

    async def _fetch(self, communicate: Callable[..., Any], text: str
                     ) -> tuple[bytes, list[tuple[int, str]]]:
        stream = communicate(
            text, self.voice, rate=self.rate, boundary="WordBoundary",
            connect_timeout=self.connect_timeout_s, receive_timeout=self.connect_timeout_s * 4,
        )
        audio: list[bytes] = []
        words: list[tuple[int, str]] = []
        async for chunk in stream.stream():
            if chunk["type"] == "audio":
                audio.append(chunk["data"])
            elif chunk["type"] == "WordBoundary":
                words.append((round(chunk["offset"] / TICKS_PER_MS), str(chunk["text"])))
        return b"".join(audio), words

    def fetch(self, text: str) -> tuple[bytes, list[tuple[int, str]]]:
        """The MP3 bytes for `text` and its word boundaries (ms, word), retrying transient
        failures."""
        communicate = self._communicate()
        last: BaseException | None = None
        for attempt in range(self.retries + 1):
            try:
                audio, words = asyncio.run(
                    asyncio.wait_for(self._fetch(communicate, text), self.total_timeout_s))
                if audio:
                    return audio, words
                import edge_tts.exceptions as edge_errors

                last = edge_errors.NoAudioReceived("empty audio")
            except Exception as exc:
                if _is_unreachable(exc):
                    raise _unreachable(exc) from None
                if not _is_transient(exc):
                    raise SpeechError(f"edge-tts failed: {type(exc).__name__}: {exc}") from None
                last = exc
            if attempt < self.retries:
                time.sleep(self.backoff_s * 2**attempt)
        kind = type(last).__name__ if last else "error"
        raise SpeechError(
            f"edge-tts failed {self.retries + 1} times ({kind}: {last})",
            hint="the service may be throttling or changed; try again later or use --tts espeak",
        )

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        """Fetch the sentence in one request and place each part by the word boundaries."""
        text = "".join(parts)
        mp3_bytes, words = self.fetch(text)
        mp3 = out.with_suffix(".mp3")
        mp3.write_bytes(mp3_bytes)
        try:
            samples = media.decode_audio(mp3)
        except OSError as exc:
            raise SpeechError(f"edge-tts returned audio that cannot be decoded: {exc}") from None
        finally:
            mp3.unlink(missing_ok=True)
        media.write_wav(out, samples)
        duration = round(len(samples) * 1000 / media.SAMPLE_RATE)
        return Spoken(duration, part_offsets(parts, words, duration))


def part_offsets(parts: Sequence[str], words: list[tuple[int, str]], duration_ms: int
                 ) -> tuple[int, ...]:
    """When each part starts, from the word boundaries edge-tts reported for the joined text."""
    text = "".join(parts)
    positions: list[tuple[int, int]] = []  # (character index in text, ms)
    cursor = 0
    for offset_ms, word in words:
        found = text.find(word, cursor)
        if found >= 0:
            positions.append((found, offset_ms))
            cursor = found + len(word)
    fallback = proportional_offsets(parts, duration_ms)
    offsets: list[int] = []
    start = 0
    for number, part in enumerate(parts):
        later = [ms for index, ms in positions if index >= start]
        found = 0 if number == 0 else (later[0] if later else fallback[number])
        # A part placed by reading speed after one placed by a word boundary, or a boundary
        # reported out of order, must not start before the part it follows.
        offsets.append(min(duration_ms, max(found, offsets[-1] if offsets else 0)))
        start += len(part)
    return tuple(offsets)
