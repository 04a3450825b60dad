from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import click

from lmsctl.checks.lint_report import LintReport
from lmsctl.checks.paths import course_files, rel_paths
from lmsctl.checks.report_formats import FORMATTERS, append_step_summary, emit
from lmsctl.checks.runs import remembered
from lmsctl.core.collector import few_collections
from lmsctl.core.errors import UsageError


def _lint(root: Path, rels: list[str] | None, changed_since: str | None,
          extra: Any, cache: bool) -> LintReport:
    """A lint report; a run without --changed-since and --analytics (whose findings depend on
    git and on statements too) may be one remembered from a run with the same inputs, but for
    one on files within course folders (``course_files``), which reads so little that making
    the key of a remembered run (a look at every file of the repository) costs more."""
    def fresh() -> LintReport:
        from lmsctl.checks.lint import lint_repository  # not needed by a remembered run

        gc.freeze()  # (and what it imports: see few_collections, which every call is within)
        return lint_repository(root, rels, changed_since, extra, cache)[1]

    if changed_since is not None or extra is not None or (rels and course_files(rels)):
        return fresh()
    return remembered(root, ("lint", *(rels or ())), fresh, cache)


def run(root: Path, paths: list[Path], fmt: str, changed_since: str | None, fix: bool,
        analytics: bool = False, cache: bool = True) -> int:
    """Validation plus every lint rule (and with ``analytics`` the insights); exit 1 on any
    error."""
    if fmt not in FORMATTERS:
        raise UsageError(f"unknown format '{fmt}'",
                         "Use --format " + ", ".join(sorted(FORMATTERS)) + ".")
    rels = rel_paths(root, paths) if paths else None
    extra = None
    if analytics:
        from lmsctl.analytics.run import insight_source

        extra = insight_source(root)
    with few_collections():
        report = _lint(root, rels, changed_since, extra, cache)
    if fix:
        from lmsctl.checks.lint import apply_fixes

        fixes = apply_fixes(root, report)
        for item in fixes:
            click.echo(f"fixed {item}", err=True)
        if fixes:
            click.echo(f"{len(fixes)} fix(es) applied; the findings below are what is left.",
                       err=True)
            with few_collections():
                report = _lint(root, rels, changed_since, extra, cache)
        else:
            click.echo("Nothing to fix automatically.", err=True)
    emit(report, fmt)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        try:
            append_step_summary(report, summary)
        except OSError as exc:
            click.echo(f"warning: cannot write the step summary to {summary}: {exc.strerror}",
                       err=True)
    return 1 if report.has_errors else 0
