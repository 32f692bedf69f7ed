"""`policyclip batch`: render many briefs, skip those whose outputs are up to date, spread the
work over worker processes and over CI machines (shards).

Every brief gets a `BriefResult`; one brief failing never stops the others unless `fail_fast`.
A brief's *name* is its path relative to the folder (or glob prefix, or parent folder) it was found
through, e.g. `2024/tax.yaml`: its outputs go to `OUT/2024/tax.*`, and the shard it belongs to is
decided by that name alone, so that every machine of a CI matrix agrees.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from . import __version__, interrupts, pipeline, speech
from .errors import PolicyclipError, UsageError
from .progress import BRIEF_DONE, BRIEF_START, DONE, START, BriefReporter, Emit, Event

if TYPE_CHECKING:
    from .lint import Finding, LintConfig

BRIEF_SUFFIXES = (".yaml", ".yml")
# Folders are searched for *.yaml only: *.yml beside briefs is, by convention, CI configuration
# (examples/ci/ holds such files). A .yml brief is taken when named or globbed explicitly.
FOLDER_SUFFIX = ".yaml"
SKIPPED_FOLDERS = frozenset({"themes", "templates", "node_modules", "__pycache__"})
RENDERED, SKIPPED, FAILED, CANCELLED = "rendered", "skipped", "failed", "cancelled"
EXIT_BUG, EXIT_INTERRUPTED = 1, 130

# ---------------------------------------------------------------- finding briefs


@dataclass(frozen=True)
class BriefJob:
    """One brief to render."""

    path: Path  # the file, as found
    name: str  # posix path relative to where it was found: the shard key and the output subfolder
    display: str  # what people see: the path relative to the working folder when below it

    def out_dir(self, out: Path) -> Path:
        """The folder this brief's outputs go to."""
        return out.joinpath(*PurePosixPath(self.name).parent.parts)


def _display(path: Path) -> str:
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd().absolute()).as_posix()
    except ValueError:
        return str(absolute)


def _walk(folder: Path) -> list[Path]:
    """Every *.yaml below `folder`, except in hidden folders and themes/templates."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        found += [Path(root) / f for f in sorted(files)
                  if f.endswith(FOLDER_SUFFIX) and not f.startswith(".")]
    return found


def _name(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name


def _skipped(path: Path, base: Path) -> bool:
    """True for a file in a hidden folder or in themes/ or templates/ below `base`."""
    folders = PurePosixPath(_name(path, base)).parts[:-1]
    return any(part.startswith(".") or part in SKIPPED_FOLDERS for part in folders)


def _glob_base(pattern: str) -> Path:
    """The folder part of a glob before its first wildcard."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def find_briefs(args: Sequence[str]) -> list[BriefJob]:
    """The briefs named by files, folders (searched recursively) and globs (`**` allowed), in a
    stable order, each once. Raises UsageError for a path that does not exist, an argument that
    finds no brief, or two briefs whose outputs would overwrite each other."""
    jobs: list[BriefJob] = []
    seen: set[Path] = set()
    owners: dict[str, BriefJob] = {}
    for arg in args:
        if glob.has_magic(arg):
            base = _glob_base(arg)
            files: list[Path] = []
            for match in glob.glob(arg, recursive=True):
                path = Path(match)
                if path.is_dir():
                    files += _walk(path)
                elif path.is_file() and path.suffix in BRIEF_SUFFIXES and not _skipped(
                        path, base):
                    files.append(path)
        elif Path(arg).is_dir():
            base, files = Path(arg), _walk(Path(arg))
        elif Path(arg).exists():
            base, files = Path(arg).parent, [Path(arg)]
        else:
            raise UsageError(f"no such file or folder: {arg}")
        if not files:
            raise UsageError(f"no briefs (*.yaml) found in {arg}")
        for path in sorted(set(files), key=lambda p: _name(p, base)):
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            name = _name(path, base)
            job = BriefJob(path, name, _display(path))
            stem = str(PurePosixPath(name).with_suffix(""))
            if stem in owners:
                raise UsageError(
                    f"{owners[stem].display} and {job.display} would both write {stem}.* "
                    "in the output folder",
                    hint="rename one of them, or render them in two batches with different --out")
            owners[stem] = job
            jobs.append(job)
    return jobs


