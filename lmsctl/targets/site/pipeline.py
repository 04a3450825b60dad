"""The build pipeline: load -> validate -> compile -> render -> publish (DESIGN section 3).

``build_site`` is what ``lmsctl build`` and ``lmsctl serve`` run. It raises ``BuildError``
(exit 1) when the content has errors (printed first, exactly as ``lmsctl validate`` prints
them) or, under ``strict``, warnings; the previous site is then left untouched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import gettext
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lmsctl.core import background
from lmsctl.core import cache as core_cache
from lmsctl.core.diagnostics import Diagnostic, Report, Severity
from lmsctl.core.errors import BuildError, UsageError
from lmsctl.targets.site import build_cache, build_inputs, publish

if TYPE_CHECKING:
    from lmsctl.checks.validate import Facts
    from lmsctl.core.history import History
    from lmsctl.core.inputs import Snapshot
    from lmsctl.core.model import Course, Repository
    from lmsctl.targets.site import compile as compiler

# What only a build that does not replay the last one needs (validation, compile, render:
# MkDocs, Jinja, the checks) is imported when it runs: an unchanged build ends before.


@dataclass
class BuildResult:
    out: Path
    pages: int
    courses: int
    seconds: float
    processes: int
    report: Report
    warnings: list[Diagnostic] = field(default_factory=list)
    preview: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int = 0  # pages rendered (the others were taken from the build cache)
    #: courses whose files were not read: unchanged since the checks' cache kept their facts
    stand_ins: int = 0
    #: courses compiled by a second process (``compile._Halves``)
    forked: int = 0


def _today() -> tuple[dt.date, dt.datetime]:
    """Today, or the reproducible-builds ``SOURCE_DATE_EPOCH`` when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            now = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch[:40]} is not a date lmsctl can use",
                "Set it to the seconds since 1970-01-01 UTC of the last change, e.g. "
                "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it.") from exc
        return now.date(), now
    now = dt.datetime.now(dt.UTC)
    return dt.date.today(), now


def unknown_course(root: Path, course_id: str) -> UsageError:
    from lmsctl.content.loader import unknown_course_hint

    return UsageError(f"--course {course_id}: there is no course with this id "
                      f"(no courses/{course_id}/course.yml)",
                      unknown_course_hint(root, course_id))


def load_preview(root: Path, course_id: str) -> tuple[Repository, Report]:
    """Load only what a one-course preview needs: lmsctl.yml, the course, the courses it links
    to, and the paths. The report holds the problems of the course itself (and lmsctl.yml),
    with the same rules as ``validate``; other courses are not checked."""
    from lmsctl.checks.references import check_references
    from lmsctl.content.loader import course_ids, load_config, load_course, load_paths
    from lmsctl.core.model import Repository
    from lmsctl.targets.site import compile as compiler

    root = root.resolve()
    folder = root / "courses" / course_id
    if not (folder / "course.yml").is_file():
        raise unknown_course(root, course_id)
    config, problems = load_config(root)
    files = ["lmsctl.yml"] if config.exists else []
    target, more, read = load_course(root, folder)
    problems += more
    files += read
    courses: list[Course] = []
    if target is not None:
        courses.append(target)
        for other in compiler.linked_course_ids(target):
            other_dir = root / "courses" / other
            if other != course_id and (other_dir / "course.yml").is_file():
                course, _, _ = load_course(root, other_dir)
                if course is not None:
                    courses.append(course)
    paths, _, _ = load_paths(root)  # their problems are the full build's to report
    repo = Repository(root=root, config=config, courses=tuple(courses), paths=tuple(paths),
                      files=tuple(files))
    prefix = f"courses/{course_id}/"
    existing = set(course_ids(root))
    keep: list[Diagnostic] = []
    for d in [*problems, *check_references(repo)]:
        if not (d.path.startswith(prefix) or d.path == "lmsctl.yml"):
            continue
        if d.rule == "LMS202":
            continue  # cycles need every course; the full build checks them
        if d.rule == "LMS201" and any(f"'{x}'" in d.message for x in existing):
            continue
        keep.append(d)
    report = Report(files_checked=len(files))
    report.extend(keep)
    return repo, report


