"""The report of a ``lint`` run (light: a remembered run prints it without loading the checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lmsctl.core.diagnostics import Report


@dataclass
class CourseChange:
    """A course touched since the ref, for the pull-request summary."""

    id: str
    title: str
    rel_dir: str
    owners: tuple[str, ...]
    before: str | None  # status at the ref; None: the course is new
    after: str | None  # status now; None: the course was deleted
    files: tuple[str, ...]

    @property
    def status_change(self) -> str | None:
        if self.before == self.after:
            return None
        if self.before is None:
            return f"new course ({self.after})"
        if self.after is None:
            return f"deleted (was {self.before})"
        return f"{self.before} -> {self.after}"


@dataclass
class LintReport(Report):
    """A lint run's findings plus what the richer formats need."""

    root: Path | None = None
    rules_url: str = ""  # the published rule reference, ending in /; "" when unknown
    changed_since: str | None = None
    changes: list[CourseChange] = field(default_factory=list)

    def help_uri(self, rule_id: str) -> str:
        return f"{self.rules_url}#{rule_id.lower()}" if self.rules_url else ""
