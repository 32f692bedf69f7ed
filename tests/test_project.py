"""The project's own promises: declared dependencies are the ones used, CI runs the linters."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The name a distribution is imported by, where it differs from its name on the index.
IMPORT_NAMES = {"imageio-ffmpeg": "imageio_ffmpeg", "edge-tts": "edge_tts", "pillow": "PIL",
                "pyyaml": "yaml", "python-docx": "docx"}
# Declared for a reason other than an import in src/.
NOT_IMPORTED = {# trafilatura's justext needs lxml.html.clean, which lxml now ships apart.
                "lxml-html-clean",
                # a plugin OpenTimelineIO loads by name ("fcp_xml") for the editor package.
                "otio-fcp-adapter"}
# Imported directly but part of a declared distribution that pins it exactly.
PART_OF = {"pydantic_core": "pydantic"}


def _declared() -> dict[str, str]:
    # tomllib is not in Python 3.10: the list is simple enough to read by hand.
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M)
    assert block
    names = (spec.lower() for spec in re.findall(r'^\s*"([A-Za-z0-9_.\-]+)', block[1], re.M))
    return {name: IMPORT_NAMES.get(name, name.replace("-", "_")) for name in names}


def _imported() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "policyclip").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found
            if name not in sys.stdlib_module_names and name != "policyclip"}


def test_every_third_party_import_is_declared() -> None:
    undeclared = {PART_OF.get(name, name) for name in _imported()} - set(_declared().values())
    assert not undeclared, f"imported but not in [project] dependencies: {sorted(undeclared)}"


def test_every_declared_dependency_is_imported() -> None:
    unused = {dist for dist, module in _declared().items()
              if module not in _imported() and dist not in NOT_IMPORTED}
    assert not unused, f"declared but never imported by policyclip: {sorted(unused)}"


def test_ci_runs_ruff_and_mypy_before_the_tests() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    # The README's test command, with the browser test required to run (not skipped).
    tests = lines.index("POLICYCLIP_REQUIRE_CHROMIUM=1 .venv/bin/python -m pytest -q")
    assert ".venv/bin/ruff check ." in lines[:tests]
    assert ".venv/bin/mypy" in lines[:tests]
