"""Read user-written YAML safely: bounded size and expansion, no object tags, no duplicate keys.

PyYAML's loaders silently keep the last of two equal keys and expand aliases without limit, so
this module composes the node tree itself (counting nodes and depth as it goes, so that a huge or
hostile file is refused after reading only a bounded part of it) and converts it, recording the
line of every value.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 20_000
MAX_DEPTH = 32
MAX_TEXT_CHARS = 2 * MAX_FILE_BYTES

_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {
    f"{_STD}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
# Characters YAML 1.1 does not allow in a stream (PyYAML and libyaml refuse them).
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, the 1-based line of every value, and any problems.

    A problem is (path, line, message): a value refused at `path` is None in `data`; a key
    refused in the mapping at `path` (duplicate, merge, not text) is left out of it.
    `source` holds, for every plain scalar that YAML read as something other than text
    (a number, true/false, null or a date), the characters as written in the file.
    """

    data: Any
    lines: dict[YamlPath, int]
    problems: tuple[tuple[YamlPath, int, str], ...]
    source: dict[YamlPath, str] = field(default_factory=dict)
    # Empty values whose line goes on with a comment that looks like a value (`- #育儿补贴`):
    # what the user probably meant, by path.
    commented: dict[YamlPath, str] = field(default_factory=dict)
    # Collections written in flow style (`{a: b}`, `[a, b]`), as opposed to indented blocks.
    flow: frozenset[YamlPath] = frozenset()

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
    with path.open("rb") as stream:
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        size = path.stat().st_size
        raise YamlProblem(1, f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlProblem(1, "not UTF-8 text (the file is UTF-16); save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None
    return parse_yaml(text)


def load_yaml_file(
    path: Path, error: Callable[[str], Exception], name: str | None = None
) -> YamlDocument:
    """read_yaml, its failures raised as `error(message)`: `NAME:LINE: ...` for what YAML
    refuses (NAME defaults to the path), `PATH: cannot read it: ...` for what the system does."""
    try:
        return read_yaml(path)
    except YamlProblem as exc:
        raise error(f"{name or path}:{exc.line}: {exc.message}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read it: {exc.strerror or exc}") from None


def parse_yaml(text: str) -> YamlDocument:
    """Parse YAML text into a YamlDocument (see read_yaml)."""
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise YamlProblem(line, f"character U+{ord(bad.group()):04X} is not allowed in YAML")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_syntax_error(exc, text)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return YamlDocument(None, {}, ())
    converter = _Converter(text.splitlines())
    data = converter.convert(node, ())
    return YamlDocument(data, converter.lines, tuple(converter.problems), converter.source,
                        converter.commented, frozenset(converter.flow))


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    at, context_at = exc.problem_mark, exc.context_mark
    mark = at or context_at
    line = mark.line + 1 if mark else 1
    problem = exc.problem or exc.context or "invalid YAML"
    # The slip may be on the line before the one YAML stopped at (`- q：...` then `  a: ...`).
    first = min(line - 1, context_at.line + 1) if context_at else line - 1
    slip = typing_slip(text.splitlines(), first, line, problem)
    if slip:
        return slip
    if "expected a single document" in (exc.context or ""):
        return line, "only one YAML document is allowed (found a second '---')"
    if "cannot start any token" in problem:
        lines = text.splitlines()
        if at and "found character that" in problem and at.line < len(lines):
            char = lines[at.line][at.column : at.column + 1]  # libyaml does not say which
            problem = f"found character '{char}' that cannot start any token"
        problem += " (put the value in quotes)"
    elif exc.context and at and context_at and context_at.line != at.line:
        problem += f" ({exc.context} on line {context_at.line + 1})"
    return line, f"YAML syntax error: {problem}"


# A line `key: value` (maybe a list item), as typed in a brief or theme.
_KEY_VALUE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#'\"\[{][^:]*?):\s+"
                        r"(?P<value>\S.*)$")
_FULL_WIDTH_KEY = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:：#'\"\[{][^:：]*?)\s*："
                             r"\s*(?P<value>.*)$")
