"""`policyclip import`: draft a brief from an article."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import _err, _guard


def import_command(
    source: Annotated[str, typer.Argument(
        help="A saved web page (.html, .htm), an http(s) address, a Word document (.docx), "
        "Markdown (.md) or plain text (.txt, e.g. a pasted WeChat article).",
        show_default=False, metavar="SOURCE")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Brief file to write. Default: print the brief on standard output.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing brief.")] = False,
) -> None:
    """Draft a brief from an article: every value is the article's own text, with a comment
    saying where it came from; standard error sums up what was found, guessed and dropped.
    Review it, then run `policyclip check`. Exits 3 when the source cannot be read."""
    from .. import importer
    from ..errors import InputError

    if out is not None and out.exists() and not force:
        _guard(lambda: _raise(InputError(f"{out} already exists",
                                         hint="pass --force to overwrite it")))
    result = _guard(lambda: importer.import_source(source))
    for line in result.report:
        _err(f"import: {line}")
    if out is None:
        print(result.yaml, end="")
        return
    _guard(lambda: _write_brief(out, result.yaml))
    _err(f"import: wrote {out}; review the comments, then run: policyclip check {out}")


def _raise(error: Exception) -> None:
    raise error


def _write_brief(out: Path, text: str) -> None:
    """Write the drafted brief atomically (a temporary name, then a rename)."""
    from ..errors import InputError
    from ..files import write_atomic

    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