def stand_in_read(root: Path, course: Course) -> Course:
    """The course a stand-in (``Facts``) stands for, read from its files."""
    from lmsctl.content.loader import load_course

    full = load_course(root, root / course.rel_dir)[0]
    if full is None:  # its course.yml was fine when the build started: changed since
        raise BuildError(f"the site was not built: {course.rel_dir}/course.yml changed while "
                         "the site was being built",
                         "Build again once the files are saved; the previous site is unchanged.")
    return full


def _stand_in_reader(root: Path) -> Callable[[Course], Course]:
    """``stand_in_read``, each course read once per build (its LMS309 places and its pages may
    both need it)."""
    readings: dict[str, Course] = {}

    def read(course: Course) -> Course:
        found = readings.get(course.id)
        if found is None:
            found = readings[course.id] = stand_in_read(root, course)
        return found

    return read


#: The cache namespace of the places of placeholder text the build found in each file.
PLACEHOLDERS = "build-placeholders"

SHALLOW_HINT = ("Fetch the whole history: `git fetch --unshallow`, or in GitHub Actions "
                "`fetch-depth: 0` on actions/checkout (GitLab: GIT_DEPTH: \"0\").")


def _shallow_finding() -> Diagnostic:
    from lmsctl.core.spine import diag

    return diag("LMS213", "lmsctl.yml", 1, 1,
                "this git clone is shallow, so last-updated dates, contributors, freshness and "
                "what's new would be wrong; they are left out of this build", SHALLOW_HINT)


def _fail(report: Report, fmt: str, stdout: TextIO, what: str, hint: str) -> BuildError:
    from lmsctl.checks.report_formats import emit

    emit(report, fmt, stdout)
    return BuildError(f"the site was not built: {what}" + (" (listed above)"
                                                           if fmt == "text" else ""), hint,
                      tuple(report.sorted()))


def _placeholders(repo: Repository, course: str | None, drafts: bool,
                  strict: bool, use_cache: bool = True, kept: Facts | None = None,
                  known: compiler.Known | None = None) -> list[Diagnostic]:
    """Template placeholder text (LMS309) in the courses this build publishes, at the severity
    lmsctl.yml gives the rule: an error fails ``--strict`` builds; a plain build warns. With
    the cache, each file's places are kept by its text (``placeholder_findings``' store), and
    with ``kept`` each settled course's findings by its files' time stamps (a stand-in, one of
    ``known``'s, has no text to look in: it is read only when its findings are not kept)."""
    from lmsctl.checks.lint import read_config
    from lmsctl.checks.rules.content import placeholder_findings
    from lmsctl.content.placeholders import template_texts
    from lmsctl.core.cache import open_namespace

    config, _ = read_config(repo)
    store = open_namespace(repo.root, PLACEHOLDERS, use_cache)
    texts = template_texts(repo.root)
    templates = core_cache.digest(*sorted(texts))
    found: list[Diagnostic] = []
    for c in repo.courses:
        if (course is not None and c.id != course) or (c.status == "draft" and not drafts):
            continue
        folder = kept.folder_key(c.id) if kept is not None else None
        places: list[Diagnostic] | None = None
        if folder is not None:
            key = store.key("course", c.id, folder, templates)
            places = store.get(key)
        if places is None:
            full = known.read(c) if known is not None and c.id in known.standing else c
            places = list(placeholder_findings(repo.root, full, store, texts))
            if folder is not None:
                store.put(key, places)
        for d in places:
            applied = config.apply(d)
            if applied is None:
                continue
            if not strict and applied.severity is Severity.ERROR:
                applied = dataclasses.replace(applied, severity=Severity.WARNING)
            found.append(applied)
    # a build without facts (no snapshot: a symlink) keeps the other builds' per-course entries
    store.save(prune=course is None and kept is not None)
    return found


