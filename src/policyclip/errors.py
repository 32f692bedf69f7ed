"""One error hierarchy. Library code raises these; only the CLI turns them into exit codes."""

from __future__ import annotations


class PolicyclipError(Exception):
    """Base of every error a user can cause or fix; carries a message and an optional hint."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """The message as one or more lines, without the `error:` prefix."""
        return self.message.splitlines() or [self.message]


class InputError(PolicyclipError):
    """The user's input (brief, template, theme, a referenced file) is wrong."""

    exit_code = 3


class BriefError(InputError):
    """A brief breaks the spec; holds every problem found, one line each."""

    def __init__(self, problems: list[str], hint: str | None = None) -> None:
        super().__init__("\n".join(problems), hint)
        self.problems = problems

    def lines(self) -> list[str]:
        return list(self.problems)


class TemplateError(InputError):
    """A narration template failed to load or render."""


class ThemeError(InputError):
    """A theme file is missing or invalid."""


class SourceError(InputError):
    """An article given to `import` cannot be read (missing, unsupported, broken, unreachable)."""


class SpeechError(PolicyclipError):
    """Speech synthesis failed."""

    exit_code = 4


class RenderError(PolicyclipError):
    """Drawing, encoding or writing the outputs failed."""

    exit_code = 5


class UsageError(PolicyclipError):
    """The command line asks for something impossible (a bad option value, no briefs found)."""

    exit_code = 2
