"""Recognition and news from the history, as data: who contributed what (``History``), and the
new and updated courses for what's new and the Atom feed (``updates``). The pages built from
them are in ``lmsctl.targets.site.community_pages``.

Only published courses that still exist count. Who counts for what:

- **courses authored**: the commit that created the course (its oldest commit) lists them as
  author or co-author;
- **lessons improved**: lessons (``courses/<id>/lessons/*.md``) they changed in any later
  commit, as author or co-author;
- **reviews**: review records (see ``lmsctl.history``: an ``lmsctl review`` commit, or a
  ``Reviewed-by:`` trailer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lmsctl.core.history import Change, History, Person
from lmsctl.core.model import Course, Repository

RECENT_DAYS = 90


def published(repo: Repository, include_drafts: bool = False) -> dict[str, Course]:
    ok = ("published", "draft") if include_drafts else ("published",)
    return {c.id: c for c in repo.courses if c.status in ok}


@dataclass(frozen=True)
class Update:
    """The changes to one course on one day."""

    course: Course
    date: dt.date
    new: bool  # the day the course was created
    subjects: tuple[str, ...]  # commit subjects, newest first, each once
    people: tuple[Person, ...]
    changes: tuple[Change, ...]
    #: What changed, in learner's words: ("new-lesson" | "updated-lesson", lesson title),
    #: ("details", "") for the course's description or assets, ("reviewed", the reviewers'
    #: names) when someone reviewed it that day; for a new course only the review, if any.
    items: tuple[tuple[str, str], ...] = ()
    #: who reviewed the course that day (review records: ``lmsctl review``, Reviewed-by:)
    reviewers: tuple[Person, ...] = ()

    @property
    def kind(self) -> str:
        """"new", "reviewed" (a day of reviews only) or "updated"."""
        if self.new:
            return "new"
        return "reviewed" if all(k == "reviewed" for k, _t in self.items) else "updated"

    @property
    def when(self) -> dt.datetime:
        times = [c.when for c in self.changes if c.when is not None]
        if times:
            return max(times)
        return dt.datetime.combine(self.date, dt.time(0, 0), tzinfo=dt.UTC)


def updates(repo: Repository, history: History, *, limit: int | None = 50,
            include_drafts: bool = False) -> list[Update]:
    """New and updated courses, newest first: one entry per course and day."""
    found: list[Update] = []
    for course in published(repo, include_drafts).values():
        ch = history.course(course.id)
        by_day: dict[dt.date, list[Change]] = {}
        for change in ch.changes:
            by_day.setdefault(change.date, []).append(change)
        content_shas = {c.sha for c in ch.changes}
        reviewed: dict[dt.date, list[Person]] = {}
        for change in ch.reviews:
            names = reviewed.setdefault(change.date, [])
            names += [p for p in history.course_reviewers(course.id, change) if p not in names]
            if change.sha not in content_shas:
                by_day.setdefault(change.date, []).append(change)
        for day, changes in by_day.items():
            content = [c for c in changes if c.sha in content_shas]
            people: list[Person] = []
            for change in content:
                people += [p for p in change.people if p not in people]
            new = ch.first is not None and ch.first in content
            reviewers = tuple(p for p in reviewed.get(day, ()) if not p.is_bot)
            review = ((("reviewed", ", ".join(p.name for p in reviewers)),) if reviewers else ())
            found.append(Update(
                course=course, date=day, new=new,
                subjects=tuple(dict.fromkeys(c.subject for c in content if c.subject)),
                people=tuple(p for p in people if not p.is_bot), changes=tuple(changes),
                items=(() if new else _items(course, history, day, content)) + review,
                reviewers=reviewers))
    found.sort(key=lambda u: (u.when.timestamp(), u.date, u.course.id), reverse=True)
    return found if limit is None else found[:limit]


def _items(course: Course, history: History, day: dt.date,
           changes: list[Change]) -> tuple[tuple[str, str], ...]:
    """What a day's changes did to a course, in learner's words (never commit messages)."""
    lessons = {f"{course.rel_dir}/lessons/{lesson.file_name}": lesson for lesson in course.lessons}
    items: dict[tuple[str, str], None] = {}
    details = False
    for change in changes:
        for path in change.files:
            lesson = lessons.get(path)
            if lesson is None:
                details = details or path.startswith(f"{course.rel_dir}/")
                continue
            created = history.lesson(course.id, lesson.id).created
            kind = "new-lesson" if created == day else "updated-lesson"
            items[(kind, lesson.title)] = None
    ordered = sorted(items, key=lambda k: (k[0] != "new-lesson", k[1].lower()))
    return (*ordered, *((("details", ""),) if details else ()))
