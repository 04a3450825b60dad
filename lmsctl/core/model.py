"""The immutable model of a course repository (DESIGN section 2).

Everything here is plain data with source positions; ``loader`` builds it, the rules, the site
builder and the history reader only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lmsctl.core.document import LessonDocument
from lmsctl.core.ids import content_version, question_version
from lmsctl.core.yamlstrict import YamlDoc

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Choice:
    """One answer of a quiz question, at its place in the lesson file."""

    text: str
    correct: bool
    explanation: str
    line: int
    column: int
    index: int = 0  # 0-based position as authored
    id: str | None = None

    @property
    def key(self) -> str:
        """Stable id within the question: the choice's ``id:`` or ``c1``, ``c2`` by authored
        position (display order may be shuffled; keys are not)."""
        return self.id or f"c{self.index + 1}"


@dataclass(frozen=True)
class Question:
    """A quiz question with its choices, at its place in the lesson file."""

    index: int  # 0-based position in its lesson, over all the lesson's quiz blocks
    id: str | None
    question: str
    choices: tuple[Choice, ...]
    line: int
    column: int

    @property
    def multiple(self) -> bool:
        return sum(1 for c in self.choices if c.correct) > 1

    @property
    def key(self) -> str:
        """Stable storage key within the lesson: the question's ``id:`` or its index."""
        return self.id or f"q{self.index + 1}"

    @property
    def version(self) -> str:
        """Content version: a short hash of the text, the choices and which are correct, so
        statistics never mix two versions of a question (DESIGN section 8)."""
        return question_version(self.question, [(c.key, c.text, c.correct) for c in self.choices])


@dataclass(frozen=True)
class Quiz:
    """A ```quiz fenced block; lines are 1-based lines of the lesson file."""

    start_line: int  # the opening fence
    end_line: int  # the closing fence
    questions: tuple[Question, ...]
    doc: YamlDoc | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Link:
    """A Markdown link or image (or an HTML ``<img src>``) found in a lesson body."""

    url: str
    text: str
    line: int
    column: int
    image: bool


@dataclass(frozen=True)
class Lesson:
    """A lesson file: its front matter, its Markdown body and what reading it found."""

    id: str
    course_id: str
    file_name: str
    rel: str  # path from the repository root, with /
    title: str
    duration_set: int | None
    description: str
    text: str  # the whole file
    body: str  # the Markdown after the front matter
    body_line: int  # 1-based line of the file where ``body`` starts
    quizzes: tuple[Quiz, ...]
    links: tuple[Link, ...]
    word_count: int
    front_matter: YamlDoc | None = field(default=None, compare=False, repr=False)
    #: what the one Markdown reader found in ``body`` (headings, links, quizzes, code...)
    document: LessonDocument = field(default_factory=LessonDocument, compare=False,
                                     repr=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for quiz in self.quizzes for q in quiz.questions)

    @property
    def version(self) -> str:
        """Content version of the lesson: a short hash of its source."""
        return content_version(self.text)

    @property
    def duration(self) -> int:
        """Minutes: the front matter's ``duration``, else estimated from words and questions."""
        if self.duration_set is not None:
            return self.duration_set
        return max(1, round(self.word_count / WORDS_PER_MINUTE + self.question_count * 0.5))

    @property
    def question_count(self) -> int:
        return len(self.questions)


@dataclass(frozen=True)
class Course:
    """A course folder: its course.yml and its lessons, in order."""

    id: str
    rel_dir: str  # courses/<id>
    title: str
    summary: str
    owners: tuple[str, ...]
    level: str
    skills: tuple[str, ...]
    audience: tuple[str, ...]
    tags: tuple[str, ...]
    objectives: tuple[str, ...]
    prerequisites: tuple[str, ...]
    status: str
    review_every: int | None
    reviewed: str | None
    language: str
    pass_mark: int
    lessons: tuple[Lesson, ...]
    doc: YamlDoc = field(compare=False, repr=False)
    goals: tuple[str, ...] = ()  # business goal ids declared in lmsctl.yml

    @property
    def rel(self) -> str:
        return f"{self.rel_dir}/course.yml"

    @property
    def duration(self) -> int:
        return sum(lesson.duration for lesson in self.lessons)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for lesson in self.lessons for q in lesson.questions)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((x for x in self.lessons if x.id == lesson_id), None)


