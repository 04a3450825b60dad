"""``lint``: validation plus the quality rules, with settings, suppressions, scope and fixes.

    repo, report = lint_repository(root, paths=["courses/sales-basics"], changed_since="main")

The run: validate (``validate_repository``) -> run every registered check once over the courses
in scope (each lesson is scanned once, ``Context.view``) -> apply ``lmsctl.yml`` severities
(``lint.rules`` and per-glob ``lint.overrides``; ``off`` drops a finding) -> apply suppression
comments and report unused ones -> keep the findings in scope. Validation rules (LMS1xx/LMS2xx)
cannot be turned off or suppressed: they must hold for the site to build.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lmsctl.checks.lint_report import CourseChange, LintReport
from lmsctl.checks.paths import course_files
from lmsctl.checks.paths import rel_paths as rel_paths  # noqa: F401  (re-exported)
from lmsctl.checks.registry import (
    COURSE_CHECKS,
    LESSON_CHECKS,
    OWN_LESSON_CHECKS,
    REPO_CHECKS,
    RULES,
    all_rules,
    diag,
)
from lmsctl.checks.rules import insights
from lmsctl.checks.rules.checks import (
    Context,
    LessonAhead,
    Settings,
)
from lmsctl.checks.suppressions import FileSuppressions, parse_directive, yaml_directives
from lmsctl.checks.validate import validate_repository, validate_within
from lmsctl.content.ahead import found_ahead, working_ahead
from lmsctl.content.loader import load_config
from lmsctl.content.placeholders import find_placeholders, template_texts
from lmsctl.core.cache import Namespace, open_namespace, settings_hash
from lmsctl.core.diagnostics import Diagnostic, Fix, Report, Severity
from lmsctl.core.errors import UsageError
from lmsctl.core.files import write_atomic
from lmsctl.core.model import Course, Lesson, Repository
from lmsctl.core.yamlstrict import YamlDoc, parse_yaml

if TYPE_CHECKING:  # git runs with --changed-since alone: imported then (issue 14)
    import subprocess

LEVELS = ("error", "warning", "info", "off")
RULES_PAGE = "contributing/rules/"


# --------------------------------------------------------------------------------- settings


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob as a regular expression: ``**`` any folders, ``*`` and ``?`` within one
    name, ``[...]`` a character class. A pattern naming a folder matches everything in it."""
    return _glob_regex(pattern.strip().lstrip("./").rstrip("/") or "**")


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1:end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"(?:/.*)?\Z")


@dataclass(frozen=True)
class Override:
    """A ``lint.overrides`` entry: rule levels for the files its globs match."""

    patterns: tuple[str, ...]
    rules: dict[str, str]

    def matches(self, path: str) -> bool:
        return any(glob_regex(p).match(path) for p in self.patterns)


@dataclass
class LintConfig:
    """The ``lint:`` section of lmsctl.yml: settings, rule levels, overrides."""

    settings: Settings = field(default_factory=Settings)
    rules: dict[str, str] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)

    def level(self, rule: str, path: str) -> str | None:
        """The configured level of ``rule`` for ``path`` (later overrides win), or None."""
        level = self.rules.get(rule)
        for override in self.overrides:
            if rule in override.rules and override.matches(path):
                level = override.rules[rule]
        return level

    def apply(self, d: Diagnostic) -> Diagnostic | None:
        """``d`` at its configured severity, or None when the rule is off there."""
        rule = RULES.get(d.rule)
        if rule is None or rule.stage != "lint":
            return d
        level = self.level(d.rule, d.path)
        if level is None:
            return d
        if level == "off":
            return None
        severity = Severity(level)
        if severity is d.severity:
            return d
        return Diagnostic(d.rule, severity, d.path, d.line, d.column, d.message, d.hint)


def _rule_map(raw: Any, doc_path: tuple[str | int, ...], repo: Repository,
              problems: list[Diagnostic]) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(raw, dict):
        return out
    doc = repo.config.doc
    for key, value in raw.items():
        rule_id = str(key).upper()
        line, col = doc.key_pos((*doc_path, key)) if doc is not None else (1, 1)
        rule = RULES.get(rule_id)
        if rule is None:
            problems.append(diag("LMS791", "lmsctl.yml", line, col,
                                 f"lint setting for {key}: there is no such rule",
                                 "Run `lmsctl rules` for the list of rule ids."))
            continue
        if rule.stage != "lint":
            problems.append(diag("LMS791", "lmsctl.yml", line, col,
                                 f"{rule_id} is a validation rule: it is always an error and "
                                 "cannot be configured",
                                 "Remove the setting; fix the problems it reports instead."))
            continue
        if isinstance(value, str) and value in LEVELS:
            out[rule_id] = value
    return out


