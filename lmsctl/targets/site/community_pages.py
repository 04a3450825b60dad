"""The pages built from the history: /contributors/, /whats-new/ and the Atom feed
(``/feed.xml``), from ``templates/contributors.html.j2``, ``whats_new.html.j2`` and
``feed.xml.j2``. The data (contributions, updates) comes from ``lmsctl.content.community``.

The HTML pages are fragments for the site's Markdown pages (no blank lines inside, so Markdown
passes them through as one raw block); the feed is a complete Atom 1.0 document. Names and
commit subjects are untrusted text: the templates escape them and drop characters XML cannot
hold. E-mail addresses are never published.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote, urlsplit

from lmsctl import __version__
from lmsctl.content.community import RECENT_DAYS, Update, published, updates
from lmsctl.core.history import Contribution, History
from lmsctl.core.model import Recognition, Repository
from lmsctl.targets.site.i18n import _, ngettext, render


def _course_href(base_url: str, course_id: str) -> str:
    base = base_url if not base_url or base_url.endswith("/") else base_url + "/"
    return f"{base}courses/{quote(course_id)}/"


def milestones(c: Contribution, thresholds: Recognition) -> list[tuple[str, str]]:
    """The milestones a person reached, all time, as (key, label): the first course
    published, then the thresholds of ``recognition:`` in lmsctl.yml."""
    out: list[tuple[str, str]] = []
    authored = len(c.courses_authored)
    if authored >= 1:
        out.append(("first-course", _("First course published")))
    if authored >= thresholds.courses:
        out.append(("courses", ngettext("%(num)d course published", "%(num)d courses published",
                                        thresholds.courses)))
    if len(c.lessons_improved) >= thresholds.lessons:
        out.append(("lessons", ngettext("%(num)d lesson improved", "%(num)d lessons improved",
                                        thresholds.lessons)))
    if c.reviews >= thresholds.reviews:
        out.append(("reviews", ngettext("%(num)d review given", "%(num)d reviews given",
                                        thresholds.reviews)))
    return out


def contributors_page(repo: Repository, history: History, today: dt.date, *,
                      base_url: str = "../", recent_days: int = RECENT_DAYS,
                      include_drafts: bool = False) -> str:
    """The /contributors/ fragment: people ranked by courses authored, then lessons improved,
    then reviews, for the last ``recent_days`` days and all time; each with their courses.
    ``base_url`` leads from the page to the site root (``../`` from /contributors/)."""
    courses = published(repo, include_drafts)
    since = today - dt.timedelta(days=recent_days)
    everyone = history.contributions(course_ids=courses)
    badges = {c.person: milestones(c, repo.config.recognition) for c in everyone}
    return render(
        "contributors.html.j2", history=history, courses=courses, recent_days=recent_days,
        recent=history.contributions(since=since, course_ids=courses),
        everyone=everyone, badges=badges,
        course_href=lambda cid: _course_href(base_url, cid)) + "\n"


def whats_new_page(repo: Repository, history: History, base_url: str, *, limit: int = 50,
                   include_drafts: bool = False, items: list[Update] | None = None) -> str:
    """The /whats-new/ fragment: new and updated courses, newest first, with the commit
    subjects as the summary; course links are ``<base_url>courses/<id>/``. ``items``: the
    updates when already known (``updates``, which reads every course's history: the build
    finds them once for this page and the feed, issue 14)."""
    if items is None:
        items = updates(repo, history, limit=limit, include_drafts=include_drafts)
    return render(
        "whats_new.html.j2", history=history, items=items,
        course_href=lambda cid: _course_href(base_url, cid)) + "\n"


def rfc3339(when: dt.datetime) -> str:
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
              limit: int = 50, include_drafts: bool = False,
              items: list[Update] | None = None) -> str:
    """``/feed.xml``: the what's-new entries as an Atom 1.0 feed. Ids are stable, links
    absolute when ``site_url`` is set; ``updated`` is the newest entry's time (``now`` only
    when there is none), so rebuilding the same history gives the same feed. ``items``: as
    for ``whats_new_page``."""
    config = repo.config
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    if items is None:
        items = updates(repo, history, limit=limit, include_drafts=include_drafts)
    fallback = config.repo_url or config.site_title
    feed_id = (base + "feed.xml") if base else (
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'lmsctl:{fallback}:feed')}")
    entries = [{
        "item": u, "id": _entry_id(base, u.course.id, u.date, fallback),
        "updated": rfc3339(u.when),
        "href": _course_href(base, u.course.id) if base else f"courses/{quote(u.course.id)}/",
    } for u in items]
    return render("feed.xml.j2", config=config, base=base, feed_id=feed_id, entries=entries,
                  updated=rfc3339(max((u.when for u in items), default=now)),
                  version=__version__) + "\n"
