"""Speech engines: espeak-ng for real, edge-tts against fakes, `none` by reading speed."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
import time
import wave
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
import edge_tts
import edge_tts.exceptions
import numpy as np
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from policyclip import cache, media, speech
from policyclip.errors import SpeechError
from policyclip.models import CaptionCue, Sentence
from policyclip.speech import edge
from policyclip.speech.base import EngineUnavailable, Spoken
from policyclip.speech.edge import EdgeEngine, part_offsets
from policyclip.speech.espeak import EspeakEngine
from policyclip.speech.silent import SilentEngine, reading_ms


def _mp3(seconds: float) -> bytes:
    """A real MP3 of a tone, made with the bundled ffmpeg."""
    result = subprocess.run(
        [media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         f"sine=frequency=440:duration={seconds}", "-c:a", "libmp3lame", "-f", "mp3", "-"],
        capture_output=True, check=True)
    return result.stdout


class FakeCommunicate:
    """Stands in for edge_tts.Communicate: plays a script of failures, then audio."""

    script: ClassVar[list[BaseException | bytes]] = []
    calls: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, text: str, voice: str, **kwargs: Any) -> None:
        FakeCommunicate.calls.append({"text": text, "voice": voice, **kwargs})
        self.step = FakeCommunicate.script.pop(0) if FakeCommunicate.script else b""

    async def stream(self) -> AsyncIterator[dict[str, Any]]:
        if isinstance(self.step, BaseException):
            raise self.step
        if self.step == b"hang":
            await asyncio.sleep(3600)
        yield {"type": "WordBoundary", "offset": 0, "duration": 1000, "text": "x"}
        yield {"type": "audio", "data": self.step}


@pytest.fixture
def fake_edge(monkeypatch: pytest.MonkeyPatch) -> type[FakeCommunicate]:
    FakeCommunicate.script = []
    FakeCommunicate.calls = []
    monkeypatch.setattr(edge_tts, "Communicate", FakeCommunicate)
    monkeypatch.setattr(edge, "check_service_resolves", lambda: None)  # no DNS in tests
    return FakeCommunicate


def _offline() -> OSError:
    key = aiohttp.client_reqrep.ConnectionKey("speech.example", 443, True, True, None, None, None)
    return aiohttp.ClientConnectorError(key, OSError(101, "Network is unreachable"))


def test_espeak_speaks_mandarin_into_a_wav(tmp_path: Path) -> None:
    engine = EspeakEngine("cmn-latn-pinyin")
    out = tmp_path / "a.wav"
    spoken = engine.synthesize(["小微企业的税，", "又能少交一半了。"], out)
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == 22050
        assert spoken.duration_ms == round(wav.getnframes() * 1000 / 22050)
    assert 1500 < spoken.duration_ms < 8000
    first = engine.synthesize(["小微企业的税，"], tmp_path / "b.wav")
    assert spoken.part_offsets_ms == (0, first.duration_ms)


def test_espeak_rate_changes_duration(tmp_path: Path) -> None:
    slow = EspeakEngine("cmn-latn-pinyin", "-30%").synthesize(["政策早知道"], tmp_path / "s.wav")
    fast = EspeakEngine("cmn-latn-pinyin", "+50%").synthesize(["政策早知道"], tmp_path / "f.wav")
    assert slow.duration_ms > fast.duration_ms


def test_espeak_unknown_voice_is_a_speech_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match=r"^espeak-ng has no voice 'no-such-voice'$"):
        EspeakEngine("no-such-voice")
    assert EspeakEngine("en-us+f3").voice == "en-us+f3"  # variants are fine


def test_silent_engine_times_by_reading_speed(tmp_path: Path) -> None:
    assert reading_ms("一二三四五六七八九") == 2000  # 9 characters at 4.5 a second
    assert reading_ms("短") == 1200  # never flashes
    spoken = SilentEngine().synthesize(["一二三四五六七八九", "短"], tmp_path / "none.wav")
    assert (spoken.duration_ms, spoken.part_offsets_ms) == (3200, (0, 2000))
    assert not (tmp_path / "none.wav").exists()


def test_edge_writes_decoded_wav_and_asks_for_the_voice(
    fake_edge: type[FakeCommunicate], tmp_path: Path
) -> None:
    fake_edge.script = [_mp3(1.0)]
    out = tmp_path / "e.wav"
    spoken = EdgeEngine("zh-CN-XiaoxiaoNeural", "+10%").synthesize(["你好"], out)
    assert spoken.duration_ms == pytest.approx(1000, abs=80)
    assert fake_edge.calls[0]["voice"] == "zh-CN-XiaoxiaoNeural"
    assert fake_edge.calls[0]["boundary"] == "WordBoundary"
    assert fake_edge.calls[0]["rate"] == "+10%"
    assert fake_edge.calls[0]["connect_timeout"] <= 10
    assert not out.with_suffix(".mp3").exists()


def test_edge_retries_transient_failures(fake_edge: type[FakeCommunicate], tmp_path: Path) -> None:
    fake_edge.script = [edge_tts.exceptions.NoAudioReceived("none"), b"", _mp3(0.5)]
    engine = EdgeEngine("zh-CN-XiaoxiaoNeural", backoff_s=0.01)
    assert engine.synthesize(["你好"], tmp_path / "r.wav").duration_ms > 400
    assert len(fake_edge.calls) == 3


def test_edge_gives_up_after_bounded_retries(
    fake_edge: type[FakeCommunicate], tmp_path: Path
) -> None:
    url = URL("wss://speech.example/edge")
    request = aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)
    forbidden = aiohttp.WSServerHandshakeError(request, (), status=403, message="Forbidden")
    fake_edge.script = [forbidden] * 10
    engine = EdgeEngine("zh-CN-XiaoxiaoNeural", retries=2, backoff_s=0.01)
    with pytest.raises(SpeechError, match=r"^edge-tts failed 3 times \(WSServerHandshakeError"):
        engine.synthesize(["你好"], tmp_path / "f.wav")
    assert len(fake_edge.calls) == 3
    assert not (tmp_path / "f.wav").exists()


def test_edge_hang_is_bounded(fake_edge: type[FakeCommunicate], tmp_path: Path) -> None:
    fake_edge.script = [b"hang"] * 3
    engine = EdgeEngine("zh-CN-XiaoxiaoNeural", total_timeout_s=0.2, retries=1, backoff_s=0.01)
    started = time.monotonic()
    with pytest.raises(SpeechError, match="edge-tts failed 2 times"):
        engine.synthesize(["你好"], tmp_path / "h.wav")
    assert time.monotonic() - started < 5


def test_edge_offline_is_unavailable_at_once(
    fake_edge: type[FakeCommunicate], tmp_path: Path
) -> None:
    fake_edge.script = [_offline()]
    with pytest.raises(EngineUnavailable, match="the edge-tts service cannot be reached"):
        EdgeEngine("zh-CN-XiaoxiaoNeural").synthesize(["你好"], tmp_path / "o.wav")
    assert len(fake_edge.calls) == 1


def _without_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_edge_without_a_resolvable_host_is_unavailable_before_any_request(
    fake_edge: type[FakeCommunicate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_dns(host: str, *args: Any, **kwargs: Any) -> Any:
        assert host == edge.SERVICE_HOST
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.undo()  # the real check, with resolving that fails as it does offline
    _without_proxies(monkeypatch)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(edge_tts, "Communicate", FakeCommunicate)
    with pytest.raises(EngineUnavailable) as raised:
        EdgeEngine("zh-CN-XiaoxiaoNeural").synthesize(["你好"], tmp_path / "o.wav")
    assert raised.value.message == (
        "the edge-tts service cannot be reached (gaierror: Name or service not known)")
    assert fake_edge.calls == []


def test_a_name_lookup_that_hangs_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_proxies(monkeypatch)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: time.sleep(5))
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as raised:
        edge.check_service_resolves(timeout_s=0.2)
    assert raised.value.message == ("the edge-tts service cannot be reached (TimeoutError: "
                                    f"looking up {edge.SERVICE_HOST} took longer than 0.2 s)")
    assert time.monotonic() - started < 2


def test_behind_a_proxy_the_name_is_not_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("looked up a name that only the proxy can resolve")

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    edge.check_service_resolves()


def test_the_host_checked_is_the_one_edge_tts_connects_to() -> None:
    assert f"wss://{edge.SERVICE_HOST}/" in edge_tts.constants.WSS_URL


def _sentences() -> list[Sentence]:
    return [Sentence(0, "减征幅度50%。", (CaptionCue(("减征幅度50%",), "减征幅度50%。"),)),
            Sentence(1, "热线12366。", (CaptionCue(("热线12366",), "热线12366。"),))]


def test_auto_falls_back_to_espeak_with_a_warning(
    fake_edge: type[FakeCommunicate], tmp_path: Path
) -> None:
    fake_edge.script = [_offline()]
    warnings: list[str] = []
    narration = speech.synthesize(_sentences(), engine="auto", language="zh-CN", voice=None,
                                  rate="+0%", workdir=tmp_path, warn=warnings.append)
    assert narration.engine == "espeak" and narration.voice == "cmn-latn-pinyin"
    assert len(warnings) == 1
    assert warnings[0].startswith("the edge-tts service cannot be reached")
    assert warnings[0].endswith("; using espeak instead")
    assert all(u.audio is not None and u.audio.is_file() for u in narration.utterances)


def test_auto_uses_edge_when_it_answers(fake_edge: type[FakeCommunicate], tmp_path: Path) -> None:
    fake_edge.script = [_mp3(0.6), _mp3(0.8)]
    narration = speech.synthesize(_sentences(), engine="auto", language="zh-CN", voice=None,
                                  rate="+0%", workdir=tmp_path, warn=pytest.fail)
    assert narration.engine == "edge" and narration.voice == "zh-CN-XiaoxiaoNeural"
    # The engine hears normalized text; captions keep the original.
    assert [c["text"] for c in fake_edge.calls] == ["减征幅度百分之五十。", "热线幺二三六六。"]


def test_explicit_edge_offline_fails_with_exit_code_4(
    fake_edge: type[FakeCommunicate], tmp_path: Path
) -> None:
    fake_edge.script = [_offline()]
    with pytest.raises(SpeechError) as caught:
        speech.synthesize(_sentences(), engine="edge", language="zh-CN", voice=None,
                          rate="+0%", workdir=tmp_path, warn=pytest.fail)
    assert caught.value.exit_code == 4
    assert caught.value.hint == "check the network, or use --tts espeak for offline speech"


def test_english_briefs_get_english_voices(tmp_path: Path) -> None:
    narration = speech.synthesize(
        [Sentence(0, "Save 50% today.", (CaptionCue(("Save 50% today.",), "Save 50% today."),))],
        engine="espeak",
        language="en-US", voice=None, rate="+0%", workdir=tmp_path, warn=pytest.fail)
    assert narration.voice == "en-us"


def test_word_boundaries_place_each_cue() -> None:
    parts = ["小微企业的税，", "又能少交一半了。"]
    words = [(50, "小微"), (400, "企业"), (700, "的"), (820, "税"), (1300, "又"), (1500, "能")]
    assert part_offsets(parts, words, 3000) == (0, 1300)
    # Without usable boundaries, parts are spread by length.
    assert part_offsets(parts, [], 3000) == (0, 1400)


def test_edge_places_cues_from_boundaries(fake_edge: type[FakeCommunicate], tmp_path: Path) -> None:
    class WithWords(FakeCommunicate):
        async def stream(self) -> AsyncIterator[dict[str, Any]]:
            for offset, word in ((0, "你好"), (6_000_000, "世界")):
                yield {"type": "WordBoundary", "offset": offset, "duration": 1, "text": word}
            yield {"type": "audio", "data": _mp3(1.0)}

    edge_tts.Communicate = WithWords  # the fixture restores the real one
    spoken = EdgeEngine("zh-CN-XiaoxiaoNeural").synthesize(["你好，", "世界。"], tmp_path / "w.wav")
    assert spoken.part_offsets_ms == (0, 600)


class CountingEngine:
    """An engine that speaks two sentences at once and remembers how many ran together."""

    name = "espeak"
    voice = "cmn"
    concurrency = 2

    def __init__(self, fail_on: str | None = None) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.spoken: list[str] = []
        self.fail_on = fail_on

    def ready(self) -> None:
        pass

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        text = "".join(parts)
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.spoken.append(text)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        if text == self.fail_on:
            raise SpeechError("espeak-ng failed")
        media.write_wav(out, np.zeros(len(text) * 480, dtype=np.float32))
        return Spoken(len(text) * 10, (0,))


def _numbered(count: int) -> list[Sentence]:
    texts = ["一" * (number + 1) for number in range(count)]
    return [Sentence(n, t, (CaptionCue((t,), t),)) for n, t in enumerate(texts)]


def test_sentences_are_spoken_side_by_side_and_come_back_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = CountingEngine()
    monkeypatch.setattr(speech, "open_engine", lambda *args: engine)
    narration = speech.synthesize(_numbered(8), engine="espeak", language="zh-CN", voice=None,
                                  rate="+0%", workdir=tmp_path, warn=print)
    assert engine.most == 2
    assert [u.duration_ms for u in narration.utterances] == [10 * n for n in range(1, 9)]
    assert [u.audio for u in narration.utterances] == \
        [tmp_path / f"speech-{n:04d}.wav" for n in range(8)]


def test_a_failing_sentence_stops_the_ones_not_yet_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = CountingEngine(fail_on="一")
    monkeypatch.setattr(speech, "open_engine", lambda *args: engine)
    with pytest.raises(SpeechError, match="espeak-ng failed"):
        speech.synthesize(_numbered(8), engine="espeak", language="zh-CN", voice=None,
                          rate="+0%", workdir=tmp_path, warn=print)
    # the failed one, the one beside it, and at most one each worker took up meanwhile
    assert len(engine.spoken) <= 4


def test_a_brief_spoken_with_edge_before_renders_offline_from_the_cache(
    fake_edge: type[FakeCommunicate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = Sentence(2, "https://www.gov.cn", (CaptionCue(("https://www.gov.cn",),
                                                        "https://www.gov.cn"),))
    sentences = [*_sentences(), link]
    fake_edge.script = [_mp3(0.6), _mp3(0.8)]

    def speak() -> tuple[list[str], cache.SpeechStats, list[int]]:
        warnings: list[str] = []
        store = cache.SpeechCache(tmp_path / "cache")
        narration = speech.synthesize(sentences, engine="auto", language="zh-CN", voice=None,
                                      rate="+0%", workdir=tmp_path, warn=warnings.append,
                                      cache=store)
        assert narration.engine == "edge"
        return warnings, store.stats(), [u.duration_ms for u in narration.utterances]

    first = speak()
    assert first[:2] == ([], cache.SpeechStats(synthesized=2))

    def offline() -> None:
        raise EngineUnavailable("the edge-tts service cannot be reached (offline)")

    monkeypatch.setattr(edge, "check_service_resolves", offline)
    # the bare link says nothing, so no sentence needs the service
    assert speak() == ([], cache.SpeechStats(cached=2), first[2])
    assert len(fake_edge.calls) == 2
