"""``validate``: what must hold for a build (schemas and references)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lmsctl.checks.references import check_references
from lmsctl.content.loader import load_repository
from lmsctl.core.cache import Namespace, lazy, open_namespace, pickled
from lmsctl.core.diagnostics import Report
from lmsctl.core.document import LessonDocument
from lmsctl.core.inputs import Snapshot, snapshot, snapshot_before, unread
from lmsctl.core.model import Course, Lesson, Repository

#: The cache namespace of the readings of files (``lmsctl.core.cache``).
NAMESPACE = "files"
#: The cache namespace of the cross-file facts of each course (``Facts``).
FACTS = "facts"


def validate_repository(root: Path, cache: bool = True,
                        scope: Callable[[Repository], frozenset[str] | None] | None = None,
                        only: frozenset[str] | None = None, facts: bool = False
                        ) -> tuple[Repository, Report]:
    """Read the repository and check it. With ``cache`` (``--no-cache`` turns it off) each
    file's reading and its own findings are reused while its text, path and lmsctl are the
    same; everything that spans files (references, cycles, assets, links) is checked again on
    every run. ``scope``, given the repository, names the courses whose lessons' references
    are checked (None: all): for a run that reports only on those courses' files.

    With ``facts`` (and ``cache``) the cross-file facts of every course are kept too (``Facts``);
    ``only`` (course folder names, a run that reports on nothing else) then takes the other
    courses from those facts when they are unchanged, without reading their files: such a
    course is a stand-in (``Facts``), fit for cross-file checks and nothing else."""
    root = root.resolve()
    kept = Facts.open(root) if cache and facts else None
    stand_in = kept.stand_in if kept is not None and only is not None else None
    # with stand-ins a run reads few files: the readings of all of them are restored only if
    # one is needed (a course without facts); the courses in ``only`` are read afresh
    store = open_namespace(root, NAMESPACE, cache, deferred=stand_in is not None)
    repo, problems = load_repository(root, cache=store, stand_in=stand_in, only=only)
    if kept is not None:
        unread(root, (f"courses/{name}" for name in kept.given))
    report = Report(files_checked=len(repo.files))
    report.extend(problems)
    report.extend(check_references(repo, scope(repo) if scope is not None else None))
    store.save(prune=stand_in is None)
    if kept is not None:
        kept.save(repo, everything=only is None)
    return repo, report


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
        #: the folders of the courses given as stand-ins (their files were not read)
        self.given: list[str] = []

    @classmethod
    def open(cls, root: Path) -> Facts | None:
        before = snapshot_before(root)
        if before is None:
            return None
        return cls(root, Namespace.open(root, FACTS), before)

    def _key(self, name: str) -> str | None:
        digest, settled = self.folders.get(name, ("", False))
        if not settled:
            return None
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = self.store.key(name, digest)
        return key

    def stand_in(self, name: str) -> tuple[Course | None, list[str]] | None:
        """The stand-in of the course in folder ``name`` and its files, or None when its facts
        are not known for its files as they are."""
        key = self._key(name)
        found = self.store.get(key) if key is not None else None
        if found is None:
            return None
        eager, later, files, lessons = found
        self.given.append(name)
        if eager is None:
            return None, files
        return lazy(Course, {**eager, "lessons": tuple(_lesson(eager["id"], *x)
                                                       for x in lessons)}, later), files

    def save(self, repo: Repository, everything: bool = True) -> None:
        """Keep the facts of every course loaded in this run whose files were settled and are
        still the same (checked by a second snapshot of those courses' folders, only when there
        is something new). The facts of courses not seen are dropped only by a run that saw
        ``everything``."""
        loaded = {c.id: c for c in repo.courses}
        files: dict[str, list[str]] = {}
        for rel in repo.files:
            parts = rel.split("/", 2)
            if parts[0] == "courses" and len(parts) == 3:
                files.setdefault(parts[1], []).append(rel)
        new: dict[str, tuple[str, Any]] = {}
        for name in files:
            key = self._key(name)
            if key is None or self.store.get(key) is not None:
                continue
            course = loaded.get(name)
            new[name] = (key, (None, b"", files[name], ()) if course is None
                         else _facts(course, files[name]))
        if new:
            # only the folders of these courses are compared: only they are walked again
            wanted = {f"courses/{name}" for name in new}
            after = snapshot(self.root, only=("courses",),
                             skip=lambda rel: rel.count("/") == 1 and rel not in wanted)
            if after is None:
                return
            now = after.folders()
            for name, (key, value) in new.items():
                if now.get(name) == self.folders.get(name):
                    self.store.put(key, value)
        self.store.save(prune=everything)


#: The fields of a stand-in lesson kept in its course's facts (the others are empty).
_KEPT = ("id", "file_name", "rel", "title", "duration_set", "description", "body_line",
         "word_count")
_EMPTY = {"text": "", "body": "", "quizzes": (), "links": (), "front_matter": None}


def _facts(course: Course, files: list[str]) -> tuple[Any, ...]:
    """What ``Facts`` keeps of a course: few objects (restoring them is most of a scoped
    run's reading): the lessons as tuples, their anchors as bytes unpickled when used."""
    lessons = tuple((*(getattr(x, n) for n in _KEPT), x.document.ids, pickled({
        f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.name != "ids"}))
        for x in course.lessons for doc in [LessonDocument(headings=tuple(
            dataclasses.replace(h, text="", plain="") for h in x.document.headings))])
    eager = {name: getattr(course, name) for name in Course.__dataclass_fields__
             if name not in ("doc", "lessons")}
    return eager, pickled({"doc": course.doc}), files, lessons


def _lesson(course_id: str, lesson_id: str, file_name: str, rel: str, title: str,
            duration_set: int | None, description: str, body_line: int, word_count: int,
            ids: frozenset[str], later: bytes) -> Lesson:
    """A stand-in lesson from its facts (built as unpickling builds one: no constructor; its
    document as ``lazy`` builds one, without looking up its class each time)."""
    document = object.__new__(_LAZY_DOCUMENT)
    document.__dict__.update(ids=ids, _lmsctl_later=later)
    lesson: Lesson = object.__new__(Lesson)
    lesson.__dict__.update({
        "id": lesson_id, "course_id": course_id, "file_name": file_name, "rel": rel, "title": title,
        "duration_set": duration_set, "description": description, "body_line": body_line,
        "word_count": word_count, "document": document, **_EMPTY})
    return lesson


#: the class of a stand-in lesson's document: ``ids`` now, the rest when first used
_LAZY_DOCUMENT = type(lazy(LessonDocument, {"ids": frozenset()}, b""))
