"""Themes are validated like briefs: exact messages, contrast checked, fonts resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import SHORT_BRIEF, write_brief
from policyclip.errors import ThemeError
from policyclip.pipeline import RenderOptions, caption_timeline
from policyclip.resources import builtin_dir
from policyclip.theme import builtin_themes, contrast_ratio, find_theme, load_theme, resolve_font

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
    assert caught.value.message == (
        "mine.yaml: colors.caption_text on colors.caption_box has contrast 2.08:1; "
        "captions need at least 4.5:1")


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
