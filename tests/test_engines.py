"""The engine registry: every engine described once, read by open_engine, auto, doctor, cache."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyclip import cli, doctor, speech
from policyclip.errors import InputError
from policyclip.speech import edge, registry
from policyclip.speech.base import EngineUnavailable, Spoken
from policyclip.speech.registry import Availability, EngineSpec


class Recorder:
    """An engine that remembers the voice and rate it was opened with."""

    concurrency = 1

    def __init__(self, name: str, voice: str | None, rate: str) -> None:
        self.name, self.voice, self.rate = name, voice, rate

    def ready(self) -> None:
        pass

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        return Spoken(100, tuple(0 for _ in parts))


def _fake(name: str, ok: bool, **fields: object) -> EngineSpec:
    base = registry.engine_spec(name)
    return EngineSpec(**{**base.__dict__, "check": lambda timeout_s: Availability(
        ok, "fine" if ok else "broken", None if ok else "mend it"), **fields})  # type: ignore[arg-type]


def test_the_built_in_engines_and_the_order_auto_tries_them() -> None:
    assert speech.ENGINES == ("auto", "edge", "espeak", "none")
    assert speech.AUTO_ORDER == ("edge", "espeak", "none")
    assert [registry.engine_spec(n).synthetic for n in ("edge", "espeak", "none")] == \
        [True, True, False]
    assert speech.is_synthetic("espeak") and not speech.is_synthetic("none")


def test_default_voices_come_from_the_registry() -> None:
    assert speech.open_engine("espeak", "zh-CN", None, "+0%").voice == "cmn-latn-pinyin"
    assert speech.open_engine("espeak", "en-GB", None, "+0%").voice == "en-gb"
    assert speech.open_engine("edge", "zh-HK", None, "+0%").voice == "zh-HK-HiuMaanNeural"
    assert speech.open_engine("edge", "en-US", None, "+0%").voice == "en-US-AriaNeural"
    assert speech.open_engine("none", "zh-CN", "cmn", "+0%").voice is None


def test_a_voice_of_another_engine_gives_way_to_the_default() -> None:
    # a brief's edge voice when auto falls back to espeak, and the other way round
    assert speech.open_engine("espeak", "zh-CN", "zh-CN-YunxiNeural", "+0%").voice == \
        "cmn-latn-pinyin"
    assert speech.open_engine("edge", "zh-CN", "cmn-latn-pinyin", "+0%").voice == \
        "zh-CN-XiaoxiaoNeural"
    assert speech.open_engine("espeak", "zh-CN", "en-us+f3", "+0%").voice == "en-us+f3"
    assert speech.open_engine("edge", "en-US", "en-US-AvaMultilingualNeural", "+0%").voice == \
        "en-US-AvaMultilingualNeural"


def test_an_unknown_engine_is_bad_input() -> None:
    with pytest.raises(InputError, match=r"^unknown speech engine 'festival'$") as caught:
        speech.open_engine("festival", "zh-CN", None, "+0%")
    assert caught.value.hint == "use one of auto, edge, espeak, none"


def test_open_engine_and_the_cache_key_read_the_registered_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = EngineSpec(name="espeak", label="x", voices={"zh": "v-zh"}, voice_pattern=r"v-.*",
                      open=lambda voice, rate: Recorder("espeak", voice, rate),
                      version=lambda: "fake 9.9")
    monkeypatch.setitem(registry._SPECS, "espeak", spec)
    opened = speech.open_engine("espeak", "zh-CN", None, "+20%")
    assert isinstance(opened, Recorder) and (opened.voice, opened.rate) == ("v-zh", "+20%")
    assert speech.engine_version("espeak") == "fake 9.9"
    assert speech.engine_version("none") == "none"


def test_auto_starts_with_the_first_engine_whose_check_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    speech.best_auto_engine.cache_clear()
    monkeypatch.setitem(registry._SPECS, "edge", _fake("edge", False))
    monkeypatch.setitem(registry._SPECS, "espeak", _fake("espeak", True))
    assert speech.best_auto_engine() == "espeak"
    speech.best_auto_engine.cache_clear()
    monkeypatch.setitem(registry._SPECS, "espeak", _fake("espeak", False))
    assert speech.best_auto_engine() == "none"
    speech.best_auto_engine.cache_clear()
    monkeypatch.setitem(registry._SPECS, "edge", _fake("edge", True))
    assert speech.best_auto_engine() == "edge"
    speech.best_auto_engine.cache_clear()


def test_edge_is_unavailable_offline_without_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(host: str = "", timeout_s: float = 0) -> None:
        raise EngineUnavailable("the edge-tts service cannot be reached (offline)")

    monkeypatch.setattr(edge, "check_service_resolves", offline)
    assert registry.engine_spec("edge").check(1.0) == Availability(
        False, "does not answer (EngineUnavailable)",
        "needs internet access; renders fall back to espeak")


def test_espeak_is_available_here() -> None:
    state = registry.engine_spec("espeak").check(1.0)
    assert state.ok and state.detail.endswith("espeak-ng")


def test_doctor_has_a_line_for_every_engine_from_its_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(registry._SPECS, "edge", _fake("edge", False))
    monkeypatch.setitem(registry._SPECS, "espeak", _fake("espeak", True))
    engines = doctor._engines(1.0)
    assert [(r.name, r.ok, r.detail, r.required) for r in engines] == [
        ("edge-tts service (online speech)", False, "broken", False),
        ("espeak-ng (offline speech)", True, "fine", True),
        ("none (captions only)", True, "always available", False)]


def test_doctor_fails_only_when_a_required_engine_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(registry._SPECS, "edge", _fake("edge", False))
    monkeypatch.setitem(registry._SPECS, "espeak", _fake("espeak", True))
    result = CliRunner().invoke(cli.app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "[warn] edge-tts service (online speech): broken\n       fix: mend it\n" \
        in result.output
    monkeypatch.setitem(registry._SPECS, "espeak", _fake("espeak", False))
    result = CliRunner().invoke(cli.app, ["doctor"])
    assert result.exit_code == 3
    assert "[MISS] espeak-ng (offline speech): broken\n       fix: mend it\n" in result.output
