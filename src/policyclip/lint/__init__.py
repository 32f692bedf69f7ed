"""`policyclip lint`: plain-language and compliance checks on a brief, before anything renders.

Each rule is a small function in rules.py, registered with its id; word lists live in data/.
The brief is read, validated and scripted as `check` does, so long sentences are measured on
what is spoken and reported at the line of the field they came from.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..yamlfile import format_path, load_yaml_file
from .context import LintContext, build_context
from .findings import SEVERITIES, Finding, LintConfig, counts, rank, reaches
from .rules import RULES, Rule

__all__ = ["RULES", "SEVERITIES", "Finding", "LintConfig", "LintContext", "Rule", "counts",
           "lint_brief", "load_config", "rank", "reaches"]


def lint_brief(path: Path, config: LintConfig | None = None, display: str | None = None
               ) -> list[Finding]:
    """Every finding for one brief, ordered by line. Raises the errors `check` reports for a
    brief that cannot be read (BriefError, TemplateError, ThemeError)."""
    config = config or LintConfig()
    ctx = build_context(path, config, display)
    findings = []
    for entry in RULES.values():
        if not config.on(entry.id) or (entry.chinese_only and not ctx.brief.is_chinese):
            continue
        for hit in entry.check(ctx, config):
            severity = config.severities.get(entry.id, hit.severity or entry.severity)
            line = hit.line if hit.line is not None else ctx.line(hit.path)
            findings.append(Finding(hit.file or ctx.file, line, severity, entry.id,
                                    hit.message, hit.suggestion))
    return sorted(findings, key=lambda f: (f.file != ctx.file, f.file, f.line,
                                           -rank(f.severity), f.rule))


_CONFIG_KEYS = {
    "sentence_chars": "{warn: 30, error: 45}",
    "sentence_words": "{warn: 20, error: 30}",
    "max_clauses": "a whole number",
    "hsk_level": "a whole number from 1 to 7",
    "disable": "a list of rule ids",
    "severity": "rule id: error | warning | info",
    "terms": "a list of terms",
}


def load_config(path: Path, base: LintConfig | None = None) -> LintConfig:
    """Read a lint settings file (YAML; keys in docs/lint.md) on top of `base`."""
    config = base or LintConfig()
    name = path.name
    doc = load_yaml_file(path, InputError, name)
    data = doc.data if doc.data is not None else {}
    problems: list[str] = [f"{name}:{line}: {message}" for _, line, message in doc.problems]
    if not isinstance(data, dict):
        raise InputError(f"{name}:1: lint settings are a mapping of "
                         f"{', '.join(_CONFIG_KEYS)}")
    changes: dict[str, Any] = {}

    def bad(where: tuple[str | int, ...], expected: str) -> None:
        problems.append(f"{name}:{doc.line_of(where)}: {format_path(where)}: expected {expected}")

    for key, value in data.items():
        if key not in _CONFIG_KEYS:
            problems.append(f"{name}:{doc.line_of((key,))}: {key}: unknown setting "
                            f"(known: {', '.join(_CONFIG_KEYS)})")
        elif key in ("sentence_chars", "sentence_words"):
            prefix = "sentence" if key == "sentence_chars" else "words"
            if not isinstance(value, dict) or set(value) - {"warn", "error"} or not all(
                    type(v) is int and v > 0 for v in value.values()):
                bad((key,), _CONFIG_KEYS[key])
                continue
            changes.update({f"{prefix}_{k}": v for k, v in value.items()})
        elif key in ("max_clauses", "hsk_level"):
            if type(value) is not int or value < 1 or (key == "hsk_level" and value > 7):
                bad((key,), _CONFIG_KEYS[key])
                continue
            changes[key] = value
        elif key in ("disable", "terms"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad((key,), _CONFIG_KEYS[key])
                continue
            unknown = [v for v in value if key == "disable" and v not in RULES]
            if unknown:
                bad((key,), f"rule ids ({', '.join(RULES)}); got {', '.join(unknown)}")
                continue
            if key == "disable":
                changes["disabled"] = config.disabled | frozenset(value)
            else:
                changes["extra_terms"] = (*config.extra_terms, *value)
        else:  # severity
            if not isinstance(value, dict) or not all(
                    k in RULES and v in SEVERITIES for k, v in value.items()):
                bad((key,), f"{_CONFIG_KEYS[key]} (rules: {', '.join(RULES)})")
                continue
            changes["severities"] = {**config.severities, **value}
    if problems:
        raise InputError("\n".join(problems))
    return replace(config, **changes)
