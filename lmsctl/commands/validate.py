from __future__ import annotations

from pathlib import Path

from lmsctl.checks.report_formats import emit
from lmsctl.checks.runs import remembered
from lmsctl.core.diagnostics import Report


def _validate(root: Path, cache: bool) -> Report:
    from lmsctl.checks.validate import validate_repository  # not needed by a remembered run

    return validate_repository(root, cache, facts=True)[1]


def run(root: Path, fmt: str, cache: bool = True) -> int:
    report = remembered(root, ("validate",), lambda: _validate(root, cache), cache)
    emit(report, fmt)
    return 1 if report.has_errors else 0
