"""Where a lesson's link goes: one reading of a URL for validate, lint and the site.

Authors link to other lessons by file (``02-clarify.md``, ``../../other/lessons/01-intro.md``),
to courses by folder (``../../other/``), and to files of their course (``../assets/a.png``). The
site gives lessons the URL ``courses/<course>/<lesson-id>/`` (one folder level, like
``lessons/``), so only links to lesson files change on the way to the page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Container
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

WEB = "web"  # another site, mail, or no URL
ANCHOR = "anchor"  # #fragment on this page
LESSON = "lesson"  # a lesson file that exists
COURSE = "course"  # a course folder that exists
MISSING_LESSON = "missing-lesson"  # a .md file that is not a lesson
MISSING_COURSE = "missing-course"  # a folder under courses/ that is not a course
NOT_A_PAGE = "not-a-page"  # ``02-x.md/``: the site has no such page
FILE = "file"  # anything else (assets, downloads, folders inside a course)


@dataclass(frozen=True)
class Target:
    """Where a link in a lesson goes (a lesson, a course folder or a file) and its anchor."""

    kind: str
    path: str  # repository path: the lesson file, the course folder or the file
    fragment: str
    absolute: bool = False

    @property
    def course(self) -> str:
        parts = self.path.split("/")
        return parts[1] if len(parts) > 1 and parts[0] == "courses" else ""

    @property
    def dead(self) -> bool:
        """The page would link nowhere."""
        return self.kind in (MISSING_LESSON, MISSING_COURSE, NOT_A_PAGE)


def target(lesson_rel: str, url: str, lessons: Container[str], courses: Container[str],
           lesson_ids: Container[tuple[str, str]] = ()) -> Target:
    """Where ``url``, written in the lesson at ``lesson_rel``, goes. ``lessons`` holds the
    repository paths of lesson files, ``courses`` the course ids, ``lesson_ids`` (course id,
    lesson id) pairs (for absolute ``/courses/<id>/<lesson>/`` links)."""
    url = url.strip()
    parts = urlsplit(url)
    if not url or parts.scheme or parts.netloc:
        return Target(WEB, "", "")
    path = unquote(parts.path)
    fragment = unquote(parts.fragment)
    if not path:
        return Target(ANCHOR, "", fragment)
    if path.startswith("/"):
        pieces = [p for p in path.split("/") if p]
        if len(pieces) >= 2 and pieces[0] == "courses" and path.endswith("/"):
            course = pieces[1]
            if course not in courses:
                return Target(MISSING_COURSE, f"courses/{course}", fragment, True)
            if len(pieces) == 2:
                return Target(COURSE, f"courses/{course}", fragment, True)
            if len(pieces) == 3 and (course, pieces[2]) not in lesson_ids:
                return Target(MISSING_LESSON, f"courses/{course}/{pieces[2]}", fragment, True)
            return Target(LESSON if len(pieces) == 3 else FILE,
                          f"courses/{course}/{'/'.join(pieces[2:])}", fragment, True)
        if path.endswith((".md", "/")):
            return Target(FILE, path, fragment, True)
        return Target(FILE, path, fragment, True)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(lesson_rel), path))
    if path.endswith(".md/"):
        return Target(NOT_A_PAGE, resolved, fragment)
    if path.endswith(".md"):
        return Target(LESSON if resolved in lessons else MISSING_LESSON, resolved, fragment)
    if posixpath.dirname(resolved) == "courses":
        name = posixpath.basename(resolved)
        return Target(COURSE if name in courses else MISSING_COURSE, resolved, fragment)
    return Target(FILE, resolved, fragment)
