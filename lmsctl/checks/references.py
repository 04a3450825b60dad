"""Reference checks over the loaded model (LMS2xx): ids, prerequisites, paths, skills, goals,
assets."""

from __future__ import annotations

import contextlib
import difflib
import os
import posixpath
import weakref
from collections.abc import Iterator
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lmsctl.checks.lrs_config import check_analytics
from lmsctl.content import links
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.ids import SLUG
from lmsctl.core.model import Course, LearningPath, Lesson, Repository
from lmsctl.core.spine import diag


def _prerequisites(repo: Repository) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for course in repo.courses:
        for i, pre in enumerate(course.prerequisites):
            if repo.course(pre) is None:
                line, col = course.doc.pos(("prerequisites", i))
                out.append(diag("LMS201", course.rel, line, col,
                                f"prerequisite '{pre}' is not a course"))
    # Cycles: depth-first search, each cycle reported once at its smallest course id.
    graph = {c.id: [p for p in c.prerequisites if repo.course(p)] for c in repo.courses}
    seen_cycles: set[frozenset[str]] = set()
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                key = frozenset(cycle)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    start = min(cycle)
                    k = cycle.index(start)
                    ordered = cycle[k:] + cycle[:k]
                    course = repo.course(start)
                    assert course is not None
                    target = ordered[1] if len(ordered) > 1 else start
                    i = course.prerequisites.index(target)
                    line, col = course.doc.pos(("prerequisites", i))
                    out.append(diag("LMS202", course.rel, line, col,
                                    "prerequisites form a cycle: "
                                    + " -> ".join([*ordered, start])))
            elif state.get(nxt) is None:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return out


def _paths(repo: Repository) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for path in repo.paths:
        seen: dict[str, int] = {}
        for member in path.courses:
            if repo.course(member.id) is None:
                out.append(diag("LMS203", path.rel, member.line, member.column,
                                f"path names '{member.id}', which is not a course"))
            if member.id in seen:
                out.append(diag("LMS204", path.rel, member.line, member.column,
                                f"course '{member.id}' is already listed on line "
                                f"{seen[member.id]}"))
            else:
                seen[member.id] = member.line
    return out


def _skills(repo: Repository) -> list[Diagnostic]:
    declared = {s.id for s in repo.config.skills}
    out: list[Diagnostic] = []
    known = ", ".join(sorted(declared)) or "none yet"
    for course in repo.courses:
        for i, skill in enumerate(course.skills):
            if skill not in declared:
                line, col = course.doc.pos(("skills", i))
                out.append(diag("LMS205", course.rel, line, col,
                                f"skill '{skill}' is not declared in lmsctl.yml",
                                f"Use a declared skill ({known}) or add '{skill}' under "
                                "skills: in lmsctl.yml."))
    return out


def _goals(repo: Repository) -> list[Diagnostic]:
    """Goals named by courses and paths must be declared under goals: in lmsctl.yml."""
    declared = sorted(g.id for g in repo.config.goals)
    known = ", ".join(declared) or "none yet"
    out: list[Diagnostic] = []
    named: list[Course | LearningPath] = [*repo.courses, *repo.paths]
    for item in named:
        for i, goal in enumerate(item.goals):
            if goal in declared:
                continue
            rel = item.rel
            line, col = item.doc.pos(("goals", i))  # (a course's reading only when needed)
            near = difflib.get_close_matches(goal, declared, n=1)
            out.append(diag("LMS219", rel, line, col,
                            f"goal '{goal}' is not declared in lmsctl.yml",
                            (f"Did you mean '{near[0]}'? " if near else "")
                            + f"Use a declared goal ({known}) or add '{goal}' under goals: in "
                            "lmsctl.yml with its title and owner."))
    return out


def is_local(url: str) -> bool:
    """True for links to files of the repository (not web, mail or same-page anchors)."""
    if not url or url.startswith("#"):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


@cache
def _realdir(folder: str) -> str:
    return os.path.realpath(folder)


def _real(path: str) -> str:
    """``realpath`` with the folder part cached: many links share a few folders."""
    folder, name = os.path.split(os.path.normpath(path))
    full = os.path.join(_realdir(folder), name)
    return os.path.realpath(full) if os.path.islink(full) else full


