"""What a build that fills the cache holds: each namespace file once (written and read), one
copy of each cached lesson's text, and the values the facts work out left for the build."""

from __future__ import annotations

import dataclasses
import os
import pickle
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lmsctl.checks import references, validate
from lmsctl.checks.validate import validate_repository
from lmsctl.content import loader
from lmsctl.core import cache
from lmsctl.core.model import Lesson, Quiz
from tests.test_checks_cache import age
from tests.test_parallel_reading import _catalog, _parallel, _serial, needs_fork

#: a payload large enough that a copy of it stands out from everything else allocated
BIG = 8 << 20


def _peak(work: Callable[[], Any]) -> tuple[Any, int]:
    """What ``work`` returns and the most memory it held at once (Python's allocations)."""
    tracemalloc.start()
    try:
        return work(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_namespace_file_is_held_once_written_and_read() -> None:
    """``encode`` pickles into the file's buffer (no payload, then header + payload: twice
    the file at once) and ``decode`` unpickles from the file's bytes (no copy of the
    payload): the most either holds is the file, not two."""
    entries = {"big": os.urandom(BIG), "small": ("a", 1)}
    raw, peak = _peak(lambda: cache.encode(entries))
    assert peak < 1.5 * len(raw)
    back, peak = _peak(lambda: cache.decode(raw))
    assert back == entries
    assert peak < 1.5 * BIG  # the entries themselves, once


def test_the_header_is_written_in_the_room_left_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header line has the same length whatever the payload (room for a SHA-256 and a
    64-bit size, padded), also for a long version; the file reads back, and a payload one byte
    longer or shorter than its header says is refused."""
    monkeypatch.setattr(cache, "LMSCTL_VERSION", "1.2.3.dev456+" + "local" * 20)
    small, large = cache.encode({}), cache.encode({"k": "v" * 100_000})
    assert small.index(b"\n", len(cache.MAGIC)) == large.index(b"\n", len(cache.MAGIC))
    assert cache.decode(small) == {} and cache.decode(large) == {"k": "v" * 100_000}
    for damaged in (large[:-1], large + b"."):
        with pytest.raises(cache.CacheUnreadable, match="truncated or damaged"):
            cache.decode(damaged)


LESSON = "courses/first-week-onboarding/lessons/01-tools-and-accounts.md"


@pytest.mark.parametrize("text", [
    "---\ntitle: Welcome\n---\n# Welcome\n\nHello there.\n",
    "---\r\ntitle: Welcome\r\n---\r\n# Welcome\r\n\r\nHello\rthere.\r\n",  # CRLF and lone CR
    "# No front matter\n\nHello there.\n",
])
def test_a_restored_lesson_holds_its_text_once(sample_repo: Path, text: str) -> None:
    """A lesson restored from the cache works out its body (most of its text) from its text
    when it is used, not keeping both: it is the lesson read afresh all the same (body,
    equality, ``dataclasses.replace``, pickling)."""
    path = sample_repo / LESSON
    path.write_text(text, newline="")
    fresh, _ = loader.load_lesson(sample_repo, path, "first-week-onboarding")
    store = cache.Namespace.open(sample_repo, validate.NAMESPACE)
    loader.load_lesson(sample_repo, path, "first-week-onboarding", store)  # read and kept
    restored, _ = loader.load_lesson(sample_repo, path, "first-week-onboarding", store)
    assert fresh is not None and restored is not None
    assert type(restored) is not Lesson  # from the cache (lazy)
    assert "body" not in restored.__dict__
    assert restored.body == fresh.body and restored.text == fresh.text
    assert restored == fresh and pickle.loads(pickle.dumps(restored)) == fresh
    assert dataclasses.replace(restored, title="Other").body == fresh.body
    assert cache.unlazied(restored.document) == fresh.document
    assert "body" not in restored.__dict__  # (worked out each time, never kept)


def test_the_facts_of_a_cold_build_leave_their_digests_for_the_build(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that keeps the facts of courses read afresh (a cold build) works out each
    course's digest and published files once: the build's cache keys and its copy of the
    files find them on the course, as on a stand-in."""
    repo, _ = validate_repository(sample_repo, cache=False)
    expected = {c.id: (validate.course_digest(c), references.published_files(repo, c))
                for c in repo.courses}
    assert any(published for _, published in expected.values())
    age(sample_repo)
    repo, _ = validate_repository(sample_repo, kept=validate.Facts.open(sample_repo))

    def again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("worked out again")

    monkeypatch.setattr(validate, "digest", again)
    monkeypatch.setattr(references, "_safe_asset", again)
    assert {c.id: (validate.course_digest(c), references.published_files(repo, c))
            for c in repo.courses} == expected


@needs_fork
@pytest.mark.parametrize("kept", [False, True])
def test_a_cache_filled_from_nothing_reads_each_lesson_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool) -> None:
    """With an empty cache the workers read every lesson file (its text comes back with its
    reading): the run does not read each one twice more to look it up and to compare, and
    finds what a run without the cache finds; the next run's cache gives the same again. So
    too for a build's run (``kept``: facts, the readings' namespace read when first needed)."""
    root = _catalog(tmp_path / "catalog")
    if kept:
        age(root)
        monkeypatch.setattr(validate, "FRESH", 0)  # courses without facts: through the cache
    _serial(monkeypatch)
    expected = validate_repository(root, cache=False)
    _parallel(monkeypatch)
    read: list[str] = []
    read_text = loader.read_text

    def counting(root: Path, path: Path, max_bytes: int) -> Any:
        read.append(path.name)
        return read_text(root, path, max_bytes)

    monkeypatch.setattr(loader, "read_text", counting)
    facts = validate.Facts.open(root) if kept else None
    assert facts is not None or not kept
    assert validate_repository(root, kept=facts) == expected
    # (only the empty file and the one not UTF-8, which no worker could read: read to say why)
    assert len([name for name in read if name.endswith(".md")]) == 2
    read.clear()
    assert validate_repository(root) == expected  # from the cache the run filled
    assert len([name for name in read if name.endswith(".md")]) > 40  # (read, looked up)


