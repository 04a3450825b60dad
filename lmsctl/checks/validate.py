"""``validate``: what must hold for a build (schemas and references)."""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lmsctl.checks.references import (
    PAGE_LINKS,
    PUBLISHED,
    asset_findings,
    check_references,
    linked_course,
    page_links,
    published_files,
)
from lmsctl.content.loader import (
    StandIn,
    is_content_name,
    load_config,
    load_course,
    load_repository,
)
from lmsctl.core.cache import Disabled, Namespace, digest, lazy, open_namespace, pickled, unlazied
from lmsctl.core.diagnostics import Diagnostic, Report
from lmsctl.core.document import Heading, LessonDocument
from lmsctl.core.files import inside, one_reading
from lmsctl.core.inputs import Snapshot, snapshot, snapshot_before, unread
from lmsctl.core.model import Course, Lesson, Repository

#: The cache namespace of the readings of files (``lmsctl.core.cache``).
NAMESPACE = "files"
#: The cache namespace of the cross-file facts of each course (``Facts``).
FACTS = "facts"


def validate_repository(root: Path, cache: bool = True,
                        scope: Callable[[Repository], frozenset[str] | None] | None = None,
                        only: frozenset[str] | None = None, facts: bool = False,
                        kept: Facts | None = None,
                        saving: Callable[[Callable[[], None]], None] | None = None
                        ) -> tuple[Repository, Report]:
    """Read the repository and check it. With ``cache`` (``--no-cache`` turns it off) each
    file's reading and its own findings are reused while its text, path and lmsctl are the
    same; everything that spans files (references, cycles, assets, links) is checked again on
    every run. ``scope``, given the repository, names the courses whose lessons' references
    are checked (None: all): for a run that reports only on those courses' files.

    With ``facts`` (and ``cache``) the cross-file facts of every course are kept too (``Facts``);
    ``only`` (course folder names, a run that reports on nothing else) then takes the other
    courses from those facts when they are unchanged, without reading their files: such a
    course is a stand-in (``Facts``), fit for cross-file checks and nothing else.

    ``kept`` (a build, ``Facts.whole``): every course whose facts are known is a stand-in, its
    own findings taken from its facts, and every reference is checked: the report of a full
    run, reading only the files of the courses without facts.

    ``saving``: given the saving of the caches, it does it when it will (a build: while it
    compiles, ``lmsctl.core.background``); without it they are saved before this returns."""
    root = root.resolve()
    whole = kept is not None
    if kept is None:
        kept = Facts.open(root) if cache and facts else None
    elif not cache:
        kept = None
    stand_in: StandIn | None = None
    if kept is not None and whole:
        stand_in, only = kept.whole()
    elif kept is not None and only is not None:
        stand_in = kept.stand_in
    # with stand-ins a run reads few files: the readings of all of them are restored only if
    # one is needed (a course without facts); the courses in ``only`` are read afresh
    store = open_namespace(root, NAMESPACE, cache, deferred=stand_in is not None)
    repo, problems = load_repository(root, cache=store, stand_in=stand_in, only=only)
    if kept is not None:
        unread(root, (f"courses/{name}" for name in sorted(kept.standing)))
    report = Report(files_checked=len(repo.files))
    report.extend(problems)
    if whole and kept is not None:
        report.extend(kept.problems)
    report.extend(check_references(repo, scope(repo) if scope is not None else None,
                                   frozenset(kept.standing) if whole and kept else frozenset(),
                                   kept.assets if kept is not None else None))

    def save() -> None:
        store.save(prune=stand_in is None)
        if kept is not None:
            kept.save(repo, everything=only is None or whole, problems=problems)

    if saving is None:
        save()
    else:
        saving(save)
    return repo, report


#: A run within some course folders (``validate_within``) reads the courses their lessons link
#: to afresh when they are this few; more are taken from their facts (at 1,000 courses reading
#: the facts, 0.14 s, costs as much as reading four or five courses afresh).
FEW_LINKED = 3