def _assets(repo: Repository, course: Course, lesson: Lesson) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    course_dir = _realdir(os.path.join(repo.root, course.rel_dir))
    lesson_dir = os.path.dirname(os.path.join(repo.root, lesson.rel))
    for link in lesson.links:
        if not is_local(link.url):
            continue
        target = unquote(urlsplit(link.url).path)
        if not target:
            continue
        is_page = target.endswith(".md") or target.endswith("/")
        if is_page and not link.image:
            continue  # links to lessons and courses are checked by lint (LMS3xx)
        what = "image" if link.image else "linked file"
        if target.startswith("/") or os.path.isabs(target):
            out.append(diag("LMS208", lesson.rel, link.line, link.column,
                            f"{what} '{link.url}' is an absolute path",
                            "Link to files relative to the lesson: ../assets/<file>."))
            continue
        resolved = _real(os.path.join(lesson_dir, target))
        if resolved != course_dir and not resolved.startswith(course_dir.rstrip(os.sep) + os.sep):
            out.append(diag("LMS208", lesson.rel, link.line, link.column,
                            f"{what} '{link.url}' is outside the course folder {course.rel_dir}/"))
        elif not os.path.isfile(resolved):
            near = _closest_file(Path(course_dir), lesson_dir, target)
            out.append(diag("LMS207", lesson.rel, link.line, link.column,
                            f"{what} '{link.url}' does not exist",
                            f"Did you mean {near}? (the path is relative to the lesson file)"
                            if near else None))
    return out


def is_course_folder(folder: str) -> bool:
    """A course folder (``lmsctl.content.loader.course_ids``): not ``_templates`` or hidden,
    holding a course.yml."""
    return not os.path.basename(folder).startswith(("_", ".")) and \
        os.path.isfile(os.path.join(folder, "course.yml"))


class CourseIds:
    """The course ids of a repository for ``links.target``: its loaded courses', and the course
    folders on disk (a preview or a ``lint <file>`` loads only the courses it needs; a
    course.yml that cannot be read), looked at when first asked about an id of no loaded
    course (at 1,000 courses, looking at them all was most of a ``lint <file>``'s reference
    checks)."""

    def __init__(self, loaded: set[str], folder: str) -> None:
        self.loaded = loaded
        self.folder = folder

    @cached_property
    def everyone(self) -> frozenset[str]:
        found = set(self.loaded)
        with contextlib.suppress(OSError):
            found |= {name for name in os.listdir(self.folder) if name not in self.loaded
                      and is_course_folder(os.path.join(self.folder, name))}
        return frozenset(found)

    def __contains__(self, name: object) -> bool:
        return name in self.loaded or name in self.everyone

    def __iter__(self) -> Iterator[str]:
        return iter(self.everyone)


class Pages:
    """The lessons and courses of a repository, for ``links.target`` (``pages_of``: one per
    repository reading)."""

    def __init__(self, repo: Repository) -> None:
        self.lessons = {lesson.rel for c in repo.courses for lesson in c.lessons}
        self.courses = CourseIds({c.id for c in repo.courses},
                                 os.path.join(repo.root, "courses"))
        self.lesson_ids = {(c.id, lesson.id) for c in repo.courses for lesson in c.lessons}

    def target(self, lesson: Lesson, url: str) -> links.Target:
        return links.target(lesson.rel, url, self.lessons, self.courses, self.lesson_ids)


_LAST: list[tuple[weakref.ref[Repository], Pages]] = []


def pages_of(repo: Repository) -> Pages:
    """The ``Pages`` of ``repo``, made once for the last repository asked about (validate and
    lint of one run share it; a repository no longer used is not kept alive for it)."""
    if _LAST and _LAST[0][0]() is repo:
        return _LAST[0][1]
    pages = Pages(repo)
    _LAST[:] = [(weakref.ref(repo), pages)]
    return pages


def page_links(lesson: Lesson) -> list[tuple[str, int, int]]:
    """(url, line, column) of every link of a lesson that may lead to a page: Markdown links
    (a reference's at its definition) and ``<a href>`` (a stand-in lesson's, kept with its
    facts: ``checks.validate``)."""
    kept: list[tuple[str, int, int]] | None = lesson.__dict__.get(PAGE_LINKS)
    if kept is not None:
        return kept
    out = [(link.url, link.line, link.column) for link in lesson.document.links
           if not link.image and (link.ref is None or link.definition)]
    out += [(tag.attr("href") or "", tag.line, tag.column) for tag in lesson.document.tags
            if tag.name == "a" and not tag.closing and tag.attr("href")]
    return out


