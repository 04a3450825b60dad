"""LMS8xx freshness: the ``reviewed:`` date must be one that freshness can use.

Whether a course is stale needs the git history; ``lmsctl stale`` reports that. These rules
catch the values that would silently make freshness wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lmsctl.checks.rules.checks import CheckList, Context
from lmsctl.content.freshness import parse_date
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
         "A published course not reviewed within `review_every` days (counted from its last "
         "review or last change, from the git history) is stale: its content may be out of "
         "date. Reported by `lmsctl stale` (it needs the git history), not by `lint`; with "
         "`--within DAYS`, courses due soon are reported as info.",
         "reviewed: 2023-01-15\nreview_every: 180", "reviewed: 2025-01-15\nreview_every: 180",
         "An owner checks the course and either updates it or runs `lmsctl review <course>` "
         "and commits the new reviewed: date.", "stale"),
]:
    RULES.append(_rule)


@CHECKS.course
def reviewed_date(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    if not ctx.in_scope(course) or course.reviewed is None:
        return
    line, col = course.doc.pos(("reviewed",))
    day = parse_date(course.reviewed)
    if day is None:
        yield diag("LMS801", course.rel, line, col,
                   f"reviewed: {course.reviewed} is not a real date")
    elif day > dt.date.today():
        yield diag("LMS802", course.rel, line, col,
                   f"reviewed: {course.reviewed} is in the future (today is "
                   f"{dt.date.today().isoformat()})")
