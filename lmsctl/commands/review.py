"""``lmsctl review COURSE [--date D]``: record that an owner checked the course is still right.

Sets ``reviewed: <date>`` in ``courses/<id>/course.yml`` changing nothing else in the file;
refuses (and writes nothing) when the file does not validate or cannot be edited safely.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from lmsctl.checks.formatters import format_text
from lmsctl.content.freshness import StampError, parse_date, stamp_reviewed
from lmsctl.content.loader import course_ids, load_yaml_file, unknown_course_hint
from lmsctl.core.diagnostics import Report, Severity
from lmsctl.core.errors import LmsctlError, UsageError
from lmsctl.core.files import write_atomic
from lmsctl.core.ids import SLUG


def run(root: Path, course_id: str, date: str | None) -> int:
    if date is None:
        day = dt.date.today()
    else:
        parsed = parse_date(date)
        if parsed is None:
            raise UsageError(f"--date {date}: not a date", "Write it as YYYY-MM-DD, e.g. "
                             "2025-03-31.")
        day = parsed
    if day > dt.date.today():
        raise UsageError(f"--date {day.isoformat()} is in the future",
                         "Record the day the review happened (default: today).")
    if not SLUG.match(course_id) or course_id not in course_ids(root):
        raise UsageError(f"no course '{course_id}' (no courses/{course_id}/course.yml)",
                         unknown_course_hint(root, course_id))
    path = root / "courses" / course_id / "course.yml"
    rel = f"courses/{course_id}/course.yml"
    doc, problems = load_yaml_file(root, path, "course")
    errors = [d for d in problems if d.severity is Severity.ERROR]
    if doc is None or errors:
        report = Report(files_checked=1)
        report.extend(errors or problems)
        click.echo(format_text(report), nl=False, err=True)
        raise LmsctlError(f"{rel} has errors, so it was not changed",
                          "Fix the errors above (lmsctl validate), then run lmsctl review "
                          "again.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LmsctlError(f"{rel} is not UTF-8 text, so it was not changed",
                          "Save the file as UTF-8.") from exc
    value = day.isoformat()
    previous = doc.data.get("reviewed") if isinstance(doc.data, dict) else None
    if previous == value:
        click.echo(f"{rel}: already reviewed on {value}; nothing to change.")
        return 0
    try:
        new_text = stamp_reviewed(text, value)
    except StampError as exc:
        raise LmsctlError(
            f"{rel}: {exc}, so it was not changed",
            f"Add the line `reviewed: {value}` to {rel} by hand (a top-level key).") from exc
    target = path.resolve()  # a symlinked course.yml: edit the file it points to
    if not target.is_relative_to(root.resolve()):
        raise LmsctlError(f"{rel} points outside the repository, so it was not changed",
                          f"Add the line `reviewed: {value}` to the file by hand.")
    write_atomic(target, new_text.encode("utf-8"), root=root)
    was = f" (was {previous})" if isinstance(previous, str) else ""
    click.echo(f"{rel}: reviewed: {value}{was}")
    click.echo(f"  next: commit it, e.g. git commit -m \"Review {course_id}\" {rel}")
    return 0
