"""Is a course still fresh? Its last change (from git) or its last review (``reviewed:``) must
be within ``review_every`` days.

The rule, precisely::

    since = the later of the last content change and the review date
    due   = since + review_every days
    stale = today > due            (on the due day itself the course is not stale yet)
    days_overdue = today - due     (when stale, else 0)
    days_left    = due - today     (when not stale, else 0)

``review_every`` is the course's own value, else ``defaults.review_every`` in ``lmsctl.yml``.

A course with neither a commit nor a review date (it is being written and has not been
committed yet, or there is no git history) is *new*: it counts from today, so it is never
stale (``basis == "new"``). A ``reviewed:`` date that is not a real calendar date or lies in
the future is ignored (``problem`` says why) so that a typo cannot hide a stale course.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lmsctl.core.model import Config, Course

if TYPE_CHECKING:  # the history (and git) is imported by what reads it: lint needs neither
    from lmsctl.core.history import CourseHistory, History


@dataclass(frozen=True)
class Freshness:
    """How fresh a course is: its last change, its review date and what they say."""

    course_id: str
    last_change: dt.date | None
    reviewed: dt.date | None
    review_every: int
    due: dt.date
    days_overdue: int
    stale: bool
    basis: str = "change"  # "change", "review" or "new": what ``due`` counts from
    days_left: int = 0
    problem: str = ""  # why the ``reviewed:`` value was ignored, if it was

    def due_within(self, days: int) -> bool:
        """Not stale yet, but due in ``days`` days or fewer (0: due today)."""
        return not self.stale and self.days_left <= days


def parse_date(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` -> date; None for anything else (including 2024-02-30)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def review_every(course: Course, config: Config) -> int:
    return course.review_every or config.review_every


def freshness(course: Course, config: Config, history: History | CourseHistory,
              today: dt.date) -> Freshness:
    from lmsctl.core.history import History  # (imported already: ``history`` is one)

    ch = history.course(course.id) if isinstance(history, History) else history
    every = review_every(course, config)
    reviewed = parse_date(course.reviewed)
    problem = ""
    if course.reviewed and reviewed is None:
        problem = f"reviewed: {course.reviewed} is not a real date; it is ignored"
    elif reviewed is not None and reviewed > today:
        problem = f"reviewed: {course.reviewed} is in the future; it is ignored"
        reviewed = None
    last = ch.last_change
    if last is not None and last > today:
        last = today  # a commit dated in the future (a wrong clock) counts as today
    candidates = [d for d in (last, reviewed) if d is not None]
    if not candidates:
        since, basis = today, "new"
    else:
        since = max(candidates)
        basis = "review" if reviewed is not None and since == reviewed and (
            last is None or reviewed > last) else "change"
    due = since + dt.timedelta(days=every)
    stale = today > due
    return Freshness(
        course_id=course.id, last_change=ch.last_change, reviewed=reviewed,
        review_every=every, due=due,
        days_overdue=(today - due).days if stale else 0, stale=stale, basis=basis,
        days_left=0 if stale else (due - today).days, problem=problem,
    )


# -- stamping reviewed: into course.yml (used by ``lmsctl review``) ---------------------------

_REVIEWED_LINE = re.compile(
    r"^reviewed[ \t]*:(?P<sep>[ \t]*)(?P<value>'[^'\r\n]*'|\"[^\"\r\n]*\"|[^#\r\n]*?)"
    r"(?P<rest>(?:[ \t]+#[^\r\n]*)?[ \t]*)(?=\r?\n|\r|\Z)",
    re.MULTILINE,
)
_REVIEW_EVERY_LINE = re.compile(r"^review_every[ \t]*:[^\r\n]*(?:\r?\n|\r|\Z)", re.MULTILINE)


class StampError(ValueError):
    """The file cannot be stamped safely (the caller writes nothing)."""


def _newline(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


def stamp_reviewed(text: str, value: str) -> str:
    """``text`` (a course.yml) with ``reviewed: <value>`` set, every other byte unchanged.

    An existing top-level ``reviewed:`` line gets the new value (its quotes, spacing and
    comment stay); otherwise a line is added after ``review_every:`` when that is a one-line
    top-level key, else at the end of the file (keeping the file's line endings and whether
    it ends with one). The result is parsed again: when it does not hold exactly the old
    data plus the new date, ``StampError`` is raised and nothing should be written."""
    found = list(_REVIEWED_LINE.finditer(text))
    if len(found) > 1:
        raise StampError("course.yml has more than one reviewed: line")
    if found:
        m = found[0]
        old = m.group("value")
        quote = old[0] if old[:1] in ("'", '"') else ""
        sep = m.group("sep") or " "
        new = (text[:m.start("sep")] + sep + f"{quote}{value}{quote}"
               + text[m.end("value"):])
    else:
        nl = _newline(text)
        line = f"reviewed: {value}"
        after = _REVIEW_EVERY_LINE.search(text)
        if after is not None and after.group(0).endswith(("\n", "\r")) and not \
                text[after.end():after.end() + 1].isspace():
            new = text[:after.end()] + line + nl + text[after.end():]
        elif text.endswith(("\n", "\r")) or not text:
            new = text + line + nl
        else:
            new = text + nl + line
    _check_stamp(text, new, value)
    return new


def _check_stamp(old_text: str, new_text: str, value: str) -> None:
    from lmsctl.core.yamlstrict import parse_yaml

    old, _ = parse_yaml(old_text, "course.yml")
    new, problems = parse_yaml(new_text, "course.yml")
    if old is None or new is None or problems or not isinstance(old.data, dict):
        raise StampError("the file could not be edited safely")
    expected = {**old.data, "reviewed": value}
    if new.data != expected:
        raise StampError("the file could not be edited safely")