_FLOW_COMMENT = re.compile(r"[\[{,]\s*#")
# `contact:12345`: a field name, a colon and no space (YAML reads it all as one text).
_NO_SPACE = re.compile(r"^\s*(?:-\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<value>[^\s/].*)$")
# `－ heading: ...`: a list item started with a dash typed in Chinese input mode.
_FULL_WIDTH_DASH = re.compile(r"^[ \u3000]*(?P<dash>[－—–])[ \u3000]*(?P<rest>\S.*:.*)$")
_CHINESE_OPEN, _CHINESE_CLOSE = "“‘「『＂", "”’」』＂"
FULL_WIDTH_INDENT = ("the indentation uses full-width spaces '　' (typed in Chinese input "
                     "mode), which YAML does not read as indentation; indent with half-width "
                     "spaces")


def full_width_dash(dash: str, line: str) -> str:
    """What to say about a list item started with `dash`, a look-alike of '-'."""
    fixed = line.strip().replace("\u3000", " ").lstrip(dash).strip()
    return (f"'{dash}' is not a list dash in YAML (typed in Chinese input mode); start the item "
            f"with a half-width '-' and a space: - {fixed}")


def typing_slip(lines: list[str], first: int, last: int, problem: str) -> tuple[int, str] | None:
    """(line, message) for a slip typed on a Chinese keyboard somewhere on lines first..last
    (1-based) that explains a YAML syntax error there, or None. Each message says the fix."""
    numbered = [(n, lines[n - 1]) for n in range(max(first, 1), min(last, len(lines)) + 1)]
    for n, line in numbered:
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            return n, ("a tab in the indentation: YAML indents with spaces only; "
                       "replace the tab with spaces")
        if "\u3000" in indent:
            return n, FULL_WIDTH_INDENT
    for n, line in numbered:
        dash = _FULL_WIDTH_DASH.match(line)
        if dash:
            return n, full_width_dash(dash["dash"], line)
    if "could not find expected ':'" in problem:
        for n, line in numbered:
            match = _NO_SPACE.match(line)
            if match:
                return n, (f"no space after the colon in '{line.strip()}'; YAML needs a space "
                           f"after the colon: {match['key']}: {match['value']}")
    for n, line in numbered:
        if _FLOW_COMMENT.search(_unquoted(line)):
            fixed = re.sub(r"([\[{,]\s*)(#[^,\]}]*?)(\s*)(?=[,\]}]|$)", r'\1"\2"\3', line.strip())
            if fixed.count("[") > fixed.count("]"):
                fixed += "]"
            return n, ("'#' starts a comment in YAML, so the rest of the line is left out and the "
                       f"list is never closed; put the tag in quotes: {fixed}")
    for n, line in numbered:
        match = _FULL_WIDTH_KEY.match(line)
        if match and ":" not in line[: match.end("key")]:
            fixed = f"{match['key']}: {match['value']}".rstrip()
            return n, (f"full-width colon '：' after '{match['key']}'; YAML needs a half-width "
                       f"colon and a space: {fixed}")
    if "mapping values are not allowed" in problem:
        match = _KEY_VALUE.match(lines[last - 1]) if 0 < last <= len(lines) else None
        value = match["value"].rstrip() if match else ""
        if match and (": " in value or value.endswith(":")):
            quoted = ('"' + value + '"') if '"' not in value else ("'" + value.replace("'", "''")
                                                                    + "'")
            inner = value[1:-1]
            if value[:1] in _CHINESE_OPEN and value[-1:] in _CHINESE_CLOSE and '"' not in inner:
                return last, (f"{match['key']}: Chinese quotes {value[0]}{value[-1]} do not count "
                              "as quotes in YAML, so the ': ' inside reads as the start of "
                              "another key; use half-width quotes: "
                              f'{match["key"]}: "{inner}"')
            return last, (f"{match['key']}: the value contains ': ', which YAML reads as the "
                          f"start of another key; put the value in quotes: "
                          f"{match['key']}: {quoted}")
    return None


def _unquoted(line: str) -> str:
    """The line with quoted parts blanked out, so a `#` inside quotes is not a comment."""
    return re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'", lambda m: " " * len(m.group()), line)


