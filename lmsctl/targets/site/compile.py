"""compile: the model becomes an MkDocs project in a private build folder.

The folder holds ``docs/`` (one Markdown file per page, course assets), ``mkdocs.yml`` (written
with ``yaml.safe_dump``) and ``lmsctl-manifest.json``: what the render hooks
(``lmsctl/targets/site/mkdocs_hooks.py``) need per page (quiz HTML, lesson navigation, feedback
links) and the split of courses into render shards. ``mkdocs build -f <folder>/mkdocs.yml``
renders the same site as ``lmsctl build``, on one core.

Lessons keep their repository path in ``docs/`` (``courses/<id>/lessons/NN-name.md``) and the
hooks give them their stable URL (``courses/<id>/<lesson-id>/``), so the relative links authors
write between lessons and to ``../assets/`` resolve exactly as they do in the repository.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gettext
import json
import os
import posixpath
import re
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import yaml

from lmsctl.checks.references import is_local, published_files
from lmsctl.checks.validate import course_digest, document_urls, link_urls, question_keys
from lmsctl.content.community import updates
from lmsctl.content.freshness import freshness, parse_date
from lmsctl.content.markdown import render as render_markdown
from lmsctl.core import background
from lmsctl.core.cache import digest
from lmsctl.core.collector import few_collections
from lmsctl.core.diagnostics import Diagnostic, Severity
from lmsctl.core.history import History
from lmsctl.core.html_policy import slot
from lmsctl.core.ids import lesson_id
from lmsctl.core.model import Course, LearningPath, Lesson, Repository
from lmsctl.core.spine import diag
from lmsctl.targets.site import analytics_config, build_cache, feedback, i18n, pages, urls
from lmsctl.targets.site import community_pages as community
from lmsctl.targets.site.i18n import _, render
from lmsctl.targets.site.pages import CourseFacts
from lmsctl.targets.site.quiz_html import quiz_html

PACKAGE_DIR = Path(__file__).resolve().parent
THEME_DIR = PACKAGE_DIR / "theme"
HOOKS_FILE = PACKAGE_DIR / "mkdocs_hooks.py"
#: The learner-side runtime: ES module sources in ``lmsctl/runtime/`` (its README.md says what
#: each module does), bundled into classic scripts in ``lmsctl/runtime/bundle/``
#: (``scripts/bundle-runtime.mjs``, ``make runtime-bundle``). The site ships the bundles at
#: ``assets/lmsctl/runtime/`` and every page loads ``lmsctl.js`` with ``<script defer>``: classic
#: scripts work from a folder opened with ``file://`` too, where browsers refuse modules.
RUNTIME_DIR = PACKAGE_DIR.parent.parent / "runtime"
RUNTIME_URL = "assets/lmsctl/runtime/"
RUNTIME_SCRIPT = "lmsctl.js"
MANIFEST = "lmsctl-manifest.json"
CONFIG = "mkdocs.yml"
DOCS = "docs"
#: Python-Markdown extensions that ship with MkDocs and pymdown-extensions (not plugins).
MARKDOWN_EXTENSIONS: list[Any] = [
    "admonition",
    {"tables": {"use_align_attribute": True}},
    "footnotes",
    "attr_list",
    {"toc": {"permalink": True, "permalink_title": "Link to this section"}},
    {"pymdownx.highlight": {"anchor_linenums": False}},
    "pymdownx.superfences",
    {"pymdownx.tabbed": {"alternate_style": True}},
    "pymdownx.details",
]
SITE_LANGUAGE = "en"
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Options:
    drafts: bool = False
    course: str | None = None  # preview: this course and what it links to
    today: dt.date = field(default_factory=dt.date.today)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    shards: int = 1
    #: The message catalog of the pages (None: English, the source language).
    translations: gettext.NullTranslations | None = None
    #: Package mode (SCORM/xAPI exports, lmsctl.targets.scorm): the courses' own pages, with
    #: no site-wide navigation or search, and file URLs (``.../index.html``) that work in a zip.
    package: bool = False


@dataclass
class Selection:
    """What this build publishes."""

    built: list[Course]  # every course with pages
    listed: list[Course]  # in the catalog, on home and skills (built minus archived)
    paths: list[LearningPath]  # path pages
    listed_paths: list[LearningPath]  # on home and the paths page
    preview: Course | None = None

    @property
    def built_ids(self) -> set[str]:
        return {c.id for c in self.built}


@dataclass
class Compiled:
    folder: Path
    config_file: Path
    docs_dir: Path
    pages: int
    shards: list[list[str]]
    #: problems found while writing lesson pages (links to pages this build leaves out)
    warnings: list[Diagnostic] = field(default_factory=list)
    #: with a build cache: each page's digest (docs/ path -> hash of all its own inputs) and
    #: the key of the inputs every page shares (mkdocs.yml without the shard plan, the code)
    digests: dict[str, str] = field(default_factory=dict)
    render_key: str = ""
    #: mkdocs.yml's text as compile wrote it, and its settings: while the file still holds
    #: that text, the render gives MkDocs the settings as they are, without parsing the file
    #: again (PyYAML, in Python: 0.04 s per render, issue 14)
    written_config: tuple[str, dict[str, Any]] | None = None
    #: with a build cache: every other file of docs/ (path -> digest of its content or of the
    #: file it links), and the writer holding the docs/ files until ``write_docs``
    statics: dict[str, str] = field(default_factory=dict)
    writer: DocsWriter | None = None
    #: with a build cache: the manifest, written by ``write_docs``
    manifest: dict[str, Any] | None = None
    #: courses compiled by a second process (``_Halves``)
    forked: int = 0

    def write_docs(self, skip: set[str] | frozenset[str] = frozenset()) -> None:
        """Write the docs/ files a build cache held back (once; a no-op otherwise), but for
        the pages in ``skip`` (docs/ paths), which the render takes from the cache: MkDocs
        only needs to know they exist (``mkdocs_hooks.on_files``); and the manifest, with
        the entries of the pages rendered and the members of their courses only (the hooks
        read no other: issue 14)."""
        if self.writer is not None:
            self.writer.flush(skip)
            self.writer = None
        manifest, self.manifest = self.manifest, None
        if manifest is not None:
            used: set[Any] = set()
            if skip:
                pages = {doc: e for doc, e in manifest["pages"].items() if doc not in skip}
                used = {e.get("course") for e in pages.values()}
                manifest = {**manifest, "pages": pages}
            # a kept course's member is read now (``build_cache.LaterMember``)
            manifest = {**manifest, "courses": {
                cid: build_cache.member(m) for cid, m in manifest["courses"].items()
                if not skip or cid in used}}
            write_manifest(self.folder, manifest)


@dataclass(frozen=True)
class Known:
    """What a build knows of its courses without their text (``checks.validate.Facts``)."""

    #: the courses that are stand-ins: no text, but what compiling other courses and the
    #: site's pages reads of them (titles, durations, questions, links, versions, digest)
    standing: frozenset[str]
    #: the course a stand-in stands for, read from its files
    read: Callable[[Course], Course]


def linked_course_ids(course: Course) -> list[str]:
    """Courses a course links to: prerequisites, then courses its lessons link to."""
    found: dict[str, None] = dict.fromkeys(course.prerequisites)
    for lesson in course.lessons:
        base = posixpath.dirname(lesson.rel)
        for link in lesson.links:
            if not is_local(link.url):
                continue
            target = posixpath.normpath(posixpath.join(base, unquote(urlsplit(link.url).path)))
            parts = target.split("/")
            if len(parts) >= 2 and parts[0] == "courses" and parts[1] != course.id:
                found[parts[1]] = None
    return list(found)


def select(repo: Repository, drafts: bool, preview: str | None = None) -> Selection:
    statuses = {"published", "archived"} | ({"draft"} if drafts else set())
    built = [c for c in repo.courses if c.status in statuses]
    target: Course | None = None
    if preview is not None:
        target = repo.course(preview)
        assert target is not None, "the preview course is checked before compiling"
        wanted = [target.id, *linked_course_ids(target)]
        built = [c for cid in dict.fromkeys(wanted) if (c := repo.course(cid)) is not None
                 and (c is target or c.status in statuses)]
    built.sort(key=lambda c: (c.title.lower(), c.id))
    listed = [c for c in built if c.status != "archived"]
    path_statuses = {"published", "archived"} | ({"draft"} if drafts else set())
    paths = [p for p in repo.paths if p.status in path_statuses]
    if target is not None:
        paths = [p for p in paths if any(m.id == target.id for m in p.courses)]
    listed_paths = [p for p in paths if p.status != "archived"]
    return Selection(built, listed, paths, listed_paths, target)


def course_facts(repo: Repository, course: Course, history: History,
                 today: dt.date) -> CourseFacts:
    ch = history.course(course.id)
    return CourseFacts(
        last_change=ch.last_change,
        created=ch.created,
        reviewed=parse_date(course.reviewed),
        contributors=tuple(ch.contributors[:12]),
        reviewers=tuple(p for p in ch.reviewers if not p.is_bot)[:12],
        freshness=freshness(course, repo.config, ch, today),
    )


class LazyFacts(Mapping[str, CourseFacts]):
    """``course_facts`` of each course built, made when first read: a rebuild whose course
    keys find them in the cache (``CourseKeys.facts``) makes only those of the pages it
    compiles (issue 14)."""

    def __init__(self, repo: Repository, courses: list[Course], history: History,
                 today: dt.date) -> None:
        self.repo = repo
        self.courses = {c.id: c for c in courses}
        self.history = history
        self.today = today
        self._made: dict[str, CourseFacts] = {}

    def __getitem__(self, course_id: str) -> CourseFacts:
        found = self._made.get(course_id)
        if found is None:
            found = self._made[course_id] = course_facts(
                self.repo, self.courses[course_id], self.history, self.today)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.courses)

    def __len__(self) -> int:
        return len(self.courses)


def _front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter for MkDocs, written as JSON (which is YAML) on one line: 20 times
    faster than ``yaml.safe_dump`` and just as safe (no tags, every string quoted)."""
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n"


