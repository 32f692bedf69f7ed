"""The safe YAML reader: lines, duplicate keys, tags, limits, encodings, syntax errors."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import yaml

from policyclip.yamlfile import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUES,
    YamlProblem,
    format_path,
    parse_yaml,
    read_yaml,
)

# libyaml and pure-Python PyYAML word some syntax errors differently; these tests pin libyaml's.
needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def fatal(text: str) -> tuple[int, str]:
    """The (line, message) of the YamlProblem that `text` raises."""
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text)
    return caught.value.line, caught.value.message


def read_fatal(path: Path) -> tuple[int, str]:
    """The (line, message) of the YamlProblem that reading `path` raises."""
    with pytest.raises(YamlProblem) as caught:
        read_yaml(path)
    return caught.value.line, caught.value.message


# ---------------------------------------------------------------- what a good file gives


def test_values_and_their_lines() -> None:
    doc = parse_yaml("title: T\npoints:\n  - heading: H\n    text: X\n  - heading: H2\n")
    assert doc.data == {"title": "T", "points": [{"heading": "H", "text": "X"}, {"heading": "H2"}]}
    assert doc.problems == ()
    assert doc.lines[("title",)] == 1
    assert doc.lines[("points",)] == 2
    assert doc.lines[("points", 0)] == 3
    assert doc.lines[("points", 0, "text")] == 4
    assert doc.lines[("points", 1, "heading")] == 5


def test_line_of_falls_back_to_the_nearest_parent() -> None:
    doc = parse_yaml("a: 1\npoints:\n  - heading: H\n")
    assert doc.line_of(("points", 0, "text")) == 3
    assert doc.line_of(("points", 5, "text")) == 2
    assert doc.line_of(("missing",)) == 1


def test_format_path() -> None:
    assert format_path(("points", 2, "heading")) == "points[2].heading"
    assert format_path(("render", "music")) == "render.music"
    assert format_path(("steps", 0)) == "steps[0]"
    assert format_path(()) == ""


def test_how_non_text_scalars_were_written_is_kept() -> None:
    doc = parse_yaml("a: 0755\nb: no\nc: 1:30\nd: '0755'\ne: 2023-08-02\nf: ~\n")
    assert doc.data == {"a": 493, "b": False, "c": 90, "d": "0755", "e": dt.date(2023, 8, 2),
                        "f": None}
    assert doc.source == {("a",): "0755", ("b",): "no", ("c",): "1:30", ("e",): "2023-08-02",
                          ("f",): "~"}


def test_an_impossible_date_stays_text_as_written() -> None:
    doc = parse_yaml("published: 2023-02-30\n")
    assert doc.data == {"published": "2023-02-30"}
    assert doc.problems == ()


def test_explicit_document_markers_and_a_bom_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes("\ufeff---\ntitle: 标题 🎉\n...\n".encode())
    assert read_yaml(path).data == {"title": "标题 🎉"}


def test_aliases_within_limits_are_expanded() -> None:
    doc = parse_yaml("a: &x 财政部\nb: *x\n")
    assert doc.data == {"a": "财政部", "b": "财政部"}


def test_an_empty_file_is_no_data() -> None:
    assert parse_yaml("").data is None
    assert parse_yaml("# only a comment\n").data is None


# ---------------------------------------------------------------- problems kept for the caller


def test_duplicate_keys_are_reported_not_silently_overwritten() -> None:
    doc = parse_yaml("title: first\nissuer: I\ntitle: second\n")
    assert doc.data == {"title": "first", "issuer": "I"}
    assert doc.problems == (
        ((), 3, "title: duplicate key (first defined on line 1)"),
    )


def test_nested_duplicate_keys_and_quoted_spellings() -> None:
    doc = parse_yaml('points:\n  - heading: a\n    "heading": b\nrender:\n  theme: x\n  theme: y\n')
    assert [p[1:] for p in doc.problems] == [
        (3, "points[0].heading: duplicate key (first defined on line 2)"),
        (6, "render.theme: duplicate key (first defined on line 5)"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hook: !!python/object/apply:os.system ['true']\n",
         "hook: YAML tag '!!python/object/apply:os.system' is not allowed"),
        ("hook: !!python/name:os.system\n",
         "hook: YAML tag '!!python/name:os.system' is not allowed"),
        ("hook: !!binary aGk=\n", "hook: YAML tag '!!binary' is not allowed"),
        ("hook: !custom x\n", "hook: YAML tag '!custom' is not allowed"),
        ("hook: !!set {a, b}\n", "hook: YAML tag '!!set' is not allowed"),
    ],
)
def test_tags_other_than_plain_data_are_refused(text: str, message: str) -> None:
    doc = parse_yaml(text)
    assert doc.data == {"hook": None}
    assert doc.problems == ((("hook",), 1, message),)


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc = parse_yaml(
        f"a: !!python/object/apply:os.system ['touch {marker}']\n"
        f"b: !!python/object/apply:subprocess.call [['touch', '{marker}']]\n"
        f"c: !!python/object/new:os.system ['touch {marker}']\n"
    )
    assert len(doc.problems) == 3
    assert not marker.exists()


def test_standard_tags_for_plain_data_are_fine() -> None:
    assert parse_yaml("a: !!str 12366\n").data == {"a": "12366"}


def test_merge_keys_are_refused() -> None:
    doc = parse_yaml("base: &b {theme: x}\nrender:\n  <<: *b\n")
    assert doc.problems == ((("render",), 3, "render: merge keys (<<) are not allowed"),)


def test_a_key_must_be_plain_text() -> None:
    doc = parse_yaml("title: {{ 7*7 }}\n")
    assert doc.problems == (
        (("title",), 1,
         "title: a key must be plain text (put text that starts with '{' or '[' in quotes)"),
    )


# ---------------------------------------------------------------- files that are refused outright


def test_alias_bomb_is_refused_fast() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    started = time.perf_counter()
    line, message = fatal("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2.0
    assert message == f"more than {MAX_VALUES} values (counting every use of an alias)"
    assert line <= 9


def test_quadratic_alias_blowup_of_text_is_refused() -> None:
    big = "x" * 200_000
    text = f"a: &a {big}\nb: [{', '.join(['*a'] * 100)}]\n"
    started = time.perf_counter()
    assert fatal(text) == (  # an alias is the anchored value: its line is the anchor's
        1, "more than 2097152 characters of text (counting every use of an alias)"
    )
    assert time.perf_counter() - started < 2.0


def test_too_many_values_are_refused_while_reading() -> None:
    started = time.perf_counter()
    line, message = fatal("steps: [" + "a," * 300_000 + "]\n")
    assert time.perf_counter() - started < 2.0
    assert (line, message) == (1, f"more than {MAX_VALUES} values (counting every use of an alias)")


def test_a_recursive_alias_is_refused() -> None:
    assert fatal("a: &a [1, *a]\n") == (1, "a[1]: an alias refers to a value that contains it")


def test_deep_nesting_is_refused() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert fatal(deep) == (1, f"values are nested more than {MAX_DEPTH} levels deep")


def test_absurd_nesting_is_refused_without_recursion_errors() -> None:
    line, message = fatal("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert line == 1
    assert message in (
        f"values are nested more than {MAX_DEPTH} levels deep",
        "YAML syntax error: exceeded maximum nesting depth",  # libyaml's own limit
    )


def test_a_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"title: " + b"x" * (5 * 1024 * 1024) + b"\n")
    started = time.perf_counter()
    assert read_fatal(path) == (1, f"file is 5242888 bytes; the limit is {MAX_FILE_BYTES} bytes")
    assert time.perf_counter() - started < 0.5


def test_a_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: " + b"x" * (MAX_FILE_BYTES - 8) + b"\n")
    started = time.perf_counter()
    assert len(read_yaml(path).data["title"]) == MAX_FILE_BYTES - 8
    assert time.perf_counter() - started < 2.0


def test_gbk_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("version: 1\ntitle: 小微企业\n".encode("gbk"))
    # 小 and 微 happen to be valid UTF-8 sequences in GBK; 企 (0xc6 0xf3) is not.
    assert read_fatal(path) == (2, "not UTF-8 text (byte 0xc6); save the file as UTF-8")


def test_utf16_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "u16.yaml"
    path.write_bytes("title: 小微企业\n".encode("utf-16"))
    assert read_fatal(path) == (1, "not UTF-8 text (the file is UTF-16); save it as UTF-8")


@pytest.mark.parametrize(("char", "code"), [("\x00", "0000"), ("\x07", "0007"), ("\x1b", "001B")])
def test_control_characters_are_refused_with_their_line(char: str, code: str) -> None:
    assert fatal(f"a: 1\nb: x{char}y\n") == (2, f"character U+{code} is not allowed in YAML")


@needs_libyaml
@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: [unclosed\nissuer: x\n", 2,
         "YAML syntax error: did not find expected ',' or ']' "
         "(while parsing a flow sequence on line 1)"),
        ("title: a\n  issuer: b\n", 2,
         "YAML syntax error: mapping values are not allowed in this context"),
        ("title: a\n\tissuer: b\n", 2,
         "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces"),
        ("a: 1\ntitle: 'unterminated\nissuer: x\n", 4,
         "YAML syntax error: found unexpected end of stream "
         "(while scanning a quoted scalar on line 2)"),
        ("title: {% if x %}\n", 1,
         "YAML syntax error: found character '%' that cannot start any token "
         "(put the value in quotes)"),
        ("title: `cmd`\n", 1,
         "YAML syntax error: found character '`' that cannot start any token "
         "(put the value in quotes)"),
        ("steps:\n  - a\n  b: c\n", 3,
         "YAML syntax error: did not find expected '-' indicator "
         "(while parsing a block collection on line 2)"),
        ("a: *nowhere\n", 1, "YAML syntax error: found undefined alias 'nowhere'"),
    ],
)
def test_syntax_errors_name_their_line(text: str, line: int, message: str) -> None:
    assert fatal(text) == (line, message)


@pytest.mark.parametrize(
    ("text", "line"),
    [("title: a\n---\ntitle: b\n", 2), ("title: a\n---\n", 2), ("--- 1\n--- 2\n", 2)],
)
def test_only_one_document_is_allowed(text: str, line: int) -> None:
    assert fatal(text) == (line, "only one YAML document is allowed (found a second '---')")
