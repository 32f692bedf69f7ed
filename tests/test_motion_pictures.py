"""The motion pictures of docs/templates.md: the generator (docs/pictures/make_motion_pictures.py)
makes every picture the docs show, and each strip shows its effect as the painter draws it.

The PNGs are read back as a reader sees them, frame by frame on the strip, so the docs, the
generator and the painter cannot drift apart unnoticed.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "docs" / "pictures" / "make_motion_pictures.py"
DOC = ROOT / "docs" / "templates.md"


def _generator() -> ModuleType:
    """The script, imported as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("make_motion_pictures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


def _shown_in_docs() -> list[str]:
    """The pictures docs/templates.md embeds from docs/pictures/, in order."""
    text = DOC.read_text("utf-8")
    return re.findall(r"!\[[^\]]*\]\(pictures/([^)\s]+\.png)\)", text)


SHOWN = _shown_in_docs()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pictures")
    assert GENERATOR.main(["--out", str(out)]) == 0
    return out


def _frames(path: Path) -> list[np.ndarray]:
    """The frames on a strip, each as RGB pixels, found from the strip's layout alone."""
    with Image.open(path) as image:
        assert image.format == "PNG"
        pixels = np.asarray(image.convert("RGB")).astype(int)
    height, width = pixels.shape[:2]
    tile, gap = GENERATOR.TILE_WIDTH, GENERATOR.GAP
    count = (width - gap) // (tile + gap)
    assert width == gap + count * (tile + gap), "not a whole number of frames across"
    top, bottom = GENERATOR.HEADER, height - GENERATOR.LABEL - gap
    return [pixels[top:bottom, gap + i * (tile + gap):gap + i * (tile + gap) + tile]
            for i in range(count)]


def _differ(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixels that clearly differ between two frames."""
    return float((np.abs(a - b).max(axis=2) > 16).mean())


def test_every_picture_the_docs_show_is_made_and_none_other(made: Path) -> None:
    assert len(SHOWN) >= 16 and len(set(SHOWN)) == len(SHOWN)
    for effect in ("card", "scene", "caption", "caption-dissolve", "figure", "steps", "faq"):
        assert {f"{effect}-subtle.png", f"{effect}-lively.png"} <= set(SHOWN), effect
    assert {"scene-none.png", "progress-lively.png"} <= set(SHOWN)
    assert sorted(path.name for path in made.glob("*.png")) == sorted(SHOWN)


@pytest.mark.parametrize("name", SHOWN)
def test_each_picture_is_a_small_strip_of_frames_that_moves(made: Path, name: str) -> None:
    path = made / name
    assert path.stat().st_size < 200_000
    frames = _frames(path)
    assert 5 <= len(frames) <= 7
    assert frames[0].shape[0] >= 30  # a frame, not a sliver
    # Something happens between the first frame and the settled one.
    assert _differ(frames[0], frames[-1]) > 0.005, name


def test_with_none_a_scene_change_is_a_cut(made: Path) -> None:
    before, *between, after = _frames(made / "scene-none.png")
    assert _differ(before, after) > 0.05
    for frame in between:
        assert np.array_equal(frame, before) or np.array_equal(frame, after)
    assert np.array_equal(between[0], after)  # cut on the scene's first frame


@pytest.mark.parametrize("preset", ["subtle", "lively"])
def test_a_moving_scene_change_passes_through_frames_in_between(made: Path, preset: str) -> None:
    before, *between, after = _frames(made / f"scene-{preset}.png")
    halfway = [frame for frame in between
               if _differ(frame, before) > 0.01 and _differ(frame, after) > 0.01]
    assert len(halfway) >= 2, preset


def test_the_pictures_are_never_committed() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for name in SHOWN:
        ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q",
                                  f"docs/pictures/{name}"], check=False)
        assert ignored.returncode == 0, f"docs/pictures/{name} is not ignored"
