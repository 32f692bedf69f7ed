"""Turn pydantic errors on user-written YAML into `file:line: field: message` lines."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from .yamlfile import YamlDocument, YamlPath, format_path

WRONG_TYPE = "wrong_type"


def wrong_type(expected: str) -> PydanticCustomError:
    """The error a validator raises when a value is not `expected` (e.g. "text")."""
    return PydanticCustomError(WRONG_TYPE, "expected {expected}", {"expected": expected})


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
    if path and path[-1] == "[key]":  # a mapping key failed its validator
        path = path[:-1]
        line = doc.line_of(path)
        return line, f"{format_path(path[:-1])}: key '{path[-1]}': {_message(error)}"
    line = doc.line_of(path)
    where = format_path(path) or "document"
    got = describe(error["input"], doc.source.get(path))
    if kind == "missing":
        return line, f"{where}: field required"
    if kind == "extra_forbidden":
        key = str(path[-1])
        parent = next((str(p) for p in reversed(path[:-1]) if isinstance(p, str)), "")
        return line, f"{where}: unknown field{_did_you_mean(key, fields.get(parent, []))}"
    if kind == WRONG_TYPE:
        expected = error["ctx"]["expected"]
        hint = "" if path in doc.flow else _colon_hint(expected, error)
        return line, f"{where}: expected {expected}, got {got}{hint}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        choices = expected.split(", ")
        hint = _did_you_mean(error["input"], choices) if isinstance(error["input"], str) else ""
        wanted = expected if len(choices) == 1 else f"one of {expected}"
        return line, f"{where}: expected {wanted}, got {got}{hint}"
    if kind in ("too_short", "too_long"):
        ctx = error.get("ctx", {})
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        count = len(error["input"]) if hasattr(error["input"], "__len__") else "?"
        limit = f"at least {bound}" if kind == "too_short" else f"at most {bound}"
        return line, f"{where}: needs {limit} item{'' if bound == 1 else 's'}, got {count}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        value = error["input"]
        wanted = "a list" if kind == "list_type" else _fields_wanted(path, kind, fields)
        hint = ""
        if kind != "list_type" and isinstance(value, str) and "：" in value:
            key, _, rest = value.partition("：")
            hint = (f" (full-width colon '：' after '{key.strip()}'; YAML needs a half-width "
                    f"colon and a space: {key.strip()}: {rest.strip()})")
        elif kind != "list_type" and isinstance(value, str):
            no_space = re.fullmatch(r"([A-Za-z_]\w*):(\S.*)", value.strip())
            if no_space:
                hint = (f" (no space after the colon; YAML needs one: {no_space[1]}: "
                        f"{no_space[2]})")
        return line, f"{where}: expected {wanted}, got {got}{hint}"
    return line, f"{where}: {_message(error)}"


def _fields_wanted(path: YamlPath, kind: str, fields: Mapping[str, Sequence[str]]) -> str:
    """What a mapping is, in plain words: the fields expected under it (`heading:` and
    `text:`), or `key: value` entries for a free mapping such as a glossary."""
    name = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
    under = "under this item" if path and isinstance(path[-1], int) else (
        f"under `{name}:`" if name else "")
    known = fields.get(name, []) if kind != "dict_type" else []
    if len(known) >= 2:
        what = f"fields like `{known[0]}:` and `{known[1]}:`"
    elif known:
        what = f"the field `{known[0]}:`"
    else:
        what = "entries written `name: value`, one a line,"
    return f"{what} {under}".strip()


def _colon_hint(expected: str, error: Any) -> str:
    """For text that YAML read as `key: value` (an unquoted ': ' inside it): the quoted fix."""
    value = error["input"]
    if expected != "text" or not isinstance(value, dict) or len(value) != 1:
        return ""
    key, rest = next(iter(value.items()))
    if not isinstance(key, str) or not isinstance(rest, (str, int, float)):
        return ""
    text = f"{key}: {rest}"
    quoted = f'"{text}"' if '"' not in text else "'" + text.replace("'", "''") + "'"
    return f" (YAML reads the ': ' as a key and a value); put the text in quotes: {quoted}"


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    near = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""


def describe(value: Any, written: str | None = None) -> str:
    """A short, user-facing description of a YAML value (and how it was written, if known)."""
    if written and isinstance(value, bool):
        return f"{written} (YAML reads it as {str(value).lower()}; put it in quotes if it is text)"
    if written and isinstance(value, (int, float, dt.date)):
        return written
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
        if not value:
            return "an empty {}"
        keys = [f"`{key}: ...`" for key in list(value)[:2]]
        return "fields " + ", ".join(keys) + (", ..." if len(value) > 2 else "")
    return type(value).__name__