def _settings(raw: dict[str, Any]) -> Settings:
    """The numeric settings of a ``lint:`` section (a default for each one not a positive
    integer)."""
    def number(key: str, default: int) -> int:
        value = raw.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
            else default

    defaults = Settings()
    return Settings(
        max_lesson_words=number("max_lesson_words", defaults.max_lesson_words),
        max_file_kb=number("max_file_kb", defaults.max_file_kb),
        max_media_mb=number("max_media_mb", defaults.max_media_mb),
    )


def read_config(repo: Repository) -> tuple[LintConfig, list[Diagnostic]]:
    """The ``lint:`` section of lmsctl.yml (already schema-checked by validate)."""
    raw = repo.config.lint if isinstance(repo.config.lint, dict) else {}
    problems: list[Diagnostic] = []
    settings = _settings(raw)
    rules = _rule_map(raw.get("rules"), ("lint", "rules"), repo, problems)
    overrides: list[Override] = []
    entries = raw.get("overrides")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        globs = entry.get("paths")
        patterns = tuple(g for g in (globs if isinstance(globs, list) else [])
                         if isinstance(g, str))
        mapping = _rule_map(entry.get("rules"), ("lint", "overrides", i, "rules"), repo,
                            problems)
        problems += _dead_globs(repo, patterns, ("lint", "overrides", i, "paths"),
                                globs if isinstance(globs, list) else [])
        if patterns:
            overrides.append(Override(patterns, mapping))
    return LintConfig(settings, rules, overrides), problems


def _dead_globs(repo: Repository, patterns: tuple[str, ...], doc_path: tuple[str | int, ...],
                raw: list[Any]) -> list[Diagnostic]:
    """Override paths that can never match (findings are reported at repository-relative
    POSIX paths) or that match no file of the repository: the override would silently do
    nothing."""
    problems: list[Diagnostic] = []
    doc = repo.config.doc
    files = list(repo.files) + [c.rel_dir for c in repo.courses]
    for lesson_course in repo.courses:
        files += [lesson.rel for lesson in lesson_course.lessons]
    for j, pattern in enumerate(raw):
        if not isinstance(pattern, str):
            continue
        line, col = doc.pos((*doc_path, j)) if doc is not None else (1, 1)
        why = None
        if not pattern.strip():
            why = "is empty"
        elif pattern.startswith(("/", "./", "../")) or "/../" in pattern or "\\" in pattern \
                or pattern.endswith("/..") or pattern == "..":
            why = ("can never match: findings are at paths relative to the repository root, "
                   "written with / (like courses/sales-basics/lessons/*.md)")
        elif not any(glob_regex(pattern).match(f) for f in files):
            why = "matches no file of the repository"
        if why is not None:
            problems.append(diag("LMS791", "lmsctl.yml", line, col,
                                 f"lint override path '{pattern}' {why}",
                                 "Write a glob relative to the repository root, e.g. "
                                 "courses/sales-basics/** or courses/*/lessons/*.md."))
    return problems


# ------------------------------------------------------------------------------------ scope


@dataclass
class Scope:
    """What a run reports: everything, or findings in some files and folders."""

    prefixes: tuple[str, ...] | None = None  # repository-relative files or folders
    courses: frozenset[str] | None = None  # course ids whose content is checked
    #: with --changed-since: validation findings are kept everywhere (they break the build)
    keep_validation: bool = False

    def holds(self, d: Diagnostic) -> bool:
        if self.prefixes is None:
            return True
        if self.keep_validation:
            rule = RULES.get(d.rule)
            if rule is None or rule.stage != "lint":
                return True
        return self._within(d.path)

    def _within(self, rel: str) -> bool:
        assert self.prefixes is not None
        return rel in self.prefixes or rel.startswith(self._folders)

    @cached_property
    def _folders(self) -> tuple[str, ...]:
        """The prefixes as folders (``p/``), for ``str.startswith``."""
        return tuple(p + "/" for p in self.prefixes or ())

    def count(self, files: tuple[str, ...]) -> int:
        """How many of the repository's ``files`` the run reports on (all, or those within its
        files and folders, as ``lint <file>``): the "in N files" of its summary."""
        if self.prefixes is None or self.keep_validation:
            return len(files)
        return sum(1 for rel in files if self._within(rel))


