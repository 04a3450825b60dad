"""Cold reading in worker processes (issue 10, cold speed): when many lessons are not in the
cache, forked workers read them; the repository, every diagnostic and their order are those of
the in-process reading, and a failing or dying worker ends the run with exit 3, never a hang."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synth import generate
from lmsctl.checks import lint
from lmsctl.checks.lint import lint_repository
from lmsctl.checks.rules import content as content_rules
from lmsctl.checks.validate import validate_repository
from lmsctl.cli import cli
from lmsctl.content import loader, parallel
from lmsctl.core import cache
from lmsctl.core.model import Lesson

needs_fork = pytest.mark.skipif(parallel.workers() < 2,
                                reason="needs fork and two cores (Linux, 2+ CPUs)")


def _catalog(root: Path) -> Path:
    """A catalog of 8 courses x 6 lessons with problems of every kind of reading in some."""
    generate(root, 8)
    lessons = sorted((root / "courses").glob("*/lessons/*.md"))
    broken_quiz = lessons[3]
    text = broken_quiz.read_text(encoding="utf-8")
    broken_quiz.write_text(text.replace("```quiz\n", "```quiz\n- question: [unclosed\n", 1),
                           encoding="utf-8")
    lessons[7].write_text(lessons[7].read_text(encoding="utf-8")
                          + "\n![missing](../assets/none.png)\n[dead](/courses/nothing/)\n"
                          + "## Same\n\n## Same\n", encoding="utf-8")
    lessons[11].write_bytes(lessons[11].read_bytes().replace(b"\n", b"\r\n"))
    lessons[15].write_bytes(b"---\ntitle: Bad \xff byte\n---\n\nText.\n")
    lessons[19].write_text("no front matter\n\n```Quiz\n- question: q\n```\n", encoding="utf-8")
    lessons[23].write_text("", encoding="utf-8")
    (lessons[27].parent / "zz-extra.md").write_text("---\ntitle: Extra\n---\n\n[a](b.md)\n",
                                                   encoding="utf-8")
    return root


def _serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "PARALLEL_MIN_LESSONS", 10**9)


def _parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "PARALLEL_MIN_LESSONS", 1)


@needs_fork
def test_workers_are_other_processes_and_results_come_in_order() -> None:
    batches = parallel.map_batches(_pid_and, [1, 2, 3, 4, 5], 2)
    try:
        results = list(batches)
    finally:
        batches.close()
    assert [n for _, n in results] == [1, 2, 3, 4, 5]
    assert os.getpid() not in {pid for pid, _ in results}


def _pid_and(n: int) -> tuple[int, int]:
    return os.getpid(), n


def _fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("batch three")
    return n


def _die_on_two(n: int) -> int:
    if n == 2:
        os._exit(1)
    return n


@needs_fork
def test_an_error_in_a_worker_is_raised_at_its_batch() -> None:
    batches = parallel.map_batches(_fail_on_three, [1, 2, 3, 4], 2)
    try:
        assert next(batches) == 1
        assert next(batches) == 2
        with pytest.raises(ValueError, match="batch three"):
            next(batches)
    finally:
        batches.close()


@needs_fork
def test_a_worker_that_dies_breaks_the_run_instead_of_hanging() -> None:
    from concurrent.futures.process import BrokenProcessPool

    batches = parallel.map_batches(_die_on_two, [1, 2, 3], 2)
    try:
        with pytest.raises(BrokenProcessPool):
            list(batches)
    finally:
        batches.close()


@needs_fork
def test_validate_and_lint_in_workers_equal_the_in_process_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _catalog(tmp_path / "catalog")
    _serial(monkeypatch)
    repo_a, report_a = validate_repository(root, cache=False)
    _, lint_a = lint_repository(root, cache=False)
    _parallel(monkeypatch)
    seen: list[object] = []
    original = loader._Preread.take

    def take(self: loader._Preread, *args: str) -> object:
        found = original(self, *args)
        seen.append(found)
        return found

    monkeypatch.setattr(loader._Preread, "take", take)
    repo_b, report_b = validate_repository(root, cache=False)
    # the workers read every lesson; the main process reads again only the two it cannot
    # read (the empty file, the bad byte), to say why
    assert len(seen) >= 40 and sum(found is None for found in seen) == 2
    assert report_b.diagnostics == report_a.diagnostics
    assert {d.rule for d in report_a.diagnostics} >= {"LMS100", "LMS101", "LMS111", "LMS120"}
    assert repo_b == repo_a
    assert [lesson.document for c in repo_b.courses for lesson in c.lessons] == [
        lesson.document for c in repo_a.courses for lesson in c.lessons]
    assert [lesson.text for c in repo_b.courses for lesson in c.lessons] == [
        lesson.text for c in repo_a.courses for lesson in c.lessons]
    _, lint_b = lint_repository(root, cache=False)
    assert lint_a.diagnostics and lint_b.diagnostics == lint_a.diagnostics
    assert not (root / ".lmsctl").exists()


@needs_fork
def test_the_cache_filled_by_workers_gives_the_same_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _catalog(tmp_path / "catalog")
    _serial(monkeypatch)
    _, expected = validate_repository(root, cache=False)
    _parallel(monkeypatch)
    _, cold = validate_repository(root)  # workers read, the cache is filled
    _serial(monkeypatch)
    _, warm = validate_repository(root)  # every lesson from the cache
    assert cold.diagnostics == expected.diagnostics == warm.diagnostics


@needs_fork
def test_a_failing_worker_is_an_internal_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _catalog(tmp_path / "catalog")
    _parallel(monkeypatch)
    original = loader._read_lesson

    def read_lesson(rel: str, *args: str) -> object:
        if rel.endswith("course-0005/lessons/02-part-2.md"):
            raise KeyError("worker bug")
        return original(rel, *args)

    monkeypatch.setattr(loader, "_read_lesson", read_lesson)  # the forked workers inherit it
    result = CliRunner().invoke(cli, ["validate", "--no-cache", "--repo", str(root)])
    assert result.exit_code == 3, result.output
    assert "internal error: KeyError: 'worker bug'" in result.output


@needs_fork
def test_a_dying_worker_is_an_internal_error_not_a_hang(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = _catalog(tmp_path / "catalog")
    _parallel(monkeypatch)
    original = loader._read_lesson

    def read_lesson(rel: str, *args: str) -> object:
        if rel.endswith("course-0003/lessons/01-part-1.md"):
            os._exit(9)
        return original(rel, *args)

    monkeypatch.setattr(loader, "_read_lesson", read_lesson)
    result = CliRunner().invoke(cli, ["validate", "--no-cache", "--repo", str(root)])
    assert result.exit_code == 3, result.output
    assert "internal error: BrokenProcessPool" in result.output


def test_small_repositories_and_one_core_stay_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _catalog(tmp_path / "catalog")
    started: list[int] = []
    monkeypatch.setattr(loader, "Batches", lambda *a: started.append(1))
    validate_repository(root, cache=False)  # 48 lessons: under PARALLEL_MIN_LESSONS
    _parallel(monkeypatch)
    monkeypatch.setattr(loader, "workers", lambda: 1)
    validate_repository(root, cache=False)
    assert started == []


@needs_fork
def test_linting_some_files_in_workers_reads_only_their_courses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lint <paths>`` with the other courses standing in from their facts: the workers read
    only the courses reported on (read afresh), and the findings are the serial ones."""
    root = _catalog(tmp_path / "catalog")
    then = os.path.getmtime(root) - 60
    for path in root.rglob("*"):
        os.utime(path, (then, then))
    _serial(monkeypatch)
    lint_repository(root)  # reads everything, keeps the facts
    some = [str(p.relative_to(root)) for p in sorted((root / "courses").iterdir())[2:4]]
    _, expected = lint_repository(root, some, cache=False)
    _parallel(monkeypatch)
    sent: list[str] = []
    original = loader._Preread.add

    def add(self: loader._Preread, job: loader.Job) -> None:
        sent.append(job[1])
        original(self, job)

    monkeypatch.setattr(loader._Preread, "add", add)
    opened: list[str] = []
    monkeypatch.setattr(cache.Deferred, "_open", lambda self: opened.append(self.name))
    _, got = lint_repository(root, some)
    assert opened == []  # the other courses' readings were not even restored
    assert sent and {rel.split("/")[1] for rel in sent} == {p.split("/")[1] for p in some}
    assert got.sorted() == expected.sorted() and expected.sorted()