def validate_within(root: Path, folders: frozenset[str], cache: bool = True
                    ) -> tuple[Repository, Report]:
    """The check of a run that reports on files of the course folders ``folders`` and on
    nothing else, none of them a course.yml (``checks.paths.course_files``: ``lint
    courses/x/lessons/02-y.md``). Those folders are read afresh, with the courses their
    lessons link to (lessons, anchors, a linked course's status), afresh or from their facts
    when they are known for their files as they are (``FEW_LINKED``); no other course and no
    path is read, and no cache is written. The findings at those files are a full run's; the
    others are not to be reported (the repository holds those courses alone: a prerequisite
    not among them is "not a course"), and the repository is fit for the checks of those files
    alone."""
    root = root.resolve()
    config, problems = load_config(root)
    courses, more, files = _read(root, folders)
    problems += more
    names = {name for course in courses for lesson in course.lessons
             for url, _, _ in page_links(lesson)
             if (name := linked_course(lesson.rel, url)) is not None} - folders
    if names:
        courses = sorted([*courses, *_linked(root, names, cache)],
                         key=lambda c: os.path.normcase(c.rel_dir))
    repo = Repository(root=root, config=config, courses=tuple(courses), paths=(),
                      files=(*(["lmsctl.yml"] if config.exists else []), *files))
    report = Report(files_checked=len(repo.files))
    report.extend(problems)
    report.extend(check_references(repo, folders))
    return repo, report


def _read(root: Path, names: Iterable[str]
          ) -> tuple[list[Course], list[Diagnostic], list[str]]:
    """The courses of the course folders ``names`` read afresh as ``load_repository`` reads
    them (those it reads: content folders, named as listed), what reading them found and the
    files read."""
    courses: list[Course] = []
    problems: list[Diagnostic] = []
    files: list[str] = []
    courses_dir = root / "courses"
    with one_reading():
        if not (courses_dir.is_dir() and inside(root, courses_dir)):
            return courses, problems, files
        listed = set(os.listdir(courses_dir))
        for name in sorted(names, key=os.path.normcase):
            folder = courses_dir / name
            if not (name in listed and is_content_name(name) and folder.is_dir()):
                continue
            course, more, read = load_course(root, folder)
            problems += more
            files += read
            if course is not None:
                courses.append(course)
    return courses, problems, files


def _linked(root: Path, names: set[str], cache: bool) -> list[Course]:
    """The courses of the folders ``names`` (``validate_within``)."""
    facts = Facts.open(root, names) if cache and len(names) > FEW_LINKED else None
    found: list[Course] = []
    unknown: list[str] = []
    for name in names:
        given = facts.stand_in(name) if facts is not None else None
        if given is None:
            unknown.append(name)
        elif given[0] is not None:
            found.append(given[0])
    return [*found, *_read(root, unknown)[0]]


def _folders_snapshot(root: Path, names: Iterable[str]) -> Snapshot | None:
    """The snapshot of the course folders ``names`` alone (the others are not walked)."""
    wanted = {f"courses/{name}" for name in names}
    return snapshot(root, only=("courses",),
                    skip=lambda rel: rel.count("/") == 1 and rel not in wanted)