def _record(inputs: build_inputs.Inputs, report: Report, warnings: list[Diagnostic],
            compiled: compiler.Compiled, now: dt.datetime, courses: int) -> dict[str, Any]:
    """What a build that succeeded read and reported, for ``_replay`` (empty when its report
    cannot be kept exactly)."""
    from lmsctl.targets.site import community_pages, urls

    full = build_cache.report_json(report)
    lesson = build_cache.report_json(Report(diagnostics=list(warnings)))
    if full is None or lesson is None:
        return {}
    feed = compiled.docs_dir / urls.FEED
    try:  # the feed shows the time of the build when no change has one
        uses_now = feed.is_file() and community_pages.rfc3339(now) in feed.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        uses_now = True
    return {"inputs": inputs.digest, "now": now.isoformat() if uses_now else None,
            "report": full,
            "result": {"pages": compiled.pages, "courses": courses, "warnings": lesson}}


def _history(repo: Repository, cache: build_cache.BuildCache | None,
             inputs: build_inputs.Inputs | None) -> History:
    """The history of the repository: the one the build cache keeps for the same ``HEAD`` (and
    ``.mailmap`` files, and lmsctl), else read from git and kept (when ``HEAD`` did not move
    while it was read)."""
    from lmsctl.core.history import read_history

    if cache is None or inputs is None or not inputs.history:
        return read_history(repo)
    key = core_cache.digest(inputs.history, build_cache.code_fingerprint(),
                            *build_inputs.mailmaps(repo.root))
    found = cache.history(key)
    if found is not None:
        return found
    history = read_history(repo)
    if build_inputs.history_key(repo.root) == inputs.history:
        cache.remember_history(key, history)
    return history


