"""The publishing account, not the policy's issuer, is named as the video's maker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ENGLISH_BRIEF, SHORT_BRIEF, mp4_tags, write_brief
from policyclip.brief import load_brief
from policyclip.errors import BriefError, ThemeError
from policyclip.pipeline import RenderOptions, prepare, render_brief
from policyclip.resources import builtin_dir
from policyclip.theme import load_theme

DEFAULT = (builtin_dir("templates") / "themes" / "default.yaml").read_text(encoding="utf-8")


def _theme(folder: Path, publisher: str) -> Path:
    path = folder / "house.yaml"
    path.write_text(DEFAULT.replace("name: default", "name: house") + publisher,
                    encoding="utf-8")
    return path


def test_the_publisher_names_the_artist_and_the_aigc_propagator(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, SHORT_BRIEF + "publisher: 宝安发布\n")
    theme = _theme(tmp_path, "publisher: Theme Account\n")
    result = render_brief(brief, tmp_path / "out", RenderOptions(
        tts="espeak", preview=True, theme=str(theme)))
    tags = mp4_tags(result.outputs["video"])
    assert tags["artist"] == "宝安发布"
    label = json.loads(tags["AIGC"])
    assert label["ContentPropagator"] == "宝安发布" and label["ContentProducer"] == "policyclip"
    assert tags["AIGC"].isascii()
    meta = json.loads(result.outputs["metadata"].read_text(encoding="utf-8"))
    assert (meta["publisher"], meta["issuer"]) == ("宝安发布", "财政部 税务总局")
    assert meta["aigc"]["metadata"]["ContentPropagator"] == "宝安发布"


def test_the_theme_publisher_serves_briefs_that_name_none(tmp_path: Path) -> None:
    theme = _theme(tmp_path, "publisher: 深圳宝安发布\n")
    plain = write_brief(tmp_path, ENGLISH_BRIEF, "plain.yaml")
    own = write_brief(tmp_path, ENGLISH_BRIEF + "publisher: City News\n", "own.yaml")
    options = RenderOptions(theme=str(theme))
    assert prepare(plain, options).publisher == "深圳宝安发布"
    assert prepare(own, options).publisher == "City News"
    assert prepare(plain, RenderOptions()).publisher is None


def test_an_empty_publisher_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(BriefError) as caught:
        load_brief(write_brief(tmp_path, SHORT_BRIEF + "publisher: '  '\n"))
    line = len(SHORT_BRIEF.splitlines()) + 1
    assert caught.value.problems == [f"brief.yaml:{line}: publisher: must not be empty"]
    with pytest.raises(ThemeError) as theme_error:
        load_theme(_theme(tmp_path, "publisher: ''\n"))
    line = len(DEFAULT.splitlines()) + 1
    assert theme_error.value.message == (
        f"house.yaml:{line}: publisher: must not be empty; leave the key out if there is no "
        "publisher")
