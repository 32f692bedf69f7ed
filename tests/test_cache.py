"""The speech cache: keys, hits, damaged entries, sharing between processes; the edge limit."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest

from helpers import write_brief
from policyclip import cache, pipeline, slots, speech
from policyclip.speech import espeak
from policyclip.speech.base import Spoken

BRIEF = """\
title: 12345热线上线
issuer: 市政府办公厅
summary: 有事打12345，全天有人接听。
points:
  - heading: 怎么打
    text: 拨打12345即可。
"""


def wav_bytes(tmp: Path, seconds: float = 0.1, value: int = 0) -> bytes:
    path = tmp / f"w{value}.wav"
    with wave.open(str(path), "wb") as out:
        out.setparams((1, 2, 22050, 0, "NONE", "not compressed"))
        out.writeframes(bytes([value % 256, 0]) * int(22050 * seconds))
    return path.read_bytes()


def key(text: str = "你好", **changes: str) -> str:
    fields = {"engine": "espeak", "engine_version": "1.51", "voice": "cmn", "rate": "+0%",
              "language": "zh-CN", "reading": "r1"}
    fields.update(changes)
    return cache.speech_key(parts=[text], **fields)


def test_key_changes_with_every_input() -> None:
    base = key()
    assert key() == base
    variants = {key("你好。"), key(engine="edge"), key(engine_version="1.52"), key(voice="yue"),
                key(rate="+10%"), key(language="zh-TW"), key(reading="r2")}
    assert base not in variants and len(variants) == 7
    # the parts, not just the joined text, decide the timing: they are part of the key
    split = cache.speech_key(engine="espeak", engine_version="1.51", voice="cmn", rate="+0%",
                             language="zh-CN", reading="r1", parts=["你", "好"])
    assert split != base


def test_store_then_load_gives_back_the_audio_and_its_timing(tmp_path: Path) -> None:
    store = cache.SpeechCache(tmp_path / "cache")
    audio = tmp_path / "in.wav"
    audio.write_bytes(wav_bytes(tmp_path))
    timing = cache.CachedSpeech(100, (0, 40))
    store.store(key(), audio, timing, {"engine": "espeak"})
    out = tmp_path / "out.wav"
    assert store.load(key(), out) == timing
    assert out.read_bytes() == audio.read_bytes()
    assert store.load(key("别的"), tmp_path / "x.wav") is None
    assert store.stats() == cache.SpeechStats(synthesized=0, cached=1, repaired=0)
    entry = store.path(key())
    assert entry.parent.parent == tmp_path / "cache" / "speech"
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]  # no temporary left


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_entry_is_detected_removed_and_missed(tmp_path: Path, damage: str) -> None:
    store = cache.SpeechCache(tmp_path / "cache")
    audio = tmp_path / "in.wav"
    audio.write_bytes(wav_bytes(tmp_path))
    store.store(key(), audio, cache.CachedSpeech(100, (0,)), {})
    entry = store.path(key())
    data = entry.read_bytes()
    entry.write_bytes({"truncate": data[:-10], "flip": data[:-1] + bytes([data[-1] ^ 1]),
                       "garbage": b"not an entry", "empty": b""}[damage])
    assert store.load(key(), tmp_path / "out.wav") is None
    assert not entry.exists() and store.repaired == 1
    info = cache.cache_info(tmp_path / "cache")
    assert (info.entries, info.damaged) == (0, 0)


def test_a_cache_that_cannot_be_written_warns_once_and_the_speech_still_comes(
        tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    prepared = pipeline.prepare(write_brief(tmp_path, BRIEF), pipeline.RenderOptions())
    warnings: list[str] = []
    store = cache.SpeechCache(blocker)
    narration = speech.synthesize(prepared.sentences, engine="espeak", language="zh-CN",
                                  voice=None, rate="+0%", workdir=tmp_path, warn=warnings.append,
                                  cache=store)
    assert all(u.audio is not None and u.audio.is_file() for u in narration.utterances)
    assert len(warnings) == 1 and warnings[0].startswith(f"speech cache {blocker} cannot be")
    assert store.synthesized == len(prepared.sentences)


def count_espeak(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[str]]:
    calls: list[Sequence[str]] = []
    real = espeak.EspeakEngine.synthesize

    def counting(self: espeak.EspeakEngine, parts: Sequence[str], out: Path) -> Spoken:
        calls.append(parts)
        return real(self, parts, out)

    monkeypatch.setattr(espeak.EspeakEngine, "synthesize", counting)
    return calls


def test_a_warm_cache_synthesizes_nothing_and_gives_the_same_narration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_espeak(monkeypatch)
    prepared = pipeline.prepare(write_brief(tmp_path, BRIEF), pipeline.RenderOptions())
    runs = []
    for number in (1, 2):
        work = tmp_path / f"work{number}"
        work.mkdir()
        store = cache.SpeechCache(tmp_path / "cache")
        narration = speech.synthesize(prepared.sentences, engine="espeak", language="zh-CN",
                                      voice=None, rate="+0%", workdir=work, warn=print,
                                      cache=store)
        runs.append((len(calls), store.stats(), narration))
    sentences = len(prepared.sentences)
    assert runs[0][0] == sentences and runs[0][1].synthesized == sentences
    assert runs[1][0] == sentences  # no new call to espeak-ng
    assert runs[1][1] == cache.SpeechStats(synthesized=0, cached=sentences)
    first, second = runs[0][2], runs[1][2]
    assert [(u.duration_ms, u.cue_offsets_ms) for u in first.utterances] == \
        [(u.duration_ms, u.cue_offsets_ms) for u in second.utterances]
    for a, b in zip(first.utterances, second.utterances, strict=True):
        assert a.audio is not None and b.audio is not None
        assert a.audio.read_bytes() == b.audio.read_bytes()
    # another rate is other speech
    store = cache.SpeechCache(tmp_path / "cache")
    speech.synthesize(prepared.sentences, engine="espeak", language="zh-CN", voice=None,
                      rate="+20%", workdir=tmp_path / "work1", warn=print, cache=store)
    assert store.synthesized == sentences


def test_a_cache_hit_reads_nothing_aloud_and_new_reading_rules_miss(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = pipeline.prepare(write_brief(tmp_path, BRIEF), pipeline.RenderOptions())

    def speak() -> cache.SpeechStats:
        store = cache.SpeechCache(tmp_path / "cache")
        speech.synthesize(prepared.sentences, engine="espeak", language="zh-CN", voice=None,
                          rate="+0%", workdir=tmp_path, warn=print, cache=store)
        return store.stats()

    def never(shown: Sequence[str], language: str) -> list[str]:
        raise AssertionError(f"rewrote {shown} on a cache hit")

    sentences = len(prepared.sentences)
    assert speak().synthesized == sentences
    with monkeypatch.context() as patched:
        # keys hold the text as shown, so a hit needs no number reading (no cn2an import)
        patched.setattr(speech, "spoken_parts", never)
        assert speak() == cache.SpeechStats(cached=sentences)
    monkeypatch.setattr(speech, "reading_version", lambda: "other rules")
    assert speak() == cache.SpeechStats(synthesized=sentences)


def test_without_a_cache_folder_everything_is_synthesized(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_espeak(monkeypatch)
    prepared = pipeline.prepare(write_brief(tmp_path, BRIEF), pipeline.RenderOptions())
    for _ in range(2):
        speech.synthesize(prepared.sentences, engine="espeak", language="zh-CN", voice=None,
                          rate="+0%", workdir=tmp_path, warn=print, cache=cache.SpeechCache(None))
    assert len(calls) == 2 * len(prepared.sentences)
    assert list(tmp_path.iterdir()) != [] and not (tmp_path / "speech").exists()


def test_cache_folder_comes_from_option_then_environment_then_xdg(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache.default_cache_dir() == tmp_path / "xdg" / "policyclip"
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "env"))
    assert cache.resolve_cache_dir(None) == tmp_path / "env"
    assert cache.resolve_cache_dir(tmp_path / "opt") == tmp_path / "opt"
    assert cache.resolve_cache_dir(tmp_path / "opt", disabled=True) is None


# ---------------------------------------------------------------- several processes

STRESS = textwrap.dedent("""
    import sys, wave, io
    from pathlib import Path
    from policyclip import cache
    root, me, rounds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    work = root.parent / f"work{me}"
    work.mkdir(exist_ok=True)
    bad = hits = 0
    for round_ in range(rounds):
        for k in range(6):
            key = cache.speech_key(engine="t", engine_version="1", voice=None, rate="+0%",
                                   language="zh-CN", reading="r", parts=[str(k)])
            store = cache.SpeechCache(root)
            out = work / "out.wav"
            got = store.load(key, out)
            if got is not None:
                hits += 1
                data = out.read_bytes()
                # whoever wrote it, an entry is one writer's whole WAV: all samples alike
                frames = wave.open(io.BytesIO(data)).readframes(10**9)
                if got.duration_ms != 50 + k or len(set(frames[::2])) != 1:
                    bad += 1
                continue
            buf = io.BytesIO()
            with wave.open(buf, "wb") as w:
                w.setparams((1, 2, 8000, 0, "NONE", "not compressed"))
                w.writeframes(bytes([me * 10 + k, 0]) * (4000 + 1000 * k))
            src = work / "src.wav"
            src.write_bytes(buf.getvalue())
            store.store(key, src, cache.CachedSpeech(50 + k, (0,)), {"engine": "t"})
    print(bad, hits)
