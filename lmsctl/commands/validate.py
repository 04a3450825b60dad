from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lmsctl.checks.report_formats import emit
from lmsctl.checks.runs import remembered
from lmsctl.core.collector import few_collections
from lmsctl.core.diagnostics import Report


def __getattr__(name: str) -> Any:
    """``validate_repository``, imported when first used: a remembered run needs none of the
    loading and checking code."""
    if name == "validate_repository":
        from lmsctl.checks.validate import validate_repository

        return validate_repository
    raise AttributeError(name)


def _validate(root: Path, cache: bool) -> Report:
    check = getattr(sys.modules[__name__], "validate_repository")  # noqa: B009 (lazy, above)
    report: Report = check(root, cache, facts=True)[1]
    return report


def run(root: Path, fmt: str, cache: bool = True) -> int:
    with few_collections():
        report = remembered(root, ("validate",), lambda: _validate(root, cache), cache)
    emit(report, fmt)
    return 1 if report.has_errors else 0
