"""MkDocs hooks of lmsctl (declared under ``hooks:`` in the generated ``mkdocs.yml``; not a
plugin). They read ``lmsctl-manifest.json`` written by ``lmsctl.targets.site.compile`` and:

- give lessons their stable URLs: ``courses/<id>/lessons/NN-name.md`` -> ``courses/<id>/name/``;
- when rendering in several processes, leave out the pages of the other shards;
- take lesson bodies as lmsctl rendered them (``lmsctl.content.markdown``: the same reading
  that validate and lint use) instead of Python-Markdown's, with the table of contents from
  their headings;
- sanitize every page whose content an author wrote (``lmsctl.core.html_policy.sanitize``) as
  the last step on that content (relative links of repository documents are pointed at the
  repository before it), clean the table of contents the theme builds from its headings the
  same way, then put the quizzes, which lmsctl renders itself, into the slots marked with the
  build's nonce (``html_policy.fill_slots``);
- pass the course's own lesson navigation and the lesson's header and footer to the theme
  override (``theme/main.html``) as ``lmsctl`` in the template context;
- let the theme override render the parts of course and lesson pages that do not depend on the
  page (tabs, footer, scripts, configuration) once per folder depth (``lmsctl_fragment``);
- collect every searchable page's search documents (``learner_search.page_docs``, with its
  course's title and its scope) and leave them in the build folder for ``render`` to write the
  index from;
- with the build cache (``extra.lmsctl.reuse``, ``build_cache``): render only the pages and
  copy only the files that changed (MkDocs' dirty build, each file told whether it changed),
  and leave the list of every output of the build for ``render`` to complete the site with.

``extra.lmsctl.fast: false`` in ``mkdocs.yml`` turns the fragments off (the output is the same;
the tests compare both).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
from html import escape, unescape
from pathlib import Path, PurePath
from typing import Any

from lmsctl.core.files import write_atomic
from lmsctl.core.html_policy import (
    fill_slots,
    normalize_url,
    safe_id,
    sanitize,
    text_only,
    url_scheme,
)
from lmsctl.core.ids import lesson_id
from lmsctl.targets.site import analytics_config, build_cache, learner_search, not_found

_STATE: dict[str, Any] = {"manifest": {"pages": {}, "courses": {}}, "shard": None, "mine": None,
                          "fragments": {}, "search": {}, "fast": True, "bodies": {},
                          "analytics": None}
_HREF = re.compile(r'(<a\s[^>]*?\bhref=")([^"]*)(")')
#: What package mode leaves out: the site's own pages and the search script.
_PACKAGE_SKIP = re.compile(r"^(?!courses/)[^/]+(/[^/]+)*\.md$|^(?!courses/).*\.xml$"
                           r"|.*\.map$|^assets/lmsctl/search\.js$")
#: Material's search engine, which no page loads (the site's search is lmsctl's own).
_MATERIAL_SEARCH = re.compile(r"^assets/javascripts/(lunr|workers)/")


def on_config(config: Any) -> Any:
    extra = config.extra.get("lmsctl") or {}
    folder = os.path.dirname(os.path.abspath(config.config_file_path))
    with open(os.path.join(folder, extra.get("manifest", "lmsctl-manifest.json")),
              encoding="utf-8") as f:
        _STATE["manifest"] = json.load(f)
    shard = extra.get("shard")
    shards = _STATE["manifest"].get("shards") or []
    _STATE["shard"] = shard
    _STATE["mine"] = set(shards[shard]) if shard is not None and shard < len(shards) else None
    _STATE["fragments"] = {}
    _STATE["search"] = {}
    _STATE["bodies"] = {}
    _STATE["fast"] = extra.get("fast", True) is not False
    _STATE["package"] = extra.get("package", False) is True
    _STATE["analytics"] = extra.get("analytics")
    _STATE["reuse"] = None
    _STATE["templates"] = extra.get("templates")
    _STATE["outputs"] = {}
    if extra.get("reuse"):
        with open(os.path.join(folder, extra["reuse"]), encoding="utf-8") as f:
            _STATE["reuse"] = json.load(f)
    if _STATE["templates"]:
        _keep_theme_listing(config.theme, _STATE["templates"])
    return config


#: The filter MkDocs lists the theme's files with (``Files.add_files_from_theme``).
_THEME_FILTER = "Files.add_files_from_theme.<locals>.filter"


def _keep_theme_listing(theme: Any, folder: str) -> None:
    """MkDocs lists the theme's static files on every build by walking and filtering every
    file of its folders (some 14,000, mostly Material's icons): with the build cache, that
    list is kept (``theme-files-<key>.json`` in ``folder``, checksummed), keyed by lmsctl's
    code and the libraries' versions (the theme's files are theirs), the theme's folders and
    their times, and what MkDocs filters out."""
    get_env = theme.get_env

    def env_keeping_listing() -> Any:
        env = get_env()
        list_templates = env.list_templates

        def listing(extensions: Any = None, filter_func: Any = None) -> list[str]:
            if extensions is not None or getattr(filter_func, "__qualname__", "") != \
                    _THEME_FILTER:
                return list(list_templates(extensions, filter_func))
            from mkdocs import utils

            stamps = []
            for d in theme.dirs:
                with contextlib.suppress(OSError):
                    stamps.append(f"{d} {os.stat(d).st_mtime_ns}")
            key = build_cache.canonical([build_cache.code_fingerprint(), stamps,
                                         sorted(theme.static_templates),
                                         sorted(utils.markdown_extensions)])
            path = os.path.join(folder, "theme-files-" + hashlib.sha256(
                key.encode("utf-8")).hexdigest()[:32] + ".json")
            found = _read_listing(path)
            if found is None:
                found = list(list_templates(extensions, filter_func))
                body = json.dumps(found).encode("utf-8")
                with contextlib.suppress(OSError):
                    os.makedirs(folder, exist_ok=True)
                    write_atomic(Path(path), hashlib.sha256(body).hexdigest().encode() + b"\n"
                                 + body)
                    for old in Path(folder).glob("theme-files-*.json"):  # another lmsctl's
                        if str(old) != path:
                            old.unlink(missing_ok=True)
            return found

        env.list_templates = listing
        return env

    theme.get_env = env_keeping_listing


def _read_listing(path: str) -> list[str] | None:
    """The theme's files ``_keep_theme_listing`` kept (None when missing or damaged)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    head, _, body = raw.partition(b"\n")
    if head != hashlib.sha256(body).hexdigest().encode():
        return None
    try:
        found = json.loads(body)
    except ValueError:
        return None
    return found if isinstance(found, list) and all(isinstance(x, str) for x in found) \
        else None