def title_meta(text: str) -> str:
    """Titles go into MkDocs' templates unescaped (its Jinja has no autoescape)."""
    return escape(text, quote=True)


class LessonPages:
    """The site URL of every lesson file this build publishes."""

    def __init__(self, courses: list[Course]) -> None:
        self.urls = {lesson.rel: urls.lesson_url(c.id, lesson.id) for c in courses
                     for lesson in c.lessons}

    def rewriter(self, course: Course, lesson: Lesson) -> Callable[[str], str]:
        """Links to lesson files become links to their pages (relative to this page)."""
        page = urls.lesson_url(course.id, lesson.id)
        folder = posixpath.dirname(lesson.rel)

        def rewrite(url: str) -> str:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
                return url
            target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
            to = self.urls.get(target)
            if to is None:
                return url
            return urlunsplit(("", "", urls.relative(to, page), parts.query, parts.fragment))

        return rewrite

    def warnings(self, lesson: Lesson) -> list[Diagnostic]:
        """Links to lesson files this build does not publish (LMS212), at their place."""
        out: list[Diagnostic] = []
        folder = posixpath.dirname(lesson.rel)
        for link in lesson.document.links:
            parts = urlsplit(link.url)
            if (link.image or (link.ref is not None and not link.definition) or parts.scheme
                    or parts.netloc or not parts.path.endswith(".md")
                    or parts.path.startswith("/")):
                continue
            target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
            if target not in self.urls:
                out.append(diag("LMS212", lesson.rel, link.line, link.column,
                                f"link '{link.url}' does not lead to a page of the site: "
                                f"{target} is not published in this build"))
        return out


def lesson_markdown(lesson: Lesson, rewrite: Callable[[str], str] | None = None,
                    nonce: str = "") -> tuple[str, list[list[Any]]]:
    """The lesson's page source for MkDocs: front matter, then the body as HTML rendered by the
    one Markdown reader (each ```quiz block a slot the hooks fill after sanitizing, marked with
    the build's ``nonce``, which authors cannot know: ``html_policy.slot``), and the page's
    table of contents as [level, id, title HTML]."""
    body, toc = render_markdown(lesson.body, rewrite,
                                (lambda n: slot(nonce, n)) if nonce else None)
    meta: dict[str, Any] = {"title": title_meta(lesson.title)}
    if lesson.description:
        meta["description"] = title_meta(lesson.description)
    return (_front_matter(meta) + body,
            [[level, ident, escape(text, quote=False)] for level, ident, text in toc])


