"""Batch reports for CI: a JSON report and JUnit XML, each written atomically."""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .batch import (
    CANCELLED,
    FAILED,
    RENDERED,
    SKIPPED,
    BatchOutcome,
    BriefResult,
    LintResults,
    counts,
    final_exit_code,
    lint_counts,
    lint_failed,
    lint_or_empty,
)
from .errors import RenderError
from .files import write_atomic

if TYPE_CHECKING:
    from .lint import Finding

REPORT_SCHEMA = "policyclip-batch-report/1"


def report_data(outcome: BatchOutcome, *, out: Path, options: dict[str, Any],
                lint: LintResults | None = None) -> dict[str, Any]:
    """The JSON report: the batch, its settings, counts and one entry per brief; with `lint`
    (`batch --lint`), each brief's findings and their counts too."""
    data: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "tool": {"name": "policyclip", "version": __version__},
        "started": outcome.started,
        "duration_s": outcome.duration_s,
        "shard": outcome.shard,
        "jobs": outcome.jobs,
        "out": str(out),
        "options": options,
        "interrupted": outcome.interrupted,
        "exit_code": outcome.exit_code,
        "summary": counts(outcome),
        "briefs": [result.to_dict() for result in outcome.results],
    }
    if lint is not None:
        data["exit_code"] = final_exit_code(outcome, lint)
        data["lint"] = lint_counts(lint)
        for entry in data["briefs"]:
            entry["lint"] = [f.to_dict() for f in lint.get(entry["brief"], [])]
    return data


def write_json_report(path: Path, data: dict[str, Any]) -> None:
    """Write the JSON report to `path` atomically."""
    _write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_UNSAFE.sub("\ufffd", text)


def junit_xml(outcome: BatchOutcome, lint: LintResults | None = None) -> bytes:
    """JUnit XML: one <testcase> per brief. Rendered and up-to-date briefs pass (their
    <system-out> says which), failures are <failure> (<error> for internal errors), briefs not
    run are <skipped>. With `lint`, each brief has a second test case (classname
    policyclip.lint) listing its findings, a <failure> when one is an error."""
    c = counts(outcome)
    errors = sum(1 for r in outcome.results if r.error is not None and r.error.exit_code == 1)
    name = "policyclip batch" + (f" (shard {outcome.shard})" if outcome.shard else "")
    linted = [] if lint is None else [r for r in outcome.results if r.brief in lint]
    lint_failures = sum(1 for r in linted if lint_failed(lint_or_empty(lint, r.brief)))
    totals = {"tests": str(c["total"] + len(linted)),
              "failures": str(c[FAILED] - errors + lint_failures),
              "errors": str(errors), "skipped": str(c[CANCELLED]),
              "time": f"{outcome.duration_s:.3f}"}
    suites = ET.Element("testsuites", {"name": name, **totals})
    suite = ET.SubElement(suites, "testsuite", {
        "name": name, **totals, "timestamp": outcome.started, "hostname": socket.gethostname()})
    properties = ET.SubElement(suite, "properties")
    for key, value in (("policyclip.version", __version__), ("shard", outcome.shard or ""),
                       ("jobs", str(outcome.jobs))):
        ET.SubElement(properties, "property", {"name": key, "value": value})
    for result in outcome.results:
        suite.append(_testcase(result))
        if lint is not None and result.brief in lint:
            suite.append(_lint_testcase(result.brief, lint[result.brief]))
    ET.indent(suites)
    data: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _testcase(result: BriefResult) -> ET.Element:
    case = ET.Element("testcase", {"classname": "policyclip.batch", "name": result.brief,
                                   "file": result.brief, "time": f"{result.duration_s:.3f}"})
    if result.status == FAILED and result.error is not None:
        error = result.error
        kind = "error" if error.exit_code == 1 else "failure"
        body = "\n".join([*error.lines, *([f"hint: {error.hint}"] if error.hint else []),
                          *([error.traceback] if error.traceback else [])])
        node = ET.SubElement(case, kind, {"type": error.type,
                                          "message": _xml_text(error.lines[0])})
        node.text = _xml_text(body)
    elif result.status == CANCELLED:
        ET.SubElement(case, "skipped", {"message": _xml_text(f"not run: {result.reason}")})
    else:
        lines = [_outcome_line(result), *(f"warning: {w}" for w in result.warnings)]
        out = ET.SubElement(case, "system-out")
        out.text = _xml_text("\n".join(lines))
    return case


def _lint_testcase(brief: str, findings: list[Finding]) -> ET.Element:
    case = ET.Element("testcase", {"classname": "policyclip.lint", "name": brief,
                                   "file": brief, "time": "0.000"})
    lines = [f.text() for f in findings]
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        node = ET.SubElement(case, "failure", {"type": errors[0].rule,
                                               "message": _xml_text(errors[0].text())})
        node.text = _xml_text("\n".join(lines))
    else:
        out = ET.SubElement(case, "system-out")
        out.text = _xml_text("\n".join(lines) or "lint: no findings")
    return case


def _outcome_line(result: BriefResult) -> str:
    video = result.outputs.get("video", "")
    speech = f"speech: {result.engine}{' ' + result.voice if result.voice else ''}"
    if result.status == RENDERED:
        return f"rendered {video} ({result.reason}; {speech})"
    if result.status == SKIPPED:
        return f"up to date: {video} ({speech})"
    return result.status


def write_junit(path: Path, outcome: BatchOutcome, lint: LintResults | None = None) -> None:
    """Write the JUnit XML to `path` atomically."""
    _write_atomic(path, junit_xml(outcome, lint))


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise RenderError(f"cannot write report {path}: {exc.strerror or exc}") from None


__all__ = ["REPORT_SCHEMA", "junit_xml", "report_data", "write_json_report",
           "write_junit"]