class Facts:
    """What the checks of other courses' files need to know of a course, kept per course while
    its files are unchanged (``lmsctl.core.inputs``): its course.yml reading (unpickled when
    first used), the files read, and per lesson its id, title, path and anchors (its ids, and
    its headings' places and ids without their text). A stand-in made from them is a
    ``Course`` whose lessons have no text, quizzes or links: cross-file checks (prerequisites
    and their cycles, paths, links and anchors into the course, file lists) read it, never the
    checks of its own files."""

    def __init__(self, root: Path, store: Namespace, before: Snapshot) -> None:
        self.root = root
        self.store = store
        self.before = before
        self.folders = before.folders()
        self.keys: dict[str, str] = {}
        #: the own findings of the courses given as stand-ins (``whole``)
        self.problems: list[Diagnostic] = []
        #: the names of the course folders given as stand-ins (their files were not read)
        self.standing: set[str] = set()
        #: the ``asset_findings`` of the courses the run's reference checks looked at
        self.assets: dict[str, list[Diagnostic]] = {}

    @classmethod
    def open(cls, root: Path, names: Iterable[str] | None = None) -> Facts | None:
        """The facts of the repository's courses, or with ``names`` of those course folders
        alone (the others are not looked at)."""
        before = snapshot_before(root) if names is None else _folders_snapshot(root, names)
        if before is None:
            return None
        return cls(root, Namespace.open(root, FACTS, recent=True), before)

    def _key(self, name: str) -> str | None:
        digest = self.folder_key(name)
        if digest is None:
            return None
        key = self.keys.get(name)
        if key is None:
            key = _MADE_KEYS.get((name, digest)) or self.store.key(name, digest)
            self.keys[name] = key
        return key

    def folder_key(self, name: str) -> str | None:
        """What the files of course folder ``name`` are (a hash of their time stamps), when
        they are settled; None otherwise."""
        digest, settled = self.folders.get(name, ("", False))
        return digest if settled else None

    def stand_in(self, name: str) -> tuple[Course | None, list[str]] | None:
        """The stand-in of the course in folder ``name`` and its files, or None when its facts
        are not known for its files as they are."""
        key = self._key(name)
        found = self.store.get(key) if key is not None else None
        if found is None:
            return None
        self.standing.add(name)
        self.problems += found[4]
        made = _MADE.get(key)  # type: ignore[arg-type]
        if made is not None and made[0] is found:  # made of this very entry
            return made[1]
        return _stand_in(found)

    @classmethod
    def prepare(cls, repositories: list[tuple[Path, Snapshot]]) -> None:
        """For a long-running process whose forks run checks (``lmsctl resident``), once it
        has read the facts ahead (``cache.read_ahead``): for each repository, the stand-in of
        every course whose facts are known for its files as its snapshot has them (one made
        before of the very same entry is kept; those of keys gone are let go), and their keys.
        A fork's ``stand_in`` takes one made of the very entry it finds (the same file read
        ahead), and makes the others; its keys are these (a ``lint <file>`` at 1,000 courses
        works out 1,013 keys, 8.7 ms)."""
        made: dict[str, tuple[Any, tuple[Course | None, list[str]]]] = {}
        keys: dict[tuple[str, str], str] = {}
        for root, before in repositories:
            facts = cls(root, Namespace.open(root, FACTS, note=lambda _: None, recent=True),
                        before)
            for name in facts.folders:
                key = facts._key(name)
                found = facts.store.get(key) if key is not None else None
                if key is not None and found is not None:
                    kept = _MADE.get(key)
                    made[key] = (kept if kept is not None and kept[0] is found
                                 else (found, _stand_in(found)))
            keys.update({(name, facts.folders[name][0]): key
                         for name, key in facts.keys.items()})
        _MADE.clear()
        _MADE.update(made)
        _MADE_KEYS.clear()
        _MADE_KEYS.update(keys)

    def whole(self) -> tuple[StandIn, frozenset[str]]:
        """For a run that reports on everything: ``stand_in``, and the course folders without
        facts, read afresh when they are few (a restored reading of every file costs more)."""
        entries = self.before.entries  # the snapshot knows which folders hold a course.yml
        names = [n for n in self.folders if is_content_name(n) and stat.S_ISREG(
            entries.get(f"courses/{n}/course.yml", (0,))[0])]
        missing = frozenset(n for n in names if self.store.get(self._key(n) or "") is None)
        return self.stand_in, missing if len(missing) <= FRESH else frozenset()

    def release(self) -> None:
        """Let go of the kept facts once they are saved: a build needs only which courses
        stood in and the folders' keys afterwards (a cold build holds every course's facts
        here, about 100 MB at 1,000 courses, through compile and the render's fork)."""
        self.store = Disabled(self.root, FACTS)

    def save(self, repo: Repository, everything: bool = True,
             problems: list[Diagnostic] | None = None) -> None:
        """Keep the facts of every course loaded in this run whose files were settled and are
        still the same (checked by a second snapshot of those courses' folders, only when there
        is something new), with ``problems`` (what reading the files found) at its files. The
        facts of courses not seen are dropped only by a run that saw ``everything``."""
        loaded = {c.id: c for c in repo.courses}
        files: dict[str, list[str]] = {}
        for rel in repo.files:
            parts = rel.split("/", 2)
            if parts[0] == "courses" and len(parts) == 3:
                files.setdefault(parts[1], []).append(rel)
        own: dict[str, list[Diagnostic]] = {}
        for d in problems or ():
            parts = d.path.split("/", 2)
            if parts[0] == "courses" and len(parts) == 3:
                own.setdefault(parts[1], []).append(d)
        new: dict[str, tuple[str, Any]] = {}
        for name in files:
            key = self._key(name)
            if key is None or self.store.get(key) is not None:
                continue
            course = loaded.get(name)
            new[name] = (key, (None, b"", files[name], (), own.get(name, []), "", [])
                         if course is None else _facts(course, files[name], [
                             *own.get(name, []), *(self.assets[name] if name in self.assets
                                                   else asset_findings(repo, course))],
                             published_files(repo, course)))
        if new:
            # only the folders of these courses are compared: only they are walked again
            after = _folders_snapshot(self.root, new)
            if after is None:
                return
            now = after.folders()
            for name, (key, value) in new.items():
                if now.get(name) == self.folders.get(name):
                    self.store.put(key, value)
        self.store.save(prune=everything)