def _link_or_copy(src: Path, dest: Path) -> None:
    """``src`` (an author's asset, a file of lmsctl) at ``dest`` in the temporary docs tree: a
    symlink (MkDocs copies what it leads to), not a hard link, which would give the author's
    file a new change time (so the next build's stamp would never match); a copy where
    symlinks cannot be made."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(2):
        try:
            os.symlink(os.path.abspath(src), dest)
            return
        except FileExistsError:  # made by a forked process that failed (``_Halves``)
            dest.unlink()
        except OSError:
            break
    shutil.copyfile(src, dest)


def real_folder(path: str, parents: dict[str, str]) -> str:
    """``os.path.realpath(path)``, with the real path of each parent folder kept in
    ``parents``: a course folder that is not a symlink costs one ``lstat``, not one per part
    of its path (this runs for every course on every build, issue 14)."""
    if os.path.islink(path):
        return os.path.realpath(path)
    parent, name = os.path.split(path)
    real = parents.get(parent)
    if real is None:
        real = parents[parent] = os.path.realpath(parent)
    return os.path.join(real, name)


def copy_assets(repo: Repository, course: Course, writer: DocsWriter,
                parents: dict[str, str] | None = None) -> None:
    """``assets/`` of the course, plus any other file of the course folder its lessons link
    to (downloads), into the docs tree at the same place (``published_files``). With strings,
    not Paths: this runs for every course on every build (issue 14). ``parents``: the real
    paths of course folders' parents known so far (``real_folder``)."""
    files = published_files(repo, course)
    if not files:
        return
    course_dir = real_folder(os.path.join(repo.root, course.rel_dir),
                             {} if parents is None else parents) + os.sep
    into = course.rel_dir + "/"
    for real, rel in files:
        writer.link_file(course_dir + real, into + rel.replace(os.sep, "/"))


def is_xapi_file(rel: Path) -> bool:
    """A shipped runtime file (relative to ``RUNTIME_URL``) of the xAPI recorder: its bundle
    (``lmsctl-xapi.js``) and the licence and version of the library it vendors."""
    return rel.name.endswith("xapi.js") or "xapi" in rel.parts[:-1]


def runtime_files(xapi: bool) -> dict[Path, Path]:
    """The runtime's files a page may load: path under ``RUNTIME_URL`` -> the file in the
    package. The bundles (``lmsctl/runtime/bundle/*.js``) and the licence and version of what
    they vendor. The xAPI recorder's only when the site sends learning records (``xapi``):
    otherwise the site has no code that could send a statement."""
    bundles = RUNTIME_DIR / "bundle"
    found = {Path(p.name): p for p in bundles.glob("*.js")}
    vendor = RUNTIME_DIR / "vendor"
    found.update({p.relative_to(RUNTIME_DIR): p for p in vendor.rglob("*")
                  if p.name in ("LICENSE", "VERSION")})
    return {rel: found[rel] for rel in sorted(found) if xapi or not is_xapi_file(rel)}


def copy_runtime(dest: Path, xapi: bool,
                 place: Callable[[Path, Path], None] = _link_or_copy) -> None:
    """Copy the runtime into ``dest`` (the site's ``assets/lmsctl/runtime/``)."""
    for rel, src in runtime_files(xapi).items():
        place(src, dest / rel)


def plan_shards(courses: list[Course], shards: int) -> list[list[str]]:
    """Split courses over render processes, balancing lesson pages (greedy, largest first)."""
    shards = max(1, min(shards, len(courses) or 1))
    loads = [0] * shards
    plan: list[list[str]] = [[] for _ in range(shards)]
    for course in sorted(courses, key=lambda c: (-len(c.lessons), c.id)):
        k = loads.index(min(loads))
        plan[k].append(course.id)
        loads[k] += len(course.lessons) + 1
    return [sorted(p) for p in plan]


def search_texts(extra_nav: list[dict[str, str]]) -> dict[str, Any]:
    """What the site's search (``theme/partials/lmsctl-search.html``, ``search.js``) says, in
    the site's language, and whether it offers the author guide's scope."""
    return {
        "authors": any(v.startswith("contributing/") for item in extra_nav
                       for v in item.values()),
        "open": _("Search"), "label": _("Search"), "placeholder": _("Search the courses"),
        "scope": _("Search in"), "learn": _("Courses"), "guide": _("Author guide"),
        "close": _("Close"), "loading": _("Searching…"), "none": _("No results"),
        "more": _("More results"),
        "one": _("1 result"), "other": _("%(count)s results", count="{count}"),
        "failed": _("Search is not available right now."), "course": _("Course: %(title)s",
                                                                        title="{title}"),
    }


def mkdocs_config(repo: Repository, selection: Selection, extra_nav: list[dict[str, str]],
                  package: bool = False) -> dict[str, Any]:
    """mkdocs.yml (the shard plan is in the manifest: MkDocs parses this file with PyYAML on
    every render, where 1,000 course ids took a quarter of a second, issue 14)."""
    config = repo.config
    nav: list[dict[str, str]] = [{_("Home"): "index.md"}, {_("Catalog"): "catalog.md"}]
    if selection.paths:
        nav.append({_("Paths"): "paths/index.md"})
    nav.append({_("Skills"): "skills.md"})
    nav += extra_nav
    theme: dict[str, Any] = {
        "name": "material",
        "custom_dir": str(THEME_DIR),
        "font": False,
        "language": SITE_LANGUAGE,
        "features": ["navigation.tabs", "navigation.top", "content.code.copy",
                     "content.tabs.link"],
        "palette": [
            {"media": "(prefers-color-scheme: light)", "scheme": "default",
             "primary": "indigo", "accent": "indigo",
             "toggle": {"icon": "material/brightness-7", "name": _("Switch to dark mode")}},
            {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
             "primary": "indigo", "accent": "indigo",
             "toggle": {"icon": "material/brightness-4", "name": _("Switch to light mode")}},
        ],
    }
    result: dict[str, Any] = {
        "site_name": title_meta(config.site_title),
        "docs_dir": DOCS,
        "use_directory_urls": True,
        "theme": theme,
        "plugins": [],  # search is lmsctl's (learner_search, theme/partials/header.html)
        "hooks": [str(HOOKS_FILE)],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "extra_css": ["assets/lmsctl/lmsctl.css"],
        "extra_javascript": [{"path": RUNTIME_URL + RUNTIME_SCRIPT, "defer": True}],
        "extra": {"generator": False, "lmsctl": {"manifest": MANIFEST,
                                                 "search": search_texts(extra_nav),
                                                 **analytics_config.mkdocs_extra(config)}},
        "nav": nav,
        "validation": {
            "nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "info"},
            "links": {"not_found": "warn", "anchors": "info", "absolute_links": "info",
                      "unrecognized_links": "info"},
        },
    }
    if package:
        _package_config(result, selection)
        return result
    if config.site_url:
        result["site_url"] = config.site_url
    if config.site_description:
        result["site_description"] = title_meta(config.site_description)
    return result


