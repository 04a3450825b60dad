"""One course as a self-contained folder that plays inside an LMS frame, under any path.

The course is compiled and rendered by the site pipeline in package mode
(``compile.Options(package=True)``: the course alone, no site navigation or search, URLs ending
in ``index.html``), so the package has the site's templates, CSS and theme. Then only the
course's pages, the files they reference (CSS, scripts, images, downloads; followed through
``href``/``src`` and CSS ``url()``) and the runtime's bundles are kept. Links to pages outside the
course (catalog, skills, other courses, home) lose their ``href``: nothing leads out of the
package, and every kept URL is relative.

The package's ``index.html`` is the SCO's launch page: it holds the LMS session for the whole
visit (a course is several pages; SCORM allows one Initialize and one Terminate per launch),
shows the course's start page, or the learner's bookmark, in a frame, and gives that frame's
pages the SCORM recorder (``lmsctl/runtime/recorders/scorm.js``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import shutil
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lmsctl.core.history import History
from lmsctl.core.ids import course_iri
from lmsctl.core.model import Course, Repository
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site import render, urls

HERE = Path(__file__).resolve().parent
LAUNCH_DIR = HERE / "launch"
#: The package scripts, bundled as classic scripts (scripts/bundle-runtime.mjs) from their
#: sources in ``launch/``: they work in a package opened from a folder (file://) too.
LAUNCH_BUNDLE = LAUNCH_DIR / "bundle"
#: Where the runtime and the package scripts live inside the docs tree and the package.
RUNTIME_URL = compiler.RUNTIME_URL
PACKAGE_URL = "assets/lmsctl/package/"
PAGE_SCRIPT = PACKAGE_URL + "page.js"

_REF = re.compile(r'(\s(?:href|src)=)("([^"]*)"|\'([^\']*)\')', re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: The sidebar's links to the site's sections (home, catalog, ...): not part of a package.
_SITE_NAV = re.compile(r'<ul\b[^>]*\blmsctl-nav__site\b[^>]*>.*?</ul>', re.DOTALL)


@dataclass(frozen=True)
class Collected:
    """The files of one course's package (all but the launch page and the manifest): path in
    the package -> its rewritten bytes, or the rendered file to copy as is."""

    files: dict[str, bytes | Path]


def _local(url: str) -> bool:
    return bool(url) and not url.startswith(("#", "/", "//")) and not _SCHEME.match(url)


def _resolve(page: str, url: str) -> str:
    """``url`` (relative, as written in ``page``) as a path from the package root."""
    path = unquote(urlsplit(url).path)
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


class _Collector:
    """Follows references from the course's pages through the rendered site in ``stage``."""

    def __init__(self, stage: Path, course_id: str) -> None:
        self.stage = stage
        self.pages_prefix = f"courses/{course_id}/"
        self.kept: dict[str, bytes | None] = {}  # path -> rewritten text (None: copy as is)
        self.todo: list[str] = []

    def is_course_page(self, rel: str) -> bool:
        return rel.startswith(self.pages_prefix) and rel.endswith(".html")

    def target(self, page: str, url: str) -> str | None:
        """The package file ``url`` leads to from ``page``, or None when it leads out."""
        rel = _resolve(page, url)
        if rel.startswith("../") or rel == "..":
            return None
        full = self.stage / rel
        if full.is_dir():
            rel = posixpath.join(rel, "index.html") if rel != "." else "index.html"
            full = self.stage / rel
        if not full.is_file():
            return None
        if rel.endswith(".html") and not self.is_course_page(rel):
            return None  # a page of the site, not of this course
        return rel

    def add(self, rel: str) -> None:
        if rel not in self.kept:
            self.kept[rel] = None
            self.todo.append(rel)

    def html(self, rel: str) -> bytes:
        text = _SITE_NAV.sub("", (self.stage / rel).read_text(encoding="utf-8"))

        def fix(m: re.Match[str]) -> str:
            url = m.group(3) if m.group(3) is not None else (m.group(4) or "")
            if not _local(url.replace("&amp;", "&")):
                return m.group(0)
            raw = url.replace("&amp;", "&")
            found = self.target(rel, raw)
            if found is None:
                return ""  # leads out of the package (or to nothing): no link
            self.add(found)
            parts = urlsplit(raw)
            new = posixpath.relpath(found, posixpath.dirname(rel) or ".")
            if parts.fragment:
                new += "#" + parts.fragment
            return f'{m.group(1)}"{escape(new, quote=True)}"'

        return _REF.sub(fix, text).encode("utf-8")

    def follow(self, rel: str, pattern: re.Pattern[str], group: int) -> None:
        text = (self.stage / rel).read_text(encoding="utf-8", errors="replace")
        for m in pattern.finditer(text):
            url = m.group(group)
            if _local(url):
                found = self.target(rel, url)
                if found is not None:
                    self.add(found)

    def run(self, start: list[str]) -> None:
        for rel in start:
            self.add(rel)
        while self.todo:
            rel = self.todo.pop()
            if rel.endswith(".html"):
                self.kept[rel] = self.html(rel)
            elif rel.endswith(".css"):
                self.follow(rel, _CSS_URL, 2)


