"""Read user-written YAML safely: bounded size and expansion, no object tags, no duplicate keys.

PyYAML's loaders silently keep the last of two equal keys and expand aliases without limit, so
this module composes the node tree itself and converts it, recording the line of every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 20_000
MAX_DEPTH = 32

_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, the 1-based line of every value, and any problems."""

    data: Any
    lines: dict[YamlPath, int]
    problems: tuple[tuple[YamlPath, int, str], ...]

    def line_of(self, path: YamlPath) -> int:
        """The line of the nearest value on `path` that exists in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class YamlProblem(Exception):
    """The file cannot be read as YAML at all; carries a line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def format_path(path: YamlPath) -> str:
    """`('points', 2, 'heading')` -> `points[2].heading`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file; raise YamlProblem when it is not a single well-formed document."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlProblem(1, f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    return parse_yaml(text)


def parse_yaml(text: str) -> YamlDocument:
    """Parse YAML text into a YamlDocument (see read_yaml)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in (exc.context or ""):
            message = "only one YAML document is allowed (found a second '---')"
        raise YamlProblem(line, f"YAML syntax error: {message}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return YamlDocument(None, {}, ())
    converter = _Converter()
    data = converter.convert(node, ())
    return YamlDocument(data, converter.lines, tuple(converter.problems))


class _Converter:
    def __init__(self) -> None:
        self.lines: dict[YamlPath, int] = {}
        self.problems: list[tuple[YamlPath, int, str]] = []
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: YamlPath) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_VALUES or len(path) > MAX_DEPTH:
            # Alias bombs and recursive aliases end here, long before memory runs out.
            raise YamlProblem(line, "too many or too deeply nested values (alias expansion?)")
        self.lines.setdefault(path, line)
        where = format_path(path) or "document"
        if node.tag not in _PLAIN_TAGS:
            self.problems.append((path, line, f"{where}: unsupported YAML tag '{node.tag}'"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            self.problems.append((path, line, f"{where}: invalid value '{node.value}' ({exc})"))
            return None

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append((path, key_line, "merge keys ('<<') are not supported"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append((path, key_line, f"{format_path(path) or 'document'}: "
                                      "keys must be plain text"))
                continue
            key = str(key_node.value)
            where = format_path((*path, key))
            if key in first_line:
                self.problems.append(
                    ((*path, key), key_line, f"{where}: duplicate key (first defined on line {first_line[key]})")
                )
                continue
            first_line[key] = key_line
            self.lines[(*path, key)] = key_line
            result[key] = self.convert(value_node, (*path, key))
        return result