def scope_for_paths(repo: Repository, rels: list[str]) -> Scope:
    cleaned = [r.strip("/") for r in rels]
    if any(r in ("", ".") for r in cleaned):
        return Scope()
    courses = set()
    for course in repo.courses:
        for r in cleaned:
            if (r == course.rel_dir or r.startswith(course.rel_dir + "/")
                    or course.rel_dir.startswith(r + "/")):
                courses.add(course.id)
    return Scope(tuple(cleaned), frozenset(courses))


def course_folders(rels: list[str]) -> frozenset[str] | None:
    """The course folders that ``scope_for_paths`` can take in, known before reading any
    (None: all of them)."""
    out: set[str] = set()
    for rel in (r.strip("/") for r in rels):
        parts = rel.split("/")
        if rel in ("", ".", "courses"):
            return None
        if parts[0] == "courses":
            out.add(parts[1])
    return frozenset(out)


# ------------------------------------------------------------------------- git changes


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import subprocess

    from lmsctl.core import git

    try:
        return git.run_text(root, args)
    except git.GitNotFound as exc:
        raise UsageError("--changed-since needs git, which is not installed",
                         "Install git, or lint without --changed-since.") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"--changed-since: cannot run git in {root}: {exc}",
                         "Check that the folder exists and git works there (git status).") from exc


