"""What the analytics commands do, without click: open the store, compute, find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from lmsctl.analytics.insights import course_findings
from lmsctl.analytics.measures import Figures, compute
from lmsctl.analytics.settings import AnalyticsSettings, read_settings
from lmsctl.analytics.store import connect, store_path
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.errors import UsageError
from lmsctl.core.model import Repository


def parse_since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text}: not a date",
                         "Write it as YYYY-MM-DD (or an ISO 8601 date and time).") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def check_settings(repo: Repository, settings: AnalyticsSettings) -> None:
    if not settings.activity_base:
        raise UsageError("lmsctl.yml gives no activity base for the statements",
                         "Set site.url (or analytics.activity_base) in lmsctl.yml: activity ids "
                         "are made from it (DESIGN section 8).")


def figures(repo: Repository, since: dt.datetime | None = None,
            courses: list[str] | None = None, paths: list[str] | None = None
            ) -> tuple[Figures, AnalyticsSettings]:
    settings = read_settings(repo)
    check_settings(repo, settings)
    for course_id in courses or []:
        if repo.course(course_id) is None:
            raise UsageError(f"--course {course_id}: no such course",
                             "Give a course id (a folder name under courses/).")
    for path_id in paths or []:
        if repo.path(path_id) is None:
            raise UsageError(f"--path {path_id}: no such path",
                             "Give a path id (a file name under paths/ without .yml).")
    con = connect(store_path(repo.root), create=False)
    try:
        return compute(con, repo, settings, since, courses, paths), settings
    finally:
        con.close()


def findings_by_course(figs: Figures, settings: AnalyticsSettings
                       ) -> dict[str, list[Diagnostic]]:
    return {c.id: course_findings(c, settings.thresholds) for c in figs.courses}


def insight_source(root: Path) -> Callable[[Repository], list[Diagnostic]]:
    """The insights of every course, for ``lint_repository(extra=...)``."""

    def extra(repo: Repository) -> list[Diagnostic]:
        figs, settings = figures(repo)
        return [d for found in findings_by_course(figs, settings).values() for d in found]

    return extra