def _fragment(*key: Any, caller: Any) -> str:
    """``{% call lmsctl_fragment(name, base_url) %}...{% endcall %}``: the block's HTML,
    rendered once per key for the whole build."""
    fragments: dict[tuple[Any, ...], str] = _STATE["fragments"]
    found = fragments.get(key)
    if found is None:
        found = fragments[key] = str(caller())
    return found


def on_env(env: Any, config: Any, files: Any) -> Any:
    env.globals["lmsctl_fragment"] = _fragment if _STATE["fast"] else _no_cache
    if _STATE["templates"]:  # the build cache keeps compiled templates (keyed by their source)
        from lmsctl.targets.site.template_cache import TemplateCache

        env.bytecode_cache = TemplateCache(Path(_STATE["templates"]),
                                           build_cache.code_fingerprint())
    env.globals["lmsctl_fallback_config"] = analytics_config.config_script(
        analytics_config.fallback_config(config.site_url or "", _STATE["analytics"]))
    return env


def _no_cache(*key: Any, caller: Any) -> str:
    return str(caller())


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import InclusionLevel

    shard = _STATE["shard"]
    mine = _STATE["mine"]
    reuse = _STATE["reuse"]
    skip = set(reuse["skip"]) if reuse else set()
    outputs: dict[str, list[int] | None] = _STATE["outputs"]
    if reuse and (skip or reuse["skip_static"]):
        files = _with_skipped_pages(files, config, skip | set(reuse["skip_static"]))
        for src in skip:  # outputs of the build all the same (the cached site has them)
            outputs[build_cache.page_dest(src)] = None
        outputs.update(reuse["skip_static"])
    for file in files:
        if _MATERIAL_SEARCH.match(file.src_uri) or (
                _STATE.get("package") and _PACKAGE_SKIP.match(file.src_uri)):
            file.inclusion = InclusionLevel.EXCLUDED  # unused, or not in an exported course
            continue
        parts = _place(file, config)
        if file.inclusion.is_included():
            _record_output(file, reuse, skip, outputs)
        if shard is None or mine is None:
            continue
        in_course = len(parts) > 2 and parts[0] == "courses"
        if (in_course and parts[1] not in mine) or (not in_course and shard != 0):
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def _place(file: Any, config: Any) -> list[str]:
    """Give a lesson its stable URL (``courses/<id>/lessons/NN-name.md`` ->
    ``courses/<id>/name/``); returns the parts of its docs/ path."""
    parts: list[str] = file.src_uri.split("/")
    if (len(parts) == 4 and parts[0] == "courses" and parts[2] == "lessons"
            and parts[3].endswith(".md")):
        url = f"courses/{parts[1]}/{lesson_id(parts[3])}/"
        file.dest_uri = url + "index.html"
        file.url = url if config.use_directory_urls else file.dest_uri
        file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, file.dest_uri))
    return parts