def linked_course(lesson_rel: str, url: str) -> str | None:
    """The folder name of the course a page link of the lesson at ``lesson_rel`` leads into
    or to (as ``links.target`` resolves it, ``/courses/<id>/...`` included), or None."""
    pieces = [p for p in links.target(lesson_rel, url, (), ()).path.split("/") if p]
    return pieces[1] if len(pieces) >= 2 and pieces[0] == "courses" else None


def _dead_links(pages: Pages, lesson: Lesson) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for url, line, col in page_links(lesson):
        found = pages.target(lesson, url)
        if not found.dead:
            continue
        if found.kind == links.NOT_A_PAGE:
            out.append(diag("LMS214", lesson.rel, line, col,
                            f"link '{url}' ends in .md/, which is no page of the site",
                            f"Drop the slash after .md: {url.replace('.md/', '.md', 1)}."))
        elif found.kind == links.MISSING_COURSE:
            out.append(diag("LMS214", lesson.rel, line, col,
                            f"link '{url}' points to {found.path}/, which is not a course",
                            "Link to an existing course folder, e.g. ../../sales-basics/."
                            + _close(found.path.rsplit("/", 1)[-1], sorted(pages.courses))))
        else:
            folder = os.path.dirname(found.path)
            siblings = sorted(os.path.basename(r) for r in pages.lessons
                              if os.path.dirname(r) == folder)
            out.append(diag("LMS214", lesson.rel, line, col,
                            f"link '{url}' points to {found.path}, which is not a lesson",
                            "Link to an existing lesson file, with its number prefix."
                            + _close(os.path.basename(found.path), siblings)))
    return out


def _close(name: str, options: list[str]) -> str:
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" Did you mean {found[0]}?" if found else ""