class DocsWriter:
    """Writes Markdown pages into ``docs/`` and remembers their per-page manifest entries."""

    def __init__(self, docs: Path, track: bool = False) -> None:
        self.docs = docs
        #: each page's manifest entry: a dict, or a ``RawEntry`` (a cached course's)
        self.pages: dict[str, Any] = {}
        self._folders: set[Path] = set()
        #: with ``track`` (a build cache): each page's digest, and what was written since
        #: ``log`` was last set to a list (one course's pages, for the cache)
        self.track = track
        self.digests: dict[str, str] = {}
        self.log: list[list[Any]] | None = None
        #: with ``track``, files are held back until ``flush`` (a build that finds nothing
        #: changed writes none), with a digest of every file that is not a page; but the pages
        #: of a course compiled now (``log`` set) are written at once: such a build renders
        #: anyway, and a cold build does not hold the whole site's Markdown (issue 14)
        self.statics: dict[str, str] = {}
        #: (docs/ path, its text or the file it links)
        self.pending_files: list[tuple[str, str | Path]] = []
        #: the pages of repository documents (kind "document": ``_page_digests``)
        self.documents: list[str] = []

    def write(self, doc: str, text: str, entry: dict[str, Any] | None = None,
              page_digest: str | None = None) -> None:
        if self.track and self.log is None:
            self.pending_files.append((doc, text))
        else:
            self._write(self.docs / doc, text)
        if entry is not None:
            self.pages[doc] = entry
            if isinstance(entry, dict) and entry.get("kind") == "document":
                self.documents.append(doc)
            if self.track:
                self.digests[doc] = page_digest or digest(
                    doc, text, build_cache.canonical(entry))
        elif self.track:
            self.statics[doc] = digest(text)
        if self.log is not None:
            self.log.append([doc, text, entry])

    def link(self, src: Path, dest: Path) -> None:
        """A file of the repository or of lmsctl, into docs/ (held back with ``track``)."""
        self.link_file(str(src), dest.relative_to(self.docs).as_posix())

    def link_file(self, src: str, doc: str) -> None:
        """``link`` of ``src`` to ``doc`` (a path of docs/ with "/"), without Paths."""
        if not self.track:
            _link_or_copy(Path(src), self.docs / doc)
            return
        st = os.stat(src)
        self.statics[doc] = f"{st.st_size} {st.st_mtime_ns} {st.st_ino} {st.st_dev}"
        self.pending_files.append((doc, Path(src)))

    def _write(self, path: Path, text: str) -> None:
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        path.write_text(text, encoding="utf-8")

    def flush(self, skip: set[str] | frozenset[str] = frozenset()) -> None:
        for doc, what in self.pending_files:
            if doc in skip:
                continue
            if isinstance(what, Path):
                _link_or_copy(what, self.docs / doc)
            else:  # a kept course's text is read now (``build_cache.LaterText``)
                self._write(self.docs / doc, str(what))
        self.pending_files = []

    def page(self, doc: str, title: str, body_html: str, *, trusted: bool = True,
             hide: tuple[str, ...] = ("toc", "navigation"), extra: dict[str, Any] | None = None,
             description: str = "", search: bool = True) -> None:
        meta: dict[str, Any] = {"title": title_meta(title)}
        if description:
            meta["description"] = title_meta(description)
        if hide:
            meta["hide"] = list(hide)
        if not search:
            meta["search"] = {"exclude": True}  # a listing of what search finds anyway
        # HTML from lmsctl's templates: no Markdown to convert (``mkdocs_hooks``: Python-Markdown
        # parsed the catalog's 1,000 cards tag by tag, issue 14)
        entry: dict[str, Any] = {"trusted": trusted, "html": True, **(extra or {})}
        self.write(doc, _front_matter(meta) + "\n" + body_html + "\n", entry)


def compile_site(repo: Repository, selection: Selection, folder: Path, options: Options,
                 history: History, cache: build_cache.BuildCache | None = None,
                 known: Known | None = None) -> Compiled:
    """Write the MkDocs project for ``selection`` into ``folder`` (which must be empty).
    With ``cache``, courses whose inputs did not change are taken from it; ``known`` says
    which courses are stand-ins (read only when their pages are not in the cache). The
    garbage collector walks only what compiling makes, seldom (``few_collections``: a full
    collection of the repository's objects cost a rebuild 0.05 s each, issue 14)."""
    with (few_collections(), i18n.translations(options.translations),
          i18n.display_names(pages.people_names(repo.config, history))):
        return _compile_site(repo, selection, folder, options, history, cache, known)


#: What a course's own fields show to other pages (all but its lessons: ``shown``).
_SHOWN_FIELDS = tuple(f.name for f in dataclasses.fields(Course)
                      if f.repr and f.name != "lessons")


def shown(course: Course) -> str:
    """What pages other than a course's own read of it: its fields but its lessons', and of each
    lesson its names, duration and question keys, not its text (the catalog's card, the home,
    skills and path pages, the course pages of its dependants and path companions). A lesson
    body edit that keeps the duration leaves it unchanged (issue 14). A hash: every key of a
    course's dependants and path companions holds it."""
    return digest(repr((tuple(getattr(course, name) for name in _SHOWN_FIELDS),
                        [(x.id, x.file_name, x.rel, x.title, x.description, x.duration_set,
                          x.duration, question_keys(x)) for x in course.lessons])))