""")


def test_processes_sharing_one_cache_never_read_a_torn_entry(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    procs = [subprocess.Popen([sys.executable, "-c", STRESS, str(root), str(me), "40"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in range(4)]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        bad, hits = map(int, out.split())
        assert bad == 0 and hits > 0
    info = cache.cache_info(root)
    assert (info.entries, info.damaged, info.temporary) == (6, 0, 0)


def policyclip(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "policyclip", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def speech_stats(stdout: str) -> dict[str, int]:
    events = [json.loads(line) for line in stdout.splitlines()]
    done = [e for e in events if e["event"] == "brief_done"]
    assert len(done) == 1 and done[0]["status"] == "rendered", events
    stats: dict[str, int] = done[0]["speech"]
    return stats


def test_two_renders_at_once_share_a_cache_and_a_third_synthesizes_nothing(
        tmp_path: Path) -> None:
    write_brief(tmp_path, BRIEF, "hotline.yaml")
    common = ["--tts", "espeak", "--preview", "--cache-dir", "shared", "--progress", "jsonl"]
    both = [policyclip("render", "hotline.yaml", "--out", f"out{n}", *common, cwd=tmp_path)
            for n in (1, 2)]
    outputs = [proc.communicate(timeout=300) for proc in both]
    for proc, (_, err) in zip(both, outputs, strict=True):
        assert proc.returncode == 0, err
    first = [speech_stats(out) for out, _ in outputs]
    sentences = first[0]["synthesized"] + first[0]["cached"]
    assert sentences > 0 and all(s["synthesized"] + s["cached"] == sentences for s in first)
    info = cache.cache_info(tmp_path / "shared")
    assert (info.entries, info.damaged, info.by_engine) == (sentences, 0, {"espeak": sentences})
    # another theme keeps the words: nothing is synthesized
    third = policyclip("render", "hotline.yaml", "--out", "out3", "--theme", "gov-red", *common,
                       cwd=tmp_path)
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    assert speech_stats(out) == {"synthesized": 0, "cached": sentences}
    assert (tmp_path / "out3" / "hotline.mp4").stat().st_size > 0


def test_cache_info_and_clear(tmp_path: Path) -> None:
    root = tmp_path / "c"
    store = cache.SpeechCache(root)
    audio = tmp_path / "in.wav"
    audio.write_bytes(wav_bytes(tmp_path))
    for text in ("一", "二", "三"):
        store.store(key(text), audio, cache.CachedSpeech(100, (0,)), {"engine": "espeak"})
    store.path(key("二")).write_bytes(b"damaged")
    env = {**os.environ, cache.ENV_VAR: str(root)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "policyclip", "cache", *args], env=env,
                              capture_output=True, text=True, check=False, timeout=60)

    info = run("info")
    assert info.returncode == 0, info.stderr
    lines = info.stdout.splitlines()
    assert lines[0] == f"cache: {root}"
    assert lines[1].startswith("speech: 2 sentences, ") and lines[1].endswith("(espeak 2)")
    assert lines[2].startswith("damaged: 1")
    cleared = run("clear")
    assert cleared.returncode == 0 and cleared.stdout.startswith("removed 3 file(s)")
    assert run("info").stdout.splitlines()[1] == "speech: 0 sentences, 0.0 MB"
    other = run("info", "--cache-dir", str(tmp_path / "elsewhere"))
    assert other.stdout.splitlines()[0] == f"cache: {tmp_path / 'elsewhere'}"
    assert not (tmp_path / "elsewhere").exists()  # looking creates nothing


# ---------------------------------------------------------------- edge requests at once


class FakeEdge:
    """An engine called edge that records how many of its requests overlap."""

    name = "edge"
    voice = "zh-CN-XiaoxiaoNeural"
    concurrency = 1
    lock = threading.Lock()
    open_now = 0
    most = 0

    def ready(self) -> None:
        pass

    def synthesize(self, parts: Sequence[str], out: Path) -> Spoken:
        with FakeEdge.lock:
            FakeEdge.open_now += 1
            FakeEdge.most = max(FakeEdge.most, FakeEdge.open_now)
        time.sleep(0.05)
        out.write_bytes(wav_bytes(out.parent, 0.05))
        with FakeEdge.lock:
            FakeEdge.open_now -= 1
        return Spoken(50, tuple(0 for _ in parts))


@pytest.mark.parametrize("limit", [1, 2])
def test_edge_requests_wait_for_a_shared_slot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              limit: int) -> None:
    monkeypatch.setenv(slots.EDGE_LIMIT_ENV, str(limit))
    monkeypatch.setattr(slots, "slot_dir", lambda name: tmp_path / "slots")
    monkeypatch.setattr(speech, "open_engine", lambda *args: FakeEdge())
    FakeEdge.most = 0
    prepared = pipeline.prepare(write_brief(tmp_path, BRIEF), pipeline.RenderOptions())

    def worker(number: int) -> None:
        work = tmp_path / f"w{number}"
        work.mkdir()
        speech.synthesize(prepared.sentences, engine="edge", language="zh-CN", voice=None,
                          rate="+0%", workdir=work, warn=print, cache=cache.SpeechCache(None))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert FakeEdge.most == limit


HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from policyclip import slots
    with slots.slot("test", 1, Path(sys.argv[1])):
        start = time.time()
        time.sleep(0.4)
        print(start, time.time())
""")


def test_one_slot_is_held_by_one_process_at_a_time(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True) for _ in range(3)]
    spans = sorted(tuple(map(float, proc.communicate(timeout=60)[0].split())) for proc in procs)
    assert len(spans) == 3
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end  # never two holders at once
