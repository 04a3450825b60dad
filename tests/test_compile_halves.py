"""A build's courses compiled in two processes (``compile._Halves``, issue 14: a cold build at
1,000 courses compiled on one core for 11-16 s while the other was idle): the site is the one
a single process builds, byte for byte, with the cache and without, after changes, and when
the second process fails."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lmsctl.core import background
from lmsctl.targets.site import build_cache
from lmsctl.targets.site import compile as compiler
from tests import test_site_cache as site_cache
from tests.gitrepo import GitRepo
from tests.site_support import build, copy_sample
from tests.test_site_cache import (
    EPOCH,
    assert_same_tree,
    config_changed,
    course_added,
    lesson_edited,
    new_commit,
)

warm, repo = site_cache.warm, site_cache.repo  # its fixtures, for the stand-ins' case

forks = pytest.mark.skipif(not background.can_fork(),
                           reason="needs fork and two cores (Linux, 2+ CPUs)")


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_sample(tmp_path / "repo")
    GitRepo.init(root).commit("Add the sample", date="2025-06-01")
    return root


def _split(monkeypatch: pytest.MonkeyPatch, lessons: int = 1) -> None:
    monkeypatch.setattr(compiler, "SPLIT_LESSONS", lessons)


@forks
@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
def test_two_processes_build_the_site_one_builds(sample: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 use_cache: bool) -> None:
    one, _ = build(sample, tmp_path / "one", use_cache=use_cache)
    assert one.forked == 0  # the sample: far fewer lessons than SPLIT_LESSONS
    kept = _state(sample) if use_cache else {}
    shutil.rmtree(sample / build_cache.CACHE_DIR, ignore_errors=True)
    _split(monkeypatch)
    two, printed = build(sample, tmp_path / "two", use_cache=use_cache)
    assert 0 < two.forked < two.courses
    assert "note:" not in printed
    assert (two.pages, two.courses) == (one.pages, one.courses)
    assert_same_tree(tmp_path / "two", tmp_path / "one")
    if use_cache:  # and the cache records what one process would (its secret is new:
        found = _state(sample)  # the quiz slots' marks and so the pages' digests differ)
        assert sorted(found["pages"]) == sorted(kept["pages"])
        assert sorted(found["compiled"]) == sorted(kept["compiled"])
        assert found["statics"] == kept["statics"]


def _state(root: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((site_cache._slot(root) / build_cache.STATE).read_text(
        "utf-8"))
    return found


@forks
@pytest.mark.parametrize("change", [lesson_edited, course_added, config_changed],
                         ids=lambda f: f.__name__)
def test_the_cache_keeps_the_courses_the_second_process_compiled(
        change: Callable[[Path], None], sample: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _split(monkeypatch)
    first, _ = build(sample, sample / "site")
    assert first.forked > 0
    state = _state(sample)
    folder = site_cache._slot(sample)
    # every course's pages are kept, those of the second process too
    assert len(state["compiled"]) >= first.courses
    assert all((folder / f"compile-{key}.json").is_file() for key in state["compiled"])
    time.sleep(0.01)
    change(sample)
    compiled: list[str] = []
    compile_course = compiler._compile_course

    def counted(ctx: Any, course: Any, *args: Any) -> Any:
        compiled.append(course.id)
        return compile_course(ctx, course, *args)

    _split(monkeypatch, 10**9)  # what the rebuild compiles, in this process
    monkeypatch.setattr(compiler, "_compile_course", counted)
    result, printed = build(sample, sample / "site")
    assert "note:" not in printed
    if change is lesson_edited:  # that course alone compiled and rendered again
        assert (compiled, result.rendered) == (["sales-basics"], 1)
    elif change is course_added:
        assert len(compiled) == 1
    cold, _ = build(sample, tmp_path / "cold", use_cache=False)
    assert_same_tree(sample / "site", tmp_path / "cold")


@forks
def test_when_the_second_process_fails_this_one_compiles_its_courses(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(sample, tmp_path / "one", use_cache=False)
    _split(monkeypatch)
    here = os.getpid()
    compile_course = compiler._compile_course

    def failing(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != here:
            raise RuntimeError("the second process fails")
        return compile_course(*args, **kwargs)

    monkeypatch.setattr(compiler, "_compile_course", failing)
    for use_cache, out in ((False, "two"), (True, "three")):
        result, printed = build(sample, tmp_path / out, use_cache=use_cache)
        assert result.forked > 0  # given to it, then compiled here
        assert "note:" not in printed and "Traceback" not in printed
        assert_same_tree(tmp_path / out, tmp_path / "one")
    # the cache the failed half left is whole: an unchanged rebuild renders nothing
    again, _ = build(sample, tmp_path / "three")
    assert again.rendered == 0


@forks
@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
def test_what_a_failed_second_process_left_is_made_again(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool) -> None:
    """It compiled a course (its pages, its assets linked) and failed on the next: this
    process compiles both over what it left."""
    build(sample, tmp_path / "one", use_cache=False)
    _split(monkeypatch)
    here = os.getpid()
    calls = [0]
    compile_course = compiler._compile_course

    def second_fails(ctx: Any, course: Any, *args: Any) -> Any:
        calls[0] += 1
        if os.getpid() != here and calls[0] == 2:
            raise RuntimeError("the second process fails on its second course")
        return compile_course(ctx, course, *args)

    monkeypatch.setattr(compiler, "_compile_course", second_fails)
    result, printed = build(sample, tmp_path / "two", use_cache=use_cache)
    assert result.forked >= 2
    assert "note:" not in printed
    assert_same_tree(tmp_path / "two", tmp_path / "one")


def _children() -> bool:
    """Whether this process has a child process (ended or not) it has not waited for."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