#: The keys of the courses' facts worked out ahead (``Facts.prepare``), by folder name and
#: folder hash.
_MADE_KEYS: dict[tuple[str, str], str] = {}
#: Stand-ins made ahead (``Facts.prepare``) by key: the entry they were made of and the
#: stand-in with its files.
_MADE: dict[str, tuple[Any, tuple[Course | None, list[str]]]] = {}


def _stand_in(found: tuple[Any, ...]) -> tuple[Course | None, list[str]]:
    """The stand-in of a course and its files, from its facts."""
    eager, later, files, lessons, _, whole, published = found
    if eager is None:
        return None, files
    return lazy(Course, {**eager, "lessons": tuple(_lesson(eager["id"], *x) for x in lessons),
                         _DIGEST: whole, PUBLISHED: published}, later), files


#: The fields of a lesson's document a stand-in's keeps, unpickled when used (``ids`` is kept
#: as it is).
_DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(LessonDocument) if f.name != "ids")
#: The fields of a stand-in lesson kept in its course's facts (the others are empty).
_KEPT = ("id", "file_name", "rel", "title", "duration_set", "description", "body_line",
         "word_count")
_EMPTY = {"text": "", "body": "", "front_matter": None}


def _facts(course: Course, files: list[str], problems: list[Diagnostic],
           published: list[tuple[str, str]]) -> tuple[Any, ...]:
    """What ``Facts`` keeps of a course: few objects (restoring them is most of a scoped
    run's reading): the lessons as tuples, their anchors, quizzes and links as bytes unpickled
    when used (and as plain values what a build reads of them: ``PLAIN``); and the findings of
    reading its files and of the files its lessons link to, and the files a site publishes
    of it."""
    lessons = tuple((*(getattr(x, n) for n in _KEPT), x.document.ids, pickled({
        name: getattr(doc, name) for name in _DOCUMENT_FIELDS}),
        x.version, pickled({"quizzes": x.quizzes, "links": x.links}),
        (link_urls(x), document_urls(x), question_keys(x), page_links(x)))
        for x in course.lessons for doc in [LessonDocument(headings=tuple(
            _textless(h) for h in unlazied(x.document).headings))])
    eager = {name: getattr(course, name) for name in Course.__dataclass_fields__
             if name not in ("doc", "lessons")}
    whole = course_digest(course)
    # kept on the course as on a stand-in: the build that fills the facts reads both again
    # (its cache keys, the files it publishes) and finds them here, not worked out twice
    course.__dict__.update({_DIGEST: whole, PUBLISHED: published})
    return (eager, pickled({"doc": course.doc}), files, lessons, problems, whole, published)


def _textless(heading: Heading) -> Heading:
    """The heading without its text (``dataclasses.replace`` without its checks: made
    for every heading of every course a run keeps the facts of)."""
    new: Heading = object.__new__(Heading)
    new.__dict__.update(heading.__dict__, text="", plain="")
    return new


_COURSE_FIELDS = tuple(f.name for f in dataclasses.fields(Course) if f.repr)
#: What ``course_digest`` shows of a lesson: what its repr shows but the whole file's text
#: (hashed instead) and the body (the text after the front matter: the text and
#: ``body_line`` say what it is).
_LESSON_FIELDS = tuple(f.name for f in dataclasses.fields(Lesson)
                       if f.repr and f.name not in ("text", "body"))
