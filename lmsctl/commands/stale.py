"""``lmsctl stale``: courses past their review date (and, with --within, those due soon)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import click

from lmsctl.checks.report_formats import FORMATTERS, append_step_summary, emit
from lmsctl.checks.rules.freshness import diag  # its rules only, not every group's
from lmsctl.content.freshness import Freshness, freshness, parse_date
from lmsctl.content.loader import load_repository
from lmsctl.core.diagnostics import Diagnostic, Report, Severity
from lmsctl.core.errors import LmsctlError, UsageError
from lmsctl.core.history import History, read_history
from lmsctl.core.model import Course, Repository

SHALLOW_HINT = (
    "The dates would be wrong: fetch the whole history. In GitHub Actions set `fetch-depth: 0` "
    "on actions/checkout (with: {fetch-depth: 0}); locally run `git fetch --unshallow`.")


def parse_today(text: str | None, option: str = "--today") -> dt.date:
    if text is None:
        return dt.date.today()
    value = parse_date(text)
    if value is None:
        raise UsageError(f"{option} {text}: not a date", "Write the date as YYYY-MM-DD, "
                         "e.g. 2025-03-31.")
    return value


def check_history(history: History, fmt: str) -> None:
    """Refuse to report from a missing or shallow history (the dates would be wrong)."""
    if not history.available:
        hint = ("lmsctl stale needs the course repository's git history: run it inside a git "
                "clone (not a downloaded archive) with git installed.")
        if "dubious ownership" in history.reason:
            hint = ("git refuses a repository owned by another user: run `git config --global "
                    "--add safe.directory <the repository folder>` (in a container, the "
                    "checkout's owner differs from the user running lmsctl).")
        raise LmsctlError(f"cannot read the git history: {history.reason}", hint)
    if history.shallow:
        if fmt == "github":
            report = Report(command="stale", diagnostics=[diag("LMS805", "lmsctl.yml", 1, 1,
                                  "lmsctl stale needs the full git history; set fetch-depth: 0 "
                                  "on actions/checkout", "")])
            click.echo(FORMATTERS["github"](report, False), nl=False)
        raise UsageError("this is a shallow clone, so the git history is incomplete",
                         SHALLOW_HINT)


def _when(d: dt.date | None) -> str:
    return d.isoformat() if d else "never"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def facts(course: Course, f: Freshness) -> dict[str, object]:
    """What a finding about a course's freshness says, for machine formats (json ``data``)."""
    return {
        "id": course.id,
        "title": course.title,
        "path": course.rel,
        "owners": list(course.owners),
        "last_change": f.last_change.isoformat() if f.last_change else None,
        "reviewed": f.reviewed.isoformat() if f.reviewed else None,
        "review_every": f.review_every,
        "due": f.due.isoformat(),
        "days_overdue": f.days_overdue,
        "days_left": f.days_left,
        "stale": f.stale,
    }


def finding(course: Course, f: Freshness) -> Diagnostic:
    """LMS803 (stale) or LMS804 (due soon) at the course's ``reviewed:`` line (or line 1)."""
    line, column = 1, 1
    if "reviewed" in (course.doc.data or {}):
        line, column = course.doc.key_pos(("reviewed",))
    owners = ", ".join(course.owners) or "no owners"
    dates = (f"last change {_when(f.last_change)}, last review {_when(f.reviewed)}, review "
             f"every {f.review_every} days")
    if f.stale:
        message = (f"{course.title} is {_plural(f.days_overdue, 'day')} past its review date "
                   f"{f.due.isoformat()} ({dates}); owners: {owners}")
        hint = (f"An owner checks the course and either updates it or runs `lmsctl review "
                f"{course.id}` and commits the new reviewed: date.")
        rule = "LMS803"
    else:
        when = ("today" if f.days_left == 0 else f"in {_plural(f.days_left, 'day')}")
        message = (f"{course.title} is due for review {when}, on {f.due.isoformat()} "
                   f"({dates}); owners: {owners}")
        hint = "Plan the review with the course's owners before the due date."
        rule = "LMS804"
    if f.problem:
        hint += f" Note: {f.problem}"
    return replace(diag(rule, course.rel, line, column, message, hint), data=facts(course, f))


def collect(repo: Repository, history: History, today: dt.date,
            within: int | None) -> list[Diagnostic]:
    """Published courses that are stale, or due within ``within`` days; most overdue first."""
    found: list[tuple[dt.date, str, Diagnostic]] = []
    for course in repo.courses:
        if course.status != "published":
            continue
        fresh = freshness(course, repo.config, history, today)
        if fresh.stale or (within is not None and fresh.due_within(within)):
            found.append((fresh.due, course.id, finding(course, fresh)))
    return [d for _, _, d in sorted(found, key=lambda x: (x[0], x[1]))]


def run(root: Path, fmt: str, within: int | None, today: str | None) -> int:
    day = parse_today(today)
    if fmt not in FORMATTERS:
        raise UsageError(f"--format {fmt}: unknown format",
                         "Use --format " + ", ".join(sorted(FORMATTERS)) + ".")
    repo, problems = load_repository(root, lessons=False)
    history = read_history(repo)
    check_history(history, fmt)
    found = collect(repo, history, day, within)
    unread = sorted({d.path for d in problems if d.severity is Severity.ERROR
                     and d.path.endswith("/course.yml")
                     and repo.course(d.path.split("/")[1]) is None})
    if unread:
        click.echo(f"note: {len(unread)} course file{'s' if len(unread) != 1 else ''} could not "
                   f"be read and {'are' if len(unread) != 1 else 'is'} not checked: "
                   f"{', '.join(unread[:5])}{', ...' if len(unread) > 5 else ''} "
                   "(run lmsctl validate)", err=True)
    report = Report(found, files_checked=len(repo.courses), command="stale", keep_order=True)
    emit(report, fmt)
    if fmt == "text":
        click.echo(f"Today is {day.isoformat()}" + (f"; listing courses due within {within} days"
                                                    if within is not None else "") + ".")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        append_step_summary(report, summary)
    return 1 if any(d.rule == "LMS803" for d in found) else 0