class CourseKeys:
    """The cache key of each course's compiled pages: a hash of everything compiling a
    course reads (the course, its history facts, what it shows of its prerequisites and of the
    other courses of the paths holding it (``shown``), which of the lesson files it links to
    this build publishes, and what every course shares: lmsctl's code, lmsctl.yml, the
    options, the translations)."""

    def __init__(self, ctx: pages.SiteContext, lesson_pages: LessonPages, options: Options,
                 shared: str, kept_shown: dict[str, str] | None = None,
                 found_shown: dict[str, str] | None = None,
                 kept_facts: dict[str, str] | None = None,
                 found_facts: dict[str, str] | None = None) -> None:
        self.ctx = ctx
        self.lesson_pages = lesson_pages
        self.shared = shared
        self._shown: dict[str, str] = {}
        #: ``course_digest`` by course id: ``shown`` and ``key`` both read it (one per course)
        self._digests: dict[str, str] = {}
        #: ``shown`` by ``course_digest`` (which says all it reads): as the last build found
        #: it (``BuildCache.shown_kept``), and as this one does, for the next
        #: (``BuildCache.shown_found``): an unchanged course's is a look-up (issue 14)
        self.kept_shown = kept_shown if kept_shown is not None else {}
        self.found_shown = found_shown if found_shown is not None else {}
        #: what the history says of each course (a hash of its ``course_facts``) by its
        #: ``course_digest``, the same way (``BuildCache.facts_kept``, ``facts_found``): kept
        #: under the key of all else they read (the history, the day, lmsctl.yml, the code)
        self.kept_facts = kept_facts if kept_facts is not None else {}
        self.found_facts = found_facts if found_facts is not None else {}
        self._facts: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        #: course id -> the paths holding it, in order
        self._holding: dict[str, list[LearningPath]] = {}
        for p in ctx.paths:
            for cid in dict.fromkeys(m.id for m in p.courses):
                self._holding.setdefault(cid, []).append(p)

    def shown(self, course: Course) -> str:
        found = self._shown.get(course.id)
        if found is None:
            known = self.course_digest(course)
            found = self.kept_shown.get(known)
            if not isinstance(found, str):
                found = shown(course)
            self._shown[course.id] = self.found_shown[known] = found
        return found

    def facts(self, course: Course) -> str:
        """What the history says of a course built (``course_facts``), as a hash of its
        repr."""
        found = self._facts.get(course.id)
        if found is None:
            known = self.course_digest(course)
            found = self.kept_facts.get(known)
            if not isinstance(found, str):
                found = digest(repr(self.ctx.facts[course.id]))
            self._facts[course.id] = self.found_facts[known] = found
        return found

    def course_digest(self, course: Course) -> str:
        found = self._digests.get(course.id)
        if found is None:
            found = self._digests[course.id] = course_digest(course)
        return found

    def key(self, course: Course) -> str:
        """The key of ``course`` (made once: ``_Halves`` asks for every course before it is
        compiled)."""
        found = self._keys.get(course.id)
        if found is None:
            found = self._keys[course.id] = self._key(course)
        return found

    def _key(self, course: Course) -> str:
        ctx = self.ctx
        prereqs = []
        for pre in course.prerequisites:
            built, other = ctx.built(pre), ctx.repo.course(pre)
            prereqs.append([pre, self.shown(built) if built is not None else None,
                            other.title if other is not None else None])
        targets: list[str] = []
        for lesson in course.lessons:
            for url in [*link_urls(lesson), *document_urls(lesson)]:
                if ".md" not in url and "%" not in url:
                    continue  # its path cannot end with .md
                part = unquote(urlsplit(url).path)
                if part.endswith(".md"):
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(lesson.rel),
                                                               part))
                    targets.append(f"{target} {target in self.lesson_pages.urls}")
        paths: list[str] = []  # with what the course page shows of each path's courses
        for p in self._holding.get(course.id, ()):
            members = [(m.id, self.shown(b) if (b := ctx.built(m.id)) is not None
                        else None) for m in p.courses]
            paths.append(repr(p) + repr(members))
        return digest(self.shared, self.course_digest(course),
                                  self.facts(course), repr(prereqs),
                                  repr(sorted(set(targets))), repr(paths))

    def site_key(self, selection: Selection) -> str:
        """The key of the site's own pages (home, catalog, skills, certificate, courses index,
        paths): what they show of every course built, with its history facts, and the paths."""
        return digest("site pages", self.shared, repr(selection.paths),
                      repr(selection.listed_paths), repr([c.id for c in selection.listed]),
                      *(self.shown(c) + self.facts(c) for c in selection.built))


def _compile_site(repo: Repository, selection: Selection, folder: Path, options: Options,
                  history: History, cache: build_cache.BuildCache | None,
                  known: Known | None = None) -> Compiled:
    docs = folder / DOCS
    docs.mkdir(parents=True)
    writer = DocsWriter(docs, track=cache is not None)
    config = repo.config
    facts = LazyFacts(repo, selection.built, history, options.today)
    ctx = pages.SiteContext(repo=repo, selection_built=selection.built_ids,
                            listed=selection.listed, paths=selection.paths,
                            listed_paths=selection.listed_paths, facts=facts,
                            drafts=options.drafts, preview=selection.preview,
                            request_url=feedback.request_course_url(config),
                            certificates=not options.package)
    manifest_courses: dict[str, Any] = {}
    lesson_pages = LessonPages(selection.built)
    warnings: list[Diagnostic] = []
    # marks lmsctl's widget slots: random per build, or with a cache per course (from a secret
    # in the cache and the course's inputs), so an unchanged course compiles the same
    nonce = "lmsctl" + secrets.token_hex(16) if cache is None else cache.nonce("site")
    keys: CourseKeys | None = None
    if cache is not None:
        config_key = repr(config)
        keys = CourseKeys(ctx, lesson_pages, options, digest(
            build_cache.code_fingerprint(),
            build_cache.translations_fingerprint(options.translations), config_key,
            repr((options.drafts, options.course, options.package)), repr(bool(ctx.paths)),
            repr(sorted(pages.people_names(config, history).items())),
            selection.preview.id if selection.preview else ""),
            cache.shown_kept, cache.shown_found, *_kept_facts(cache, history, options, config_key))

    html = _site_pages(ctx, selection, cache, keys)
    writer.page("index.md", config.site_title, html["index.md"], hide=("toc", "navigation"),
                description=config.site_description, search=False)
    writer.page("catalog.md", _("Catalog"), html["catalog.md"], search=False,
                description=_("Every course, with filters by skill, level, role and duration."))
    writer.page("skills.md", _("Skills"), html["skills.md"])
    if ctx.certificates:
        writer.page("certificate.md", _("Certificate"), html["certificate.md"],
                    search=False, description=_("Your certificate of completion."))
    writer.page("courses/index.md", _("Courses"), html["courses/index.md"], search=False,
                extra={"redirect": urls.CATALOG})
    if selection.paths:
        writer.page("paths/index.md", _("Learning paths"), html["paths/index.md"])
    for path in selection.paths:
        writer.page(urls.path_doc(path.id), path.title, html[urls.path_doc(path.id)],
                    description=path.summary)

    runtime_facts = analytics_config.manifest_facts(selection.built, selection.paths,
                                                    SITE_LANGUAGE)
    parents: dict[str, str] = {}  # ``real_folder``

    def one(course: Course, into: DocsWriter, members: dict[str, Any]) -> list[Diagnostic]:
        if cache is None or keys is None:
            members[course.id], more = _compile_course(ctx, course, into, lesson_pages, nonce)
        else:
            more = _cached_course(cache, keys.key(course), ctx, course, into, lesson_pages,
                                  members, runtime_facts, known)
        copy_assets(repo, course, into, parents)
        return more

    with _Halves(selection.built, one, writer, folder, cache, keys) as halves:
        for course in selection.built:
            done = halves.done(course.id)
            if done is not None:
                warnings += done.apply(writer, manifest_courses, cache)
            else:
                warnings += one(course, writer, manifest_courses)
        forked = halves.forked

    copy_runtime(docs / RUNTIME_URL, xapi=config.analytics.recording, place=writer.link)
    extra_nav = _community_pages(repo, writer, options, history, selection,
                                 cache, keys.shared if keys is not None else "")
    extra_nav += _contributing_pages(repo, writer)

    shards = plan_shards(selection.built, options.shards)
    manifest = {"version": 1, "pages": writer.pages, "courses": manifest_courses,
                "shards": shards,
                "config": runtime_facts,
                "nonce": nonce}
    if cache is None:
        write_manifest(folder, manifest)
    config_file = folder / CONFIG
    settings = mkdocs_config(repo, selection, extra_nav, options.package)
    config_text = ("# Generated by lmsctl build: do not edit (it is rebuilt from the course "
                   "repository).\n" + yaml.safe_dump(settings, allow_unicode=True,
                                                    sort_keys=False, width=100))
    config_file.write_text(config_text, encoding="utf-8")
    digests: dict[str, str] = {}
    render_key = ""
    if cache is not None:
        digests = _page_digests(writer)
        render_key = digest(
            build_cache.code_fingerprint(),
            build_cache.translations_fingerprint(options.translations),
            build_cache.canonical(settings))
    return Compiled(folder=folder, config_file=config_file, docs_dir=docs,
                    pages=len(writer.pages), shards=shards,
                    warnings=warnings, digests=digests, render_key=render_key,
                    written_config=(config_text, settings),
                    statics=writer.statics, writer=writer if cache is not None else None,
                    manifest=manifest if cache is not None else None, forked=forked)


