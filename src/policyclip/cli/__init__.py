"""The command line. The only part of policyclip that knows about Typer, the terminal and exit
codes.

The commands live in one module per group: rendering (render, frame, storyboard), narration
(script, captions, say), checking (check, lint, doctor), importing (import), batch, and library
(the templates, themes and cache sub-commands); what they share (error handling, reporters,
option checks, common options) is in common. They are plain functions, registered here in the
order `policyclip --help` lists them. Each imports the heavy modules (the pipeline, numpy, PIL,
...) it needs when it runs, so that start-up stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated

import typer

from .. import __version__, interrupts
from .batch import batch_command
from .checking import check, doctor, lint
from .common import EXIT_BUG as EXIT_BUG
from .common import EXIT_INPUT as EXIT_INPUT
from .common import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from .common import EXIT_OK as EXIT_OK
from .common import EXIT_RENDER as EXIT_RENDER
from .common import EXIT_SPEECH as EXIT_SPEECH
from .common import EXIT_USAGE as EXIT_USAGE
from .common import _as_given as _as_given
from .common import _check_options as _check_options
from .common import _err as _err
from .common import _fail as _fail
from .common import _guard as _guard
from .common import _interrupted as _interrupted
from .common import _sink as _sink
from .common import _state as _state
from .common import _StderrReporter as _StderrReporter
from .importing import import_command
from .library import cache_app, templates_app, themes_app
from .narration import captions, say, script
from .rendering import frame, render, storyboard

app = typer.Typer(
    name="policyclip",
    help="Turn a YAML policy brief into a captioned vertical short video.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"policyclip {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Turn a YAML policy brief into a captioned vertical short video.

    Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input (brief, template, theme, files),
    4 speech failed, 5 render or export failed, 130 interrupted.
    """
    _state["debug"] = debug


# `--help` lists the commands in this order, then the sub-command groups in theirs.
app.command()(render)
app.command()(check)
app.command()(lint)
app.command()(script)
app.command()(captions)
app.command()(say)
app.command()(doctor)
app.command()(frame)
app.command()(storyboard)
app.command("import")(import_command)
app.add_typer(templates_app, name="templates")
app.add_typer(themes_app, name="themes")
app.command("batch")(batch_command)
app.add_typer(cache_app, name="cache")


def main() -> None:
    """Entry point of the `policyclip` command."""
    interrupts.install()
    try:
        app()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _leave_now(EXIT_INTERRUPTED)
        raise


def _leave_now(code: int) -> None:
    """Exit without Python's clean-up at exit, once an interrupted command has removed its
    temporary files and stopped its children: freeing the word dictionary alone takes half a
    second, and whoever pressed Ctrl-C or sent SIGTERM wants the process gone. Not while
    worker processes are still running: their clean-up must happen."""
    workers = sys.modules.get("multiprocessing")
    if workers is not None and workers.active_children():
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)

