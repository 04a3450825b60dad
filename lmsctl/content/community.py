"""Recognition and news from the history: the contributors page, what's new, the Atom feed.

The functions return HTML fragments (for the site's Markdown pages: no blank lines inside, so
Markdown passes them through as one raw block) and a complete Atom 1.0 document. Names and
commit subjects are untrusted text: everything is escaped, and characters XML cannot hold are
dropped. E-mail addresses are never published.

Only published courses that still exist appear. Who counts for what:

- **courses authored**: the commit that created the course (its oldest commit) lists them as
  author or co-author;
- **lessons improved**: lessons (``courses/<id>/lessons/*.md``) they changed in any later
  commit, as author or co-author;
- **reviews**: review records (see ``lmsctl.history``: an ``lmsctl review`` commit, or a
  ``Reviewed-by:`` trailer).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlsplit

from lmsctl import __version__
from lmsctl.core.history import Change, Contribution, History, Person
from lmsctl.core.model import Course, Repository

RECENT_DAYS = 90
ATOM_NS = "http://www.w3.org/2005/Atom"
#: Characters XML 1.0 cannot hold (control characters other than tab, newline, return).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    return _SURROGATES.sub("", _XML_BAD.sub("", text))


def esc(text: str) -> str:
    """Escape text for HTML or XML content and attribute values."""
    return escape(clean(text), quote=True)


def _date_text(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _time(d: dt.date) -> str:
    return f'<time datetime="{d.isoformat()}">{esc(_date_text(d))}</time>'


def _course_href(base_url: str, course_id: str) -> str:
    base = base_url if not base_url or base_url.endswith("/") else base_url + "/"
    return f"{base}courses/{quote(course_id)}/"


def person_html(person: Person) -> str:
    name = esc(person.name)
    handle = person.github
    if handle:
        return (f'<a class="lmsctl-person" href="https://github.com/{quote(handle)}">'
                f"{name}</a>")
    return f'<span class="lmsctl-person">{name}</span>'


def people_html(people: tuple[Person, ...] | list[Person]) -> str:
    return ", ".join(person_html(p) for p in people)


def _published(repo: Repository, include_drafts: bool = False) -> dict[str, Course]:
    ok = ("published", "draft") if include_drafts else ("published",)
    return {c.id: c for c in repo.courses if c.status in ok}


def _history_note(history: History) -> str:
    if not history.available:
        return ('<p class="lmsctl-history-note">The history of this site\'s content is not '
                "available in this build, so contributions cannot be shown.</p>")
    if history.shallow:
        return ('<p class="lmsctl-history-note">This site was built from a shallow clone: '
                "older contributions are missing.</p>")
    return ""


# -- contributors ------------------------------------------------------------------------------


def _contribution_rows(items: list[Contribution], courses: dict[str, Course],
                       base_url: str) -> str:
    rows: list[str] = []
    for rank, c in enumerate(items, 1):
        course_links = ", ".join(
            f'<a href="{esc(_course_href(base_url, cid))}" data-lmsctl-course="{esc(cid)}">'
            f"{esc(courses[cid].title)}</a>"
            for cid in c.courses if cid in courses)
        rows.append(
            f'<tr class="lmsctl-contributor"><td>{rank}</td><td>{person_html(c.person)}</td>'
            f"<td>{len(c.courses_authored)}</td><td>{len(c.lessons_improved)}</td>"
            f"<td>{len(c.courses_reviewed)}</td><td>{course_links}</td></tr>")
    return "".join(rows)


def _contribution_table(items: list[Contribution], courses: dict[str, Course],
                        base_url: str, empty: str) -> str:
    if not items:
        return f'<p class="lmsctl-empty">{esc(empty)}</p>'
    return ('<table class="lmsctl-contributors-table"><thead><tr><th scope="col">#</th>'
            '<th scope="col">Person</th><th scope="col">Courses authored</th>'
            '<th scope="col">Lessons improved</th><th scope="col">Reviews</th>'
            '<th scope="col">Courses</th></tr></thead><tbody>'
            f"{_contribution_rows(items, courses, base_url)}</tbody></table>")


def contributors_page(repo: Repository, history: History, today: dt.date, *,
                      base_url: str = "../", recent_days: int = RECENT_DAYS,
                      include_drafts: bool = False) -> str:
    """The /contributors/ fragment: people ranked by courses authored, then lessons improved,
    then reviews, for the last ``recent_days`` days and all time; each with their courses.
    ``base_url`` leads from the page to the site root (``../`` from /contributors/)."""
    courses = _published(repo, include_drafts)
    since = today - dt.timedelta(days=recent_days)
    recent = history.contributions(since=since, course_ids=courses)
    everyone = history.contributions(course_ids=courses)
    parts = ['<div class="lmsctl-contributors">', _history_note(history),
             f'<h2 id="recent">Last {recent_days} days</h2>',
             _contribution_table(recent, courses, base_url,
                                 f"No contributions in the last {recent_days} days yet."),
             '<h2 id="all-time">All time</h2>',
             _contribution_table(everyone, courses, base_url, "No contributions yet."),
             "</div>"]
    return "".join(parts) + "\n"


# -- what's new ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """The changes to one course on one day."""

    course: Course
    date: dt.date
    new: bool  # the day the course was created
    subjects: tuple[str, ...]  # commit subjects, newest first, each once
    people: tuple[Person, ...]
    changes: tuple[Change, ...]

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
    for course in _published(repo, include_drafts).values():
        ch = history.course(course.id)
        by_day: dict[dt.date, list[Change]] = {}
        for change in ch.changes:
            by_day.setdefault(change.date, []).append(change)
        for day, changes in by_day.items():
            people: list[Person] = []
            for change in changes:
                people += [p for p in change.people if p not in people]
            found.append(Update(
                course=course, date=day, new=ch.first is not None and ch.first in changes,
                subjects=tuple(dict.fromkeys(c.subject for c in changes if c.subject)),
                people=tuple(people), changes=tuple(changes)))
    found.sort(key=lambda u: (u.when.timestamp(), u.date, u.course.id), reverse=True)
    return found if limit is None else found[:limit]


def whats_new_page(repo: Repository, history: History, base_url: str, *, limit: int = 50,
                   include_drafts: bool = False) -> str:
    """The /whats-new/ fragment: new and updated courses, newest first, with the commit
    subjects as the summary; course links are ``<base_url>courses/<id>/``."""
    items = updates(repo, history, limit=limit, include_drafts=include_drafts)
    parts = ['<div class="lmsctl-whats-new">', _history_note(history)]
    if not items:
        parts.append('<p class="lmsctl-empty">No changes yet.</p>')
    else:
        parts.append('<ol class="lmsctl-updates">')
        for u in items:
            kind = "New" if u.new else "Updated"
            subjects = "".join(f"<li>{esc(s)}</li>" for s in u.subjects)
            by = f'<p class="lmsctl-by">By {people_html(u.people)}</p>' if u.people else ""
            parts.append(
                f'<li class="lmsctl-update" data-lmsctl-course="{esc(u.course.id)}">'
                f'{_time(u.date)} <span class="lmsctl-kind lmsctl-{kind.lower()}">{kind}</span> '
                f'<a href="{esc(_course_href(base_url, u.course.id))}">{esc(u.course.title)}</a>'
                f'<ul class="lmsctl-subjects">{subjects}</ul>{by}</li>')
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts) + "\n"


# -- Atom ---------------------------------------------------------------------------------------


def _rfc3339(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    text = when.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _entry_id(site_url: str, course_id: str, day: dt.date, fallback: str) -> str:
    """Stable: the same course and day always give the same id."""
    parts = urlsplit(site_url)
    if parts.hostname:
        path = parts.path.rstrip("/")
        return f"tag:{parts.hostname},{day.isoformat()}:{path}/courses/{course_id}/{day}"
    name = uuid.uuid5(uuid.NAMESPACE_URL, f"lmsctl:{fallback}:courses/{course_id}/{day}")
    return f"urn:uuid:{name}"


def atom_feed(repo: Repository, history: History, site_url: str, now: dt.datetime, *,
              limit: int = 50, include_drafts: bool = False) -> str:
    """``/feed.xml``: the what's-new entries as an Atom 1.0 feed. Ids are stable, links
    absolute when ``site_url`` is set; ``updated`` is the newest entry's time (``now`` only
    when there is none), so rebuilding the same history gives the same feed."""
    config = repo.config
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    items = updates(repo, history, limit=limit, include_drafts=include_drafts)
    updated = max((u.when for u in items), default=now)
    title = f"{config.site_title}: what's new"
    fallback = config.repo_url or config.site_title
    feed_id = (base + "feed.xml") if base else (
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'lmsctl:{fallback}:feed')}")
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="{ATOM_NS}">',
           f"  <id>{esc(feed_id)}</id>",
           f"  <title>{esc(title)}</title>"]
    if config.site_description:
        out.append(f"  <subtitle>{esc(config.site_description)}</subtitle>")
    out.append(f"  <updated>{_rfc3339(updated)}</updated>")
    if base:
        out.append(f'  <link rel="self" type="application/atom+xml" '
                   f'href="{esc(base + "feed.xml")}"/>')
        out.append(f'  <link rel="alternate" type="text/html" href="{esc(base + "whats-new/")}"/>')
    out.append(f"  <author><name>{esc(config.site_title)}</name></author>")
    out.append(f'  <generator version="{esc(__version__)}">lmsctl</generator>')
    for u in items:
        kind = "New course" if u.new else "Updated"
        href = _course_href(base, u.course.id) if base else f"courses/{quote(u.course.id)}/"
        summary = "; ".join(u.subjects) or kind
        html = "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in u.subjects) + "</ul>"
        if u.people:
            html += "<p>By " + esc(", ".join(p.name for p in u.people)) + "</p>"
        out += ["  <entry>",
                f"    <id>{esc(_entry_id(base, u.course.id, u.date, fallback))}</id>",
                f"    <title>{esc(f'{kind}: {u.course.title}')}</title>",
                f"    <updated>{_rfc3339(u.when)}</updated>",
                f'    <link rel="alternate" type="text/html" href="{esc(href)}"/>']
        out += [f"    <author><name>{esc(p.name)}</name></author>" for p in u.people]
        out += [f'    <category term="{"new" if u.new else "updated"}"/>',
                f"    <summary>{esc(summary)}</summary>",
                f'    <content type="html">{esc(html)}</content>',
                "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"
