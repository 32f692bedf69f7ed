"""Golden script and caption text for every built-in template on every example brief.

A template or line-breaking change shows up here as a text diff. To accept a deliberate change:
    POLICYCLIP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policyclip.pipeline import RenderOptions, load, plan
from policyclip.script import builtin_names

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("golden")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = [(t, b) for t in sorted(builtin_names()) for b in EXAMPLES]


def rendered_text(template: str, brief_path: Path) -> str:
    """The narration, then every caption cue (lines joined by ' / ') under its scene."""
    options = RenderOptions(template=template)
    script, sentences = plan(load(brief_path, options), options)
    out = [script.text().rstrip("\n"), "", "--- captions ---"]
    for index, scene in enumerate(script.scenes):
        out.append(f"@scene {scene.card}{'' if scene.ref is None else f' {scene.ref}'}")
        out += [f"  {' / '.join(c.lines)}" for s in sentences if s.scene == index for c in s.cues]
    return "\n".join(out) + "\n"


def test_every_template_and_example_has_a_golden_file() -> None:
    expected = {f"{t}--{b.stem}.txt" for t, b in CASES}
    if os.environ.get("POLICYCLIP_UPDATE_GOLDEN"):
        for stale in set(p.name for p in GOLDEN.glob("*.txt")) - expected:
            (GOLDEN / stale).unlink()
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected
    assert {"explainer", "qa", "figures"} <= set(builtin_names())


@pytest.mark.parametrize(("template", "brief"), CASES, ids=[f"{t}-{b.stem}" for t, b in CASES])
def test_golden_text(template: str, brief: Path) -> None:
    golden = GOLDEN / f"{template}--{brief.stem}.txt"
    text = rendered_text(template, brief)
    if os.environ.get("POLICYCLIP_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
