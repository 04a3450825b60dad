"""The page configuration the learner-side runtime reads, and the learning-records notice.

Every page carries ``<script type="application/json" id="lmsctl-config">`` (the runtime
contract): ``{"scope", "course"?, "lesson"?, "lessonVersion"?, "language"?, "paths"?,
"analytics"?, "messages"?, "pluralForms"?}``. ``scope`` is the site's root relative to the
page (``"../../"``); ``analytics`` (``{"endpoint", "auth", "activityBase", "siteUrl"}``) is
there ONLY when lmsctl.yml configures ``analytics.xapi``, and then every page's footer says
where learning records go, with an opt-out button (``data-lmsctl-optout``) that the runtime
wires up; ``messages`` and ``pluralForms`` are the runtime's texts in the page catalog when it
is not English (``runtime_messages``).

The build passes what is the same on every page through ``mkdocs.yml`` (``extra.lmsctl``:
``analytics`` and ``records_notice``) and the per-course facts and the runtime's translated
messages through the manifest (``config``); the MkDocs hooks call ``page_config_script`` for
each page.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any
from urllib.parse import urlsplit

from lmsctl.core.model import Config, Course, LearningPath
from lmsctl.targets.site import i18n, runtime_messages


def analytics_settings(config: Config) -> dict[str, str] | None:
    """The ``analytics`` member of every page's configuration, or None when off."""
    xapi = config.analytics.xapi
    if xapi is None:
        return None
    site = config.site_url
    return {"endpoint": xapi.endpoint, "auth": xapi.auth, "activityBase": config.activity_base,
            "siteUrl": site if not site or site.endswith("/") else site + "/"}


def records_notice(config: Config) -> str:
    """The footer notice when learning records are on ("" when off), in the active catalog
    (``templates/records_notice.html.j2``; theme ``partials/copyright.html`` places it)."""
    xapi = config.analytics.xapi
    if xapi is None:
        return ""
    host = urlsplit(xapi.endpoint).netloc or xapi.endpoint
    return i18n.render("records_notice.html.j2", host=host)


def mkdocs_extra(config: Config) -> dict[str, Any]:
    """What goes into ``extra.lmsctl`` of the generated mkdocs.yml."""
    settings = analytics_settings(config)
    if settings is None:
        return {}
    return {"analytics": settings, "records_notice": records_notice(config)}


def manifest_facts(courses: list[Course], paths: list[LearningPath],
                   site_language: str) -> dict[str, Any]:
    """Per course: its language and the paths holding it (each with its required courses, so
    the runtime records a path ``completed`` on whatever page the last one is passed); per
    lesson: its content version; the runtime's messages in the active catalog (``runtime``)."""
    holding: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        required = [m.id for m in path.courses if not m.optional]
        for member in path.courses:
            holding.setdefault(member.id, []).append({"id": path.id, "courses": required})
    return {
        "courses": {c.id: {"language": c.language or site_language,
                           "paths": holding.get(c.id, [])} for c in courses},
        "lessons": {f"{c.id}/{lesson.id}": lesson.version for c in courses
                    for lesson in c.lessons},
        "runtime": runtime_messages.page_messages(),
    }


def page_config(entry: dict[str, Any], page_url: str, facts: dict[str, Any] | None,
                analytics: dict[str, str] | None) -> dict[str, Any]:
    """The configuration of one page (``entry``: its manifest entry)."""
    depth = len([p for p in page_url.split("/")[:-1] if p]) if page_url else 0
    scope = posixpath.join(*[".."] * depth) + "/" if depth else "./"
    data: dict[str, Any] = {"scope": scope}
    course = entry.get("course")
    if course:
        known = ((facts or {}).get("courses") or {}).get(course) or {}
        data["course"] = course
        lesson = entry.get("lesson") if entry.get("kind") == "lesson" else None
        if lesson:
            data["lesson"] = lesson
            version = ((facts or {}).get("lessons") or {}).get(f"{course}/{lesson}")
            if version:
                data["lessonVersion"] = version
        if known.get("language"):
            data["language"] = known["language"]
        data["paths"] = list(known.get("paths") or [])
    if analytics:
        data["analytics"] = dict(analytics)
    data.update((facts or {}).get("runtime") or {})
    return data


def fallback_config(site_url: str, analytics: dict[str, str] | None) -> dict[str, Any]:
    """The configuration of a page the hooks do not see (404.html, served at any URL): its
    scope is the site's path from ``site.url`` (``/`` without one)."""
    path = urlsplit(site_url).path or "/"
    data: dict[str, Any] = {"scope": path if path.endswith("/") else path + "/"}
    if analytics:
        data["analytics"] = dict(analytics)
    return data


def config_script(data: dict[str, Any]) -> str:
    """``data`` as the page's JSON configuration element (safe inside a script element)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="lmsctl-config">{text}</script>'


def page_config_script(entry: dict[str, Any], page_url: str, facts: dict[str, Any] | None,
                       analytics: dict[str, str] | None) -> str:
    return config_script(page_config(entry, page_url, facts, analytics))
