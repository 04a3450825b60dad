"""HTML of the pages lmsctl writes itself: home, catalog, skills, paths, course pages, and the
navigation and feedback around lessons.

Everything an author wrote in YAML (titles, summaries, objectives, skills, owners) is text and
is escaped here. Links are relative to the page (``urls.relative``), so the site works under
any sub-path. The ``data-lmsctl-*`` attributes are what the runtime (``lmsctl/runtime/``) reads to
show progress kept in the learner's browser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from lmsctl.content.freshness import Freshness
from lmsctl.core.model import Course, LearningPath, Lesson, Repository
from lmsctl.targets.site import urls

LEVELS = ("beginner", "intermediate", "advanced")
#: Catalog duration filter: value ("low-high", inclusive minutes) -> (label, low, high or None).
DURATIONS: dict[str, tuple[str, int, int | None]] = {
    "0-29": ("Under 30 minutes", 0, 29),
    "30-60": ("30 to 60 minutes", 30, 60),
    "61-120": ("1 to 2 hours", 61, 120),
    "121-": ("Over 2 hours", 121, None),
}
HOME_COURSES = 6
DUE_SOON_DAYS = 30


def e(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True)
class CourseFacts:
    """What the history says about a course, read once per build."""

    last_change: dt.date | None
    created: dt.date | None
    reviewed: dt.date | None
    contributors_html: str
    freshness: Freshness | None


@dataclass
class SiteContext:
    repo: Repository
    selection_built: set[str]
    listed: list[Course]
    paths: list[LearningPath]
    listed_paths: list[LearningPath]
    facts: dict[str, CourseFacts]
    drafts: bool
    preview: Course | None
    request_url: str | None

    def built(self, course_id: str) -> Course | None:
        if course_id not in self.selection_built:
            return None
        return self.repo.course(course_id)


def minutes(total: int) -> str:
    if total < 60:
        return f"{total} min"
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def date_text(day: dt.date) -> str:
    return f'<time datetime="{day.isoformat()}">{day.day} {day.strftime("%B")} {day.year}</time>'


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def question_keys(course: Course) -> str:
    """Every question of the course as ``lesson-id/question-key``, for progress scripts."""
    return " ".join(f"{lesson.id}/{q.key}" for lesson in course.lessons for q in lesson.questions)


def progress_attrs(course: Course) -> str:
    return (f'data-lmsctl-course="{e(course.id)}"'
            f' data-lmsctl-questions="{e(question_keys(course))}"'
            f' data-lmsctl-pass-mark="{course.pass_mark}"'
            f' data-lmsctl-lessons="{e(" ".join(x.id for x in course.lessons))}"')


def skill_title(ctx: SiteContext, skill_id: str) -> str:
    skill = ctx.repo.config.skill(skill_id)
    return skill.title if skill else skill_id


def status_badge(course: Course) -> str:
    if course.status == "draft":
        return '<span class="lmsctl-badge lmsctl-badge--draft">Draft</span>'
    if course.status == "archived":
        return '<span class="lmsctl-badge lmsctl-badge--archived">Archived</span>'
    return ""


def level_badge(level: str) -> str:
    return f'<span class="lmsctl-badge lmsctl-badge--level">{e(level.capitalize())}</span>'


def skill_chips(ctx: SiteContext, skills: Iterable[str], page: str) -> str:
    chips = "".join(
        f'<a class="lmsctl-chip" href="{e(urls.relative(urls.skill_url(s), page))}">'
        f"{e(skill_title(ctx, s))}</a>" for s in skills)
    return f'<span class="lmsctl-chips">{chips}</span>' if chips else ""


def course_card(ctx: SiteContext, course: Course, page: str, heading: str = "h3") -> str:
    href = urls.relative(urls.course_url(course.id), page)
    owners = ", ".join(course.owners)
    lessons = plural(len(course.lessons), "lesson")
    return (
        f'<article class="lmsctl-card" data-lmsctl-card {progress_attrs(course)}'
        f' data-lmsctl-skills="{e(" ".join(course.skills))}" data-lmsctl-level="{e(course.level)}"'
        f' data-lmsctl-audience="{e(" ".join(course.audience))}"'
        f' data-lmsctl-duration="{course.duration}" data-lmsctl-status="{e(course.status)}">'
        f'<{heading} class="lmsctl-card__title"><a href="{e(href)}">{e(course.title)}</a>'
        f" {status_badge(course)}</{heading}>"
        f'<p class="lmsctl-card__summary">{e(course.summary)}</p>'
        f'<p class="lmsctl-card__meta">{level_badge(course.level)} '
        f'<span class="lmsctl-card__duration">{minutes(course.duration)}</span> · '
        f"<span>{lessons}</span></p>"
        f'<p class="lmsctl-card__skills">{skill_chips(ctx, course.skills, page)}</p>'
        + (f'<p class="lmsctl-card__owners">By {e(owners)}</p>' if owners else "")
        + '<p class="lmsctl-card__progress" data-lmsctl-progress></p>'
        "</article>"
    )


def progress_bar(label: str, total: int) -> str:
    return (f'<div class="lmsctl-progress" role="progressbar" aria-label="{e(label)}" '
            f'aria-valuemin="0" aria-valuemax="{total}" aria-valuenow="0" '
            f'data-lmsctl-progress-bar><div class="lmsctl-progress__bar"></div></div>')


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


def path_card(ctx: SiteContext, path: LearningPath, page: str, heading: str = "h3") -> str:
    members = path_members(ctx, path)
    required = [c for c, optional in members if not optional] or [c for c, _ in members]
    total = sum(c.duration for c, _ in members)
    href = urls.relative(urls.path_url(path.id), page)
    return (
        f'<article class="lmsctl-card lmsctl-card--path" data-lmsctl-path="{e(path.id)}"'
        f' data-lmsctl-courses="{e(" ".join(c.id for c in required))}">'
        f'<{heading} class="lmsctl-card__title"><a href="{e(href)}">{e(path.title)}</a>'
        f"</{heading}>"
        f'<p class="lmsctl-card__summary">{e(path.summary)}</p>'
        f'<p class="lmsctl-card__meta">{plural(len(members), "course")} · {minutes(total)}</p>'
        f"{progress_bar(f'Progress on {path.title}', len(required))}"
        '<p class="lmsctl-card__progress" data-lmsctl-path-summary></p>'
        "</article>"
    )


def course_progress_data(ctx: SiteContext, courses: Iterable[Course]) -> str:
    """Hidden data for progress of courses referenced by a page but not carded on it."""
    items = "".join(f'<li {progress_attrs(c)}></li>' for c in courses)
    return f'<ul class="lmsctl-data" hidden data-lmsctl-course-data>{items}</ul>'


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
    parts = [
        '<div class="lmsctl-home">',
        '<section class="lmsctl-hero">',
        f"<h1>{e(config.site_title)}</h1>",
        f'<p class="lmsctl-lead">{e(config.site_description)}</p>' if config.site_description
        else "",
        '<p class="lmsctl-hero__actions">'
        f'<a class="md-button md-button--primary" href="{urls.relative(urls.CATALOG, page)}">'
        "Browse the catalog</a> "
        + (f'<a class="md-button" href="{urls.relative(urls.PATHS, page)}">Learning paths</a>'
           if ctx.paths else "")
        + "</p>",
        f'<p class="lmsctl-stats">{plural(len(ctx.listed), "course")} · '
        f'{plural(len(ctx.listed_paths), "learning path")} · '
        f'{plural(sum(len(c.lessons) for c in ctx.listed), "lesson")}</p>',
        "</section>",
    ]
    if ctx.preview is not None:
        parts.append(
            '<div class="admonition info"><p class="admonition-title">Preview</p>'
            f"<p>This is a preview of one course, "
            f'<a href="{e(urls.relative(urls.course_url(ctx.preview.id), page))}">'
            f"{e(ctx.preview.title)}</a>, and the courses it links to.</p></div>")
    if featured:
        parts.append('<section class="lmsctl-section"><h2 id="featured-paths">Featured paths</h2>'
                     '<div class="lmsctl-grid">')
        parts += [path_card(ctx, p, page) for p in featured]
        parts.append("</div></section>")
        members = {c.id: c for p in featured for c, _ in path_members(ctx, p)}
        parts.append(course_progress_data(ctx, members.values()))
    newest = _newest(ctx)
    if newest:
        dated = any(ctx.facts.get(c.id) and ctx.facts[c.id].last_change for c in newest)
        title = "New and updated courses" if dated else "Courses"
        parts.append(f'<section class="lmsctl-section"><h2 id="new-courses">{title}</h2>'
                     '<div class="lmsctl-grid">')
        parts += [course_card(ctx, c, page) for c in newest]
        parts.append(f'</div><p><a href="{urls.relative(urls.CATALOG, page)}">All '
                     f'{plural(len(ctx.listed), "course")} in the catalog</a></p></section>')
    used = [s for s in ctx.repo.config.skills if any(s.id in c.skills for c in ctx.listed)]
    if used:
        chips = "".join(
            f'<a class="lmsctl-chip" href="{e(urls.relative(urls.CATALOG, page))}?skill='
            f'{e(s.id)}">{e(s.title)}</a>' for s in used)
        parts.append('<section class="lmsctl-section"><h2 id="skills">Learn a skill</h2>'
                     f'<p class="lmsctl-chips">{chips}</p></section>')
    parts.append("</div>")
    return "".join(parts)


# -- catalog ----------------------------------------------------------------------------------


def _select(name: str, label: str, any_label: str, options: list[tuple[str, str]]) -> str:
    opts = "".join(f'<option value="{e(v)}">{e(t)}</option>' for v, t in options)
    return (f'<div class="lmsctl-filter"><label for="lmsctl-filter-{name}">{e(label)}</label>'
            f'<select id="lmsctl-filter-{name}" name="{name}" data-lmsctl-filter="{name}">'
            f'<option value="">{e(any_label)}</option>{opts}</select></div>')


def catalog_page(ctx: SiteContext) -> str:
    page = urls.CATALOG
    courses = ctx.listed
    skills = [(s.id, s.title) for s in ctx.repo.config.skills
              if any(s.id in c.skills for c in courses)]
    levels = [(lv, lv.capitalize()) for lv in LEVELS if any(c.level == lv for c in courses)]
    roles = sorted({a for c in courses for a in c.audience})
    durations = [(k, v[0]) for k, v in DURATIONS.items()
                 if any(v[1] <= c.duration and (v[2] is None or c.duration <= v[2])
                        for c in courses)]
    request = (f' <a class="md-button" href="{e(ctx.request_url)}" data-lmsctl-request '
               f'rel="noopener" target="_blank">Request a course</a>' if ctx.request_url else "")
    parts = [
        '<div class="lmsctl-catalog">',
        '<p class="lmsctl-lead">Find a course by skill, level, role or length, or search every '
        'lesson with the search box at the top of the page (press <kbd>/</kbd>).</p>',
        '<div class="lmsctl-filters" role="group" aria-label="Filter courses">',
        _select("skill", "Skill", "Any skill", skills),
        _select("level", "Level", "Any level", levels),
        _select("role", "Role", "Any role", [(r, r.capitalize()) for r in roles]),
        _select("duration", "Duration", "Any duration", durations),
        _select("progress", "Progress", "Any progress",
                [("not-started", "Not started"), ("in-progress", "In progress"),
                 ("complete", "Complete")]),
        '<div class="lmsctl-filter lmsctl-filter--clear">'
        '<button type="button" class="md-button" data-lmsctl-clear>Clear filters</button></div>',
        "</div>",
        f'<p class="lmsctl-count" data-lmsctl-count aria-live="polite">'
        f'{plural(len(courses), "course")}</p>',
        '<div class="lmsctl-grid" data-lmsctl-catalog>',
        *(course_card(ctx, c, page, "h2") for c in courses),
        "</div>",
        '<p class="lmsctl-empty" data-lmsctl-empty hidden>No course matches these filters.</p>',
        f'<p class="lmsctl-request">Missing a course you need?{request}</p>'
        if request else "",
        "</div>",
    ]
    return "".join(parts)


def courses_index_page(ctx: SiteContext) -> str:
    href = urls.relative(urls.CATALOG, "courses/")
    return f'<p>Every course is listed in the <a href="{e(href)}">catalog</a>.</p>'


# -- skills -------------------------------------------------------------------------------------


def skills_page(ctx: SiteContext) -> str:
    page = urls.SKILLS
    skills = ctx.repo.config.skills
    teaching = {s.id: [c for c in ctx.listed if s.id in c.skills] for s in skills}
    gaps = [s for s in skills if not teaching[s.id]]
    parts = ['<div class="lmsctl-skills">',
             f'<p class="lmsctl-lead">{plural(len(skills), "skill")} in the taxonomy; '
             f'{plural(len(gaps), "gap")}: '
             + ("skills that no course teaches yet." if gaps else "every skill has a course.")
             + "</p>"]
    for skill in skills:
        courses = teaching[skill.id]
        gap = not courses
        parts.append(f'<section class="lmsctl-skill{" lmsctl-skill--gap" if gap else ""}" '
                     f'data-lmsctl-skill="{e(skill.id)}"'
                     + (' data-lmsctl-gap="true"' if gap else "") + ">")
        parts.append(f'<h2 id="{e(skill.id)}">{e(skill.title)}'
                     + (' <span class="lmsctl-badge lmsctl-badge--gap">Gap</span>' if gap
                        else "") + "</h2>")
        if skill.description:
            parts.append(f"<p>{e(skill.description)}</p>")
        if gap:
            request = (f' <a href="{e(ctx.request_url)}" rel="noopener" target="_blank">'
                       "Request a course</a> or write one." if ctx.request_url else "")
            parts.append(f'<p class="lmsctl-gap">No course teaches this skill yet.{request}</p>')
        else:
            items = "".join(
                f'<li {progress_attrs(c)}>'
                f'<a href="{e(urls.relative(urls.course_url(c.id), page))}">'
                f"{e(c.title)}</a> · {e(c.level)} · {minutes(c.duration)} "
                '<span class="lmsctl-inline-progress" data-lmsctl-progress></span></li>'
                for c in courses)
            parts.append(f'<ul class="lmsctl-skill__courses">{items}</ul>')
            parts.append(f'<p><a href="{e(urls.relative(urls.CATALOG, page))}?skill='
                         f'{e(skill.id)}">See them in the catalog</a></p>')
        parts.append("</section>")
    parts.append("</div>")
    return "".join(parts)


# -- paths ------------------------------------------------------------------------------------


def paths_index_page(ctx: SiteContext) -> str:
    page = urls.PATHS
    members = {c.id: c for p in ctx.listed_paths for c, _ in path_members(ctx, p)}
    return ('<div class="lmsctl-paths"><p class="lmsctl-lead">Learning paths put courses in '
            'order for a role or a goal.</p><div class="lmsctl-grid">'
            + "".join(path_card(ctx, p, page, "h2") for p in ctx.listed_paths)
            + "</div>" + course_progress_data(ctx, members.values()) + "</div>")


def path_page(ctx: SiteContext, path: LearningPath) -> str:
    page = urls.path_url(path.id)
    members = path_members(ctx, path)
    required = [c for c, optional in members if not optional] or [c for c, _ in members]
    optional_n = sum(1 for _, optional in members if optional)
    audience = ", ".join(a.capitalize() for a in path.audience)
    facts = [plural(len(members), "course")]
    if optional_n:
        facts.append(f"{optional_n} optional")
    facts.append(minutes(sum(c.duration for c, _ in members)))
    parts = [
        f'<div class="lmsctl-path" data-lmsctl-path="{e(path.id)}"'
        f' data-lmsctl-courses="{e(" ".join(c.id for c in required))}">',
        f'<p class="lmsctl-lead">{e(path.summary)}</p>' if path.summary else "",
        f'<p class="lmsctl-meta">{" · ".join(facts)}'
        + (f" · For {e(audience)}" if audience else "") + "</p>",
        '<div class="lmsctl-path__progress">',
        progress_bar(f"Progress on {path.title}", len(required)),
        f'<p data-lmsctl-path-summary>0 of {plural(len(required), "required course")} '
        "complete</p></div>",
        '<ol class="lmsctl-steps">',
    ]
    for course, optional in members:
        href = urls.relative(urls.course_url(course.id), page)
        parts.append(
            f'<li class="lmsctl-step" {progress_attrs(course)}'
            f' data-lmsctl-optional="{"true" if optional else "false"}">'
            f'<h2 class="lmsctl-step__title" id="{e(course.id)}"><a href="{e(href)}">'
            f"{e(course.title)}</a>"
            + (' <span class="lmsctl-badge lmsctl-badge--optional">Optional</span>' if optional
               else "")
            + f" {status_badge(course)}</h2>"
            f"<p>{e(course.summary)}</p>"
            f'<p class="lmsctl-meta">{level_badge(course.level)} {minutes(course.duration)} · '
            f'{plural(len(course.lessons), "lesson")}</p>'
            '<p class="lmsctl-step__progress" data-lmsctl-progress></p></li>')
    parts.append("</ol>")
    if path.owners:
        parts.append(f'<p class="lmsctl-meta">Maintained by {e(", ".join(path.owners))}</p>')
    parts.append("</div>")
    return "".join(parts)


# -- course -----------------------------------------------------------------------------------


def _freshness_html(ctx: SiteContext, course: Course, outdated_url: str | None) -> str:
    facts = ctx.facts.get(course.id)
    if facts is None or facts.freshness is None:
        return ""
    fresh = facts.freshness
    if fresh.stale:
        link = (f' <a href="{e(outdated_url)}" rel="noopener" target="_blank" '
                'data-lmsctl-feedback-link="outdated">Tell us what is outdated</a>.'
                if outdated_url else "")
        return (f'<div class="admonition warning lmsctl-stale" data-lmsctl-stale="true" '
                f'role="note"><p class="admonition-title">This course may be out of date</p>'
                f"<p>It was due for review on {date_text(fresh.due)}, "
                f"{plural(fresh.days_overdue, 'day')} ago. Its content may no longer match how "
                f"we work. If you notice something outdated, please flag it so the owners can "
                f"update it.{link}</p></div>")
    return ""


def _freshness_badge(ctx: SiteContext, course: Course) -> str:
    facts = ctx.facts.get(course.id)
    if facts is None or facts.freshness is None:
        return ""
    fresh = facts.freshness
    if fresh.stale:
        return '<span class="lmsctl-badge lmsctl-badge--stale">Needs review</span>'
    if fresh.basis != "new" and fresh.due_within(DUE_SOON_DAYS):
        return '<span class="lmsctl-badge lmsctl-badge--due">Review due soon</span>'
    return '<span class="lmsctl-badge lmsctl-badge--fresh">Up to date</span>'


def _course_banner(course: Course) -> str:
    if course.status == "archived":
        return ('<div class="admonition note lmsctl-banner lmsctl-banner--archived" '
                'data-lmsctl-status="archived" role="note"><p class="admonition-title">'
                "Archived course</p><p>This course is no longer maintained and is not in the "
                "catalog. It stays here so that links and your progress keep working.</p></div>")
    if course.status == "draft":
        return ('<div class="admonition info lmsctl-banner lmsctl-banner--draft" '
                'data-lmsctl-status="draft" role="note"><p class="admonition-title">Draft</p>'
                "<p>This course is a draft: it is not published yet.</p></div>")
    return ""


def course_page(ctx: SiteContext, course: Course, outdated_url: str | None) -> str:
    page = urls.course_url(course.id)
    facts = ctx.facts.get(course.id)
    first = course.lessons[0] if course.lessons else None
    start = urls.relative(urls.lesson_url(course.id, first.id), page) if first else ""
    n_questions = len(course.questions)
    rows: list[tuple[str, str]] = [
        ("Level", level_badge(course.level)),
        ("Duration", f"{minutes(course.duration)} · {plural(len(course.lessons), 'lesson')}"),
        ("Pass mark", f"{course.pass_mark}% of {plural(n_questions, 'quiz question')}"),
    ]
    if course.skills:
        rows.append(("Skills", skill_chips(ctx, course.skills, page)))
    if course.audience:
        rows.append(("For", e(", ".join(a.capitalize() for a in course.audience))))
    if course.owners:
        rows.append(("Owners", e(", ".join(course.owners))))
    if facts is not None:
        if facts.last_change:
            rows.append(("Last updated", date_text(facts.last_change)))
        if facts.reviewed:
            rows.append(("Last reviewed", date_text(facts.reviewed)))
        if facts.contributors_html:
            rows.append(("Contributors", facts.contributors_html))
    badge = _freshness_badge(ctx, course)
    if badge:
        rows.append(("Freshness", badge))
    meta = "".join(f'<div class="lmsctl-facts__row"><dt>{k}</dt><dd>{v}</dd></div>'
                   for k, v in rows)
    parts = [
        f'<div class="lmsctl-course" {progress_attrs(course)}>',
        f'<h1>{e(course.title)} {status_badge(course)}</h1>',
        _course_banner(course),
        _freshness_html(ctx, course, outdated_url),
        f'<p class="lmsctl-lead">{e(course.summary)}</p>',
        '<div class="lmsctl-course__progress" data-lmsctl-course-progress>',
        '<p class="lmsctl-course__status" data-lmsctl-progress aria-live="polite">'
        f"Not started. Answer at least {course.pass_mark}% of the quiz questions right to "
        "complete the course.</p>",
        progress_bar(f"Progress on {course.title}", n_questions),
        (f'<p><a class="md-button md-button--primary" data-lmsctl-start href="{e(start)}">'
         "Start the course</a></p>" if start else ""),
        "</div>",
        f'<dl class="lmsctl-facts">{meta}</dl>',
    ]
    if course.objectives:
        items = "".join(f"<li>{e(o)}</li>" for o in course.objectives)
        parts.append(f'<h2 id="objectives">What you will learn</h2><ul>{items}</ul>')
    if course.prerequisites:
        pre_items: list[str] = []
        for pre in course.prerequisites:
            target = ctx.built(pre)
            if target is not None:
                href = urls.relative(urls.course_url(pre), page)
                pre_items.append(f'<li {progress_attrs(target)}><a href="{e(href)}">'
                             f"{e(target.title)}</a> "
                             '<span class="lmsctl-inline-progress" data-lmsctl-progress></span>'
                             "</li>")
            else:
                other = ctx.repo.course(pre)
                title = other.title if other is not None else pre
                pre_items.append(f"<li>{e(title)} (not published)</li>")
        parts.append('<h2 id="prerequisites">Before you start</h2>'
                     f'<ul class="lmsctl-prerequisites">{"".join(pre_items)}</ul>')
    parts.append('<h2 id="lessons">Lessons</h2><ol class="lmsctl-lessons">')
    for lesson in course.lessons:
        href = urls.relative(urls.lesson_url(course.id, lesson.id), page)
        keys = " ".join(q.key for q in lesson.questions)
        quiz = (f" · {plural(len(lesson.questions), 'question')}" if lesson.questions else "")
        parts.append(
            f'<li class="lmsctl-lesson" data-lmsctl-lesson="{e(lesson.id)}"'
            f' data-lmsctl-questions="{e(keys)}">'
            '<span class="lmsctl-mark" data-lmsctl-mark aria-hidden="true"></span>'
            f'<a href="{e(href)}">{e(lesson.title)}</a> '
            f'<span class="lmsctl-meta">{minutes(lesson.duration)}{quiz}</span>'
            '<span class="lmsctl-visually-hidden" data-lmsctl-mark-text></span>'
            + (f'<p class="lmsctl-lesson__description">{e(lesson.description)}</p>'
               if lesson.description else "")
            + "</li>")
    parts.append("</ol>")
    in_paths = [p for p in ctx.paths if any(m.id == course.id for m in p.courses)]
    if in_paths:
        items = "".join(f'<li><a href="{e(urls.relative(urls.path_url(p.id), page))}">'
                        f"{e(p.title)}</a></li>" for p in in_paths)
        parts.append(f'<h2 id="paths">Part of these paths</h2><ul>{items}</ul>')
    parts.append("</div>")
    return "".join(parts)


# -- lesson chrome (placed around the rendered lesson by the theme override) -----------------


def course_sidebar(ctx: SiteContext, course: Course, page: str) -> str:
    """The course's own lesson navigation, relative to ``page``. The render hooks mark the
    current lesson (``aria-current``). Top sections follow for the mobile drawer."""
    items = []
    for n, lesson in enumerate(course.lessons, 1):
        href = urls.relative(urls.lesson_url(course.id, lesson.id), page)
        keys = " ".join(q.key for q in lesson.questions)
        items.append(
            f'<li class="md-nav__item lmsctl-nav__lesson">'
            f'<a class="md-nav__link" href="{e(href)}" data-lmsctl-lesson="{e(lesson.id)}"'
            f' data-lmsctl-questions="{e(keys)}">'
            '<span class="lmsctl-mark" data-lmsctl-mark aria-hidden="true"></span>'
            f'<span class="md-ellipsis">{n}. {e(lesson.title)}</span>'
            '<span class="lmsctl-visually-hidden" data-lmsctl-mark-text></span></a></li>')
    sections = [(urls.HOME, "Home"), (urls.CATALOG, "Catalog")]
    if ctx.paths:
        sections.append((urls.PATHS, "Paths"))
    sections.append((urls.SKILLS, "Skills"))
    if ctx.preview is None:
        sections += [(urls.WHATS_NEW, "What's new"), (urls.CONTRIBUTORS, "Contributors")]
    site = "".join(f'<li class="md-nav__item"><a class="md-nav__link" '
                   f'href="{e(urls.relative(u, page))}">{t}</a></li>' for u, t in sections)
    course_href = urls.relative(urls.course_url(course.id), page)
    return (
        f'<nav class="md-nav md-nav--primary lmsctl-course-nav" '
        f'aria-label="Lessons of {e(course.title)}" {progress_attrs(course)}>'
        f'<label class="md-nav__title" for="__drawer">{e(course.title)}</label>'
        f'<p class="lmsctl-course-nav__course"><a href="{e(course_href)}">'
        f"{e(course.title)}</a></p>"
        '<p class="lmsctl-course-nav__progress" data-lmsctl-progress></p>'
        f'<ol class="md-nav__list lmsctl-nav__lessons">{"".join(items)}</ol>'
        f'<ul class="md-nav__list lmsctl-nav__site" aria-label="Site">{site}</ul>'
        "</nav>"
    )


def lesson_head(ctx: SiteContext, course: Course, lesson: Lesson, index: int) -> str:
    page = urls.lesson_url(course.id, lesson.id)
    course_href = urls.relative(urls.course_url(course.id), page)
    quiz = f" · {plural(len(lesson.questions), 'quiz question')}" if lesson.questions else ""
    return (
        f'<div class="lmsctl-lesson-head" data-lmsctl-course="{e(course.id)}"'
        f' data-lmsctl-lesson="{e(lesson.id)}">'
        f'<p class="lmsctl-crumbs"><a href="{e(course_href)}">{e(course.title)}</a> · '
        f"Lesson {index + 1} of {len(course.lessons)} · {minutes(lesson.duration)}{quiz}</p>"
        f"{_course_banner(course)}{_freshness_html(ctx, course, None)}"
        "</div>"
    )


def lesson_foot(ctx: SiteContext, course: Course, index: int, links: dict[str, str]) -> str:
    lesson = course.lessons[index]
    page = urls.lesson_url(course.id, lesson.id)
    parts = [
        f'<div class="lmsctl-lesson-foot" data-lmsctl-course="{e(course.id)}"'
        f' data-lmsctl-lesson="{e(lesson.id)}">',
        f'<div class="lmsctl-helpful" data-lmsctl-helpful role="group"'
        f' aria-labelledby="lmsctl-helpful-{e(lesson.id)}">',
        f'<p class="lmsctl-helpful__question" id="lmsctl-helpful-{e(lesson.id)}">'
        "Was this lesson helpful?</p>",
        '<button type="button" class="md-button" data-lmsctl-helpful-answer="yes" '
        'aria-pressed="false">Yes</button> ',
        '<button type="button" class="md-button" data-lmsctl-helpful-answer="no" '
        'aria-pressed="false">No</button>',
        '<p class="lmsctl-helpful__thanks" data-lmsctl-helpful-thanks aria-live="polite"></p>',
        "</div>",
    ]
    labels = (("outdated", "Flag as outdated"), ("edit", "Suggest an edit"),
              ("question", "Ask a question"))
    items = "".join(
        f'<li><a href="{e(links[key])}" rel="noopener" target="_blank" '
        f'data-lmsctl-feedback-link="{key}">{label}</a></li>'
        for key, label in labels if links.get(key))
    if items:
        parts.append(f'<ul class="lmsctl-feedback-links" aria-label="Feedback">{items}</ul>')
    course_href = urls.relative(urls.course_url(course.id), page)

    def lesson_href(other: Lesson) -> str:
        return urls.relative(urls.lesson_url(course.id, other.id), page)

    def link(css: str, rel: str, hook: str, href: str, direction: str, label: str) -> str:
        rel_attr = f' rel="{rel}"' if rel else ""
        hook_attr = f" data-lmsctl-{hook}" if hook else ""
        return (f'<a class="md-button {css}"{rel_attr} href="{e(href)}"{hook_attr}>'
                f'<span class="lmsctl-pager__dir">{direction}</span> {label}</a>')

    prev_css, next_css = "lmsctl-pager__prev", "md-button--primary lmsctl-pager__next"
    pager = []
    if index > 0:
        prev = course.lessons[index - 1]
        pager.append(link(prev_css, "prev", "prev", lesson_href(prev), "Previous",
                          e(prev.title)))
    else:
        pager.append(link(prev_css, "", "", course_href, "Course", e(course.title)))
    if index + 1 < len(course.lessons):
        nxt = course.lessons[index + 1]
        pager.append(link(next_css, "next", "next", lesson_href(nxt), "Next", e(nxt.title)))
    else:
        pager.append(link(next_css, "", "next", course_href, "Finish", "Back to the course"))
    parts.append(f'<nav class="lmsctl-pager" aria-label="Lessons">{"".join(pager)}</nav>')
    parts.append("</div>")
    return "".join(parts)


def feed_link(base: str) -> str:
    return (f'<p class="lmsctl-feed"><a href="{e(base)}{urls.FEED}" type="application/atom+xml">'
            "Follow new and updated courses (Atom feed)</a></p>\n\n")