class _LimitedComposer(Composer):
    """PyYAML's composer, refusing trees that are too big or too deep while they are read."""

    def __init__(self) -> None:
        super().__init__()
        self.node_count = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.node_count += 1
        self.depth += 1
        try:
            too_deep = self.depth > MAX_DEPTH + 1  # the top value is at depth 1, path ()
            if too_deep or self.node_count > MAX_VALUES:
                event = self.peek_event()  # type: ignore[attr-defined]  # from the parser
                raise YamlProblem(event.start_mark.line + 1, _too_big(too_deep))
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_big(too_deep: bool) -> str:
    if too_deep:
        return f"values are nested more than {MAX_DEPTH} levels deep"
    return f"more than {MAX_VALUES} values (counting every use of an alias)"


if yaml.__with_libyaml__:  # libyaml scans ~50x faster than pure Python
    from yaml._yaml import CParser

    class _Loader(_LimitedComposer, CParser, Resolver):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _LimitedComposer.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _LimitedComposer, Resolver
    ):
        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            _LimitedComposer.__init__(self)
            Resolver.__init__(self)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_STD) if tag.startswith(_STD) else tag


class _Converter:
    def __init__(self, text_lines: list[str]) -> None:
        self.text_lines = text_lines
        self.commented: dict[YamlPath, str] = {}
        self.flow: set[YamlPath] = set()
        self.lines: dict[YamlPath, int] = {}
        self.problems: list[tuple[YamlPath, int, str]] = []
        self.source: dict[YamlPath, str] = {}
        self.count = 0
        self.chars = 0
        self.open: set[int] = set()  # ids of the collections being converted (for cycles)
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, path: YamlPath) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        where = format_path(path) or "document"
        if id(node) in self.open:
            raise YamlProblem(line, f"{where}: an alias refers to a value that contains it")
        if self.count > MAX_VALUES or len(path) > MAX_DEPTH:
            # Alias bombs end here, long before memory runs out.
            raise YamlProblem(line, _too_big(len(path) > MAX_DEPTH))
        self.lines.setdefault(path, line)
        if node.tag not in _PLAIN_TAGS:
            tag = _short_tag(node.tag)
            self.problems.append((path, line, f"{where}: YAML tag '{tag}' is not allowed"))
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, where)
        self.open.add(id(node))
        if getattr(node, "flow_style", False):  # collection nodes only
            self.flow.add(path)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, path: YamlPath, where: str) -> Any:
        self.chars += len(node.value)
        if self.chars > MAX_TEXT_CHARS:
            raise YamlProblem(
                node.start_mark.line + 1,
                f"more than {MAX_TEXT_CHARS} characters of text (counting every use of an alias)",
            )
        plain = not node.style  # None (PyYAML) or "" (libyaml)
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            if plain:  # e.g. 2023-02-30 looks like a date but is none: keep it as written
                return node.value
            line = node.start_mark.line + 1
            self.problems.append((path, line, f"{where}: invalid value '{node.value}' ({exc})"))
            return None
        if plain and not isinstance(value, str):
            self.source[path] = node.value
        if plain and value is None and node.start_mark.line < len(self.text_lines):
            rest = self.text_lines[node.start_mark.line][node.start_mark.column :]
            if re.match(r"\s+#\S", rest):
                self.commented[path] = rest.strip()
        return value

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        where = format_path(path) or "document"
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == f"{_STD}merge":
                self.problems.append((path, key_line, f"{where}: merge keys (<<) are not allowed"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append((path, key_line, f"{where}: a key must be plain text "
                                      "(put text that starts with '{' or '[' in quotes)"))
                continue
            key = str(key_node.value)
            slip = _key_slip(key, self.text_lines, key_line)
            if slip:
                raise YamlProblem(key_line, slip)
            key_path = (*path, key)
            if key in first_line:
                # The first value stays; the problem belongs to the mapping, not to that value.
                self.problems.append((path, key_line, f"{format_path(key_path)}: duplicate "
                                      f"key (first defined on line {first_line[key]})"))
                continue
            first_line[key] = key_line
            self.lines[key_path] = key_line
            result[key] = self.convert(value_node, key_path)
        return result


def _key_slip(key: str, text_lines: list[str], line: int) -> str | None:
    """For a key that holds a Chinese-keyboard slip in the file's structure (a full-width space
    as indentation, `－` as a list dash), what to say; YAML read it as part of the key."""
    if key.startswith("\u3000"):
        return FULL_WIDTH_INDENT
    dash = _FULL_WIDTH_DASH.match(key + ":")
    if dash and 0 < line <= len(text_lines):
        return full_width_dash(dash["dash"], text_lines[line - 1])
    return None
