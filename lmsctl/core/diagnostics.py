"""One type for every finding, whatever produced it: ``Diagnostic``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from (``line``, ``column``) up to, not including, (``end_line``,
    ``end_column``) with ``new_text``; 1-based, columns in characters. An empty range inserts."""

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A finding's fix, attached by the rule that found it: what it does, and its edits."""

    title: str
    edits: tuple[TextEdit, ...]


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
    #: Facts behind the finding for machine formats (json ``data``, SARIF ``properties``), e.g.
    #: a stale course's dates and owners; not part of the finding's identity.
    data: Mapping[str, object] | None = field(default=None, compare=False, hash=False)
    #: The rule's fix as text edits, when it has a safe one (``lmsctl lint --fix``).
    fix: Fix | None = field(default=None, compare=False, hash=False)

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
            **({"data": dict(self.data)} if self.data else {}),
            **({"fix": {"title": self.fix.title, "edits": [
                {"line": e.line, "column": e.column, "end_line": e.end_line,
                 "end_column": e.end_column, "new_text": e.new_text}
                for e in self.fix.edits]}} if self.fix else {}),
        }


@dataclass
class Report:
    """Every diagnostic of a run, kept sorted by file and line."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    #: The command that made the report, named in summaries (``lmsctl lint: 2 errors``).
    command: str = "lint"
    #: Keep the order findings were added in (e.g. most overdue first) instead of file order.
    keep_order: bool = False

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(items)

    def sorted(self) -> list[Diagnostic]:
        if self.keep_order:
            return list(dict.fromkeys(self.diagnostics))
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


@dataclass(frozen=True)
class Rule:
    """A rule: its id, default severity, summary and reference entry (description, a bad and a
    good example, how to fix)."""

    id: str
    severity: Severity
    summary: str
    description: str = ""
    bad: str = ""
    good: str = ""
    fix: str = ""
    stage: str = "validate"  # "validate" or "lint"

    def diag(self, path: str, line: int, column: int, message: str,
             hint: str | None = None, fix: Fix | None = None) -> Diagnostic:
        """A finding of this rule at its default severity; the hint defaults to the fix text."""
        return Diagnostic(rule=self.id, severity=self.severity, path=path, line=max(1, line),
                          column=max(1, column), message=message,
                          hint=self.fix if hint is None else hint, fix=fix)


DiagFactory = Callable[..., Diagnostic]


def diag_from(rules: Sequence[Rule]) -> DiagFactory:
    """``diag(rule_id, path, line, column, message, hint=None)`` over an explicit list of rules
    (a rule group's own list, or the whole registry)."""
    by_id: dict[str, Rule] = {}

    def diag(rule_id: str, path: str, line: int, column: int, message: str,
             hint: str | None = None, fix: Fix | None = None) -> Diagnostic:
        if len(by_id) != len(rules):
            by_id.update((r.id, r) for r in rules)
        return by_id[rule_id].diag(path, line, column, message, hint, fix)

    return diag
