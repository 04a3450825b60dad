"""The pages lmsctl writes itself: home, catalog, skills, paths, course pages, and the
navigation and feedback around lessons.

The HTML comes from the Jinja templates in ``templates/`` (autoescaped: everything an author
wrote in YAML is text) and every learner-visible string from the message catalog
(``lmsctl.targets.site.i18n``). This module gathers what each template shows. Links are relative
to the page (``urls.relative``), so the site works under any sub-path. The ``data-lmsctl-*``
attributes are what the runtime (``lmsctl/runtime/``) reads to show progress kept in the browser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from lmsctl.content.freshness import Freshness
from lmsctl.core.history import History, Person
from lmsctl.core.model import Config, Course, LearningPath, Lesson, Repository
from lmsctl.targets.site import urls
from lmsctl.targets.site.i18n import _, level_label, render

LEVELS = ("beginner", "intermediate", "advanced")


def _durations() -> dict[str, tuple[str, int, int | None]]:
    """Catalog duration filter: value ("low-high", inclusive minutes) -> (label, low, high)."""
    return {
        "0-29": (_("Under 30 minutes"), 0, 29),
        "30-60": (_("30 to 60 minutes"), 30, 60),
        "61-120": (_("1 to 2 hours"), 61, 120),
        "121-": (_("Over 2 hours"), 121, None),
    }


HOME_COURSES = 6
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class CourseFacts:
    """What the history says about a course, read once per build."""

    last_change: dt.date | None
    created: dt.date | None
    reviewed: dt.date | None
    contributors: tuple[Person, ...]
    freshness: Freshness | None
    reviewers: tuple[Person, ...] = ()  # review records and Reviewed-by: trailers (no bots)


@dataclass
class SiteContext:
    repo: Repository
    selection_built: set[str]
    listed: list[Course]
    paths: list[LearningPath]
    listed_paths: list[LearningPath]
    facts: Mapping[str, CourseFacts]  # made when first read (``compile.LazyFacts``)
    drafts: bool
    preview: Course | None
    request_url: str | None
    #: the site's own pages around a course (certificate, catalog, paths): not in package
    #: mode (a SCORM/xAPI package holds the course's pages only; its LMS keeps the record)
    certificates: bool = True

    def built(self, course_id: str) -> Course | None:
        if course_id not in self.selection_built:
            return None
        return self.repo.course(course_id)


def people_names(config: Config, history: History) -> dict[str, str]:
    """GitHub handle -> the name to show: the git author name (``.mailmap`` applied) of the
    newest change by that handle's no-reply address, then lmsctl.yml's ``people:``, which
    wins. One pass over the history."""
    names: dict[str, str] = {}
    for change in history.changes:  # newest first: the newest spelling wins
        for p in (*change.people, *change.reviewers):
            handle = p.github
            if handle and p.name.lower() != handle.lower():
                names.setdefault(handle.lower(), p.name)
    names.update((handle.lower(), name) for handle, name in config.people)
    return names


def skill_title(ctx: SiteContext, skill_id: str) -> str:
    skill = ctx.repo.config.skill(skill_id)
    return skill.title if skill else skill_id


def skill_links(ctx: SiteContext, skills: Iterable[str], page: str) -> list[dict[str, str]]:
    return [{"href": urls.relative(urls.skill_url(s), page), "title": skill_title(ctx, s)}
            for s in skills]


def course_card(ctx: SiteContext, course: Course, page: str) -> dict[str, Any]:
    return {"course": course, "href": urls.relative(urls.course_url(course.id), page),
            "skills": skill_links(ctx, course.skills, page)}


def path_members(ctx: SiteContext, path: LearningPath) -> list[tuple[Course, bool]]:
    """(course, optional) for each member built in this site, in order (drafts are left out
    unless --drafts)."""
    out: list[tuple[Course, bool]] = []
    for member in path.courses:
        course = ctx.built(member.id)
        if course is not None and (course.status != "draft" or ctx.drafts
                                   or course is ctx.preview):
            out.append((course, member.optional))
    return out


def _required(members: list[tuple[Course, bool]]) -> list[Course]:
    return [c for c, optional in members if not optional] or [c for c, _o in members]


def path_card(ctx: SiteContext, path: LearningPath, page: str) -> dict[str, Any]:
    members = path_members(ctx, path)
    return {"path": path, "members": members, "required": _required(members),
            "minutes": sum(c.duration for c, _o in members),
            "href": urls.relative(urls.path_url(path.id), page)}


# -- home -------------------------------------------------------------------------------------


def _newest(ctx: SiteContext) -> list[Course]:
    def key(c: Course) -> tuple[dt.date, str]:
        facts = ctx.facts.get(c.id)
        day = (facts.last_change or facts.created) if facts else None
        return (day or dt.date.min, c.title.lower())

    dated = [c for c in ctx.listed if (f := ctx.facts.get(c.id)) and f.last_change]
    if not dated:
        return ctx.listed[:HOME_COURSES]
    return sorted(ctx.listed, key=key, reverse=True)[:HOME_COURSES]


def home_page(ctx: SiteContext) -> str:
    page = urls.HOME
    config = ctx.repo.config
    featured_ids = [p for p in config.featured_paths if any(x.id == p for x in ctx.listed_paths)]
    featured = [p for pid in featured_ids for p in ctx.listed_paths if p.id == pid]
    if not featured:
        featured = ctx.listed_paths[:3]
    members = {c.id: c for p in featured for c, _o in path_members(ctx, p)}
    newest = _newest(ctx)
    catalog = urls.relative(urls.CATALOG, page)
    used = [s for s in config.skills if any(s.id in c.skills for c in ctx.listed)]
    preview = ctx.preview
    return render(
        "home.html.j2", config=config,
        links={"catalog": catalog, "paths": urls.relative(urls.PATHS, page)},
        has_paths=bool(ctx.paths), n_courses=len(ctx.listed), n_paths=len(ctx.listed_paths),
        n_lessons=sum(len(c.lessons) for c in ctx.listed),
        preview=None if preview is None else {
            "href": urls.relative(urls.course_url(preview.id), page), "title": preview.title},
        featured=[path_card(ctx, p, page) for p in featured],
        featured_members=list(members.values()),
        newest=[course_card(ctx, c, page) for c in newest],
        dated=any(ctx.facts.get(c.id) and ctx.facts[c.id].last_change for c in newest),
        skills=[{"href": f"{catalog}?skill={s.id}", "title": s.title} for s in used])


# -- catalog ----------------------------------------------------------------------------------


def catalog_page(ctx: SiteContext) -> str:
    page = urls.CATALOG
    courses = ctx.listed
    skills = [(s.id, s.title) for s in ctx.repo.config.skills
              if any(s.id in c.skills for c in courses)]
    levels = [(lv, level_label(lv)) for lv in LEVELS if any(c.level == lv for c in courses)]
    roles = sorted({a for c in courses for a in c.audience})
    durations = [(k, v[0]) for k, v in _durations().items()
                 if any(v[1] <= c.duration and (v[2] is None or c.duration <= v[2])
                        for c in courses)]

    def select(name: str, label: str, any_label: str,
               options: list[tuple[str, str]]) -> dict[str, Any]:
        return {"name": name, "label": label, "any": any_label, "options": options}

    filters = [
        select("skill", _("Skill"), _("Any skill"), skills),
        select("level", _("Level"), _("Any level"), levels),
        select("role", _("Role"), _("Any role"), [(r, r.capitalize()) for r in roles]),
        select("duration", _("Duration"), _("Any duration"), durations),
        select("progress", _("Progress"), _("Any progress"),
               [("not-started", _("Not started")), ("in-progress", _("In progress")),
                ("complete", _("Complete"))]),
    ]
    return render("catalog.html.j2", filters=filters, request_url=ctx.request_url,
                  cards=[course_card(ctx, c, page) for c in courses])


def courses_index_page(ctx: SiteContext) -> str:
    return render("courses_index.html.j2",
                  catalog_href=urls.relative(urls.CATALOG, "courses/"))


# -- skills -------------------------------------------------------------------------------------


def skills_page(ctx: SiteContext) -> str:
    page = urls.SKILLS
    skills = ctx.repo.config.skills
    catalog = urls.relative(urls.CATALOG, page)
    items = []
    for skill in skills:
        courses = [c for c in ctx.listed if skill.id in c.skills]
        items.append({
            "skill": skill, "gap": not courses,
            "courses": [{"course": c, "href": urls.relative(urls.course_url(c.id), page)}
                        for c in courses],
            "catalog_href": f"{catalog}?skill={skill.id}"})
    return render("skills.html.j2", skills=items, request_url=ctx.request_url,
                  n_gaps=sum(1 for i in items if i["gap"]))


# -- paths ------------------------------------------------------------------------------------


def paths_index_page(ctx: SiteContext) -> str:
    page = urls.PATHS
    members = {c.id: c for p in ctx.listed_paths for c, _o in path_members(ctx, p)}
    return render("paths_index.html.j2", members=list(members.values()),
                  cards=[path_card(ctx, p, page) for p in ctx.listed_paths])


def path_page(ctx: SiteContext, path: LearningPath) -> str:
    page = urls.path_url(path.id)
    members = path_members(ctx, path)
    required = _required(members)
    start = {"course": required[0],
             "href": urls.relative(urls.course_url(required[0].id), page) + f"?path={path.id}"
             } if required else None
    return render(
        "path.html.j2", path=path, required=required, start=start,
        n_optional=sum(1 for _c, optional in members if optional),
        total_minutes=sum(c.duration for c, _o in members),
        audience=", ".join(a.capitalize() for a in path.audience),
        steps=[{"course": c, "optional": optional,
                "href": urls.relative(urls.course_url(c.id), page)} for c, optional in members])


# -- course -----------------------------------------------------------------------------------


def _freshness(ctx: SiteContext, course: Course) -> Freshness | None:
    facts = ctx.facts.get(course.id)
    return facts.freshness if facts is not None else None


def _freshness_badge(fresh: Freshness | None) -> Markup:
    if fresh is None:
        return Markup("")
    if fresh.stale:
        css, label = "stale", _("Needs review")
    elif fresh.basis != "new" and fresh.due_within(DUE_SOON_DAYS):
        css, label = "due", _("Review due soon")
    else:
        css, label = "fresh", _("Up to date")
    return Markup('<span class="lmsctl-badge lmsctl-badge--{}">{}</span>').format(css, label)


def course_page(ctx: SiteContext, course: Course, outdated_url: str | None) -> str:
    page = urls.course_url(course.id)
    first = course.lessons[0] if course.lessons else None
    prerequisites: list[dict[str, Any]] = []
    for pre in course.prerequisites:
        target = ctx.built(pre)
        if target is not None:
            prerequisites.append({"course": target,
                                  "href": urls.relative(urls.course_url(pre), page)})
        else:
            other = ctx.repo.course(pre)
            prerequisites.append({"course": None,
                                  "title": other.title if other is not None else pre})
    fresh = _freshness(ctx, course)
    return render(
        "course.html.j2", course=course, facts=ctx.facts.get(course.id), fresh=fresh,
        outdated_url=outdated_url, freshness_badge=_freshness_badge(fresh),
        n_questions=len(course.questions),
        start_href=urls.relative(urls.lesson_url(course.id, first.id), page) if first else "",
        skills=skill_links(ctx, course.skills, page),
        audience=", ".join(a.capitalize() for a in course.audience),
        prerequisites=prerequisites,
        lessons=[{"lesson": lesson,
                  "href": urls.relative(urls.lesson_url(course.id, lesson.id), page)}
                 for lesson in course.lessons],
        paths=[{"path": p, "href": urls.relative(urls.path_url(p.id), page)}
               for p in ctx.paths if any(m.id == course.id for m in p.courses)],
        catalog_href=urls.relative(urls.CATALOG, page),
        certificate_href=(urls.relative(urls.CERTIFICATE, page) + f"?course={course.id}"
                          if ctx.certificates else ""),
        journey_paths=_journey_paths(ctx, course, page) if ctx.certificates else [])


def _journey_paths(ctx: SiteContext, course: Course, page: str) -> list[dict[str, Any]]:
    """The paths holding the course, with their members, for the result's "next course" (the
    runtime picks the path the learner came from). Bounded by the paths' sizes."""
    out: list[dict[str, Any]] = []
    for path in ctx.paths:
        if not any(m.id == course.id for m in path.courses):
            continue
        members = path_members(ctx, path)
        out.append({"path": path, "required": [c.id for c in _required(members)],
                    "href": urls.relative(urls.path_url(path.id), page),
                    "members": [{"course": c, "href": urls.relative(urls.course_url(c.id), page)}
                                for c, _o in members]})
    return out


