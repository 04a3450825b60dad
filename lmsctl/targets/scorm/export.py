"""``lmsctl export``: one zip per course, checked like ``lmsctl build`` and written atomically.

Each course is checked with the rules ``lmsctl build --course`` applies (the course and
lmsctl.yml; same Diagnostics, same text report, exit 1 on errors), and its links that the site
cannot resolve are reported as that build reports them (LMS212, a warning, which fails the
export under ``strict`` as it fails ``build --strict``). Drafts are refused unless ``drafts``.
Every zip is written to a temporary file in the output folder and renamed into place, so a
failed or interrupted export leaves no half-written zip; temporary files left by a killed
export are removed by the next one.
"""

from __future__ import annotations

import difflib
import os
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from lmsctl.checks.report_formats import emit
from lmsctl.content.loader import load_path
from lmsctl.core.diagnostics import Diagnostic, Report
from lmsctl.core.errors import BuildError, UsageError
from lmsctl.core.model import Course, Repository
from lmsctl.targets.scorm import manifest
from lmsctl.targets.scorm.package import collect, package_files, render_courses
from lmsctl.targets.site import compile as compiler
from lmsctl.targets.site.pipeline import load_preview

XSD_DIR = Path(__file__).resolve().parent / "xsd"
TEMP_PREFIX = ".lmsctl-export-"
#: Zip entries get this date (or SOURCE_DATE_EPOCH's): the same course gives the same zip.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Exported:
    course: str
    format: str
    zip: Path
    files: int
    bytes: int


@dataclass
class ExportResult:
    packages: list[Exported] = field(default_factory=list)
    seconds: float = 0.0


def zip_name(course_id: str, fmt: str) -> str:
    return f"{course_id}-{fmt}.zip"


def path_courses(root: Path, path_id: str) -> list[str]:
    """The course ids of a learning path, in order."""
    file = next((root / "paths" / f"{path_id}{ext}" for ext in (".yml", ".yaml")
                 if (root / "paths" / f"{path_id}{ext}").is_file()), None)
    if file is None:
        ids = sorted(p.stem for p in (root / "paths").glob("*.y*ml")) \
            if (root / "paths").is_dir() else []
        close = difflib.get_close_matches(path_id, ids, n=3)
        hint = ("Did you mean " + " or ".join(close) + "?" if close else
                "Path ids are the file names under paths/" +
                (f"; this repository has: {', '.join(ids)}." if ids else "; there are none yet."))
        raise UsageError(f"--path {path_id}: there is no path with this id "
                         f"(no paths/{path_id}.yml)", hint)
    path, problems = load_path(root, file)
    if path is None:
        report = Report(files_checked=1)
        report.extend(problems)
        report.command = "export"
        raise _refused(report, f"paths/{file.name}: the path was", sys.stdout)
    return [m.id for m in path.courses]


def _refused(report: Report, what: str, stdout: TextIO, fmt: str = "text",
             why: str = "") -> BuildError:
    emit(report, fmt, stdout)
    why = why or f"{report.counts()['error']} error(s)"
    return BuildError(f"{what} not exported: {why}" + (" (listed above)" if fmt == "text" else ""),
                      "Fix them and export again; nothing was written.")