def _with_skipped_pages(files: Any, config: Any, skip: set[str]) -> Any:
    """The pages and other files a reuse plan takes from the cache are not written into docs/
    (``compile``: a dirty build never reads them), and MkDocs does not see them either (no
    ``File`` or ``Page`` for each of thousands of pages, no sitemap entry: ``render`` takes
    those from the cached site). They are there only when looked up: a link to one of them (a
    repository document's), or the site navigation (``get_file_from_path``), which gets the
    ``File`` a walk of docs/ would have given, placed as ``on_files`` places it."""
    from mkdocs.structure.files import File, Files, InclusionLevel

    docs_dir = config.docs_dir

    class Skipped(Files):
        def __init__(self, found: Any) -> None:
            super().__init__(found)
            self.looked_up: dict[str, Any] = {}

        def get_file_from_path(self, path: str) -> Any:
            found = super().get_file_from_path(path)
            if found is not None:
                return found
            src = PurePath(path).as_posix()
            if src not in skip:
                return None
            file: Any = self.looked_up.get(src)
            if file is None:
                file = File(src, docs_dir, config.site_dir, config.use_directory_urls)
                _place(file, config)
                file.inclusion = InclusionLevel.INCLUDED
                file.is_modified = lambda: False
                self.looked_up[src] = file
            return file

    return Skipped([f for f in files if f.src_uri not in skip])


def _record_output(file: Any, reuse: dict[str, Any] | None, skip: set[str],
                   outputs: dict[str, list[int] | None]) -> None:
    """Note an output of the build (a copied file with the size and time of its source), and
    with a reuse plan tell MkDocs' dirty build whether it changed."""
    if file.is_documentation_page():
        outputs[file.dest_uri] = None
        if reuse is not None:
            changed = file.src_uri not in skip
            file.is_modified = lambda: changed
        return
    sig: list[int] | None = None
    if file.abs_src_path and not file.generated_by:
        st = os.stat(file.abs_src_path)
        sig = [st.st_size, st.st_mtime_ns]
    outputs[file.dest_uri] = sig
    if reuse is not None:
        static_changed = sig is None or reuse["static"].get(file.dest_uri) != sig
        file.is_modified = lambda: static_changed


def _repo_links(html: str, repo_base: str, source: str) -> str:
    """Relative links (``<a href>`` only; images stay local) of a repository document
    (CONTRIBUTING.md) point to the repository. URLs are read as browsers read them
    (``html_policy.normalize_url``); the sanitizer runs after this, on the result."""

    def fix(m: re.Match[str]) -> str:
        url = normalize_url(unescape(m.group(2)))
        if (not url or url.startswith(("#", "/", "\\")) or url_scheme(url) is not None):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
        if target.startswith(".."):
            return m.group(0)
        return m.group(1) + escape(repo_base + target, quote=True) + m.group(3)

    return _HREF.sub(fix, html)


def _clean_toc(items: Any) -> None:
    """The theme writes the table of contents from the headings' ids and titles itself, after
    this hook: they get the same policy as the content (ids as ``safe_id`` makes them)."""
    for item in items or []:
        item.id = safe_id(item.id)
        item.title = text_only(item.title)
        _clean_toc(item.children)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """A lesson's body is already HTML, and so are lmsctl's own pages (home, catalog, course
    pages...: HTML from its templates, ended as Python-Markdown ends a block of HTML, without
    its last line breaks): Python-Markdown gets nothing to do."""
    entry = _STATE["manifest"]["pages"].get(page.file.src_uri, {})
    if entry.get("html"):
        _STATE["bodies"][page.file.src_uri] = markdown if entry.get("kind") == "lesson" \
            else markdown.rstrip("\n")
        return ""
    return markdown


