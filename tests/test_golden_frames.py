"""One golden frame per built-in theme and card, compared with a tolerance.

The golden is a 27x48 thumbnail of each frame (text, not a picture file), so a layout or theme
change shows up as a failing comparison. To accept a deliberate change:
    POLICYCLIP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_frames.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import write_brief
from policyclip import frames
from policyclip.pipeline import RenderOptions, caption_timeline, prepare
from policyclip.theme import builtin_themes

GOLDEN = Path(__file__).with_name("golden")
BRIEF = """\
title: 个人所得税专项附加扣除标准提高
issuer: 国务院
doc_number: 国发〔2023〕13号
effective:
  from: 2023-01-01
audience: 有3岁以下婴幼儿的纳税人
summary: 三项扣除标准每月各提高1000元。
points:
  - heading: 婴幼儿照护
    text: 每个孩子每月2000元。
    figure:
      value: 2000元/月
      label: 每个孩子
faq:
  - q: 需要申请吗？
    a: 在个人所得税App填报即可。
steps:
  - 打开个人所得税App
  - 填写扣除信息
contact: 纳税服务热线12366
"""


def thumbnails(theme: str, folder: Path) -> dict[str, list[int]]:
    """A small thumbnail of the frame in the middle of each scene's first caption."""
    brief = write_brief(folder, BRIEF)
    options = RenderOptions(tts="none", theme=theme)
    timeline = caption_timeline(brief, options)
    prepared = prepare(brief, options)
    painter = frames.FramePainter(prepared.brief, prepared.look, timeline)
    states = frames.screen_states(timeline)
    out = {}
    for scene in timeline.scenes:
        cue = next(c for c in timeline.cues if c.scene == scene.index)
        image = painter.draw(frames.state_at(states, (cue.start_ms + cue.end_ms) // 2))
        small = image.resize((27, 48), Image.Resampling.BOX)
        key = scene.card if scene.ref is None else f"{scene.card}-{scene.ref}"
        out[key] = np.asarray(small).reshape(-1).tolist()
    return out


@pytest.mark.parametrize("theme", builtin_themes())
def test_frames_match_the_golden_thumbnails(theme: str, tmp_path: Path) -> None:
    golden = GOLDEN / f"frames--{theme}.json"
    got = thumbnails(theme, tmp_path)
    if os.environ.get("POLICYCLIP_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected)
    for card, pixels in expected.items():
        difference = np.abs(np.array(got[card]) - np.array(pixels))
        assert difference.mean() < 3, (card, difference.mean())
        assert difference.max() < 60, (card, difference.max())
