"""Links that let learners talk back: flag a lesson as outdated, suggest an edit, ask a
question, request a course. All go to the repository named in ``lmsctl.yml``
(``repository: {url, branch}``); with no repository URL there are no links.

GitHub (the default) gets issue-form URLs (``/issues/new?template=outdated.yml&course=...``:
GitHub fills the form's fields whose ids match the query parameters; see
``.github/ISSUE_TEMPLATE/``). A GitLab repository (host containing ``gitlab``) gets
``/-/issues/new?issue[title]=...&issue[description]=...`` with the same facts in the
description, and ``/-/edit/<branch>/<path>`` edit links.

Every value is percent-encoded (RFC 3986, UTF-8; spaces as ``%20``), so titles with ``&``,
``#``, quotes or any script arrive intact. Issue titles go through the message catalog
(``lmsctl.targets.site.i18n``).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from lmsctl.core.model import Config, Course, Lesson
from lmsctl.targets.site.i18n import _

OUTDATED_TEMPLATE = "outdated.yml"
QUESTION_TEMPLATE = "question.yml"
REQUEST_TEMPLATE = "request-course.yml"
OUTDATED_LABEL = "outdated"
QUESTION_LABEL = "question"
REQUEST_LABEL = "course-request"
#: Keep generated URLs well under what browsers and GitHub accept.
MAX_TITLE = 200


def _is_gitlab(repo_url: str) -> bool:
    return "gitlab" in (urlsplit(repo_url).hostname or "")


def _query(params: list[tuple[str, str]]) -> str:
    return urlencode(params, quote_via=quote, safe="")


def _clip(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _path(*segments: str) -> str:
    """Join path segments, percent-encoding each (but keeping ``/`` inside a branch name)."""
    return "/".join(quote(s, safe="/") for s in segments)


def issue_url(config: Config, template: str, title: str | None, fields: dict[str, str],
              labels: tuple[str, ...] = ()) -> str | None:
    """A new-issue URL prefilled with ``title`` (None: the form's own) and the form
    ``fields`` (None without a repository URL)."""
    base = config.repo_url.rstrip("/")
    if not base:
        return None
    if _is_gitlab(base):
        description = "\n".join(f"**{k}:** {v}" for k, v in fields.items() if v)
        params = [("issue[title]", _clip(title))] if title else []
        if description:
            params.append(("issue[description]", description + "\n\n"))
        query = _query(params)
        return f"{base}/-/issues/new" + (f"?{query}" if query else "")
    params = [("template", template)]
    if title:
        params.append(("title", _clip(title)))
    if labels:
        params.append(("labels", ",".join(labels)))
    params += [(k, v) for k, v in fields.items() if v]
    return f"{base}/issues/new?{_query(params)}"


def edit_url(config: Config, rel_path: str) -> str | None:
    """The web editor for a file of the repository (``rel_path`` from the repository root)."""
    base = config.repo_url.rstrip("/")
    if not base:
        return None
    branch = config.branch or "main"
    middle = "-/edit" if _is_gitlab(base) else "edit"
    return f"{base}/{middle}/{_path(branch)}/{_path(*rel_path.split('/'))}"


def lesson_links(config: Config, course: Course, lesson: Lesson, page_url: str) -> dict[str, str]:
    """``{"outdated", "edit", "question"}`` links for a lesson page; ``{}`` without a repo."""
    if not config.repo_url:
        return {}
    fields = {"course": course.id, "lesson": lesson.id, "page": page_url}
    links: dict[str, str] = {}
    outdated = issue_url(config, OUTDATED_TEMPLATE,
                         _("Outdated: %(course)s › %(lesson)s", course=course.title,
                           lesson=lesson.title), fields,
                         (OUTDATED_LABEL,))
    edit = edit_url(config, f"courses/{course.id}/lessons/{lesson.file_name}")
    question = issue_url(config, QUESTION_TEMPLATE,
                         _("Question: %(course)s › %(lesson)s", course=course.title,
                           lesson=lesson.title), fields,
                         (QUESTION_LABEL,))
    for key, url in (("outdated", outdated), ("edit", edit), ("question", question)):
        if url:
            links[key] = url
    return links


def course_links(config: Config, course: Course, page_url: str) -> dict[str, str]:
    """``{"outdated", "edit"}`` for a course page (the stale notice links to "outdated")."""
    if not config.repo_url:
        return {}
    links: dict[str, str] = {}
    outdated = issue_url(config, OUTDATED_TEMPLATE, _("Outdated: %(course)s", course=course.title),
                         {"course": course.id, "page": page_url}, (OUTDATED_LABEL,))
    edit = edit_url(config, course.rel)
    for key, url in (("outdated", outdated), ("edit", edit)):
        if url:
            links[key] = url
    return links


def request_course_url(config: Config) -> str | None:
    """The "Request a course" form (None without a repository URL); the form sets the title."""
    return issue_url(config, REQUEST_TEMPLATE, None, {}, (REQUEST_LABEL,))