@dataclass(frozen=True)
class PathMember:
    """A course of a learning path, at its place in the path's file."""

    id: str
    optional: bool
    line: int
    column: int


@dataclass(frozen=True)
class LearningPath:
    """A learning path file (``paths/<id>.yml``): its courses, in order."""

    id: str
    rel: str
    title: str
    summary: str
    owners: tuple[str, ...]
    audience: tuple[str, ...]
    status: str
    courses: tuple[PathMember, ...]
    doc: YamlDoc = field(compare=False, repr=False)
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skill:
    """A skill declared in lmsctl.yml (``skills:``), which courses name."""

    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Goal:
    """A business goal (OKR) that learning serves; courses and paths name theirs."""

    id: str
    title: str
    owner: str = ""


@dataclass(frozen=True)
class XapiEndpoint:
    """Where the site sends learning records (``analytics.xapi`` in lmsctl.yml)."""

    endpoint: str  # the LRS's xAPI base, always ending in "/"
    auth: str  # the Authorization header value of a write-only account


@dataclass(frozen=True)
class Analytics:
    """``analytics:`` in lmsctl.yml (DESIGN sections 8 and 9). Recording is off without xapi."""

    xapi: XapiEndpoint | None = None
    activity_base: str = ""  # as written; see Config.activity_base
    min_learners: int = 5

    @property
    def recording(self) -> bool:
        return self.xapi is not None


@dataclass(frozen=True)
class Recognition:
    """``recognition:`` in lmsctl.yml: the thresholds of the milestone badges on
    /contributors/ (the first course published is always one)."""

    courses: int = 5
    lessons: int = 25
    reviews: int = 10


@dataclass(frozen=True)
class Config:
    """``lmsctl.yml``, with a default for every setting it leaves out."""

    site_title: str = "Learning"
    site_url: str = ""
    site_description: str = ""
    repo_url: str = ""
    branch: str = "main"
    review_every: int = 365
    featured_paths: tuple[str, ...] = ()
    maintainers: tuple[str, ...] = ()
    #: ``people:``: (handle without "@", display name), handles as written (case kept)
    people: tuple[tuple[str, str], ...] = ()
    recognition: Recognition = field(default_factory=Recognition)
    skills: tuple[Skill, ...] = ()
    goals: tuple[Goal, ...] = ()
    lint: dict[str, Any] = field(default_factory=dict, compare=False)
    analytics: Analytics = field(default_factory=Analytics)
    doc: YamlDoc | None = field(default=None, compare=False, repr=False)
    exists: bool = False

    @property
    def activity_base(self) -> str:
        """The start of every xAPI activity id: ``analytics.activity_base``, else ``site.url``;
        always ending in ``/`` (empty when neither is set)."""
        base = self.analytics.activity_base or self.site_url
        return base if not base or base.endswith("/") else base + "/"

    def skill(self, skill_id: str) -> Skill | None:
        return next((s for s in self.skills if s.id == skill_id), None)


@dataclass(frozen=True)
class Repository:
    """A course repository as read: its settings, courses, paths and files."""

    root: Path
    config: Config
    courses: tuple[Course, ...]
    paths: tuple[LearningPath, ...]
    files: tuple[str, ...] = ()  # every file read, repository-relative

    @cached_property
    def courses_by_id(self) -> dict[str, Course]:
        return {c.id: c for c in self.courses}

    @cached_property
    def paths_by_id(self) -> dict[str, LearningPath]:
        return {p.id: p for p in self.paths}

    def course(self, course_id: str) -> Course | None:
        return self.courses_by_id.get(course_id)

    def path(self, path_id: str) -> LearningPath | None:
        return self.paths_by_id.get(path_id)
