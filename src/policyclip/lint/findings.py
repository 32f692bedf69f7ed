"""What lint reports: findings, their severities, and the settings that tune the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "warning", "error")  # in rising order


def rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Finding:
    """One problem at one line of a brief (or of its theme)."""

    file: str
    line: int
    severity: str
    rule: str
    message: str
    suggestion: str

    def text(self) -> str:
        """`brief.yaml:9: warning PL-LONG: message; suggestion`."""
        tail = f"; {self.suggestion}" if self.suggestion else ""
        return f"{self.file}:{self.line}: {self.severity} {self.rule}: {self.message}{tail}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with exactly the keys file, line, severity, rule, message, suggestion."""
        return {"file": self.file, "line": self.line, "severity": self.severity,
                "rule": self.rule, "message": self.message, "suggestion": self.suggestion}


@dataclass(frozen=True)
class LintConfig:
    """Thresholds and switches. No official limit exists for spoken sentences: 30 and 45
    characters (20 and 30 English words) are editorial choices, hence settings."""

    sentence_warn: int = 30  # spoken characters (Chinese) above which a sentence is long
    sentence_error: int = 45
    words_warn: int = 20  # words (English)
    words_error: int = 30
    max_clauses: int = 4  # comma-separated clauses a sentence may have
    # Words above this HSK 3.0 level (7: the 7-9 band) may be unknown; 7 turns the HSK list off.
    # HSK grades words for learners: for native viewers level 5 and up holds everyday policy
    # words (政策 6, 申报 and 填写 7-9), so it is off unless a brief's audience needs it.
    hsk_level: int = 7
    disabled: frozenset[str] = frozenset()
    severities: dict[str, str] = field(default_factory=dict)  # rule id -> severity
    extra_terms: tuple[str, ...] = ()  # more policy terms to explain (PL-TERM)
    platform: str | None = None  # instead of the brief's render.platform
    tts: str = "auto"  # the engine the length is estimated for, as `check` does
    rate: str | None = None  # instead of the brief's render.rate
    template: str | None = None
    theme: str | None = None
    today: dt.date | None = None  # None: the real today (tests fix it)

    def on(self, rule: str) -> bool:
        """True unless the rule is disabled."""
        return rule not in self.disabled


def counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each severity."""
    return {severity: sum(1 for f in findings if f.severity == severity)
            for severity in reversed(SEVERITIES)}


def reaches(findings: list[Finding], fail_on: str) -> bool:
    """True when a finding is at least as severe as `fail_on`."""
    return any(rank(f.severity) >= rank(fail_on) for f in findings)
