"""The lint check registry and the context every check reads.

A lint rule group (a module of ``lmsctl.checks.rules``) lists its ``Rule`` entries in ``RULES``
and its check functions in ``CHECKS`` (a ``CheckList``): lesson checks are called once per lesson
with the shared ``LessonDocument``, course checks once per course, repo checks once per run (paths,
settings, files). Checks only read; they
return diagnostics at the rule's default severity, and the engine applies settings and
suppressions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lmsctl.core.cache import Namespace
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.document import LessonDocument
from lmsctl.core.model import Course, Lesson, Repository

DEFAULT_MAX_LESSON_WORDS = 1500
DEFAULT_MAX_FILE_KB = 1024
DEFAULT_MAX_MEDIA_MB = 10


@dataclass(frozen=True)
class Settings:
    """The numeric lint settings of ``lmsctl.yml`` (``lint:``), with their defaults."""

    max_lesson_words: int = DEFAULT_MAX_LESSON_WORDS
    max_file_kb: int = DEFAULT_MAX_FILE_KB
    max_media_mb: int = DEFAULT_MAX_MEDIA_MB


@dataclass(frozen=True)
class LessonAhead:
    """What lint found in a lesson where it was read (``content.ahead``, in the loader's
    workers): the places of the placeholder ``texts`` in its body (LMS309) and the findings of
    the checks that read only their lesson (``@CHECKS.own_lesson``) under ``settings``. A
    check uses them when its texts or settings are these (else it looks itself)."""

    texts: frozenset[str]
    places: list[tuple[int, int, str]]
    settings: Settings
    own: list[Diagnostic]


@dataclass
class Context:
    """What every check of a run reads: the repository, the settings, the scope."""

    repo: Repository
    settings: Settings = field(default_factory=Settings)
    #: (path, line, column) of every validation finding, so lint does not say it twice
    validated: frozenset[tuple[str, int, int]] = frozenset()
    #: course ids whose content is linted in this run (None: all)
    scope: frozenset[str] | None = None
    #: per-run memo for rule modules (e.g. parsed .gitattributes)
    cache: dict[str, Any] = field(default_factory=dict)
    #: the lasting cache of lint (``lmsctl.core.cache``) for per-file facts; None: off
    store: Namespace | None = None

    def view(self, lesson: Lesson) -> LessonDocument:
        """The lesson's document: what the one Markdown reader found when the lesson was
        loaded (the same reading the page is rendered from)."""
        return lesson.document

    @cached_property
    def lessons_by_rel(self) -> dict[str, tuple[Course, Lesson]]:
        return {lesson.rel: (course, lesson) for course in self.repo.courses
                for lesson in course.lessons}

    @cached_property
    def courses_by_dir(self) -> dict[str, Course]:
        return {course.rel_dir: course for course in self.repo.courses}

    def in_scope(self, course: Course) -> bool:
        return self.scope is None or course.id in self.scope


LessonCheck = Callable[[Context, Course, Lesson, LessonDocument], Iterable[Diagnostic]]
CourseCheck = Callable[[Context, Course], Iterable[Diagnostic]]
RepoCheck = Callable[[Context], Iterable[Diagnostic]]

class CheckList:
    """A rule group's own checks, in order: ``@CHECKS.lesson`` (once per lesson, with the shared
    ``LessonDocument``; ``@CHECKS.own_lesson`` when it reads nothing but the lesson and the
    settings, so that its findings are cached), ``@CHECKS.course`` (once per course),
    ``@CHECKS.repo`` (once per run). The registry (``lmsctl.checks.registry``) lists the
    groups explicitly."""

    def __init__(self) -> None:
        self.lessons: list[LessonCheck] = []
        self.own: list[LessonCheck] = []
        self.courses: list[CourseCheck] = []
        self.repos: list[RepoCheck] = []

    def lesson(self, func: LessonCheck) -> LessonCheck:
        """A lesson check that may look beyond the lesson (other lessons, files, git)."""
        self.lessons.append(func)
        return func

    def own_lesson(self, func: LessonCheck) -> LessonCheck:
        """A lesson check whose findings depend only on the lesson's text, path and course id
        and on the numeric lint settings (``ctx.settings``): ``lint`` caches them by those."""
        self.lessons.append(func)
        self.own.append(func)
        return func

    def course(self, func: CourseCheck) -> CourseCheck:
        self.courses.append(func)
        return func

    def repo(self, func: RepoCheck) -> RepoCheck:
        self.repos.append(func)
        return func