#: Lessons to compile from which a build compiles in two processes (``_Halves``): below,
#: forking and bringing the pages' entries back would cost about what it saves.
SPLIT_LESSONS = 300
#: The forked process's share of the lessons to compile.
SPLIT_SHARE = 0.5


@dataclass
class _Done:
    """One course compiled by the other process of ``_Halves``: what this one's writer, the
    manifest and the build cache learn of it, as if it had compiled it."""

    course: str
    pages: dict[str, Any]
    digests: dict[str, str]
    statics: dict[str, str]
    pending: list[tuple[str, str | Path]]
    member: Any
    warnings: list[Diagnostic]
    #: the build cache's record of the course's file in ``pending``: key, SHA-256, head
    stored: tuple[str, str, bytes] | None

    def apply(self, writer: DocsWriter, members: dict[str, Any],
              cache: build_cache.BuildCache | None) -> list[Diagnostic]:
        writer.pages.update(self.pages)
        writer.digests.update(self.digests)
        writer.statics.update(self.statics)
        writer.pending_files.extend(self.pending)
        members[self.course] = self.member
        if cache is not None and self.stored is not None:
            cache.adopt_compiled(*self.stored)
        return self.warnings


class _Halves:
    """A cold build's courses compiled in two processes (issue 14: compiling 1,000 courses
    took 11-16 s on one core while the other was idle). With ``SPLIT_LESSONS`` lessons or
    more to compile, and where forking is safe (``background.share``), a forked process
    compiles the last courses to compile (half the lessons) into the same ``docs/`` and the
    build cache's ``pending`` folder, while this one compiles the others, in order; ``done``
    gives each of the forked process's courses when the loop reaches it, as compiled here
    (``_Done``). When that process failed, ``done`` gives None and the course is compiled
    here (a user's error is found again and reported the same way). Elsewhere, or with fewer
    lessons, ``done`` is always None."""

    def __init__(self, courses: list[Course],
                 one: Callable[[Course, DocsWriter, dict[str, Any]], list[Diagnostic]],
                 writer: DocsWriter, folder: Path, cache: build_cache.BuildCache | None,
                 keys: CourseKeys | None) -> None:
        self._found: dict[str, _Done] | None = None
        self._theirs: set[str] = set()
        self._share: background.Share[tuple[list[_Done], set[str]]] | None = None
        self._cache = cache
        todo = courses if cache is None or keys is None \
            else [c for c in courses if not cache.holds(keys.key(c))]
        total = sum(len(c.lessons) + 1 for c in todo)
        if total < SPLIT_LESSONS:
            return
        theirs: list[Course] = []
        lessons = 0
        for course in reversed(todo[1:]):  # this process compiles one course at least
            if lessons >= total * SPLIT_SHARE:
                break
            theirs.append(course)
            lessons += len(course.lessons) + 1
        theirs.reverse()
        if not theirs:
            return

        def work() -> tuple[list[_Done], set[str]]:
            told = cache.muted() if cache is not None else set()
            out: list[_Done] = []
            for course in theirs:
                into = DocsWriter(writer.docs, track=writer.track)
                members: dict[str, Any] = {}
                more = one(course, into, members)
                stored = None
                if cache is not None and keys is not None:
                    stored = cache.compiled_record(keys.key(course))
                out.append(_Done(course.id, into.pages, into.digests, into.statics,
                                 into.pending_files, members.get(course.id), more, stored))
            return out, (cache.complaints() - told if cache is not None else set())

        if cache is not None:
            cache.settle()  # its reading thread: a process with no other thread may fork
        self._share = background.share(work, folder)
        if self._share is not None:
            self._theirs = {c.id for c in theirs}

    @property
    def forked(self) -> int:
        """How many courses the other process was given."""
        return len(self._theirs)

    def done(self, course_id: str) -> _Done | None:
        if course_id not in self._theirs:
            return None
        if self._found is None:
            found = self._share.result() if self._share is not None else None
            self._share = None
            self._found = {d.course: d for d in found[0]} if found is not None else {}
            if found is not None and self._cache is not None:
                for what in sorted(found[1]):
                    self._cache.complain(what)  # once, as one process would
        return self._found.get(course_id)

    def __enter__(self) -> _Halves:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._share is not None:  # the loop failed before it needed that process
            self._share.stop()
            self._share = None


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    with open(folder / MANIFEST, "w", encoding="utf-8") as f:
        f.writelines(_manifest_chunks(manifest))


