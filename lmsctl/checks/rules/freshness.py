"""LMS8xx freshness: the ``reviewed:`` date must be one that freshness can use.

Whether a course is stale needs the git history; ``lmsctl stale`` reports that. These rules
catch the values that would silently make freshness wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lmsctl.checks.rules.checks import CheckList, Context
from lmsctl.core.diagnostics import Diagnostic, Rule, Severity, diag_from
from lmsctl.core.model import Course

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

for _rule in [
    Rule("LMS801", Severity.ERROR, "reviewed: is not a real date",
         "The review date has the YYYY-MM-DD form but no such day exists (the 30th of "
         "February, the 31st of April). Freshness ignores it, so the course may be reported "
         "stale although an owner reviewed it.",
         "reviewed: 2025-02-30", "reviewed: 2025-02-28",
         "Write the day the review happened; `lmsctl review <course>` writes today's date.",
         "lint"),
    Rule("LMS802", Severity.WARNING, "reviewed: is in the future",
         "A review date after today is ignored by freshness (otherwise a typo such as 2052 "
         "would hide a stale course for decades).",
         "reviewed: 2052-01-15", "reviewed: 2025-01-15",
         "Write the day the review happened; `lmsctl review <course>` writes today's date.",
         "lint"),
    Rule("LMS803", Severity.WARNING, "Course is past its review date",
         "A published course must be checked by an owner every `review_every` days (default in "
         "lmsctl.yml). It is due `review_every` days after the later of its last content change "
         "and its `reviewed:` date; after that day it is stale, and the site shows a badge.",
         "reviewed: 2023-01-10   # review_every: 180, nothing changed since",
         "reviewed: 2025-03-01   # an owner checked it: lmsctl review <course>",
         "An owner checks the course and either updates it or runs `lmsctl review <course>` "
         "and commits the new reviewed: date.", "stale"),
    Rule("LMS804", Severity.INFO, "Course review is due soon",
         "Listed by `lmsctl stale --within DAYS`: the course's review date falls within the "
         "next DAYS days.", "", "",
         "Plan the review with the course's owners before the due date.", "stale"),
    Rule("LMS805", Severity.ERROR, "Git history is incomplete (shallow clone)",
         "Freshness is computed from the dates of the commits that touch a course; a shallow "
         "clone lacks them, so every date would be wrong.", "", "",
         "Fetch the whole history: in GitHub Actions set `fetch-depth: 0` on actions/checkout "
         "(with: {fetch-depth: 0}); locally run `git fetch --unshallow`.", "stale"),
]:
    RULES.append(_rule)


@CHECKS.course
def reviewed_date(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    if not ctx.in_scope(course) or course.reviewed is None:
        return
    # (with the rest of what ``stale`` needs: a course without a date does without it)
    from lmsctl.content.freshness import parse_date

    line, col = course.doc.pos(("reviewed",))
    day = parse_date(course.reviewed)
    if day is None:
        yield diag("LMS801", course.rel, line, col,
                   f"reviewed: {course.reviewed} is not a real date")
    elif day > dt.date.today():
        yield diag("LMS802", course.rel, line, col,
                   f"reviewed: {course.reviewed} is in the future (today is "
                   f"{dt.date.today().isoformat()})")