def certificate_page(ctx: SiteContext) -> str:
    config = ctx.repo.config
    return render("certificate.html.j2", site_title=config.site_title,
                  recorded=config.analytics.recording,
                  catalog_href=urls.relative(urls.CATALOG, urls.CERTIFICATE))


# -- lesson chrome (placed around the rendered lesson by the theme override) -----------------


def course_sidebar(ctx: SiteContext, course: Course, page: str) -> str:
    """The course's own lesson navigation, relative to ``page``. The render hooks mark the
    current lesson (``aria-current``). Top sections follow for the mobile drawer."""
    sections = [(urls.HOME, _("Home")), (urls.CATALOG, _("Catalog"))]
    if ctx.paths:
        sections.append((urls.PATHS, _("Paths")))
    sections.append((urls.SKILLS, _("Skills")))
    if ctx.preview is None:
        sections += [(urls.WHATS_NEW, _("What's new")), (urls.CONTRIBUTORS, _("Contributors"))]
    return render(
        "course_nav.html.j2", course=course,
        course_href=urls.relative(urls.course_url(course.id), page),
        lessons=[{"lesson": lesson,
                  "href": urls.relative(urls.lesson_url(course.id, lesson.id), page)}
                 for lesson in course.lessons],
        sections=[(urls.relative(u, page), t) for u, t in sections])


