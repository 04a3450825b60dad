"""``validate``: what must hold for a build (schemas and references)."""

from __future__ import annotations

from pathlib import Path

from lmsctl.checks.references import check_references
from lmsctl.content.loader import load_repository
from lmsctl.core.diagnostics import Report
from lmsctl.core.model import Repository


def validate_repository(root: Path) -> tuple[Repository, Report]:
    repo, problems = load_repository(root)
    report = Report(files_checked=len(repo.files))
    report.extend(problems)
    report.extend(check_references(repo))
    return repo, report
