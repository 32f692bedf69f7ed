"""Pronunciation fixes: the built-in espeak list measured again, where fixes apply, what the
engine is sent while captions keep the written text, the cache key, files and `say`."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from helpers import write_brief
from policyclip import cache, export, pipeline, speech
from policyclip.speech import pronounce
from policyclip.speech.espeak import EspeakEngine

BUILTIN = pronounce.builtin_file("espeak.zh.yaml")
_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def _numbered(pinyin: str) -> str:
    """yín háng -> yin2 hang2, lǜ -> lv4: what espeak-ng's pinyin voice reads unambiguously."""
    out = []
    for syllable in pinyin.split():
        tone, letters = "5", ""
        for ch in unicodedata.normalize("NFD", syllable):
            if ch in _MARKS:
                tone = _MARKS[ch]
            elif ch == "\u0308":  # ü
                letters = letters[:-1] + "v"
            else:
                letters += ch
        out.append(letters + tone)
    return " ".join(out)


def _phonemes(text: str) -> str:
    return EspeakEngine("cmn-latn-pinyin").phonemes(text)


def _builtin_entries() -> list[tuple[str, str, str]]:
    rows = []
    for line in BUILTIN.read_text(encoding="utf-8").splitlines():
        found = re.match(r"(\S+): (\S+)\s+# .+ -> (.+)$", line)
        if found:
            rows.append((found[1], found[2], found[3]))
    return rows


def test_the_builtin_list_is_read_whole() -> None:
    entries = pronounce.read_file(BUILTIN)
    assert len(entries) == len(_builtin_entries()) > 60
    assert entries["银行"] == "银航" and entries["不会"] == "醭会"


@pytest.mark.parametrize(("written", "read", "right"), _builtin_entries())
def test_every_builtin_entry_fixes_a_measured_misreading(written: str, read: str,
                                                         right: str) -> None:
    """espeak-ng reads the written word wrongly and the replacement exactly as the pinyin says
    (its pinyin voice reads `yin2 hang2` unambiguously)."""
    assert _phonemes(read) == _phonemes(_numbered(right))
    assert _phonemes(written) != _phonemes(read)


def test_espeak_misreads_what_the_issue_reported() -> None:
    assert _phonemes("银行卡").split()[1] == "S;'i35N_|"  # xíng
    assert _phonemes("不会").split()[0] == "p'u51_|"  # bù, no sandhi
    assert _phonemes("醭会").split()[0] == "p'u35_|"  # bú


@pytest.mark.parametrize(("text", "said"), [
    ("重点行业", "重点航业"),
    ("执行业务", "执行业务"),  # 行业 straddles two words here
    ("工商银行卡", "工商银航卡"),  # the end of a longer word
    ("任何一个人", "任何姨个人"),
    ("第一个月", "第一个月"),  # an ordinal keeps yī
    ("十一个", "十一个"),
    ("会不会", "会醭会"),
])
def test_fixes_apply_to_words_not_to_any_characters(text: str, said: str) -> None:
    fixes = pronounce.read_file(BUILTIN)
    assert "".join(pronounce.apply([text], fixes, "zh-CN")) == said


def test_a_fix_across_two_caption_parts_goes_into_the_first() -> None:
    assert pronounce.apply(["去银", "行卡办理"], {"银行卡": "银航卡"}, "zh-CN") == \
        ["去银航卡", "办理"]
    assert pronounce.apply(["Ask HMRC ", "today"], {"HMRC": "H M R C", "Ask": "A"}, "en-US") \
        == ["A H M R C ", "today"]
    assert pronounce.apply(["HMRCs"], {"HMRC": "H M R C"}, "en-US") == ["HMRCs"]


BRIEF = """\
title: 银行卡还款新规
issuer: 某市金融办
summary: 新规不会影响一个人的征信。
points:
  - heading: 谁适用
    text: 在本市银行办理信用卡的居民。
pronounce:
  征信: 征芯
"""


def test_espeak_is_sent_the_fixes_while_captions_keep_the_written_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    speak = EspeakEngine._speak

    def recording(self: EspeakEngine, text: str, out: Path) -> None:
        sent.append(text)
        speak(self, text, out)

    monkeypatch.setattr(EspeakEngine, "_speak", recording)
    (tmp_path / "pronounce.yaml").write_text("新规: 新归\n", encoding="utf-8")
    path = write_brief(tmp_path, BRIEF)
    timeline = pipeline.caption_timeline(path, pipeline.RenderOptions(tts="espeak"))
    said = "".join(sent)
    assert "银航卡环款新归" in said  # built-in list, then the team's file
    assert "新归醭会影响姨个人的征芯" in said  # the brief's own map
    srt = export.subtitles(timeline.cues, "srt")
    assert "银行卡还款新规" in srt and "新规不会影响一个人的征信" in srt
    assert not re.search("[航环归醭姨芯]", srt)


