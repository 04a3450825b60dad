"""The small exception hierarchy that the CLI maps to exit codes."""

from __future__ import annotations


class LmsctlError(Exception):
    """A user-facing error: a one-line message plus a hint on how to fix it. Exit code 1."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(LmsctlError):
    """The command was called wrongly (missing value, bad option). Exit code 2."""

    exit_code = 2


class RepositoryNotFound(UsageError):
    """No course repository (``lmsctl.yml`` or ``courses/``) at or above the folder."""


class BuildError(LmsctlError):
    """The site could not be built; the previous output is left as it was. ``findings`` holds
    the problems that stopped it (Diagnostics, or plain lines), for the preview's overlay."""

    def __init__(self, message: str, hint: str = "", findings: tuple[object, ...] = ()) -> None:
        super().__init__(message, hint)
        self.findings = findings


class OutsideRepository(UsageError):
    """A path read or written by lmsctl leads (through a symlink or ``..``) out of the course
    repository. Exit code 2."""
