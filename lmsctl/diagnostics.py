"""One type for every finding, whatever produced it: ``Diagnostic``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, order=False)
class Diagnostic:
    """A finding at a place: ``path`` is relative to the repository root with ``/``; 1-based."""

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Report:
    """Every diagnostic of a run, kept sorted by file and line."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.diagnostics), key=Diagnostic.sort_key)

    def counts(self) -> dict[str, int]:
        c = Counter(d.severity.value for d in set(self.diagnostics))
        return {"error": c["error"], "warning": c["warning"], "info": c["info"]}

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def summary(self) -> dict[str, int]:
        counts = self.counts()
        return {"errors": counts["error"], "warnings": counts["warning"],
                "infos": counts["info"], "files": self.files_checked}