@forks
def test_a_build_that_fails_while_the_second_process_works_stops_it(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lmsctl.core.errors import BuildError
    from tests.site_support import leftovers

    _split(monkeypatch)
    here = os.getpid()
    compile_course = compiler._compile_course

    def slow_there_failing_here(ctx: Any, course: Any, *args: Any) -> Any:
        if os.getpid() != here:
            time.sleep(30)  # still compiling when this process fails
            return compile_course(ctx, course, *args)
        raise BuildError("stopped here", "")

    monkeypatch.setattr(compiler, "_compile_course", slow_there_failing_here)
    assert not _children()
    started = time.monotonic()
    with pytest.raises(BuildError, match="stopped here"):
        build(sample, tmp_path / "site", use_cache=False)
    assert time.monotonic() - started < 20  # not waited for: stopped
    assert not _children()  # and waited for: no process left behind
    assert not leftovers(tmp_path) and not (tmp_path / "site").exists()


@forks
def test_a_user_error_found_by_the_second_process_is_reported_as_by_one(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link to a lesson of a draft course (LMS212, a warning at its place) is found while
    compiling: the same with two processes, where the second finds it."""
    draft = sample / "courses/first-week-onboarding/course.yml"
    text = draft.read_text("utf-8")
    assert "status: published" in text
    draft.write_text(text.replace("status: published", "status: draft"), "utf-8")
    lesson = sorted((sample / "courses").glob("*/lessons/*.md"))[-1]  # the second's share
    lesson.write_text(lesson.read_text("utf-8") + "\n\nSee [the draft](../../first-week-"
                      "onboarding/lessons/01-tools-and-accounts.md).\n", "utf-8")
    one, _ = build(sample, tmp_path / "one", use_cache=False)
    found = [(w.rule, w.path, w.line, w.column) for w in one.warnings]
    assert ("LMS212", lesson.relative_to(sample).as_posix()) in [f[:2] for f in found]
    _split(monkeypatch)
    for use_cache in (False, True):
        two, _ = build(sample, tmp_path / f"two-{use_cache}", use_cache=use_cache)
        assert two.forked > 0
        assert [(w.rule, w.path, w.line, w.column) for w in two.warnings] == found


@forks
@pytest.mark.parametrize("change", [config_changed, new_commit], ids=lambda f: f.__name__)
def test_stand_ins_compiled_by_the_second_process_equal_a_cold_build(
        change: Callable[[Path], None], repo: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Courses whose files the build did not read (stand-ins): the second process reads those
    it compiles; the site, the report and the warnings are a cold build's."""
    _split(monkeypatch)
    site_cache.test_a_build_with_stand_ins_after_a_change_equals_a_cold_build(change, repo,
                                                                              tmp_path)