def _kept_facts(cache: build_cache.BuildCache, history: History, options: Options,
                settings: str) -> tuple[dict[str, str], dict[str, str]]:
    """The courses' facts the cache kept for this build (``CourseKeys.facts``), and where this
    build keeps them for the next: under the key of all that ``course_facts`` reads but the
    course (the history, by the key it has in the cache; the day; lmsctl.yml, ``settings``;
    the code). Nothing is kept for a history the cache does not know by a key."""
    history_key = cache.history_key() if history.available else "no history"
    if history_key is None:
        return {}, {}
    return cache.facts_kept(digest("course facts", build_cache.code_fingerprint(), history_key,
                                   options.today.isoformat(), settings)), cache.facts_found


def _site_pages(ctx: pages.SiteContext, selection: Selection,
                cache: build_cache.BuildCache | None, keys: CourseKeys | None) -> dict[str, str]:
    """The HTML of the site's own pages (docs/ path -> HTML); with a cache, kept by
    ``CourseKeys.site_key``: a lesson body edit renders none of them again (issue 14)."""
    def make() -> dict[str, str]:
        out = {"index.md": pages.home_page(ctx), "catalog.md": pages.catalog_page(ctx),
               "skills.md": pages.skills_page(ctx)}
        if ctx.certificates:
            out["certificate.md"] = pages.certificate_page(ctx)
        out["courses/index.md"] = pages.courses_index_page(ctx)
        if selection.paths:
            out["paths/index.md"] = pages.paths_index_page(ctx)
        for path in selection.paths:
            out[urls.path_doc(path.id)] = pages.path_page(ctx, path)
        return out

    if cache is None or keys is None:
        return make()
    return _kept_texts(cache, keys.site_key(selection), "index.md", make)


def _manifest_chunks(manifest: dict[str, Any]) -> Iterator[str]:
    """``manifest`` as compact JSON, in pieces (one per page: the whole text at once would be
    held twice more at 1,000 courses, about 80 MB at a cold build's peak), the pages' entries
    a cached course kept as JSON text (``build_cache.RawEntry``) written as they are."""
    rest = build_cache.json_text({**manifest, "pages": None})
    marker = '"pages":null'
    assert rest.startswith('{"version":1,' + marker)
    head, tail = rest.split(marker, 1)
    yield head + '"pages":{'
    for i, (doc, entry) in enumerate(manifest["pages"].items()):
        yield ("," if i else "") + build_cache.json_text(doc) + ":" + build_cache.json_text(entry)
    yield "}" + tail


def _manifest_json(manifest: dict[str, Any]) -> str:
    return "".join(_manifest_chunks(manifest))


def _compile_course(ctx: pages.SiteContext, course: Course, writer: DocsWriter,
                    lesson_pages: LessonPages, nonce: str) -> tuple[dict[str, Any],
                                                                   list[Diagnostic]]:
    """Write the pages of one course; returns its manifest "courses" member and the
    warnings of its lessons."""
    config = ctx.repo.config
    warnings: list[Diagnostic] = []
    course_page = urls.course_url(course.id)
    lesson_page = urls.lesson_url(course.id, "x")
    links = feedback.course_links(config, course, urls.absolute(config.site_url,
                                                                 course_page))
    writer.page(urls.course_doc(course.id), course.title,
                pages.course_page(ctx, course, links.get("outdated")),
                description=course.summary, hide=("toc",),
                extra={"kind": "course", "course": course.id, **_lang(course),
                       "sidebar": pages.course_sidebar(ctx, course, course_page)})
    member = {"sidebar": pages.course_sidebar(ctx, course, lesson_page),
              "title": course.title}  # named in search results
    for i, lesson in enumerate(course.lessons):
        doc = urls.lesson_doc(course.id, lesson.file_name)
        page_url = urls.lesson_url(course.id, lesson.id)
        lesson_links = feedback.lesson_links(config, course, lesson,
                                             urls.absolute(config.site_url, page_url))
        text, toc = lesson_markdown(lesson, lesson_pages.rewriter(course, lesson), nonce)
        warnings += lesson_pages.warnings(lesson)
        writer.write(doc, text, {
            "kind": "lesson", "course": course.id, "lesson": lesson.id,
            "url": page_url, **_lang(course), "html": True, "toc": toc,
            "quizzes": [quiz_html(course.id, lesson, q) for q in lesson.quizzes],
            "before": pages.lesson_head(ctx, course, lesson, i),
            "after": pages.lesson_foot(ctx, course, i, lesson_links),
            "nonce": nonce,
        })
    return member, warnings


def _cached_course(cache: build_cache.BuildCache, key: str, ctx: pages.SiteContext,
                   course: Course, writer: DocsWriter, lesson_pages: LessonPages,
                   manifest_courses: dict[str, Any], runtime_facts: dict[str, Any],
                   known: Known | None = None) -> list[Diagnostic]:
    """One course's pages from the cache, or compiled (a stand-in read first) and remembered
    for it, with their final digests (``course_digests``): a kept course's are read, not
    computed again (issue 14)."""
    # by its head alone (its pages read when rendered), or read whole
    found = cache.kept(key)
    stored = found[0] if found is not None and all(
        entry is not None and doc in found[0].digests for doc, _text, entry in found[0].writes) \
        else cache.compiled(key)
    if stored is not None:
        for doc, text, entry in stored.writes:
            writer.write(doc, text, entry, stored.digests.get(doc))
        manifest_courses[course.id] = stored.course
        return [Diagnostic(rule, Severity(severity), path, line, column, message, hint)
                for rule, severity, path, line, column, message, hint in stored.warnings]
    if known is not None and course.id in known.standing:
        course = known.read(course)
    writer.log = []
    # the nonce by the course, not its key: an edit leaves its other lessons' pages as they were
    member, warnings = _compile_course(ctx, course, writer, lesson_pages,
                                       cache.nonce(f"course {course.id}"))
    written, writer.log = writer.log, None
    manifest_courses[course.id] = member
    final = course_digests(course.id, member, runtime_facts,
                           {doc: (writer.digests[doc], entry.get("kind"))
                            for doc, _text, entry in written if entry is not None})
    writer.digests.update(final)
    cache.remember_compiled(key, build_cache.Stored(
        writes=written, course=member,
        warnings=[[d.rule, str(d.severity), d.path, d.line, d.column, d.message, d.hint]
                  for d in warnings],
        digests=final))
    return warnings