def _toc(items: list[list[Any]]) -> Any:
    """MkDocs' table of contents from [level, id, title HTML] rows, nested by level."""
    from mkdocs.structure.toc import get_toc

    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, ident, name in items:
        token = {"level": level, "id": ident, "name": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return get_toc(root)  # type: ignore[arg-type]


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    entry = _STATE["manifest"]["pages"].get(page.file.src_uri, {})
    nonce = entry.get("nonce") or _STATE["manifest"].get("nonce", "")
    if entry.get("html"):
        html = _STATE["bodies"].pop(page.file.src_uri, html)
        page.toc = _toc(entry.get("toc") or [])
    if not entry.get("trusted"):
        if entry.get("repo_base"):
            html = _repo_links(html, entry["repo_base"], entry.get("source", ""))
        html = sanitize(html)
        _clean_toc(getattr(page, "toc", None))
    widgets = entry.get("quizzes") or []
    search = page.meta.get("search") or {}
    if not search.get("exclude"):
        title = page.meta.get("title") or page.title or ""
        content = fill_slots(html, nonce, [])[0]  # quizzes are left out of search
        course = _STATE["manifest"]["courses"].get(entry.get("course"), {})
        _STATE["search"][page.file.src_uri] = learner_search.page_docs(
            content, page.url, str(title), course.get("title", ""),
            learner_search.scope_of(page.file.src_uri))
    if entry.get("kind") == "lesson":
        html, filled = fill_slots(html, nonce, widgets)
        if filled != len(widgets) or (nonce and nonce in html):
            refuse(f"{page.file.src_uri}: a quiz is inside an HTML block or comment, so it "
                   "would count toward progress but not be shown")
    return html


def refuse(message: str) -> None:
    """Stop the build for a page that breaks the output policy (reported as a build error
    with the page; ``render.render_shard``)."""
    from mkdocs.exceptions import PluginError

    raise PluginError("lmsctl policy: " + message)


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    if _STATE.get("package"):
        page.previous_page = page.next_page = None  # a package holds one course: none leads out
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
    if entry.get("lang"):
        chrome["lang"] = entry["lang"]
    if kind in ("lesson", "course") and not page.previous_page and not page.next_page:
        chrome["cache"] = kind
    if entry.get("redirect"):
        from mkdocs.utils import get_relative_url

        chrome["redirect"] = get_relative_url(entry["redirect"], page.url)
    chrome["config"] = analytics_config.page_config_script(
        entry, page.url, manifest.get("config"), _STATE["analytics"])
    context["lmsctl"] = chrome
    return context


def on_post_template(output: str, template_name: str, config: Any) -> str:
    """The 404 page works wherever the site is served (``lmsctl.targets.site.not_found``)."""
    if template_name != "404.html":
        return output
    return not_found.portable(output, not_found.site_prefix(config.site_url))


def on_post_build(config: Any) -> None:
    """Leave the search documents of the pages this process rendered for ``render``."""
    if _STATE.get("package"):
        return
    folder = os.path.dirname(os.path.abspath(config.config_file_path))
    learner_search.save_docs(folder, _STATE["shard"], _STATE["search"])
    if _STATE["shard"] in (None, 0):
        with open(os.path.join(folder, build_cache.OUTPUTS_FILE.format(shard=0)), "w",
                  encoding="utf-8") as f:
            f.write(json.dumps(_STATE["outputs"], separators=(",", ":")))  # C: not json.dump
        if _STATE["reuse"]:
            with open(os.path.join(folder, build_cache.SITEMAP_FILE), "w",
                      encoding="utf-8") as f:
                json.dump(_sitemap_changes(config, _STATE["reuse"]["gone"]), f)


def _sitemap_changes(config: Any, gone: list[str]) -> dict[str, Any]:
    """What ``render`` needs to take the sitemap entries of the pages not rendered from the
    cached site: the date of this build's entries (every page's ``update_date``) and the
    locations of the pages it no longer has (as the sitemap template writes them)."""
    from urllib.parse import urljoin

    from markupsafe import escape
    from mkdocs.utils import get_build_date

    base = config.site_url or ""
    if base and not base.endswith("/"):
        base += "/"
    drop = []
    for dest in gone if base else []:  # without a site URL, pages have no entry
        url = dest[:-len("index.html")] if dest.endswith("index.html") else dest
        drop.append(str(escape(urljoin(base, url))))
    return {"date": get_build_date(), "drop": drop}