def test_no_speech_means_no_fixes_and_edge_gets_only_the_teams(tmp_path: Path) -> None:
    assert speech.pronunciation("none", "zh-CN", {"a": "b"}) == {"a": "b"}
    assert speech.pronunciation("edge", "zh-CN", {"征信": "征芯"}) == {"征信": "征芯"}
    mine = speech.pronunciation("espeak", "zh-CN", {"银行": "淫行"})
    assert mine["银行"] == "淫行" and mine["不会"] == "醭会"  # the team's entry wins
    assert speech.pronunciation("espeak", "en-US") == {}


def test_a_changed_reading_is_spoken_again_not_taken_from_the_cache(tmp_path: Path) -> None:
    path = write_brief(tmp_path, BRIEF)
    options = pipeline.RenderOptions(tts="espeak", cache_dir=tmp_path / "cache")

    def spoken(prepared: pipeline.Prepared) -> cache.SpeechStats:
        counts = cache.SpeechCache(options.cache_dir)
        pipeline.speak(prepared, options, tmp_path, print, counts)
        return counts.stats()

    prepared = pipeline.prepare(path, options)
    count = len(prepared.sentences)
    assert spoken(prepared) == cache.SpeechStats(synthesized=count)
    assert spoken(prepared) == cache.SpeechStats(cached=count)
    # only the sentence with 征信 is read differently
    changed = pipeline.Prepared(**{**prepared.__dict__, "pronounce": {"征信": "征心"}})
    assert spoken(changed) == cache.SpeechStats(synthesized=1, cached=count - 1)


def test_a_teams_file_changes_the_inputs_a_batch_compares(tmp_path: Path) -> None:
    path = write_brief(tmp_path, BRIEF)
    options = pipeline.RenderOptions(tts="espeak")
    before = pipeline.fingerprint(path, options)[1]
    (tmp_path / "pronounce.yaml").write_text("新规: 新归\n", encoding="utf-8")
    assert pipeline.fingerprint(path, options)[1] != before


def test_the_estimate_reads_the_fixed_text() -> None:
    from policyclip import estimate

    plain = estimate.sentence_ms(["Call HMRC."], engine="espeak", language="en-US")
    spelled = estimate.sentence_ms(["Call HMRC."], engine="espeak", language="en-US",
                                   pronounce={"HMRC": "Her Majesty's Revenue and Customs"})
    assert spelled > plain + 800  # nine more syllables


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policyclip", *args], capture_output=True,
                          text=True, timeout=120, check=False, cwd=cwd)


def test_a_bad_pronunciation_file_is_bad_input_naming_its_lines(tmp_path: Path) -> None:
    (tmp_path / "pronounce.yaml").write_text("银行卡: 银航卡\n征信:\n新规: [a, b]\n",
                                             encoding="utf-8")
    result = run("check", str(write_brief(tmp_path, BRIEF)), "--tts", "none")
    assert result.returncode == 3
    folder = tmp_path.resolve()
    assert result.stderr == (
        f"error: {folder}/pronounce.yaml:2: 征信: the reading must be text\n"
        f"error: {folder}/pronounce.yaml:3: 新规: the reading must be text\n"
        "1 of 1 brief(s) have problems\n")


def test_a_brief_pronounce_map_is_checked_like_every_field(tmp_path: Path) -> None:
    path = write_brief(tmp_path, BRIEF.replace("征信: 征芯", "征信: ''"))
    result = run("check", str(path))
    assert result.returncode == 3
    assert result.stderr.splitlines()[0].startswith(f"error: {path}:8: pronounce.征信:")


def test_say_shows_each_step_and_writes_nothing_with_show(tmp_path: Path) -> None:
    (tmp_path / "pronounce.yaml").write_text("征信: 征芯\n", encoding="utf-8")
    result = run("say", "银行卡不会影响征信，热线12366", "--tts", "espeak", "--show",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "written:    银行卡不会影响征信，热线12366",
        "fixes:      银行 -> 银航, 不会 -> 醭会, 征信 -> 征芯",
        "pronounced: 银航卡醭会影响征芯，热线12366",
        "spoken:     银航卡醭会影响征芯，热线幺二三六六"]
    assert lines[4].startswith("phonemes:   j'i35n_| X'a35N_| kh'A21_| p'u35_| X'uei51_|")
    assert len(lines) == 5
    assert list(tmp_path.iterdir()) == [tmp_path / "pronounce.yaml"]


def test_say_with_auto_reads_with_the_engine_a_render_would_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(speech, "best_auto_engine", lambda: "espeak")
    reading = speech.say("银行", engine="auto", language="zh-CN", voice=None, rate="+0%")
    assert (reading.engine, reading.pronounced, reading.duration_ms) == ("espeak", "银航", None)


def test_say_writes_the_audio(tmp_path: Path) -> None:
    result = run("say", "银行卡", "--tts", "espeak", "-o", str(tmp_path / "a.wav"))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"{re.escape(str(tmp_path / 'a.wav'))}  \(\d\.\d s, speech: espeak "
                        r"cmn-latn-pinyin\)\n", result.stdout)
    assert (tmp_path / "a.wav").stat().st_size > 10_000