def _copy_runtime(docs: Path) -> None:
    """The whole learner-side runtime (the xAPI recorder too: an xAPI package needs it) and the
    package scripts, into the docs tree (MkDocs copies them to the output as static files)."""
    dest = docs / RUNTIME_URL
    for rel, src in compiler.runtime_files(xapi=True).items():
        if not (dest / rel).exists():  # the site build copied the rest
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest / rel)
    (docs / PACKAGE_URL).mkdir(parents=True, exist_ok=True)
    for script in LAUNCH_BUNDLE.glob("*.js"):
        shutil.copyfile(script, docs / PACKAGE_URL / script.name)


def _sends_statements(rel: str) -> bool:
    """A file of the runtime that only the xAPI recorder uses (its bundle, the licence and
    version of the library it vendors)."""
    if not rel.startswith(RUNTIME_URL):
        return False
    return compiler.is_xapi_file(Path(rel[len(RUNTIME_URL):]))


def _add_page_script(config_file: Path) -> None:
    """Every page of the package loads the package's page script before the site's scripts
    (deferred classic scripts run in order, before DOMContentLoaded)."""
    import yaml

    text = config_file.read_text(encoding="utf-8")
    head, _, body = text.partition("\n")
    config = yaml.safe_load(body)
    # first: it runs before the runtime's script, so the learner's state from the LMS and the
    # launch parameters it passes on are there when that starts
    config["extra_javascript"] = [{"path": PAGE_SCRIPT, "defer": True},
                                  *config.get("extra_javascript", [])]
    config_file.write_text(head + "\n" + yaml.safe_dump(config, allow_unicode=True,
                                                         sort_keys=False, width=100),
                           encoding="utf-8")


def course_data(course: Course, fmt: str, activity_base: str) -> dict[str, object]:
    """What the launch page and the recorders need to know of the course (no answers beyond
    what the quiz pages already carry)."""
    return {
        "format": fmt,
        "course": course.id,
        "title": course.title,
        "passMark": course.pass_mark,
        "start": urls.course_url(course.id) + "index.html",
        "lessons": [{"id": lesson.id, "url": urls.lesson_url(course.id, lesson.id) + "index.html",
                     "version": lesson.version} for lesson in course.lessons],
        "questions": [
            {"key": f"{lesson.id}/{q.key}", "lesson": lesson.id, "question": q.key,
             "version": q.version, "choices": [c.key for c in q.choices],
             "correct": [c.key for c in q.choices if c.correct]}
            for lesson in course.lessons for q in lesson.questions],
        "activityBase": activity_base,
        "courseIri": course_iri(activity_base, course.id) if activity_base else "",
    }


def launch_page(course: Course, data: dict[str, object]) -> str:
    template = (LAUNCH_DIR / "index.html").read_text(encoding="utf-8")
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (template.replace("{{ title }}", escape(course.title))
            .replace("{{ lang }}", escape(course.language or "en", quote=True))
            .replace("{{ start }}", escape(str(data["start"]), quote=True))
            .replace("{{ data }}", blob))


def render_courses(repo: Repository, courses: list[Course], work: Path) -> tuple[Path,
                                                                               list[str]]:
    """Render ``courses`` with the site pipeline in package mode into ``work/stage`` (one
    MkDocs build for all of them); returns the folder and MkDocs' warnings."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    now = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit()
           else dt.datetime.now(dt.UTC))
    built = sorted(courses, key=lambda c: (c.title.lower(), c.id))
    selection = compiler.Selection(built=built, listed=built, paths=[], listed_paths=[])
    options = compiler.Options(drafts=True, today=now.date(), now=now, shards=1, package=True)
    compiled = compiler.compile_site(repo, selection, work / "build", options,
                                     History.unavailable("not needed in a package"))
    _copy_runtime(compiled.docs_dir)
    _add_page_script(compiled.config_file)
    stage = work / "stage"
    result = render.render(compiled, stage)
    return stage, result.warnings


def collect(stage: Path, course: Course) -> Collected:
    """The course's pages in ``stage`` and every file they use, links rewritten."""
    collector = _Collector(stage, course.id)
    start = [urls.course_url(course.id) + "index.html"]
    start += [urls.lesson_url(course.id, lesson.id) + "index.html" for lesson in course.lessons]
    start += [PACKAGE_URL + "launch.js"]
    # the runtime's bundles (lmsctl.js loads the xAPI recorder's itself, by URL) and the
    # licence and version of what they vendor
    start += [RUNTIME_URL + rel.as_posix() for rel in compiler.runtime_files(xapi=True)]
    collector.run([s for s in start if (stage / s).is_file()])
    return Collected({rel: (stage / rel if content is None else content)
                      for rel, content in sorted(collector.kept.items())})


def package_files(collected: Collected, course: Course, fmt: str, activity_base: str,
                  records: bool) -> dict[str, bytes | Path]:
    """Every file of the package of ``course`` in ``fmt`` but the manifest, sorted by path.
    A SCORM package has the xAPI recorder only when the site sends learning records
    (``records``: ``analytics.xapi`` in lmsctl.yml), as the site does."""
    data = course_data(course, fmt, activity_base)
    files = {rel: content for rel, content in collected.files.items()
             if fmt == "xapi" or records or not _sends_statements(rel)}
    files["index.html"] = launch_page(course, data).encode("utf-8")
    return dict(sorted(files.items()))