@needs_fork
@pytest.mark.parametrize("use_cache", [False, True])
def test_lints_own_lesson_findings_are_found_in_the_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool) -> None:
    """lint's LMS309 search of each lesson and its checks that read only their lesson run in
    the worker that reads the lesson (with the settings of lmsctl.yml): the main process
    searches only the course.yml files and checks only the lessons it read itself; the
    findings are those of the serial run."""
    root = _catalog(tmp_path / "catalog")
    config = root / "lmsctl.yml"
    config.write_text(config.read_text(encoding="utf-8") + "lint:\n  max_lesson_words: 60\n",
                      encoding="utf-8")
    lessons = sorted((root / "courses").glob("*/lessons/*.md"))
    for path in lessons[:30:4]:
        path.write_text(path.read_text(encoding="utf-8") + "\n<!-- lmsctl:placeholder -->\n"
                        "Replace this paragraph with a one-sentence summary of the play.\n",
                        encoding="utf-8")
    _serial(monkeypatch)
    _, expected = lint_repository(root, cache=False)
    rules = {d.rule for d in expected.diagnostics}
    assert sum(d.rule == "LMS309" for d in expected.diagnostics) >= 6
    assert "LMS304" in rules  # over max_lesson_words: the settings reached the workers
    _parallel(monkeypatch)
    searched: list[str] = []
    original = content_rules.find_placeholders

    def find(text: str, texts: frozenset[str]) -> Iterator[tuple[int, int, str]]:
        searched.append(text)
        return original(text, texts)

    checked: list[str] = []

    def own(ctx: object, course: object, lesson: Lesson, view: object) -> list[object]:
        checked.append(lesson.rel)  # in the process that runs the check
        return []

    # the main process's only: the workers fork from it with these too, but count in their
    # own memory
    monkeypatch.setattr(content_rules, "find_placeholders", find)
    monkeypatch.setattr(lint, "_OWN", [*lint._OWN, own])
    _, got = lint_repository(root, cache=use_cache)
    assert got.diagnostics == expected.diagnostics
    courses = [c for c in (root / "courses").iterdir() if (c / "course.yml").exists()]
    # the main process searched the course.yml files, and the lessons it read itself (the two
    # that no worker could read)
    assert len(courses) <= len(searched) <= len(courses) + 2
    assert len(checked) <= 2