def _closest_file(course_dir: Path, lesson_dir: str, target: str) -> str | None:
    """The course's existing file whose path, written relative to the lesson as the author
    wrote ``target``, is closest to it (a typo in the name or folder)."""
    candidates: list[str] = []
    for folder, dirs, names in os.walk(course_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith(".") and not name.endswith(".md"):
                full = os.path.join(folder, name)
                candidates.append(os.path.relpath(full, lesson_dir).replace(os.sep, "/"))
        if len(candidates) > 5000:
            break
    wanted = posixpath.normpath(target)
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    if not close:  # the right name in the wrong folder
        by_name = [c for c in candidates if posixpath.basename(c) == posixpath.basename(wanted)]
        close = by_name[:1]
    return close[0] if close else None


#: where a stand-in lesson keeps its ``page_links``
PAGE_LINKS = "_lmsctl_page_links"
#: where a stand-in course keeps its ``published_files``
PUBLISHED = "_lmsctl_published"


def _safe_asset(course_dir: str, path: str) -> str | None:
    """The real file behind ``path`` if it stays inside the course folder ``course_dir`` (a
    real path): no symlink may publish a file from elsewhere on the machine."""
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        return None
    if not os.path.isfile(real) or not (real == course_dir
                                        or real.startswith(course_dir + os.sep)):
        return None
    return real


def published_files(repo: Repository, course: Course) -> list[tuple[str, str]]:
    """The files of the course folder a site publishes: ``assets/``, plus any other file its
    lessons link to (downloads); each as (the real file, its place), both relative to the
    course folder's real path, in the order of their places as Paths. They depend on the
    course's folder alone (a stand-in's are kept with its facts)."""
    kept: list[tuple[str, str]] | None = course.__dict__.get(PUBLISHED)
    if kept is not None:
        return kept
    # with strings, not Paths: this runs for every course on every build
    course_dir = os.path.realpath(repo.root / course.rel_dir)
    wanted: set[str] = set()
    assets = os.path.join(course_dir, "assets")
    if os.path.isdir(assets):
        for folder, dirnames, filenames in os.walk(assets):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            wanted.update(os.path.join(folder, f) for f in filenames if not f.startswith("."))
    root = os.fspath(repo.root)
    for lesson in course.lessons:
        base = os.path.dirname(os.path.join(root, lesson.rel))
        for link in lesson.links:  # a stand-in's files are kept (above): a lesson read now
            if not is_local(link.url):
                continue
            target = unquote(urlsplit(link.url).path)
            if not target or target.endswith((".md", "/")) or target.startswith("/"):
                continue
            wanted.add(os.path.normpath(os.path.join(base, target)))
    found: list[tuple[str, str]] = []
    for path in sorted(wanted, key=lambda p: p.split(os.sep)):  # the order of Paths
        real = _safe_asset(course_dir, path)
        if real is None or not path.startswith(course_dir + os.sep):
            continue
        rel = path[len(course_dir) + 1:]
        if rel.startswith("lessons" + os.sep) and rel.endswith(".md"):
            continue
        found.append((real[len(course_dir) + 1:], rel))
    return found


def asset_findings(repo: Repository, course: Course) -> list[Diagnostic]:
    """The findings of the files the course's lessons link to: they depend on the course's
    folder alone (LMS207, LMS208)."""
    return [d for lesson in course.lessons for d in _assets(repo, course, lesson)]


def _lessons(repo: Repository, courses: frozenset[str] | None = None,
             standing: frozenset[str] = frozenset(),
             assets: dict[str, list[Diagnostic]] | None = None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    pages = pages_of(repo)
    for course in repo.courses:
        if courses is not None and course.id not in courses:
            continue
        mine: list[Diagnostic] = []
        if assets is not None and course.id not in standing:
            assets[course.id] = mine
        # (a stand-in's course.yml reading is restored only when it has no lessons)
        if not course.lessons and not (isinstance(course.doc.data, dict)
                                       and "lessons" in course.doc.data):
            out.append(diag("LMS210", course.rel, 1, 1, f"course '{course.id}' has no lessons"))
        seen: dict[str, str] = {}
        for lesson in course.lessons:
            if lesson.id in seen:
                out.append(diag("LMS209", lesson.rel, 1, 1,
                                f"lesson id '{lesson.id}' is also the id of {seen[lesson.id]}"))
            else:
                seen[lesson.id] = lesson.file_name
            if not SLUG.match(lesson.id):
                out.append(diag("LMS200", lesson.rel, 1, 1,
                                f"lesson id '{lesson.id}' (from the file name) is not a valid id",
                                "Rename the file to NN-<slug>.md, e.g. 01-why-customers-object"
                                ".md."))
            if course.id not in standing:  # a stand-in's are kept with its facts
                found = _assets(repo, course, lesson)
                out += found
                mine += found
            out += _dead_links(pages, lesson)
    return out


def _featured(repo: Repository) -> list[Diagnostic]:
    """``featured_paths:`` in lmsctl.yml must name paths of the repository."""
    config = repo.config
    if config.doc is None:
        return []
    known = sorted(p.id for p in repo.paths)
    out: list[Diagnostic] = []
    for i, path_id in enumerate(config.featured_paths):
        if path_id in known:
            continue
        line, col = config.doc.pos(("featured_paths", i))
        near = difflib.get_close_matches(path_id, known, n=1)
        out.append(diag("LMS222", "lmsctl.yml", line, col,
                        f"featured path '{path_id}' is not a path in paths/",
                        (f"Did you mean '{near[0]}'? " if near else "")
                        + f"Use a path id ({', '.join(known) or 'none yet'}) or remove it."))
    return out


def check_references(repo: Repository, courses: frozenset[str] | None = None,
                     standing: frozenset[str] = frozenset(),
                     assets: dict[str, list[Diagnostic]] | None = None) -> list[Diagnostic]:
    """Every reference finding. With ``courses``, the lessons of the other courses are not
    checked (their findings are at their own files: for a run that reports on some courses).
    The courses in ``standing`` are stand-ins whose ``asset_findings`` the caller has;
    ``assets`` gets the ``asset_findings`` of each course checked here, by course id."""
    _realdir.cache_clear()
    return [*_prerequisites(repo), *_paths(repo), *_skills(repo), *_goals(repo),
            *_featured(repo), *_lessons(repo, courses, standing, assets),
            *check_analytics(repo.config)]
