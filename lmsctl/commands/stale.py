"""``lmsctl stale``: courses past their review date (and, with --within, those due soon)."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import click

from lmsctl.checks.lint import LintReport, rules_url
from lmsctl.checks.report_formats import emit
from lmsctl.content.freshness import Freshness, freshness, parse_date
from lmsctl.content.loader import load_repository
from lmsctl.core.diagnostics import Diagnostic, Severity
from lmsctl.core.errors import LmsctlError, UsageError
from lmsctl.core.history import History, read_history
from lmsctl.core.model import Course, Repository

SHALLOW_HINT = (
    "The dates would be wrong: fetch the whole history. In GitHub Actions set `fetch-depth: 0` "
    "on actions/checkout (with: {fetch-depth: 0}); locally run `git fetch --unshallow`.")


@dataclass(frozen=True)
class Row:
    course: Course
    fresh: Freshness

    def to_dict(self) -> dict[str, object]:
        f = self.fresh
        return {
            "id": self.course.id,
            "title": self.course.title,
            "path": self.course.rel,
            "owners": list(self.course.owners),
            "last_change": f.last_change.isoformat() if f.last_change else None,
            "reviewed": f.reviewed.isoformat() if f.reviewed else None,
            "review_every": f.review_every,
            "due": f.due.isoformat(),
            "days_overdue": f.days_overdue,
            "days_left": f.days_left,
            "stale": f.stale,
        }


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
            click.echo("::error title=Shallow clone::lmsctl stale needs the full git history; "
                       "set fetch-depth: 0 on actions/checkout")
        raise UsageError("this is a shallow clone, so the git history is incomplete",
                         SHALLOW_HINT)


def collect(repo: Repository, history: History, today: dt.date,
            within: int | None) -> list[Row]:
    """Published courses that are stale, or due within ``within`` days; most overdue first."""
    rows: list[Row] = []
    for course in repo.courses:
        if course.status != "published":
            continue
        fresh = freshness(course, repo.config, history, today)
        if fresh.stale or (within is not None and fresh.due_within(within)):
            rows.append(Row(course, fresh))
    rows.sort(key=lambda r: (r.fresh.due, r.course.id))
    return rows


def _when(d: dt.date | None) -> str:
    return d.isoformat() if d else "never"


def format_text(rows: list[Row], today: dt.date, within: int | None) -> str:
    stale = [r for r in rows if r.fresh.stale]
    soon = [r for r in rows if not r.fresh.stale]
    lines: list[str] = []
    for r in rows:
        f = r.fresh
        state = (f"{f.days_overdue} day{'s' if f.days_overdue != 1 else ''} overdue" if f.stale
                 else "due today" if f.days_left == 0
                 else f"due in {f.days_left} day{'s' if f.days_left != 1 else ''}")
        lines.append(f"{r.course.rel}: {'stale' if f.stale else 'due soon'}: "
                     f"{r.course.title} ({state})")
        lines.append(f"    owners: {', '.join(r.course.owners) or '(none)'}")
        lines.append(f"    last change: {_when(f.last_change)}, last review: "
                     f"{_when(f.reviewed)}, review every {f.review_every} days, due "
                     f"{f.due.isoformat()}")
        if f.problem:
            lines.append(f"    note: {f.problem}")
    if stale:
        lines.append(f"{len(stale)} stale course{'s' if len(stale) != 1 else ''}"
                     + (f", {len(soon)} due within {within} days" if within is not None else "")
                     + f" (today is {today.isoformat()}).")
        lines.append("    hint: an owner checks the course and either updates it or runs "
                     "`lmsctl review <course>` and commits the new reviewed: date.")
    elif soon:
        lines.append(f"No stale courses; {len(soon)} due within {within} days "
                     f"(today is {today.isoformat()}).")
    else:
        extra = f" and none due within {within} days" if within is not None else ""
        lines.append(f"All good: no stale courses{extra} (today is {today.isoformat()}).")
    return "\n".join(lines) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(rows: list[Row]) -> str:
    lines: list[str] = []
    for r in rows:
        f = r.fresh
        line = 1
        if "reviewed" in (r.course.doc.data or {}):
            line = r.course.doc.key_pos(("reviewed",))[0]
        owners = ", ".join(r.course.owners) or "no owners"
        if f.stale:
            level, title = "warning", "Stale course"
            message = (f"{r.course.title} is {f.days_overdue} days past its review date "
                       f"{f.due.isoformat()} (last change {_when(f.last_change)}, last review "
                       f"{_when(f.reviewed)}). Owners ({owners}): update it or run "
                       f"`lmsctl review {r.course.id}`.")
        else:
            level, title = "notice", "Review due soon"
            message = (f"{r.course.title} is due for review on {f.due.isoformat()} "
                       f"(in {f.days_left} days). Owners: {owners}.")
        lines.append(f"::{level} file={_gh_prop(r.course.rel)},line={line},"
                     f"title={_gh_prop(title)}::{_gh_data(message)}")
    return "".join(x + "\n" for x in lines)


def step_summary(rows: list[Row], today: dt.date) -> str:
    """A Markdown table for $GITHUB_STEP_SUMMARY."""
    if not rows:
        return f"### Freshness\n\nNo stale courses on {today.isoformat()}.\n"
    out = ["### Freshness", "", f"Courses to review (today is {today.isoformat()}):", "",
           "| Course | Owners | Last change | Last review | Due | Overdue |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        f = r.fresh
        cell = r.course.title.replace("|", "\\|")
        out.append(f"| `{r.course.id}` {cell} | {' '.join(r.course.owners)} | "
                   f"{_when(f.last_change)} | {_when(f.reviewed)} | {f.due.isoformat()} | "
                   f"{f.days_overdue if f.stale else '-'} |")
    return "\n".join(out) + "\n"


def diagnostics(rows: list[Row]) -> list[Diagnostic]:
    """The rows as findings (LMS803) for the formats every command shares (sarif, gitlab)."""
    out: list[Diagnostic] = []
    for r in rows:
        f = r.fresh
        line, col = 1, 1
        if "reviewed" in (r.course.doc.data or {}):
            line, col = r.course.doc.pos(("reviewed",))
        owners = ", ".join(r.course.owners) or "no owners"
        if f.stale:
            message = (f"{r.course.title} is {f.days_overdue} days past its review date "
                       f"{f.due.isoformat()} (last change {_when(f.last_change)}, last review "
                       f"{_when(f.reviewed)})")
        else:
            message = f"{r.course.title} is due for review on {f.due.isoformat()}"
        out.append(Diagnostic("LMS803", Severity.WARNING if f.stale else Severity.INFO,
                              r.course.rel, line, col, message,
                              f"Owners ({owners}): update the course or run `lmsctl review "
                              f"{r.course.id}` and commit the new reviewed: date."))
    return out


def run(root: Path, fmt: str, within: int | None, today: str | None) -> int:
    day = parse_today(today)
    repo, problems = load_repository(root, lessons=False)
    history = read_history(repo)
    check_history(history, fmt)
    rows = collect(repo, history, day, within)
    unread = sorted({d.path for d in problems if d.severity is Severity.ERROR
                     and d.path.endswith("/course.yml")
                     and repo.course(d.path.split("/")[1]) is None})
    if unread:
        click.echo(f"note: {len(unread)} course file{'s' if len(unread) != 1 else ''} could not "
                   f"be read and {'are' if len(unread) != 1 else 'is'} not checked: "
                   f"{', '.join(unread[:5])}{', ...' if len(unread) > 5 else ''} "
                   "(run lmsctl validate)", err=True)
    if fmt == "json":
        payload = {"today": day.isoformat(), "within": within,
                   "courses": [r.to_dict() for r in rows]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt in ("sarif", "gitlab"):
        report = LintReport(root=root, rules_url=rules_url(repo))
        report.extend(diagnostics(rows))
        report.files_checked = len(repo.courses)
        emit(report, fmt)
    elif fmt == "github":
        click.echo(format_github(rows), nl=False)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(step_summary(rows, day))
        click.echo(format_text(rows, day, within), nl=False)
    else:
        click.echo(format_text(rows, day, within), nl=False)
    return 1 if any(r.fresh.stale for r in rows) else 0
