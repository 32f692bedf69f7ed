"""Progress of `render` and `batch`: events, and three ways to show them.

The pipeline reports through the small `Reporter` protocol (stage, warn, progress). A
`BriefReporter` turns those calls into `Event`s about one brief; a sink shows the events:

- `RichSink`: a live Rich display (one bar for the batch, one line per brief being rendered), for
  a terminal;
- `LineSink`: plain lines, one per stage, for CI logs and pipes;
- `JsonlSink`: one JSON object per line, for other tools (docs/batch.md lists the events).

The CLI picks the sink and the streams; nothing here looks at sys.stdout or sys.stderr itself.
Batch workers in other processes send their events to the main process, which alone shows them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

MODES = ("auto", "rich", "plain", "jsonl")

START, BRIEF_START, STAGE, WARNING, PROGRESS, BRIEF_DONE, DONE = (
    "start", "brief_start", "stage", "warning", "progress", "brief_done", "done")


@dataclass(frozen=True)
class Event:
    """Something that happened: `kind` is one of the names above; `data` is JSON-ready."""

    kind: str
    brief: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


Emit = Callable[[Event], None]


class Sink(Protocol):
    """Shows events; `close` ends a live display."""

    def emit(self, event: Event) -> None:
        """Show one event."""

    def close(self) -> None:
        """No more events."""


class BriefReporter:
    """The pipeline's Reporter for one brief, sending events to `emit`."""

    def __init__(self, emit: Emit, brief: str) -> None:
        self.emit = emit
        self.brief = brief
        self.last_percent = -1

    def stage(self, message: str) -> None:
        self.emit(Event(STAGE, self.brief, {"message": message}))

    def warn(self, message: str) -> None:
        self.emit(Event(WARNING, self.brief, {"message": message}))

    def progress(self, done_ms: int, total_ms: int) -> None:
        percent = min(100, done_ms * 100 // max(1, total_ms))
        if percent == self.last_percent:
            return
        self.last_percent = percent
        self.emit(Event(PROGRESS, self.brief,
                        {"done_ms": done_ms, "total_ms": total_ms, "percent": percent}))


def done_line(brief: str, data: Mapping[str, Any]) -> str:
    """One line saying how a brief ended (for people)."""
    status = data.get("status")
    if status == "rendered":
        voice = f" {data['voice']}" if data.get("voice") else ""
        speech = data.get("speech") or {}
        cached = f", {speech['cached']} sentence(s) from the speech cache" \
            if speech.get("cached") else ""
        video = data.get("video_ms") or 0
        return (f"{brief}: rendered in {data.get('duration_s', 0):.1f} s "
                f"({video / 1000:.1f} s video, speech: {data.get('engine')}{voice}{cached})")
    if status == "skipped":
        return f"{brief}: up to date, skipped"
    if status == "failed":
        error = data.get("error") or {}
        lines = error.get("lines") or [error.get("message", "failed")]
        return f"{brief}: FAILED ({error.get('type', 'error')}): {lines[0]}"
    return f"{brief}: not run ({data.get('reason') or status})"


class NullSink:
    """Shows nothing."""

    def emit(self, event: Event) -> None:
        """Ignore."""

    def close(self) -> None:
        """Nothing to end."""


class LineSink:
    """Plain lines on `stream`.

    For `render` (batch False) the lines read `policyclip: <stage>`, with a live percentage while
    encoding when `live_percent`; for `batch` each line starts with `[i/n] <brief>:`. Warnings
    always show; `quiet` hides everything else except failures.
    """

    def __init__(self, stream: TextIO, *, quiet: bool = False, batch: bool = False,
                 live_percent: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.batch = batch
        self.live_percent = live_percent and not quiet and not batch
        self.index: dict[str, str] = {}
        self.percent_open = False

    def _line(self, text: str) -> None:
        if self.percent_open:
            self.stream.write("\n")
            self.percent_open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _prefix(self, brief: str | None) -> str:
        if not self.batch:
            return "policyclip: "
        return f"{self.index.get(brief or '', '')}{brief}: "

    def emit(self, event: Event) -> None:
        kind, data = event.kind, event.data
        if kind == WARNING:
            where = f"{event.brief}: " if self.batch and event.brief else ""
            self._line(f"warning: {where}{data['message']}")
        elif kind == BRIEF_START:
            self.index[event.brief or ""] = f"[{data['index']}/{data['total']}] "
        elif kind == STAGE and not self.quiet:
            self._line(f"{self._prefix(event.brief)}{data['message']}")
        elif kind == PROGRESS and self.live_percent:
            percent = int(data["percent"])
            self.stream.write(f"\rpolicyclip: encoding {percent:3d}%")
            self.stream.flush()
            self.percent_open = percent < 100
            if percent >= 100:
                self.stream.write("\n")
        elif kind == BRIEF_DONE and self.batch and (
                not self.quiet or data.get("status") == "failed"):
            self._line(self.index.get(event.brief or "", "")
                       + done_line(event.brief or "", data))
        elif kind == START and self.batch and not self.quiet:
            shard = f" (shard {data['shard']})" if data.get("shard") else ""
            self._line(f"policyclip: {data['total']} brief(s){shard}, {data['jobs']} job(s)")

    def close(self) -> None:
        if self.percent_open:
            self.stream.write("\n")
            self.stream.flush()
            self.percent_open = False


class JsonlSink:
    """One JSON object per line: {"event": kind, "t": seconds since start, "brief": ..., ...}."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def emit(self, event: Event) -> None:
        record: dict[str, Any] = {"event": event.kind,
                                  "t": round(time.monotonic() - self.started, 3)}
        if event.brief is not None:
            record["brief"] = event.brief
        record.update(event.data)
        self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Nothing to end."""


class RichSink:
    """A live Rich display on `stream`: the batch's bar, and a line per brief in progress.

    Finished briefs and warnings are printed above the live lines and stay in the scrollback.
    """

    def __init__(self, stream: TextIO, *, batch: bool = False) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskID,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.batch = batch
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
            TaskProgressColumn(), TimeElapsedColumn(), console=self.console, transient=True)
        self.tasks: dict[str, TaskID] = {}
        self.overall: TaskID | None = None
        self.progress.start()

    def _print(self, text: str, style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style or ""))

    def emit(self, event: Event) -> None:
        kind, data, brief = event.kind, event.data, event.brief or ""
        if kind == START and self.batch:
            shard = f" in shard {data['shard']}" if data.get("shard") else ""
            self.overall = self.progress.add_task(f"{data['total']} briefs{shard}",
                                                  total=data["total"])
        elif kind == BRIEF_START:
            self.tasks[brief] = self.progress.add_task(f"{brief}: starting", total=None)
        elif kind == STAGE and brief in self.tasks:
            self.progress.update(self.tasks[brief], description=f"{brief}: {data['message']}")
        elif kind == PROGRESS and brief in self.tasks:
            self.progress.update(self.tasks[brief], total=data["total_ms"],
                                 completed=data["done_ms"])
        elif kind == WARNING:
            where = f"{brief}: " if self.batch and brief else ""
            self._print(f"warning: {where}{data['message']}", "yellow")
        elif kind == BRIEF_DONE:
            task = self.tasks.pop(brief, None)
            if task is not None:
                self.progress.remove_task(task)
            if self.overall is not None:
                self.progress.advance(self.overall)
            if self.batch:
                status = data.get("status")
                style = {"rendered": "green", "failed": "bold red"}.get(str(status), "dim")
                self._print(done_line(brief, data), style)

    def close(self) -> None:
        self.progress.stop()


def make_sink(mode: str, *, stdout: TextIO, stderr: TextIO, quiet: bool = False,
              batch: bool = False) -> Sink:
    """The sink for `--progress MODE`: auto is rich on a terminal and plain lines otherwise;
    jsonl writes events to `stdout`, every other mode writes to `stderr`."""
    if mode == "jsonl":
        return JsonlSink(stdout)
    tty = stderr.isatty() and os.environ.get("TERM") != "dumb"
    if mode == "rich" or (mode == "auto" and tty and not quiet):
        return RichSink(stderr, batch=batch)
    return LineSink(stderr, quiet=quiet, batch=batch, live_percent=tty)