def course_digests(course_id: str, member: dict[str, Any], runtime_facts: dict[str, Any],
                   pages: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """The final digest of each page of a course (``pages``: docs/ path -> (digest of its
    Markdown and manifest entry, its kind)): with what the hooks read of the course (its
    manifest member: the sidebar; its facts for the runtime configuration: the course's
    language and paths; and a lesson page's own lesson version, ``analytics_config.page_config``).
    All of it is read by the course's key (``CourseKeys.key``: the course, lesson texts and
    language included, and the paths holding it), so a kept course's are kept with it."""
    scope = digest(build_cache.canonical(member),
                   build_cache.canonical(runtime_facts["courses"].get(course_id)))
    lessons: dict[str, str] = runtime_facts["lessons"]
    out: dict[str, str] = {}
    for doc, (d, kind) in pages.items():
        # a lesson's page keeps its repository path (``urls.lesson_doc``)
        version = lessons.get(f"{course_id}/{lesson_id(posixpath.basename(doc))}", "") \
            if kind == "lesson" else ""
        out[doc] = digest(d, scope, version)
    return out


def _page_digests(writer: DocsWriter) -> dict[str, str]:
    """Each page's digest: its Markdown and manifest entry (a course's pages: their final
    digests already, ``course_digests``), and for a repository document (CONTRIBUTING.md) the
    pages of the site, to which MkDocs resolves its links."""
    out = dict(writer.digests)
    if writer.documents:
        every_page = digest(*sorted(writer.pages))
        for doc in writer.documents:
            out[doc] = digest(out[doc], every_page)
    return out


def _package_config(result: dict[str, Any], selection: Selection) -> None:
    """mkdocs.yml in package mode: the courses' pages only (the hooks leave the rest out), no
    tabs or search, and ``.../index.html`` URLs that work from a zip."""
    result["theme"]["features"] = ["navigation.top", "content.code.copy", "content.tabs.link"]
    result.update(use_directory_urls=False, plugins=[],
                  nav=[{title_meta(c.title): urls.course_doc(c.id)} for c in selection.built])
    result["extra"]["lmsctl"]["package"] = True


def _lang(course: Course) -> dict[str, str]:
    """The course's language, when it is not the site's (for the content's ``lang``)."""
    language = course.language
    if not language or language == SITE_LANGUAGE or not _LANG.match(language):
        return {}
    return {"lang": language}


def _kept_texts(cache: build_cache.BuildCache | None, key: str, required: str,
                make: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Texts made from the whole catalog (name -> text, ``required`` among them), kept in the
    cache by ``key`` (a stored course of [name, text, None] writes): made only when the cache
    has none for the key."""
    if cache is None:
        return make()
    stored = cache.compiled(key)
    if stored is not None:
        found = {str(name): text for name, text, _entry in stored.writes if isinstance(text, str)}
        if len(found) == len(stored.writes) and required in found:
            return found
    texts = make()
    cache.remember_compiled(key, build_cache.Stored(
        writes=[[name, text, None] for name, text in texts.items()], course={}, warnings=[]))
    return texts


def _community_key(repo: Repository, history: History, shared: str) -> str:
    """What the community pages read but the day and the time: the history, and the courses'
    and lessons' names, files and statuses."""
    names = [(c.id, c.title, c.status, c.summary, c.rel_dir,
              [(x.rel, x.file_name, x.id, x.title) for x in c.lessons]) for c in repo.courses]
    return digest("community", shared, repr(history.available), history.reason,
                  repr(history.shallow), repr(history.changes), repr(names))


def _community_pages(repo: Repository, writer: DocsWriter, options: Options, history: History,
                     selection: Selection, cache: build_cache.BuildCache | None = None,
                     shared: str = "") -> list[dict[str, str]]:
    """/contributors/, /whats-new/ and /feed.xml from the history (skipped in previews); with
    a cache, kept by ``_community_key`` (they read every change of every course, issue 14):
    the contributors page with the day, the feed with the time when it shows it (no update)."""
    if selection.preview is not None:
        return []
    drafts = options.drafts
    key = _community_key(repo, history, shared) if cache is not None else ""
    # Our templates (autoescaped: names and titles from git and course files are text), so the
    # pages keep their classes (badges, the phone layout), like every other generated page.
    contributors = _kept_texts(cache, digest(key, options.today.isoformat()), "contributors",
                               lambda: {"contributors": community.contributors_page(
                                   repo, history, options.today, base_url="../",
                                   include_drafts=drafts)})
    writer.page("contributors.md", _("Contributors"), contributors["contributors"])
    now = options.now.isoformat()

    def news() -> dict[str, str]:
        items = updates(repo, history, include_drafts=drafts)  # the page's and the feed's
        return {"whats-new": pages.feed_link("../") + community.whats_new_page(
                    repo, history, "../", include_drafts=drafts, items=items),
                "feed": community.atom_feed(repo, history, repo.config.site_url, options.now,
                                            include_drafts=drafts, items=items),
                "now": "" if items else now}

    found = _kept_texts(cache, digest(key, "news"), "feed", news)
    if found.get("now", now) not in ("", now):  # a feed of no update, made at another time
        found = news()
    writer.page("whats-new.md", _("What's new"), found["whats-new"])
    writer.write(urls.FEED, found["feed"])
    return [{_("What's new"): "whats-new.md"}, {_("Contributors"): "contributors.md"}]


def _rule_reference() -> str | None:
    """The lint rule reference, when the rules package provides it."""
    try:
        from importlib import import_module

        module = import_module("lmsctl.checks.rules.reference")
    except ImportError:
        return None
    func = getattr(module, "reference_markdown", None)
    if func is None:
        return None
    text = func()
    return text if isinstance(text, str) else None


def _contributing_pages(repo: Repository, writer: DocsWriter) -> list[dict[str, str]]:
    """The author's guide (CONTRIBUTING.md at the repository root) and the rule reference."""
    guide = repo.root / "CONTRIBUTING.md"
    rules = _rule_reference()
    if not guide.is_file() and rules is None:
        return []
    repo_base = ""
    if repo.config.repo_url:
        middle = "-/blob" if "gitlab" in (urlsplit(repo.config.repo_url).hostname or "") \
            else "blob"
        repo_base = f"{repo.config.repo_url.rstrip('/')}/{middle}/{repo.config.branch or 'main'}/"
    if guide.is_file():
        text = guide.read_text(encoding="utf-8", errors="replace")
        writer.write("contributing/index.md",
                     _front_matter({"title": title_meta(_("Contributing"))}) + text,
                     {"trusted": False, "kind": "document", "repo_base": repo_base,
                      "source": "CONTRIBUTING.md"})
    else:
        writer.page("contributing/index.md", _("Contributing"), render("contributing.html.j2"))
    if rules is not None:
        writer.write("contributing/rules.md",
                     _front_matter({"title": title_meta(_("Lint rules"))}) + rules,
                     {"trusted": False, "kind": "document"})
    return [{_("Contributing"): "contributing/index.md"}]
