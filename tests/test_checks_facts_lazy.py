"""Keeping the facts of courses read from cached readings leaves those readings lazy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lmsctl.checks import validate
from lmsctl.checks.validate import validate_repository
from lmsctl.core import cache
from lmsctl.core.model import Repository
from tests.test_checks_cache import age


def _still_lazy(repo: Repository) -> int:
    """How many parts of the repository's lessons (documents and quizzes) are still unread
    (``cache.lazy``: their ``_lmsctl_later`` not yet unpickled)."""
    return sum("_lmsctl_later" in part.__dict__ for course in repo.courses
               for lesson in course.lessons for part in (lesson.document, *lesson.quizzes))


def _plain(value: Any) -> Any:
    """``value`` with every pickle in it unpickled (and theirs), to compare what they hold."""
    if isinstance(value, bytes):
        return _plain(cache.unpickle(value)) if value else value
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _entries(root: Path) -> dict[str, Any]:
    """The facts kept of each course folder, their pickles unpickled."""
    facts = validate.Facts.open(root)
    assert facts is not None
    found = {name: facts.store.get(key) for name in facts.folders
             if (key := facts._key(name)) is not None}
    return {name: _plain(value) for name, value in found.items() if value is not None}


def _forget_facts(root: Path) -> None:
    for name in ("facts.bin", "facts-recent.bin"):
        (cache.cache_dir(root) / name).unlink(missing_ok=True)


def test_facts_of_cached_readings_leave_them_lazy_and_equal(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Facts.save`` reads what it keeps of a cached (lazy) lesson without unpickling the
    rest into it for the rest of the run (at 200 courses that was 16 MB held by a build);
    the facts are those kept of the same lessons read from their files."""
    age(sample_repo)
    validate_repository(sample_repo, facts=True)  # read from the files: facts and readings
    fresh = _entries(sample_repo)
    assert len(fresh) > 1
    _forget_facts(sample_repo)

    lazy_before_after: list[tuple[int, int]] = []
    save = validate.Facts.save

    def counting(self: validate.Facts, repo: Repository, *args: Any, **kwargs: Any) -> None:
        before = _still_lazy(repo)
        save(self, repo, *args, **kwargs)
        lazy_before_after.append((before, _still_lazy(repo)))

    monkeypatch.setattr(validate.Facts, "save", counting)
    validate_repository(sample_repo, facts=True)  # cached readings: facts from lazy lessons
    assert len(lazy_before_after) == 1
    before, after = lazy_before_after[0]
    assert before > 0 and after == before
    assert _entries(sample_repo) == fresh


def test_unlazied_reads_a_copy_and_leaves_the_lazy_one_unread() -> None:
    """``cache.unlazied`` gives a plain instance with every field (equal to the lazy one) and
    leaves the lazy one's unread fields unread; a plain instance is given back as it is."""
    import dataclasses

    from lmsctl.core.document import Heading, LessonDocument

    headings = (Heading(level=2, text="Why", line=3, column=1),)
    whole = LessonDocument(headings=headings, ids=frozenset({"why"}), prose="Why")
    document = cache.lazy(LessonDocument, {"ids": whole.ids}, cache.pickled({
        f.name: getattr(whole, f.name) for f in dataclasses.fields(whole) if f.name != "ids"}))
    copy = cache.unlazied(document)
    assert type(copy) is LessonDocument and copy.headings == headings
    assert "_lmsctl_later" in document.__dict__ and "headings" not in document.__dict__
    assert copy == whole == document
    assert cache.unlazied(copy) is copy