def changed_files(root: Path, ref: str) -> tuple[str, list[str]]:
    """(merge base, repository-relative paths changed since ``ref``): committed on this branch
    since it left ``ref`` (``ref...HEAD``), plus staged, unstaged and untracked changes."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise UsageError(f"--changed-since {ref}: {root} is not inside a git repository",
                         "Run lint without --changed-since, or in a git checkout.")
    if ref.startswith("-"):
        raise UsageError(f"--changed-since {ref}: not a git ref",
                         "Give a branch, tag or commit, e.g. --changed-since origin/main.")
    resolved = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if resolved.returncode != 0:
        raise UsageError(
            f"--changed-since {ref}: no such branch, tag or commit in this repository",
            "Fetch it first (git fetch origin main, then --changed-since origin/main); in "
            "GitHub Actions check out with fetch-depth: 0.")
    base = _git(root, "merge-base", resolved.stdout.strip(), "HEAD")
    base_rev = base.stdout.strip() if base.returncode == 0 and base.stdout.strip() \
        else resolved.stdout.strip()
    names: set[str] = set()
    diff = _git(root, "diff", "--name-only", "--relative", "--no-renames", base_rev)
    if diff.returncode != 0:
        raise UsageError(f"--changed-since {ref}: git diff failed: {diff.stderr.strip()}",
                         "Check that the checkout is complete (in CI: fetch-depth: 0), or lint "
                         "everything without --changed-since.")
    names.update(x for x in diff.stdout.splitlines() if x)
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    names.update(x for x in untracked.stdout.splitlines() if x)
    return base_rev, sorted(names)


@dataclass(frozen=True)
class _Before:
    """A course as it was at the ``--changed-since`` ref (``status`` None: absent)."""

    status: str | None  # None: the file did not exist at the ref
    title: str = ""
    owners: tuple[str, ...] = ()


def _course_at(root: Path, rev: str, rel: str) -> _Before:
    """A course.yml as it was at ``rev`` (read with ``git show``, parsed strictly)."""
    shown = _git(root, "show", f"{rev}:./{rel}")
    if shown.returncode != 0:
        return _Before(None)
    doc, _ = parse_yaml(shown.stdout, rel)
    if doc is None or not isinstance(doc.data, dict):
        return _Before("published")
    data = doc.data
    status, title, owners = data.get("status"), data.get("title"), data.get("owners")
    return _Before(status if isinstance(status, str) else "published",
                   title if isinstance(title, str) else "",
                   tuple(o for o in owners if isinstance(o, str))
                   if isinstance(owners, list) else ())


def scope_for_changes(repo: Repository, ref: str) -> tuple[Scope, list[CourseChange]]:
    base, names = changed_files(repo.root, ref)
    by_course: dict[str, list[str]] = {}
    paths: set[str] = set()
    everything = False
    for name in names:
        parts = name.split("/")
        if parts[0] == "courses" and len(parts) >= 3:
            if parts[1].startswith(("_", ".")):
                continue  # courses/_templates/ and the like are not courses
            by_course.setdefault(parts[1], []).append(name)
        elif parts[0] == "paths" and len(parts) == 2:
            paths.add(name)
        elif name == "lmsctl.yml" or parts[0] == "schemas":
            everything = True
    changes: list[CourseChange] = []
    for course_id in sorted(by_course):
        course = repo.course(course_id)
        rel_yml = f"courses/{course_id}/course.yml"
        before = _course_at(repo.root, base, rel_yml)
        after: str | None
        if course is not None:
            after = course.status
        else:  # deleted, or present but unreadable (validate says why)
            after = "published" if (repo.root / rel_yml).exists() else None
        changes.append(CourseChange(
            id=course_id, title=course.title if course else (before.title or course_id),
            rel_dir=f"courses/{course_id}",
            owners=course.owners if course else before.owners,
            before=before.status, after=after, files=tuple(by_course[course_id])))
    if everything:
        return Scope(keep_validation=True), changes
    for path in repo.paths:
        if any(m.id in by_course for m in path.courses):
            paths.add(path.rel)
    prefixes = tuple(sorted({f"courses/{c}" for c in by_course} | paths))
    return (Scope(prefixes, frozenset(by_course), keep_validation=True), changes)


# ----------------------------------------------------------------------------------- report


def rules_url(repo: Repository) -> str:
    site = repo.config.site_url
    if not site:
        return ""
    return site.rstrip("/") + "/" + RULES_PAGE


# ------------------------------------------------------------------------------------- run


#: The cache namespace of the lesson checks' findings (``lmsctl.core.cache``).
NAMESPACE = "lint"
_OWN = [c for c in LESSON_CHECKS if c in OWN_LESSON_CHECKS]
_ACROSS = [c for c in LESSON_CHECKS if c not in OWN_LESSON_CHECKS]


def _run_checks(ctx: Context, store: Namespace | None = None) -> list[Diagnostic]:
    """Every check over the courses in scope. With ``store``: the findings of the checks that
    read only their lesson (``OWN_LESSON_CHECKS``) are reused for the same lesson text, path
    and settings; every other check runs every time."""
    out: list[Diagnostic] = []
    settings = settings_hash(dataclasses.asdict(ctx.settings)) if store is not None else ""
    for course in ctx.repo.courses:
        if not ctx.in_scope(course):
            continue
        for course_check in COURSE_CHECKS:
            out.extend(course_check(ctx, course))
        for lesson in course.lessons:
            view = ctx.view(lesson)
            found: list[Diagnostic] | None = None
            key = ""
            if store is not None:
                key = store.key("lesson", lesson.rel, lesson.course_id, lesson.text, settings)
                found = store.get(key)
            if found is None:
                ahead = found_ahead(lesson.rel, lesson.body)  # found by the worker that read it
                if isinstance(ahead, LessonAhead) and ahead.settings == ctx.settings:
                    found = ahead.own
                else:
                    found = [d for check in _OWN for d in check(ctx, course, lesson, view)]
                if store is not None:
                    store.put(key, found)
            out.extend(found)
            for lesson_check in _ACROSS:
                out.extend(lesson_check(ctx, course, lesson, view))
    for repo_check in REPO_CHECKS:
        out.extend(repo_check(ctx))
    return out


def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if "lmsctl-" not in text:
        return []
    return list(enumerate(text.splitlines(), start=1))


def _suppressions(ctx: Context) -> tuple[dict[str, FileSuppressions], list[Diagnostic]]:
    """Every suppression directive of the files in scope (parsed only where "lmsctl-" occurs)."""
    files: dict[str, FileSuppressions] = {}
    problems: list[Diagnostic] = []
    repo = ctx.repo
    for course in repo.courses:
        if not ctx.in_scope(course):
            continue
        directives, more = yaml_directives(_read_lines(repo.root / course.rel), course.rel)
        problems += more
        if directives:
            files[course.rel] = FileSuppressions(course.rel, directives)
        for lesson in course.lessons:
            if "lmsctl-" not in lesson.text:
                continue
            view = ctx.view(lesson)
            found = []
            for c in view.comments:
                d, more = parse_directive(c.text, lesson.rel, c.line, c.column, c.end_line)
                problems += more
                if d is not None:
                    found.append(d)
            lines = lesson.text.split("\n")
            yaml_lines = [(n, lines[n - 1]) for n in range(2, lesson.body_line - 1)]
            for block in view.quizzes:
                first, last = block.line + 1, (block.end_line or block.line + 1) - 1
                yaml_lines += [(n, lines[n - 1]) for n in range(first, last + 1)
                               if n - 1 < len(lines)]
            more_directives, more = yaml_directives(yaml_lines, lesson.rel)
            problems += more
            found += more_directives
            if found:
                files[lesson.rel] = FileSuppressions(lesson.rel, found)
    for rel in [p.rel for p in repo.paths] + (["lmsctl.yml"] if repo.config.exists else []):
        directives, more = yaml_directives(_read_lines(repo.root / rel), rel)
        problems += more
        if directives:
            files[rel] = FileSuppressions(rel, directives)
    return files, problems


#: Findings from outside the rule checks (``lint --analytics``: insights from statements),
#: given the repository; they get settings, suppressions and scope like every finding.
ExtraFindings = Callable[[Repository], Iterable[Diagnostic]]


def lint_repository(
    root: Path, paths: list[str] | None = None, changed_since: str | None = None,
    extra: ExtraFindings | None = None, cache: bool = True,
) -> tuple[Repository, LintReport]:
    """Validate and lint the repository at ``root``. ``paths`` (repository-relative files or
    folders) and ``changed_since`` (a git ref) limit what is reported; ``extra`` adds findings
    made elsewhere (insights, never cached). With ``cache`` (``--no-cache`` turns it off) each
    file's reading and the findings of the checks that read only one lesson are reused while
    the text, path, lmsctl and settings are the same; everything that spans files runs again."""
    all_rules()
    # LMS309's search of each lesson and the checks that read only their lesson run where the
    # lesson is read (in the loader's workers), with the settings of lmsctl.yml as it is now
    config, _ = load_config(root)
    texts = template_texts(root)
    work = partial(_lesson_ahead, texts,
                   _settings(config.lint if isinstance(config.lint, dict) else {}))
    with working_ahead(work):
        return _lint_repository(root, paths, changed_since, extra, cache, texts)


def _lesson_ahead(texts: frozenset[str], settings: Settings, lesson: Lesson) -> LessonAhead:
    """In a worker of the loader: what lint finds in ``lesson`` alone (``LessonAhead``). The
    checks that read only their lesson are given a context and course that hold nothing else
    (they read the course's id only)."""
    ctx = Context(cast(Repository, None), settings)
    course = Course(
        id=lesson.course_id, rel_dir=f"courses/{lesson.course_id}", title=lesson.course_id,
        summary="", owners=(), level="", skills=(), audience=(), tags=(), objectives=(),
        prerequisites=(), status="", review_every=None, reviewed=None, language="",
        pass_mark=0, lessons=(), doc=cast(YamlDoc, None))
    places = list(find_placeholders(lesson.body, texts)) if texts else []
    return LessonAhead(texts, places, settings,
                       [d for check in _OWN for d in check(ctx, course, lesson, lesson.document)])


def _lint_repository(root: Path, paths: list[str] | None, changed_since: str | None,
                     extra: ExtraFindings | None, cache: bool, texts: frozenset[str]
                     ) -> tuple[Repository, LintReport]:
    # Reporting on some files only (``alone``: paths, no --changed-since, which keeps
    # validation findings everywhere): the other courses' lesson references cannot reach the
    # report; files within course folders need those folders and the courses they link to
    # alone (but for insights, ``extra``, which are given the repository whole).
    alone = paths if paths and not changed_since else None
    within = course_files(alone) if alone and extra is None else None
    if within is not None:
        repo, validation = validate_within(root, within, cache)
    else:
        only = (lambda repo: scope_for_paths(repo, alone).courses) if alone else None
        repo, validation = validate_repository(
            root, cache, only, only=course_folders(alone) if alone else None, facts=True)
    config, problems = read_config(repo)
    changes: list[CourseChange] = []
    if changed_since:
        scope, changes = scope_for_changes(repo, changed_since)
        if paths:
            narrowed = scope_for_paths(repo, paths)
            if narrowed.prefixes is not None:
                scope = Scope(narrowed.prefixes, narrowed.courses, keep_validation=True)
    elif paths:
        scope = scope_for_paths(repo, paths)
    else:
        scope = Scope()
    # a run on some paths reads their courses afresh (the other courses stand in): their own
    # findings are found again too, cheaper than restoring everyone's (or making their keys)
    lasting = cache and not alone
    store = open_namespace(repo.root, NAMESPACE, lasting)
    ctx = Context(repo, config.settings,
                  validated=frozenset((d.path, d.line, d.column) for d in validation.diagnostics),
                  scope=scope.courses, store=store if lasting else None)
    ctx.cache["template_texts"] = texts  # read once, for the workers and LMS309 alike
    found = _run_checks(ctx, ctx.store)
    if extra is not None:
        found += extra(repo)
    suppressions, more = _suppressions(ctx)
    found += problems + more
    kept: list[Diagnostic] = []
    for d in found:
        configured = config.apply(d)
        if configured is None:
            continue
        sup = suppressions.get(d.path)
        if sup is not None and d.rule != "LMS790" and sup.suppresses(d.rule, d.line):
            continue
        kept.append(configured)
    # without statements the insight rules did not run: their suppressions are not unused
    not_run = () if extra is not None else tuple(f" {r.id} suppresses" for r in insights.RULES)
    for sup in suppressions.values():
        for d in sup.unused():
            if any(x in d.message for x in not_run):
                continue
            configured = config.apply(d)
            if configured is not None:
                kept.append(configured)
    report = LintReport(files_checked=scope.count(repo.files), root=repo.root,
                        rules_url=rules_url(repo), changed_since=changed_since,
                        changes=changes)
    report.extend(d for d in validation.diagnostics if scope.holds(d))
    report.extend(d for d in kept if scope.holds(d))
    store.save(prune=scope.courses is None)
    return repo, report


# ------------------------------------------------------------------------------------- fix


@dataclass(frozen=True)
class Applied:
    """A fix applied by ``--fix``, as printed."""

    path: str
    line: int
    column: int
    rule: str
    description: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.rule} {self.description}"