def build_site(root: Path, out: Path | None = None, *, strict: bool = False,
               course: str | None = None, drafts: bool = False, workers: int | None = None,
               stdout: TextIO | None = None, with_history: bool = True,
               fmt: str = "text",
               translations: gettext.NullTranslations | None = None,
               use_cache: bool = True,
               published: Callable[[], None] | None = None,
               files: Snapshot | None = None) -> BuildResult:
    """Build the site of the repository at ``root`` into ``out`` (default ``<root>/site``).
    Every finding (validation, a shallow clone, links the site cannot resolve) is one report,
    written to ``stdout`` in ``fmt`` (any lint format) when the build ends or fails.
    ``translations``: the message catalog of the pages (default: English). ``use_cache``:
    reuse and keep the build cache (``build_cache``, in ``.lmsctl/cache/build/``).
    ``published``: called as soon as the new site is in ``out`` (``serve`` reloads the open
    pages then; the build still writes its cache). ``files``: the repository's files as of
    now, from a watcher of ``build_inputs.watch(root, out)`` kept by the caller (``serve``):
    the build walks no folder (None: it walks them)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    stdout = stdout or sys.stdout
    root = root.resolve()
    out = (out if out is not None else root / "site")
    out = out if out.is_absolute() else Path.cwd() / out
    publish.check_out(root, out)
    today, now = _today()
    note_to = stdout if fmt == "text" else sys.stderr

    def note(message: str) -> None:
        print(message, file=note_to)

    stack = contextlib.ExitStack()
    with stack:
        cache = stack.enter_context(build_cache.open_cache(root, drafts, course, note)) \
            if use_cache else None
        inputs: build_inputs.Inputs | None = None
        if cache is not None:
            t = time.perf_counter()
            inputs = build_inputs.scan(root, out.resolve(), [
                build_cache.code_fingerprint(), core_cache.LMSCTL_VERSION,
                build_cache.translations_fingerprint(
                    translations), repr((strict, drafts, course, with_history)),
                today.isoformat()], with_history, files)
            done = _replay(cache, inputs, out, now, fmt, stdout, course)
            timings["inputs"] = time.perf_counter() - t
            if done is not None:
                done.seconds = time.perf_counter() - started
                done.timings = timings
                return done
        return _build(root, out, cache, inputs, strict=strict, course=course, drafts=drafts,
                      workers=workers, stdout=stdout, with_history=with_history, fmt=fmt,
                      translations=translations, use_cache=use_cache, today=today, now=now,
                      note=note, started=started, timings=timings, published=published,
                      cleanups=stack)
    raise AssertionError("unreachable")  # pragma: no cover - the with block returns


def _replay(cache: build_cache.BuildCache, inputs: build_inputs.Inputs, out: Path,
            now: dt.datetime, fmt: str, stdout: TextIO, course: str | None
            ) -> BuildResult | None:
    """The result of the last good build, reported again, when it read these very inputs and
    ``out`` still holds what it published (``BuildCache.replay``): nothing to do."""
    stored = cache.replay(inputs, now.isoformat(), out.resolve())
    if stored is None:
        return None
    try:
        report = build_cache.report_from(stored["report"])
        warnings = build_cache.report_from(stored["result"]["warnings"]).diagnostics
        pages, courses = int(stored["result"]["pages"]), int(stored["result"]["courses"])
    except (KeyError, TypeError, ValueError, AttributeError):
        cache.complain("has a damaged record of the last build")
        return None
    if report.diagnostics or fmt != "text":
        from lmsctl.checks.report_formats import emit

        emit(report, fmt, stdout)
    return BuildResult(out=out, pages=pages, courses=courses, seconds=0.0, processes=0,
                       report=report, warnings=warnings, preview=course)


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """What is left collected, then frozen while the render forks: its processes' collections
    never touch (and so never copy) the pages of the objects they inherit (a build's memory)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _build(root: Path, out: Path, cache: build_cache.BuildCache | None,
           inputs: build_inputs.Inputs | None, *, strict: bool, course: str | None,
           drafts: bool, workers: int | None, stdout: TextIO, with_history: bool, fmt: str,
           translations: gettext.NullTranslations | None, use_cache: bool, today: dt.date,
           now: dt.datetime, note: Callable[[str], None], started: float,
           timings: dict[str, float], cleanups: contextlib.ExitStack,
           published: Callable[[], None] | None = None) -> BuildResult:
    from lmsctl.checks.report_formats import emit
    from lmsctl.checks.validate import Facts, validate_repository
    from lmsctl.core.history import History
    from lmsctl.core.inputs import taken_before
    from lmsctl.targets.site import compile as compiler
    from lmsctl.targets.site import i18n, render
    from lmsctl.targets.site.template_cache import TemplateCache

    t = time.perf_counter()
    kept: Facts | None = None
    known: compiler.Known | None = None
    if course is not None:
        repo, report = load_preview(root, course)
    else:
        def in_background(save: Callable[[], None]) -> None:
            # while the site compiles (a cold build: 2-3 s at 1,000 courses), waited for before
            # the cache's lock is let go; nothing here holds ``save`` (every lesson's reading)
            # on to the render
            cleanups.callback(background.start(save, "saving the checks' cache", note).wait)

        with contextlib.ExitStack() as given:
            if inputs is not None and inputs.files is not None:  # one walk of the files
                given.enter_context(taken_before(root, inputs.files))
                # the courses whose files are unchanged are stand-ins (issue 14)
                kept = Facts.open(root) if use_cache else None
            repo, report = validate_repository(root, cache=use_cache, kept=kept,
                                               saving=in_background if use_cache else None)
    if kept is not None:
        known = compiler.Known(frozenset(kept.standing), _stand_in_reader(root))
    report.extend(_placeholders(repo, course, drafts, strict, use_cache, kept, known))
    if kept is not None:
        kept.release()
    report.command = "build"
    timings["validate"] = time.perf_counter() - t
    unchanged = f"Fix them and build again; the previous site in {out} is unchanged."
    if report.has_errors:
        raise _fail(report, fmt, stdout, f"{report.counts()['error']} error(s)", unchanged)
    if strict and report.counts()["warning"]:
        raise _fail(report, fmt, stdout, f"{report.counts()['warning']} warning(s) under "
                    "--strict", unchanged)

    if cache is not None:  # read while the courses are compiled (issue 14); not before:
        cache.prefetch_docs()  # reading lessons forks only a process with no other thread
    t = time.perf_counter()
    history = _history(repo, cache, inputs) if with_history \
        else History.unavailable("not read")
    timings["history"] = time.perf_counter() - t
    if history.shallow:
        report.extend([_shallow_finding()])
        if strict:
            raise _fail(report, fmt, stdout, "the git clone is shallow (--strict)",
                        SHALLOW_HINT)
        history = History.unavailable("shallow clone")  # no dates rather than wrong ones
    selection = compiler.select(repo, drafts, course)
    pages_estimate = sum(len(c.lessons) + 1 for c in selection.built)
    options = compiler.Options(drafts=drafts, course=course, today=today, now=now,
                               shards=render.shard_count(pages_estimate, workers),
                               translations=translations)
    with contextlib.ExitStack() as stack:
        trash = cache.trash if cache is not None else None
        space = stack.enter_context(publish.workspace(out, trash))
        if cache is not None:  # the courses compiled now wait there, not in memory (issue 14)
            cache.pending = space.work / build_cache.PENDING
        t = time.perf_counter()
        stack.enter_context(i18n.compiled_in(None if cache is None else TemplateCache(
            cache.templates / "pages", build_cache.code_fingerprint())))
        timings["cache"] = 0.0
        while True:
            compiled = compiler.compile_site(repo, selection, space.work, options, history,
                                             cache, known)
            timings["compile"] = time.perf_counter() - t
            t = time.perf_counter()
            reuse = None
            same = False
            if cache is None:
                break
            cache.set_global(compiled.render_key)
            reuse = cache.plan(compiled.digests, compiled.statics)
            same = reuse is not None and cache.unchanged(compiled.digests, compiled.statics,
                                                         out.resolve())
            timings["cache"] += time.perf_counter() - t
            t = time.perf_counter()
            try:
                if not same:  # the kept courses' pages it renders are read now
                    compiled.write_docs(render.skipped(reuse))
                break
            except build_cache.Damaged:  # noted and forgotten: compiled again
                shutil.rmtree(compiled.docs_dir, ignore_errors=True)
                t = time.perf_counter()
        docs_written = time.perf_counter() - t
        built = len(selection.built)
        # the render forks: its processes need none of the repository (the lessons' text and
        # documents), so they do not carry a copy of it (issue 14: a cold build's memory)
        stand_ins = len(kept.standing) if kept is not None else 0
        del repo, history, selection, kept, known
        t = time.perf_counter()
        if same:  # out already holds exactly this site
            result = render.RenderResult(processes=0)
        else:
            # only a render that forks needs the collection and the freeze (a rebuild of a
            # few pages renders in this process: ~0.1 s saved on every such build, serve's too)
            with _frozen() if render.forks(compiled, reuse) else contextlib.nullcontext():
                result = render.render(compiled, space.stage, reuse,
                                       cache.templates if cache is not None else None)
        timings["render"] = time.perf_counter() - t + docs_written
        lesson_warnings = list(compiled.warnings)
        if preview_prefix := (f"courses/{course}/" if course else ""):
            lesson_warnings = [w for w in lesson_warnings if w.path.startswith(preview_prefix)]
        report.extend(lesson_warnings)
        if strict and lesson_warnings:
            raise _fail(report, fmt, stdout, f"{len(lesson_warnings)} warning(s) under "
                        "--strict", unchanged)
        t = time.perf_counter()
        replaced: Path | None = None
        if not same:
            # with the cache, the cached site's folder becomes the new one (no link per file)
            moved = reuse is not None and build_cache.assemble(space.stage, reuse, result.keep)
            replaced = publish.swap_in(space.stage, out, trash, keep_old=moved)
            if published is not None:
                published()
        timings["publish"] = time.perf_counter() - t
        if cache is not None and inputs is not None and inputs.usable:
            cache.record = _record(inputs, report, lesson_warnings, compiled, now, built)
        if cache is not None and same:
            try:
                cache.save_record()
            except OSError as exc:
                note(f"note: the build cache could not be written ({exc}).")
        if cache is not None and not same:
            t = time.perf_counter()
            static = {d: s for d, s in result.outputs.items() if s is not None}
            try:
                cache.commit(out.resolve(), compiled.digests, static, result.docs,
                             compiled.statics, replaced, result.keep, result.fresh)
            except OSError as exc:
                note(f"note: the build cache could not be written ({exc}); the next build "
                     "renders everything.")
            timings["cache"] += time.perf_counter() - t
        if replaced is not None and replaced.exists():  # not made the cache's copy
            publish.discard(replaced, trash)
    if report.diagnostics or fmt != "text":
        emit(report, fmt, stdout)
    return BuildResult(out=out, pages=compiled.pages, courses=built,
                       seconds=time.perf_counter() - started, processes=result.processes,
                       report=report, warnings=lesson_warnings, preview=course,
                       timings=timings, rendered=result.rendered,
                       stand_ins=stand_ins, forked=compiled.forked)