#: where a stand-in course keeps its ``course_digest``
_DIGEST = "_lmsctl_digest"


def course_digest(course: Course) -> str:
    """A digest of what ``repr(course)`` shows, each lesson's file by a hash of its text:
    equal digests, equal reprs, without writing out every lesson (most of a course's repr).
    A stand-in's is the digest of the course it stands for, kept in its facts."""
    kept: str | None = course.__dict__.get(_DIGEST)
    if kept is not None:
        return kept
    lessons = [(digest(lesson.text), *(getattr(lesson, name) for name in _LESSON_FIELDS))
               for lesson in course.lessons]
    return digest(repr(tuple(lessons if name == "lessons" else getattr(course, name)
                             for name in _COURSE_FIELDS)))


#: With more course folders than this without facts, a run restores the cached readings of
#: every file rather than reading those folders afresh.
FRESH = 16


class StandInLesson(Lesson):
    """A lesson from its course's facts: it has no text (its ``version`` is kept); its quizzes
    and links are read when first used; what a build reads of them is kept as plain values
    (``PLAIN``: ``link_urls``, ``document_urls``, ``question_keys``, ``page_links``)."""

    @property
    def version(self) -> str:
        kept: str | None = self.__dict__.get("_lmsctl_version")
        return kept if kept is not None else super().version

    @property
    def question_count(self) -> int:
        return len(question_keys(self))


#: What a stand-in lesson keeps as plain values (no model objects to restore).
_URLS, _DOCUMENT_URLS, _KEYS = "_lmsctl_urls", "_lmsctl_document_urls", "_lmsctl_keys"
PLAIN = (_URLS, _DOCUMENT_URLS, _KEYS, PAGE_LINKS)


def link_urls(lesson: Lesson) -> tuple[str, ...]:
    """The URLs of the lesson's ``links`` (images and files included)."""
    kept: tuple[str, ...] | None = lesson.__dict__.get(_URLS)
    return kept if kept is not None else tuple(link.url for link in lesson.links)


def document_urls(lesson: Lesson) -> tuple[str, ...]:
    """The URLs of the links the Markdown reader found in the lesson's body."""
    kept: tuple[str, ...] | None = lesson.__dict__.get(_DOCUMENT_URLS)
    return kept if kept is not None else tuple(link.url for link in lesson.document.links)


def question_keys(lesson: Lesson) -> tuple[str, ...]:
    """The keys of the lesson's questions, in order."""
    kept: tuple[str, ...] | None = lesson.__dict__.get(_KEYS)
    return kept if kept is not None else tuple(q.key for q in lesson.questions)


def _lesson(course_id: str, lesson_id: str, file_name: str, rel: str, title: str,
            duration_set: int | None, description: str, body_line: int, word_count: int,
            ids: frozenset[str], later: bytes, version: str, own: bytes,
            plain: tuple[Any, ...]) -> Lesson:
    """A stand-in lesson from its facts (built as unpickling builds one: no constructor; its
    document as ``lazy`` builds one, without looking up its class each time)."""
    document = object.__new__(_LAZY_DOCUMENT)
    document.__dict__.update(ids=ids, _lmsctl_later=later)
    lesson: Lesson = object.__new__(_LAZY_LESSON)
    lesson.__dict__.update({
        "id": lesson_id, "course_id": course_id, "file_name": file_name, "rel": rel, "title": title,
        "duration_set": duration_set, "description": description, "body_line": body_line,
        "word_count": word_count, "document": document, "_lmsctl_version": version,
        "_lmsctl_later": own, **_EMPTY, **dict(zip(PLAIN, plain, strict=True))})
    return lesson


#: the class of a stand-in lesson's document: ``ids`` now, the rest when first used
_LAZY_DOCUMENT = type(lazy(LessonDocument, {"ids": frozenset()}, b""))
#: the class of a stand-in lesson: its quizzes and links when first used
_LAZY_LESSON = type(lazy(StandInLesson, dict.fromkeys(
    f.name for f in dataclasses.fields(Lesson) if f.name not in ("quizzes", "links")), b""))