def lesson_head(ctx: SiteContext, course: Course, lesson: Lesson, index: int) -> str:
    page = urls.lesson_url(course.id, lesson.id)
    return render("lesson_head.html.j2", course=course, lesson=lesson, index=index,
                  course_href=urls.relative(urls.course_url(course.id), page),
                  fresh=_freshness(ctx, course))


def _feedback_labels() -> tuple[tuple[str, str], ...]:
    return (("outdated", _("Flag as outdated")), ("edit", _("Suggest an edit")),
            ("question", _("Ask a question")))


def lesson_foot(ctx: SiteContext, course: Course, index: int, links: dict[str, str]) -> str:
    lesson = course.lessons[index]
    page = urls.lesson_url(course.id, lesson.id)

    def neighbour(other: Lesson) -> dict[str, str]:
        return {"href": urls.relative(urls.lesson_url(course.id, other.id), page),
                "title": other.title}

    return render(
        "lesson_foot.html.j2", course=course, lesson=lesson,
        course_href=urls.relative(urls.course_url(course.id), page),
        feedback_links=[(key, links[key], label) for key, label in _feedback_labels()
                        if links.get(key)],
        prev=neighbour(course.lessons[index - 1]) if index > 0 else None,
        next=neighbour(course.lessons[index + 1]) if index + 1 < len(course.lessons) else None)


def feed_link(base: str) -> str:
    return render("feed_link.html.j2", base=base, feed=urls.FEED) + "\n\n"