def clean_stale(out: Path) -> None:
    """Remove temporary files and folders a killed export left in ``out``."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        if entry.name.startswith(TEMP_PREFIX):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _zip_date() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit() and int(epoch) >= 315532800:  # zip dates start in 1980
        t = time.gmtime(int(epoch))
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    return _ZIP_DATE


def write_zip(files: dict[str, bytes | Path], dest: Path) -> int:
    """Zip ``files`` (name in the zip -> bytes, or a file to read), in this order, into
    ``dest`` atomically; returns its size."""
    date = _zip_date()
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".zip.tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as z:
                for name, content in files.items():
                    info = zipfile.ZipInfo(name, date_time=date)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    z.writestr(info, content if isinstance(content, bytes)
                               else content.read_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest.stat().st_size


def _link_warnings(repo: Repository, course: Course, drafts: bool) -> list[Diagnostic]:
    """The course's links to lesson files that ``build --course`` would not publish (LMS212),
    as that build reports them: what it publishes is the course and the courses it links to."""
    selection = compiler.select(repo, drafts, course.id)
    pages = compiler.LessonPages(selection.built)
    return [w for lesson in course.lessons for w in pages.warnings(lesson)]


def _check(root: Path, course_ids: list[str], drafts: bool, stdout: TextIO,
           fmt: str, strict: bool = False) -> list[tuple[Repository, Course]]:
    """Each course checked as ``build --course`` checks it, its links too; one report of
    every finding, in ``fmt`` (any lint format), like ``build``'s. Raises when any course has
    an error, or under ``strict`` a warning."""
    report = Report(command="export")
    loaded = []
    for course_id in course_ids:
        repo, found = load_preview(root, course_id)
        report.files_checked += found.files_checked
        report.extend(d for d in found.diagnostics if d not in report.diagnostics)
        loaded.append((repo, repo.course(course_id)))
    names = ", ".join(course_ids)
    what = f"{names}: {'it was' if len(course_ids) == 1 else 'they were'}"
    if report.has_errors:
        raise _refused(report, what, stdout, fmt)
    checked = []
    for repo, course in loaded:
        if course is None:  # pragma: no cover - a course that loads has no errors
            raise BuildError("a course could not be read; nothing was exported")
        checked.append((repo, _published(course, drafts)))
        report.extend(_link_warnings(repo, course, drafts))
    if strict and report.counts()["warning"]:
        raise _refused(report, what, stdout, fmt,
                       f"{report.counts()['warning']} warning(s) under --strict")
    if report.diagnostics or fmt != "text":
        emit(report, fmt, stdout)
    return checked


def _published(course: Course, drafts: bool) -> Course:
    """The course, unless it is a draft and drafts are not exported."""
    course_id = course.id
    if course.status == "draft" and not drafts:
        line, col = course.doc.pos(("status",))
        raise BuildError(
            f"{course.rel_dir}/course.yml:{line}:{col}: {course_id} is a draft (status: draft); "
            "drafts are not exported",
            "Publish it (status: published) when it is ready, or pass --drafts to export it "
            "anyway.")
    return course


def activity_base(repo: Repository) -> str:
    """The base of the activity ids (tincan.xml, interactions), the same as the site's
    statements: ``analytics.activity_base``, else ``site.url``."""
    return repo.config.activity_base


def export_courses(root: Path, course_ids: list[str], formats: str | list[str], out: Path, *,
                   drafts: bool = False, stdout: TextIO | None = None,
                   report_format: str = "text", strict: bool = False) -> ExportResult:
    """Export each course of ``course_ids`` in each format as ``<out>/<course>-<fmt>.zip``.
    Every course is checked before any zip is written (findings reported in
    ``report_format``, as ``build --format`` does; under ``strict`` a warning fails the export
    as it fails ``build --strict``); all are rendered in one MkDocs build."""
    started = time.perf_counter()
    stdout = stdout or sys.stdout
    fmts = list(dict.fromkeys([formats] if isinstance(formats, str) else formats))
    for fmt in fmts:
        if fmt not in manifest.FORMATS:
            raise UsageError(f"--format {fmt}: not an export format",
                             "Use scorm12, scorm2004 or xapi.")
    checked = _check(root, list(dict.fromkeys(course_ids)), drafts, stdout, report_format,
                     strict)
    if not checked:
        raise UsageError("nothing to export: no course given",
                         "Pass --course ID (repeatable) or --path ID.")
    repo = checked[0][0]
    base = activity_base(repo)
    if "xapi" in fmts and not base:
        raise UsageError(
            "lmsctl.yml: --format xapi needs the base of the activity ids in tincan.xml and "
            "in the statements: the site's URL (site: url:) or analytics: activity_base:",
            "Add `site: {url: https://...}` to lmsctl.yml.")
    courses = [course for _, course in checked]
    out = out if out.is_absolute() else Path.cwd() / out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder", "Pass a folder with --out.")
    out.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    result = ExportResult()
    work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=out))
    try:
        # the repository of the first check holds every course the others' checks loaded
        everything = Repository(root=repo.root, config=repo.config, courses=tuple(courses),
                                paths=(), files=repo.files)
        stage, _ = render_courses(everything, courses, work)
        for course in courses:
            collected = collect(stage, course)
            for fmt in fmts:
                files = package_files(collected, course, fmt, base,
                                      repo.config.analytics.recording)
                listed = [n for n in files if n != "imsmanifest.xml"]
                name, text = manifest.manifest(fmt, course, listed, base)
                head: dict[str, bytes | Path] = {name: text.encode("utf-8")}
                for schema in manifest.SCHEMA_FILES[fmt]:
                    head[schema] = XSD_DIR / fmt / schema
                dest = out / zip_name(course.id, fmt)
                size = write_zip({**head, **files}, dest)
                result.packages.append(Exported(course.id, fmt, dest, len(head) + len(files),
                                                size))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result