def _offsets(text: str) -> list[int]:
    """Offset of the start of each line (1-based line n starts at ``offsets[n - 1]``)."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def apply_edits(text: str, fixes: Iterable[tuple[Diagnostic, Fix]]
                ) -> tuple[str, list[tuple[Diagnostic, Fix]]]:
    """Apply each fix's edits to ``text``; a fix whose edits fall outside the text or overlap an
    earlier-applied fix is skipped (the next run reports it again). Returns the new text and
    the fixes applied."""
    starts = _offsets(text)

    def offset(line: int, column: int) -> int | None:
        if not 1 <= line <= len(starts):
            return None
        end = starts[line] - 1 if line < len(starts) else len(text)
        at = starts[line - 1] + column - 1
        return at if starts[line - 1] <= at <= end else None

    planned: list[tuple[int, int, str, Diagnostic, Fix]] = []
    taken: list[tuple[int, int]] = []
    for d, fix in fixes:
        spans = []
        for e in fix.edits:
            a, b = offset(e.line, e.column), offset(e.end_line, e.end_column)
            if a is None or b is None or b < a:
                break
            spans.append((a, b, e.new_text))
        else:
            if any(a < y and x < b or (a == b == x == y) for a, b, _ in spans
                   for x, y in taken):
                continue
            taken += [(a, b) for a, b, _ in spans]
            planned += [(a, b, new, d, fix) for a, b, new in spans]
    out = text
    for a, b, new, _, _ in sorted(planned, key=lambda p: (p[0], p[1]), reverse=True):
        out = out[:a] + new + out[b:]
    applied = list(dict.fromkeys((d, fix) for _, _, _, d, fix in planned))
    return out, applied


def apply_fixes(root: Path, report: Report) -> list[Applied]:
    """Apply the fixes the rules attached to ``report``'s findings; return what was changed.
    Files are rewritten atomically, and only the characters an edit names change."""
    by_file: dict[str, list[tuple[Diagnostic, Fix]]] = {}
    for d in report.sorted():
        if d.fix is not None:
            by_file.setdefault(d.path, []).append((d, d.fix))
    applied: list[Applied] = []
    for rel, items in sorted(by_file.items()):
        path = root / rel
        try:
            original = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        text, done = apply_edits(original, items)
        if text != original:
            write_atomic(path, text, root=root)
            applied += [Applied(rel, d.line, d.column, d.rule, fix.title) for d, fix in done]
    return applied