# ---------------------------------------------------------------- shards


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` (1 <= K <= N) as a pair."""
    try:
        k_text, n_text = text.split("/")
        k, n = int(k_text), int(n_text)
    except ValueError:
        raise UsageError(f"--shard must look like K/N, e.g. 1/4, got '{text}'") from None
    if not 1 <= k <= n:
        raise UsageError(f"--shard K/N needs 1 <= K <= N, got '{text}'")
    return k, n


def shard_key(job: BriefJob) -> str:
    """The order briefs are dealt to shards in: the sha256 of the brief's name."""
    return hashlib.sha256(job.name.encode()).hexdigest()


def select_shard(jobs: Sequence[BriefJob], k: int, n: int) -> list[BriefJob]:
    """Shard K of N: sort the briefs by the hash of their name and deal them out like cards, the
    i-th (from 0) to shard i mod N + 1. Every brief lands in exactly one shard, shard sizes differ
    by at most one, and the choice depends only on the names, not on the machine or the order of
    the arguments. The shard's briefs are returned in name order."""
    dealt = sorted(jobs, key=lambda job: (shard_key(job), job.name))
    mine = [job for index, job in enumerate(dealt) if index % n == k - 1]
    return sorted(mine, key=lambda job: job.name)


# ---------------------------------------------------------------- one brief


@dataclass(frozen=True)
class ErrorInfo:
    """Why a brief failed."""

    type: str
    exit_code: int
    message: str
    lines: tuple[str, ...]
    hint: str | None = None
    traceback: str | None = None  # for internal errors (bugs) only

    @staticmethod
    def of(exc: BaseException) -> ErrorInfo:
        """Describe an exception raised while rendering a brief."""
        if isinstance(exc, PolicyclipError):
            return ErrorInfo(type(exc).__name__, exc.exit_code, exc.message,
                             tuple(exc.lines()), exc.hint)
        text = f"internal error: {type(exc).__name__}: {exc}"
        return ErrorInfo(type(exc).__name__, EXIT_BUG, text, (text,),
                         "this is a bug in policyclip; please report it with the traceback",
                         "".join(traceback.format_exception(exc)))


@dataclass(frozen=True)
class BriefResult:
    """How one brief went; `to_dict` is its entry in the JSON report and the jsonl events."""

    brief: str
    name: str
    status: str  # rendered, skipped (up to date), failed, cancelled (not run)
    duration_s: float = 0.0
    reason: str | None = None
    engine: str | None = None
    voice: str | None = None
    video_ms: int | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    error: ErrorInfo | None = None
    speech: dict[str, int] | None = None
    inputs_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        data = asdict(self)
        data["warnings"] = list(self.warnings)
        if self.error is not None:
            data["error"]["lines"] = list(self.error.lines)
        return data


@dataclass(frozen=True)
class BatchSettings:
    """What every brief of a batch is rendered with."""

    out: Path
    options: pipeline.RenderOptions
    force: bool = False


AUTO_RANK = {name: rank for rank, name in enumerate(speech.AUTO_ORDER)}


def freshness(stem: str, out_dir: Path, digest: str, options: pipeline.RenderOptions,
              best_engine: Callable[[], str] = speech.best_auto_engine,
              ) -> tuple[dict[str, Any] | None, str]:
    """(the metadata of the existing outputs, or None when they must be rendered; the reason).

    Outputs are up to date when `<stem>.json` records the same inputs_sha256 (brief, referenced
    files, template, theme, requested engine, voice, rate, preview, tool version), every file it
    lists is there, and, for `--tts auto`, the engine that spoke is still the best one `auto`
    can use: a video spoken by espeak because edge was unreachable is rendered again once edge
    answers (it is kept while edge stays unreachable, as a new render would be the same)."""
    try:
        meta = json.loads((out_dir / f"{stem}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "no earlier outputs"
    except (OSError, ValueError):
        return None, "earlier metadata unreadable"
    if not isinstance(meta, dict) or meta.get("inputs_sha256") != digest:
        return None, "inputs changed"
    files = meta.get("files")
    if not isinstance(files, dict) or "video" not in files:
        return None, "earlier metadata incomplete"
    missing = [name for name in files.values() if not (out_dir / str(name)).exists()]
    if missing:
        return None, f"missing {', '.join(sorted(missing))}"
    engine = str((meta.get("speech") or {}).get("engine"))
    if options.tts == "auto" and AUTO_RANK.get(engine, 0) > 0:
        best = best_engine()
        if AUTO_RANK.get(best, 99) < AUTO_RANK[engine]:
            return None, f"spoken by {engine} as {best} was unavailable; {best} works now"
    return meta, "up to date"


def check_brief(job: BriefJob, settings: BatchSettings) -> tuple[BriefResult | None, str]:
    """Validate a brief and compare its inputs with its existing outputs, quickly (no template,
    no speech): (a skipped or failed result, or None when it must be rendered; the reason)."""
    started = time.monotonic()
    digest: str | None = None
    try:
        brief, digest = pipeline.fingerprint(job.path, settings.options)
        if settings.force:
            return None, "--force"
        out_dir = job.out_dir(settings.out)
        meta, reason = freshness(brief.stem, out_dir, digest, settings.options)
    except Exception as exc:  # a bad brief (or a bug): this brief fails, the batch goes on
        return BriefResult(job.display, job.name, FAILED, _since(started),
                           error=ErrorInfo.of(exc), inputs_sha256=digest), "failed"
    if meta is None:
        return None, reason
    said = meta.get("speech") or {}
    return BriefResult(
        job.display, job.name, SKIPPED, _since(started), reason,
        engine=said.get("engine"), voice=said.get("voice"), video_ms=meta.get("duration_ms"),
        outputs={kind: _display(out_dir / str(file)) for kind, file in meta["files"].items()},
        inputs_sha256=digest), reason


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)


def render_job(job: BriefJob, settings: BatchSettings, index: int, total: int, reason: str,
               emit: Emit) -> BriefResult:
    """Render one brief of a batch. Errors become a failed result; only KeyboardInterrupt goes
    through."""
    started = time.monotonic()
    emit(Event(BRIEF_START, job.display, {"index": index, "total": total, "name": job.name}))
    warnings: list[str] = []
    reporter = _Collecting(BriefReporter(emit, job.display), warnings)
    try:
        reporter.stage(f"rendering ({reason})")
        result = pipeline.render_brief(job.path, job.out_dir(settings.out), settings.options,
                                       reporter)
        written = json.loads(result.outputs["metadata"].read_text(encoding="utf-8"))
    except Exception as exc:  # a bad brief, failed speech or encoding, or a bug
        return BriefResult(job.display, job.name, FAILED, _since(started),
                           error=ErrorInfo.of(exc), warnings=tuple(warnings))
    return BriefResult(
        job.display, job.name, RENDERED, _since(started), reason,
        engine=result.timeline.engine, voice=result.timeline.voice,
        video_ms=result.timeline.duration_ms,
        outputs={kind: _display(path) for kind, path in result.outputs.items()},
        warnings=result.warnings,
        speech={"synthesized": result.speech.synthesized, "cached": result.speech.cached},
        inputs_sha256=written.get("inputs_sha256"))


class _Collecting:
    """Passes reports on and keeps the warnings (also those before the render started)."""

    def __init__(self, inner: BriefReporter, warnings: list[str]) -> None:
        self.inner = inner
        self.warnings = warnings

    def stage(self, message: str) -> None:
        self.inner.stage(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.inner.warn(message)

    def progress(self, done_ms: int, total_ms: int) -> None:
        self.inner.progress(done_ms, total_ms)


# ---------------------------------------------------------------- the batch


@dataclass(frozen=True)
class BatchOutcome:
    """A finished (or interrupted) batch."""

    results: tuple[BriefResult, ...]
    jobs: int
    shard: str | None
    started: str  # ISO 8601, UTC
    duration_s: float
    interrupted: bool = False

    def count(self, status: str) -> int:
        """How many briefs ended with `status`."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 when no brief failed; 130 when interrupted; else the smallest exit code among the
        failed briefs: the shared one when they agree (3 bad input, 4 speech, 5 render), and
        when they differ, 1 if any was a bug, else 3 if any input was bad, else 4."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        codes = [r.error.exit_code for r in self.results if r.error is not None]
        return min(codes) if codes else 0


def run_batch(jobs: Sequence[BriefJob], settings: BatchSettings, *, workers: int = 1,
              fail_fast: bool = False, emit: Emit, shard: str | None = None) -> BatchOutcome:
    """Render `jobs` with `workers` processes (1: in this process) and return every result, in
    the order of `jobs`. Ctrl-C stops the workers cleanly and returns an interrupted outcome
    whose unfinished briefs are `cancelled`."""
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    clock = time.monotonic()
    total = len(jobs)
    emit(Event(START, None, {"command": "batch", "version": __version__, "total": total,
                             "jobs": workers, "shard": shard}))
    results: dict[int, BriefResult] = {}
    state = _State(fail_fast)

    def finish(index: int, result: BriefResult) -> None:
        results[index] = result
        emit(Event(BRIEF_DONE, result.brief, {"index": index + 1, **result.to_dict()}))
        if result.status == FAILED and fail_fast and state.stop is None:
            state.stop = f"--fail-fast: {result.brief} failed"

    todo: list[tuple[int, str]] = []  # (index, why it is rendered)
    restore = _terminate_as_interrupt()
    try:
        # Checking is fast and needs no worker: only briefs to render go to the workers, so an
        # unchanged batch finishes in about a second.
        for index, job in enumerate(jobs):
            if state.stop:
                break
            checked, reason = check_brief(job, settings)
            if checked is None:
                todo.append((index, reason))
                continue
            emit(Event(BRIEF_START, job.display,
                       {"index": index + 1, "total": total, "name": job.name}))
            finish(index, checked)
        if workers <= 1 or len(todo) <= 1:
            for index, reason in todo:
                if state.stop:
                    break
                finish(index, render_job(jobs[index], settings, index + 1, total, reason, emit))
        else:
            _run_pool(jobs, todo, settings, min(workers, len(todo)), finish, emit, state)
    except KeyboardInterrupt:
        state.stop, state.interrupted = "interrupted", True
    finally:
        restore()
    for index, job in enumerate(jobs):
        if index not in results:
            finish(index, BriefResult(job.display, job.name, CANCELLED, reason=state.stop))
    outcome = BatchOutcome(tuple(results[i] for i in range(total)), workers, shard, started_at,
                           round(time.monotonic() - clock, 3), state.interrupted)
    emit(Event(DONE, None, {**counts(outcome), "exit_code": outcome.exit_code,
                            "duration_s": outcome.duration_s}))
    return outcome


def counts(outcome: BatchOutcome) -> dict[str, int]:
    """Briefs by status, and the total."""
    return {"total": len(outcome.results),
            **{status: outcome.count(status) for status in (RENDERED, SKIPPED, FAILED,
                                                            CANCELLED)}}


def _terminate_as_interrupt() -> Callable[[], None]:
    """Treat SIGTERM (how CI systems cancel a job) like Ctrl-C while the batch runs, so that
    workers stop cleanly and the reports are still written; returns how to undo it."""
    try:
        previous = signal.signal(signal.SIGTERM, interrupts.interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


@dataclass
class _State:
    fail_fast: bool
    stop: str | None = None
    interrupted: bool = False


# Worker processes: events go to the main process through one queue that every worker writes
# to synchronously, so a brief's events are all in the queue before its result comes back.
_events: Any = None


def _init_worker(events: Any) -> None:
    global _events
    _events = events
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an idle worker ignores Ctrl-C


def _work(job: BriefJob, settings: BatchSettings, index: int, total: int, reason: str
          ) -> BriefResult:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a busy one stops and cleans up
    try:
        return render_job(job, settings, index, total, reason, _events.put)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_pool(jobs: Sequence[BriefJob], todo: Sequence[tuple[int, str]], settings: BatchSettings,
              workers: int, finish: Callable[[int, BriefResult], None], emit: Emit,
              state: _State) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    events = context.SimpleQueue()

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_init_worker, initargs=(events,))

    def drain() -> None:
        while not events.empty():
            emit(events.get())

    pool = new_pool()
    running: dict[Future[BriefResult], int] = {}
    upcoming = 0
    try:
        while running or (upcoming < len(todo) and not state.stop):
            while not state.stop and upcoming < len(todo) and len(running) < workers:
                index, reason = todo[upcoming]
                try:
                    future = pool.submit(_work, jobs[index], settings, index + 1, len(jobs),
                                         reason)
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    continue
                running[future] = index
                upcoming += 1
            done, _ = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
            drain()
            for future in done:
                index = running.pop(future)
                try:
                    result = future.result()
                except KeyboardInterrupt:
                    raise
                except Exception as exc:  # the worker died (killed, out of memory)
                    job = jobs[index]
                    result = BriefResult(job.display, job.name, FAILED, error=ErrorInfo(
                        type(exc).__name__, EXIT_BUG,
                        f"the worker process rendering it stopped ({type(exc).__name__})",
                        (f"the worker process rendering it stopped ({type(exc).__name__})",),
                        "it may have run out of memory; try fewer --jobs"))
                finish(index, result)
    except KeyboardInterrupt:
        for process in list(getattr(pool, "_processes", {}).values()):
            if process.is_alive() and process.pid:
                os.kill(process.pid, signal.SIGINT)
        pool.shutdown(wait=True, cancel_futures=True)
        drain()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        drain()


# ---------------------------------------------------------------- batch --lint

# Findings of `batch --lint`, by the brief's display name (BriefResult.brief).
LintResults = dict[str, list["Finding"]]
EXIT_LINT = 3  # an error-level finding, as `policyclip lint` exits by default


def lint_jobs(jobs: Sequence[BriefJob], config: LintConfig) -> LintResults:
    """Lint every brief of a batch. A brief that cannot be read gets no entry: the batch
    reports it as failed, with the same messages."""
    from . import lint

    found: LintResults = {}
    for job in jobs:
        try:
            found[job.display] = lint.lint_brief(job.path, config, job.display)
        except PolicyclipError:
            continue
    return found


def lint_or_empty(lint: LintResults | None, brief: str) -> list[Finding]:
    """A brief's findings ([] when it has none or was not linted)."""
    return [] if lint is None else lint.get(brief, [])


def lint_failed(findings: Sequence[Finding]) -> bool:
    """True when a finding is an error."""
    return any(f.severity == "error" for f in findings)


def lint_counts(lint: LintResults) -> dict[str, int]:
    """Findings of every brief by severity."""
    every = [f for findings in lint.values() for f in findings]
    return {severity: sum(1 for f in every if f.severity == severity)
            for severity in ("error", "warning", "info")}


def final_exit_code(outcome: BatchOutcome, lint: LintResults | None) -> int:
    """The batch's exit code; with `--lint`, 3 also when every brief rendered but one has an
    error-level finding."""
    if outcome.exit_code or lint is None:
        return outcome.exit_code
    return EXIT_LINT if any(lint_failed(f) for f in lint.values()) else 0


def lint_lines(lint: LintResults) -> list[str]:
    """The findings as `policyclip lint` prints them, then their counts."""
    lines = [f.text() for findings in lint.values() for f in findings]
    tally = lint_counts(lint)
    return [*lines, f"lint: {len(lint)} brief(s): "
            + ", ".join(f"{n} {severity}" for severity, n in tally.items())]


# ---------------------------------------------------------------- summary


def summary_lines(outcome: BatchOutcome) -> list[str]:
    """What the command prints when the batch is over: failures with their reasons, then one
    line of counts."""
    lines = []
    for result in outcome.results:
        if result.status == FAILED and result.error is not None:
            lines.append(f"failed: {result.brief}")
            lines += [f"  error: {line}" for line in result.error.lines]
            if result.error.hint:
                lines.append(f"  hint: {result.error.hint}")
    c = counts(outcome)
    shard = f" in shard {outcome.shard}" if outcome.shard else ""
    parts = [f"{c[RENDERED]} rendered", f"{c[SKIPPED]} up to date", f"{c[FAILED]} failed"]
    if c[CANCELLED]:
        parts.append(f"{c[CANCELLED]} not run")
    lines.append(f"{c['total']} brief(s){shard}: {', '.join(parts)} "
                 f"in {outcome.duration_s:.1f} s")
    return lines


# ---------------------------------------------------------------- `render`: one brief, same events


def render_one(path: Path, out: Path, options: pipeline.RenderOptions, emit: Emit
               ) -> pipeline.RenderResult:
    """Render one brief as `policyclip render` does, telling `emit` the same events a batch
    does (start, brief_start, stages, brief_done, done). Errors are re-raised after their
    brief_done event."""
    name = str(path)
    started = time.monotonic()
    emit(Event(START, None, {"command": "render", "version": __version__, "total": 1,
                             "jobs": 1, "shard": None}))
    emit(Event(BRIEF_START, name, {"index": 1, "total": 1, "name": path.name}))

    def done(result: BriefResult, exit_code: int) -> None:
        emit(Event(BRIEF_DONE, name, {"index": 1, **result.to_dict()}))
        emit(Event(DONE, None, {"total": 1, RENDERED: int(result.status == RENDERED),
                                SKIPPED: 0, FAILED: int(result.status == FAILED),
                                CANCELLED: int(result.status == CANCELLED),
                                "exit_code": exit_code,
                                "duration_s": result.duration_s}))

    def elapsed() -> float:
        return round(time.monotonic() - started, 3)

    # A cancelled CI job sends SIGTERM: stop like Ctrl-C, so temporary files are removed.
    restore = _terminate_as_interrupt()
    try:
        try:
            rendered = pipeline.render_brief(path, out, options, BriefReporter(emit, name))
        except KeyboardInterrupt:
            done(BriefResult(name, path.name, CANCELLED, elapsed(), "interrupted"),
                 EXIT_INTERRUPTED)
            raise
        except Exception as exc:
            error = ErrorInfo.of(exc)
            done(BriefResult(name, path.name, FAILED, elapsed(), error=error), error.exit_code)
            raise
    finally:
        restore()
    done(BriefResult(
        name, path.name, RENDERED, elapsed(), "render", engine=rendered.timeline.engine,
        voice=rendered.timeline.voice, video_ms=rendered.timeline.duration_ms,
        outputs={kind: str(p) for kind, p in rendered.outputs.items()},
        warnings=rendered.warnings,
        speech={"synthesized": rendered.speech.synthesized, "cached": rendered.speech.cached}),
        0)
    return rendered
