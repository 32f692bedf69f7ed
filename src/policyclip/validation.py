"""Turn pydantic errors on user-written YAML into `file:line: field: message` lines."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from .yamlfile import YamlDocument, YamlPath, format_path


def explain_errors(
    exc: ValidationError,
    doc: YamlDocument,
    fields: Mapping[str, Sequence[str]],
    skip: set[YamlPath],
) -> list[tuple[int, str]]:
    """(line, message) for every error; `fields` maps a parent key to its valid child keys."""
    found = []
    for error in exc.errors():
        path: YamlPath = tuple("from" if part == "from_" else part for part in error["loc"])
        if path not in skip:
            found.append(_explain(doc, path, error, fields))
    return found


def format_problems(name: str, problems: list[tuple[int, str]]) -> list[str]:
    """Sort problems by line and prefix them with the file name."""
    return [f"{name}:{line}: {message}" for line, message in sorted(problems, key=lambda p: p[0])]


def _explain(
    doc: YamlDocument, path: YamlPath, error: Any, fields: Mapping[str, Sequence[str]]
) -> tuple[int, str]:
    kind = error["type"]
    line = doc.line_of(path)
    where = format_path(path) or "document"
    if kind == "missing":
        return line, f"{where}: field required"
    if kind == "extra_forbidden":
        key = str(path[-1])
        parent = next((str(p) for p in reversed(path[:-1]) if isinstance(p, str)), "")
        near = difflib.get_close_matches(key, fields.get(parent, []), n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return line, f"{where}: unknown field{hint}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        return line, f"{where}: expected one of {expected}, got {describe(error['input'])}"
    if kind in ("too_short", "too_long"):
        ctx = error.get("ctx", {})
        low, high = ctx.get("min_length"), ctx.get("max_length")
        count = len(error["input"]) if hasattr(error["input"], "__len__") else "?"
        bound = f"at least {low}" if kind == "too_short" else f"at most {high}"
        return line, f"{where}: needs {bound} items, got {count}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = "a list" if kind == "list_type" else "a mapping"
        return line, f"{where}: expected {wanted}, got {describe(error['input'])}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return line, f"{where}: {message}"


def describe(value: Any) -> str:
    """A short, user-facing description of a YAML value's type."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return f"true/false ({value}; put it in quotes if it is text)"
    if isinstance(value, float):
        return f"a number ({value}; put it in quotes if it is text)"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value}; put it in quotes if it is text)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
