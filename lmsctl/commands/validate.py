from __future__ import annotations

from pathlib import Path

from lmsctl.checks.report_formats import emit
from lmsctl.checks.validate import validate_repository


def run(root: Path, fmt: str, cache: bool = True) -> int:
    _, report = validate_repository(root, cache)
    emit(report, fmt)
    return 1 if report.has_errors else 0
