from __future__ import annotations

from pathlib import Path

from lmsctl.errors import UsageError
from lmsctl.formatters import FORMATTERS, emit
from lmsctl.validate import validate_repository


def run(root: Path, paths: list[Path], fmt: str, changed_since: str | None, fix: bool) -> int:
    """Validation only, until the quality rule set lands (issue 5)."""
    if fmt not in FORMATTERS:
        raise UsageError(f"format '{fmt}' is not available yet", "Use --format text or json.")
    _, report = validate_repository(root)
    emit(report, fmt)
    return 1 if report.has_errors else 0
