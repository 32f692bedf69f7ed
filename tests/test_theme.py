"""Themes are validated like briefs: exact messages, contrast checked, fonts resolved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ENGLISH_BRIEF, SHORT_BRIEF, write_brief
from policyclip import pipeline
from policyclip.errors import ThemeError
from policyclip.pipeline import RenderOptions, caption_timeline, prepare
from policyclip.resources import builtin_dir
from policyclip.theme import (
    builtin_themes,
    contrast_ratio,
    find_theme,
    load_theme,
    passing_colour,
    resolve_font,
)

DEFAULT = (builtin_dir("templates") / "themes" / "default.yaml").read_text(encoding="utf-8")


def _theme(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_themes_load_and_have_their_fonts() -> None:
    assert {"default", "gov-red"} <= set(builtin_themes())
    for name in builtin_themes():
        theme = load_theme(find_theme(name, None))
        assert resolve_font(theme.fonts.bold).path.is_file()
        assert contrast_ratio(theme.colors.caption_text, theme.colors.caption_box) >= 4.5
        assert theme.sizes.label >= 54  # 5% of the 1080 px short side


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_low_contrast_captions_are_refused_with_the_ratio(tmp_path: Path) -> None:
    text = DEFAULT.replace('caption_text: "#FFFFFF"', 'caption_text: "#445566"')
    with pytest.raises(ThemeError) as caught:
        load_theme(_theme(tmp_path, text))
    line = text.splitlines().index('  caption_text: "#445566"') + 1
    assert caught.value.message == (
        f"mine.yaml:{line}: colors.caption_text on colors.caption_box has contrast 2.08:1; "
        "captions need at least 4.5:1")
    assert caught.value.hint == (
        'the nearest colour that passes is caption_text: "#7E8A95" (4.53:1 on #14213D)')


@pytest.mark.parametrize(("text", "box"), [
    ("#445566", "#14213D"), ("#777777", "#FFFFFF"), ("#FFFFFF", "#888888"),
    ("#808080", "#7F7F7F"), ("#C8102E", "#C8102E")])
def test_the_suggested_colour_passes_and_nothing_nearer_on_its_line_does(
    text: str, box: str
) -> None:
    fixed = passing_colour(text, box)
    assert contrast_ratio(fixed, box) >= 4.5
    rgb = [int(text[i:i + 2], 16) for i in (1, 3, 5)]

    def far(colour: str) -> int:
        return sum((int(colour[i:i + 2], 16) - c) ** 2 for i, c in zip((1, 3, 5), rgb, strict=True))

    # Brute force, finer than the search: no lighter or darker shade that passes is nearer.
    shades = ["#" + "".join(f"{round(c + (end - c) * k / 1000):02X}" for c in rgb)
              for end in (0, 255) for k in range(1001)]
    passing = [c for c in shades if contrast_ratio(c, box) >= 4.5]
    assert far(fixed) <= min(far(c) for c in passing)


def test_theme_mistakes_are_reported_with_lines(tmp_path: Path) -> None:
    text = (DEFAULT.replace('  accent: "#C8102E"', '  acent: "#C8102E"')
            .replace("  caption: 54", "  caption: 500")
            .replace('  top: "#F4F7FB"', '  top: "light blue"'))
    with pytest.raises(ThemeError) as caught:
        load_theme(_theme(tmp_path, text))
    lines = caught.value.message.splitlines()
    top_line = text.splitlines().index('  top: "light blue"') + 1
    assert (f"mine.yaml:{top_line}: background.top: expected a colour like #1A2B3C, "
            "got 'light blue'") in lines
    assert any(line.startswith("mine.yaml:") and "colors.acent: unknown field (did you mean "
               "'accent'?)" in line for line in lines)
    assert any("colors.accent: field required" in line for line in lines)
    assert any("sizes.caption: Input should be less than or equal to 100" in line
               for line in lines)
    assert caught.value.exit_code == 3


def test_unknown_theme_name_lists_builtins() -> None:
    with pytest.raises(ThemeError) as caught:
        find_theme("neon", None)
    assert caught.value.message == "no theme named 'neon'"
    assert caught.value.hint == f"built-in themes: {', '.join(builtin_themes())}"


def test_missing_fonts_say_how_to_install_one(tmp_path: Path) -> None:
    text = DEFAULT.replace("NotoSansCJK-Bold.ttc", "NoSuchFont.ttc")
    theme = load_theme(_theme(tmp_path, text))
    with pytest.raises(ThemeError) as caught:
        resolve_font([f for f in theme.fonts.bold if f.file == "NoSuchFont.ttc"])
    assert caught.value.message == "none of the theme's fonts is installed (NoSuchFont.ttc)"
    assert caught.value.hint is not None and "fonts-noto-cjk" in caught.value.hint


def test_caption_punctuation_and_pauses_are_theme_settings(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF)
    theme = _theme(tmp_path, DEFAULT + "captions:\n  drop_end: ''\npacing:\n  lead_in_ms: 0\n"
                   "  scene_gap_ms: 2000\n")
    plain = caption_timeline(brief, RenderOptions(tts="none"))
    styled = caption_timeline(brief, RenderOptions(tts="none", theme=str(theme)))
    assert plain.cues[1].lines == ("六种地方税费按50%减征",)
    assert styled.cues[1].lines == ("六种地方税费按50%减征。",)
    assert (plain.cues[0].start_ms, styled.cues[0].start_ms) == (400, 0)
    gap = styled.scenes[1].start_ms - styled.cues[1].end_ms
    assert gap >= 2000 - 400  # the last cue of a scene holds at most 400 ms into the pause


def _label_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("ai_label:"))


@pytest.mark.parametrize(("label", "message"), [
    ("ai_label: {}\n", "ai_label: needs the label's text for zh and/or en (e.g. zh: "
     "本视频含AI合成语音); it is drawn at the start of every video with a synthesized voice"),
    ("ai_label:\n  zh: ''\n  en: AI voice\n", "ai_label: 'zh' is empty; write the label's "
     "text (e.g. 本视频含AI合成语音) or leave the key out"),
])
def test_an_empty_ai_label_is_refused_by_check(tmp_path: Path, label: str, message: str) -> None:
    labels = "ai_label:\n  zh: 本视频含AI合成语音\n  en: AI合成语音 · AI-synthesized voice\n"
    text = DEFAULT.replace(labels, label)
    assert text != DEFAULT
    theme = _theme(tmp_path, text)
    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(brief), "--theme",
                             str(theme)], capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == f"error: mine.yaml:{_label_line(text)}: {message}"


def test_missing_fonts_are_found_by_check_and_before_any_speech(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEFAULT.replace("NotoSansCJK-Regular.ttc", "NoSuchFont.ttc")
    text = "\n".join(line for line in text.splitlines()
                     if "file:" not in line or "NoSuch" in line or "Bold" in line)
    theme = _theme(tmp_path, text)
    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(brief), "--theme",
                             str(theme)], capture_output=True, text=True, check=False)
    line = text.splitlines().index("  regular:") + 1
    assert result.returncode == 3
    assert result.stderr.splitlines()[:2] == [
        f"error: mine.yaml:{line}: fonts.regular: none of the theme's fonts is installed "
        "(NoSuchFont.ttc)",
        "hint: Debian/Ubuntu: apt-get install fonts-noto-cjk; macOS: brew install --cask "
        "font-noto-sans-cjk-sc; or set POLICYCLIP_FONT_DIR to a folder with one of them"]

    def no_speech(*args: object, **kwargs: object) -> None:
        raise AssertionError("speech was synthesized before the fonts were checked")

    monkeypatch.setattr(pipeline.speech, "synthesize", no_speech)
    with pytest.raises(ThemeError, match=r"^mine\.yaml:\d+: fonts\.regular: none of"):
        pipeline.render_brief(brief, tmp_path / "out", RenderOptions(tts="espeak",
                                                                      theme=str(theme)))
    assert not (tmp_path / "out").exists()


def test_a_font_face_that_does_not_exist_is_found_by_check(tmp_path: Path) -> None:
    text = DEFAULT.replace("{file: NotoSansCJK-Bold.ttc, index: 2}",
                           "{file: NotoSansCJK-Bold.ttc, index: 40}")
    with pytest.raises(ThemeError) as caught:
        prepare(write_brief(tmp_path, SHORT_BRIEF), RenderOptions(theme=str(_theme(tmp_path,
                                                                                  text))))
    line = text.splitlines().index("  bold:") + 1
    assert caught.value.message.startswith(f"mine.yaml:{line}: fonts.bold: cannot load ")
    assert caught.value.message.endswith("NotoSansCJK-Bold.ttc (face 40): invalid argument")
    assert caught.value.hint == "a .ttc collection numbers its faces from 0; check `index`"


def test_a_theme_named_unlike_its_file_is_flagged(tmp_path: Path) -> None:
    theme = _theme(tmp_path, DEFAULT)  # mine.yaml saying name: default
    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(brief), "--theme",
                             str(theme)], capture_output=True, text=True, check=False)
    line = DEFAULT.splitlines().index("name: default") + 1
    assert result.returncode == 0
    assert result.stderr == (
        f"warning: mine.yaml:{line}: name: 'default' differs from the file name 'mine' "
        "(--theme mine finds it, the metadata calls it default); set name: mine\n")
    (tmp_path / "default.yaml").write_text(DEFAULT, encoding="utf-8")
    assert prepare(brief, RenderOptions(theme=str(tmp_path / "default.yaml"))).warnings == ()


def test_the_metadata_names_the_ai_label_that_is_drawn(tmp_path: Path) -> None:
    # An English brief, a theme with only a Chinese label: that label is drawn, and reported.
    text = DEFAULT.replace("  en: AI合成语音 · AI-synthesized voice\n", "")
    theme = tmp_path / "zh-only.yaml"
    theme.write_text(text.replace("name: default", "name: zh-only"), encoding="utf-8")
    brief = write_brief(tmp_path, ENGLISH_BRIEF)
    result = pipeline.render_brief(brief, tmp_path / "out", RenderOptions(
        tts="espeak", theme=str(theme), preview=True))
    meta = json.loads(result.outputs["metadata"].read_text(encoding="utf-8"))
    assert meta["aigc"]["visible_label"] == "本视频含AI合成语音"


def _colour_line(text: str, key: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(f"  {key}:"))


def test_low_contrast_card_text_is_refused_by_check_at_its_line(tmp_path: Path) -> None:
    text = DEFAULT.replace('  text: "#14213D"', '  text: "#EEEEEE"')
    theme = _theme(tmp_path, text)
    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(brief), "--theme",
                             str(theme)], capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert result.stderr.splitlines()[:2] == [
        f"error: mine.yaml:{_colour_line(text, 'text')}: colors.text on colors.card has "
        "contrast 1.16:1; the title, headings, questions and steps on the cards need at least "
        "4.5:1",
        'hint: the nearest colour that passes is text: "#767676" (4.54:1 on #FFFFFF)']


def test_every_low_contrast_pair_the_painter_draws_is_named_with_its_fix(
    tmp_path: Path
) -> None:
    text = (DEFAULT.replace('  muted: "#51607A"', '  muted: "#BBBBBB"')
            .replace('  accent: "#C8102E"', '  accent: "#FF9999"')
            .replace('  on_accent: "#FFFFFF"', '  on_accent: "#FFEEEE"'))
    with pytest.raises(ThemeError) as caught:
        load_theme(_theme(tmp_path, text))
    assert caught.value.message.splitlines() == [
        f"mine.yaml:{_colour_line(text, 'muted')}: colors.muted on colors.card has contrast "
        "1.92:1; point text, answers and the source details on the cards need at least 4.5:1",
        f"mine.yaml:{_colour_line(text, 'accent')}: colors.accent on colors.card has contrast "
        "2.05:1; point numbers, figures and the call to action on the cards need at least 4.5:1",
        f"mine.yaml:{_colour_line(text, 'on_accent')}: colors.on_accent on colors.accent has "
        "contrast 1.82:1; the issuer tag and the numbered badges need at least 4.5:1"]
    assert caught.value.hint == (
        'the nearest colours that pass are muted: "#767676" (4.54:1 on #FFFFFF); '
        'accent: "#A76464" (4.52:1 on #FFFFFF); on_accent: "#4C4646" (4.52:1 on #FF9999)')


def test_builtin_themes_pass_every_contrast_pair() -> None:
    from policyclip.theme import CONTRAST_PAIRS
    for name in builtin_themes():
        theme = load_theme(find_theme(name, None))
        for text, back, _ in CONTRAST_PAIRS:
            assert contrast_ratio(getattr(theme.colors, text), getattr(theme.colors, back)) >= 4.5


def test_an_unquoted_colour_is_explained_as_a_comment_at_its_line(tmp_path: Path) -> None:
    text = DEFAULT.replace('  text: "#14213D"', "  text: #14213D")
    theme = _theme(tmp_path, text)
    brief = write_brief(tmp_path, SHORT_BRIEF)
    result = subprocess.run([sys.executable, "-m", "policyclip", "check", str(brief), "--theme",
                             str(theme)], capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == (
        f"error: mine.yaml:{_colour_line(text, 'text')}: colors.text: is empty because '#' "
        "starts a comment in YAML; put the colour in quotes: text: \"#14213D\"")


def test_a_theme_section_written_as_one_value_says_which_fields_belong_under_it(
    tmp_path: Path
) -> None:
    text = DEFAULT.replace("picture:\n  fill: blur\n  zoom: 0\n", "picture: blur\n")
    assert text != DEFAULT
    with pytest.raises(ThemeError) as caught:
        load_theme(_theme(tmp_path, text))
    line = text.splitlines().index("picture: blur") + 1
    assert caught.value.message == (
        f"mine.yaml:{line}: picture: expected fields like `fill:` and `color:` under "
        "`picture:`, got 'blur'")
