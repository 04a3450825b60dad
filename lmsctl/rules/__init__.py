"""The rule registry: every rule id, its default severity, summary and reference entry.

Rules are grouped by number: LMS1xx files and schemas, LMS2xx references (both checked by
``validate``), LMS3xx content, LMS4xx quiz quality, LMS5xx accessibility, LMS6xx safety,
LMS7xx governance and files, LMS8xx freshness (checked by ``lint``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from lmsctl.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    description: str = ""
    bad: str = ""
    good: str = ""
    fix: str = ""
    stage: str = "validate"  # "validate" or "lint"


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in RULES:
        raise ValueError(f"rule {rule.id} registered twice")
    RULES[rule.id] = rule
    return rule


def diag(
    rule_id: str, path: str, line: int, column: int, message: str, hint: str | None = None
) -> Diagnostic:
    """Make a diagnostic of a registered rule at its default severity; the hint defaults to
    the rule's fix text."""
    rule = RULES[rule_id]
    return Diagnostic(
        rule=rule_id,
        severity=rule.severity,
        path=path,
        line=max(1, line),
        column=max(1, column),
        message=message,
        hint=rule.fix if hint is None else hint,
    )


def all_rules() -> list[Rule]:
    # Import the optional modules that register rules, so the registry is complete.
    with contextlib.suppress(ImportError):  # the lint rule set, once it lands
        from lmsctl.rules import catalog  # noqa: F401
    return sorted(RULES.values(), key=lambda r: r.id)


from lmsctl.rules import spine  # noqa: E402,F401  (registers the LMS1xx/LMS2xx rules)
