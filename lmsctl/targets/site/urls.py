"""The site's stable URLs (DESIGN section 5) and where each page lives in the MkDocs docs tree.

Every URL here is relative to the site root, with ``use_directory_urls`` (``courses/x/`` is
served from ``courses/x/index.html``). Pages link to each other with URLs relative to the page,
so the site works under any sub-path.
"""

from __future__ import annotations

import posixpath

HOME = ""
CATALOG = "catalog/"
SKILLS = "skills/"
PATHS = "paths/"
CONTRIBUTORS = "contributors/"
WHATS_NEW = "whats-new/"
CONTRIBUTING = "contributing/"
RULES = "contributing/rules/"
CERTIFICATE = "certificate/"
FEED = "feed.xml"


def course_url(course_id: str) -> str:
    return f"courses/{course_id}/"


def lesson_url(course_id: str, lesson_id: str) -> str:
    return f"courses/{course_id}/{lesson_id}/"


def path_url(path_id: str) -> str:
    return f"paths/{path_id}/"


def skill_url(skill_id: str) -> str:
    return f"{SKILLS}#{skill_id}"


# Where the generated Markdown of each page lives inside the docs folder.
def course_doc(course_id: str) -> str:
    return f"courses/{course_id}/index.md"


def lesson_doc(course_id: str, file_name: str) -> str:
    """Lessons keep their repository path inside the docs tree, so the relative links authors
    write between lessons and to ``../assets/`` resolve as they do in the repository."""
    return f"courses/{course_id}/lessons/{file_name}"


def path_doc(path_id: str) -> str:
    return f"paths/{path_id}.md"


def relative(target: str, page: str) -> str:
    """``target`` (a site-root URL) as seen from the page at site-root URL ``page``.

    >>> relative("courses/a/", "courses/b/x/")
    '../../a/'
    >>> relative("", "catalog/")
    '../'
    """
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    base = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"
    up = base.split("/")[:-1]  # folders of the page
    down = target.split("/")  # folders of the target, then its file name ("" for a folder)
    common = 0
    while common < len(up) and common < len(down) - 1 and up[common] == down[common]:
        common += 1
    rel = "../" * (len(up) - common) + "/".join(down[common:])
    return (rel or "./") + fragment


def absolute(site_url: str, target: str) -> str:
    """The public URL of a page, when the site's URL is known (for feedback links, the feed)."""
    if not site_url:
        return ""
    return site_url.rstrip("/") + "/" + target
