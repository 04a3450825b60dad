"""MkDocs hooks of lmsctl (declared under ``hooks:`` in the generated ``mkdocs.yml``; not a
plugin). They read ``lmsctl-manifest.json`` written by ``lmsctl.site.compile`` and:

- give lessons their stable URLs: ``courses/<id>/lessons/NN-name.md`` -> ``courses/<id>/name/``;
- when rendering in several processes, leave out the pages of the other shards;
- sanitize every page whose content an author wrote (``lmsctl.html_policy.sanitize``), then
  put the quizzes, which lmsctl renders itself, in their slots;
- pass the course's own lesson navigation and the lesson's header and footer to the theme
  override (``theme/main.html``) as ``lmsctl`` in the template context.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from typing import Any

from lmsctl.html_policy import sanitize
from lmsctl.loader import lesson_id

_STATE: dict[str, Any] = {"manifest": {"pages": {}, "courses": {}}, "shard": None, "mine": None}
_SLOT = re.compile(r'<div class="lmsctl-quiz-slot">(\d+)</div>')
_PRE_CLASS = re.compile(r'(<pre\b[^>]*\bclass=")([^"]*)(")')
_HREF = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def on_config(config: Any) -> Any:
    extra = config.extra.get("lmsctl") or {}
    folder = os.path.dirname(os.path.abspath(config.config_file_path))
    with open(os.path.join(folder, extra.get("manifest", "lmsctl-manifest.json")),
              encoding="utf-8") as f:
        _STATE["manifest"] = json.load(f)
    shard = extra.get("shard")
    shards = extra.get("shards") or []
    _STATE["shard"] = shard
    _STATE["mine"] = set(shards[shard]) if shard is not None and shard < len(shards) else None
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import InclusionLevel

    shard = _STATE["shard"]
    mine = _STATE["mine"]
    for file in files:
        parts = file.src_uri.split("/")
        if (len(parts) == 4 and parts[0] == "courses" and parts[2] == "lessons"
                and parts[3].endswith(".md")):
            url = f"courses/{parts[1]}/{lesson_id(parts[3])}/"
            file.dest_uri = url + "index.html"
            file.url = url
            file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, file.dest_uri))
        if shard is None or mine is None:
            continue
        in_course = len(parts) > 2 and parts[0] == "courses"
        if (in_course and parts[1] not in mine) or (not in_course and shard != 0):
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def _neutralize(html: str) -> str:
    """Author HTML must not trigger theme features that load scripts from the internet
    (Material fetches Mermaid from a CDN for ``<pre class="mermaid">``)."""

    def fix(m: re.Match[str]) -> str:
        classes = [c for c in m.group(2).split() if c != "mermaid"]
        return m.group(1) + " ".join(classes) + m.group(3)

    return _PRE_CLASS.sub(fix, html) if "mermaid" in html else html


def _repo_links(html: str, repo_base: str, source: str) -> str:
    """Relative links of a repository document (CONTRIBUTING.md) point to the repository."""

    def fix(m: re.Match[str]) -> str:
        url = m.group(2)
        if not url or url.startswith(("#", "/")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
        if target.startswith(".."):
            return m.group(0)
        return m.group(1) + repo_base + target + m.group(3)

    return _HREF.sub(fix, html)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    entry = _STATE["manifest"]["pages"].get(page.file.src_uri, {})
    if not entry.get("trusted"):
        html = _neutralize(sanitize(html))
        if entry.get("repo_base"):
            html = _repo_links(html, entry["repo_base"], entry.get("source", ""))
    quizzes = entry.get("quizzes")
    if quizzes:
        html = _SLOT.sub(lambda m: quizzes[int(m.group(1))] if int(m.group(1)) < len(quizzes)
                         else "", html)
    return html


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    manifest = _STATE["manifest"]
    entry = manifest["pages"].get(page.file.src_uri, {})
    chrome: dict[str, str] = {}
    kind = entry.get("kind")
    if kind == "lesson":
        sidebar = manifest["courses"][entry["course"]]["sidebar"]
        marker = f'data-lmsctl-lesson="{entry["lesson"]}"'
        chrome["sidebar"] = sidebar.replace(marker, marker + ' aria-current="page"', 1)
        chrome["before"] = entry.get("before", "")
        chrome["after"] = entry.get("after", "")
    elif kind == "course":
        chrome["sidebar"] = entry.get("sidebar", "")
    if entry.get("redirect"):
        from mkdocs.utils import get_relative_url

        chrome["redirect"] = get_relative_url(entry["redirect"], page.url)
    context["lmsctl"] = chrome
    return context