def test_an_unread_lazy_instance_pickles_as_one_with_its_bytes() -> None:
    """A ``lazy`` instance none of whose unread fields was used pickles with those bytes as
    they are and comes back lazy (the facts of a course keep its cached quizzes without
    unpickling and pickling them again); once read, it pickles as the plain dataclass. Only
    allowed classes are made so."""
    quiz = Quiz(start_line=3, end_line=9, questions=(), doc=None)
    later = cache.pickled({"doc": None})
    unread = cache.lazy(Quiz, {"start_line": 3, "end_line": 9, "questions": ()}, later)
    raw = cache.pickled({"quizzes": (unread,)})
    assert later in raw
    back = cache.unpickle(raw)["quizzes"][0]
    assert back.__dict__["_lmsctl_later"] == later and back == quiz
    assert back.doc is None and "_lmsctl_later" not in back.__dict__  # (read: now plain)
    assert type(cache.unpickle(cache.pickled(back))) is Quiz

    class Planted:
        def __init__(self, *args: Any) -> None:
            self.args = args

        def __reduce__(self) -> Any:
            return (cache._relazied, self.args)

    for args, refused in ((("os", "system", {}, later), "os.system is not allowed"),
                          (("lmsctl.core.model", "Quiz", {1: 2}, later), "wrong shape"),
                          (("lmsctl.core.model", "Quiz", {}, "text"), "wrong shape")):
        with pytest.raises(pickle.UnpicklingError, match=refused):
            cache.unpickle(pickle.dumps(Planted(*args)))


@needs_fork
def test_lessons_looked_up_and_missing_are_read_by_the_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cache that holds other readings, the lessons it does not hold are sent to the
    workers with their text, and their readings are taken: none is read again here."""
    root = _catalog(tmp_path / "catalog")
    validate_repository(root)  # the cache holds these readings
    for path in root.glob("courses/*/lessons/*.md"):
        if path.stat().st_size > 0:
            path.write_bytes(path.read_bytes() + b"\nOne more line.\n")
    _serial(monkeypatch)
    expected = validate_repository(root, cache=False)
    _parallel(monkeypatch)
    read: list[str] = []
    read_lesson = loader._read_lesson

    def counting(rel: str, *args: Any) -> Any:
        read.append(rel)
        return read_lesson(rel, *args)

    monkeypatch.setattr(loader, "_read_lesson", counting)
    assert validate_repository(root) == expected
    assert read == []  # (in this process: the workers read them all)


def test_a_namespace_file_is_not_flushed_to_disk_but_other_files_are(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache file checks itself when read (its checksum: one the power cut short is a miss,
    written again), so it is not flushed (0.4-0.8 s of a cold build at 1,000 courses); an
    author's file written by lmsctl still is."""
    from lmsctl.core import files

    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    store = cache.Namespace.open(tmp_path, "probe")
    store.put(store.key("a"), {"x": 1})
    store.save()
    assert cache.decode((tmp_path / cache.CACHE_DIR / "probe.bin").read_bytes())
    assert synced == []
    files.write_atomic(tmp_path / "lesson.md", "# Title\n")
    assert len(synced) == 1
