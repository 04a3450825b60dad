"""The check cache (``.lmsctl/cache/``): ``validate`` and ``lint`` with the cache report exactly
what they report without it (``--no-cache``), after every kind of change, and a damaged,
foreign or planted cache file is a note and a rebuild, never a traceback or a wrong result."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.checks.lint import lint_repository
from lmsctl.checks.validate import validate_repository
from lmsctl.cli import cli
from lmsctl.content import loader
from lmsctl.core import cache
from lmsctl.core.diagnostics import Diagnostic

SALES = "courses/sales-basics"
L1 = f"{SALES}/lessons/01-discovery-questions.md"
L2 = f"{SALES}/lessons/02-qualifying-opportunities.md"
PRICING = "courses/handling-pricing-objections"


def _findings(root: Path, use_cache: bool) -> tuple[list[Diagnostic], list[Diagnostic]]:
    _, lint = lint_repository(root, cache=use_cache)
    _, validate = validate_repository(root, cache=use_cache)
    return lint.sorted(), validate.sorted()


def assert_same(root: Path) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Cached results (run twice: filling and then reusing) equal uncached ones."""
    fresh = _findings(root, False)
    assert _findings(root, True) == fresh
    assert _findings(root, True) == fresh
    return fresh


def recorded(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str,
             seen: Callable[..., Any]) -> list[Any]:
    """The calls of ``owner.name`` from now on, each as ``seen(*args)`` (each still made)."""
    calls: list[Any] = []
    original = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(seen(*args))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lessons actually read by the Markdown reader (cache misses), in order."""
    return recorded(monkeypatch, loader, "_read_lesson", lambda rel, *_: rel)


def age(root: Path, seconds: float = 60) -> None:
    """Date every file of ``root`` back: its time stamps then tell it apart from any later
    version (a run may be remembered)."""
    then = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file() and ".lmsctl" not in path.parts:
            os.utime(path, (then, then))


def age_new(root: Path) -> None:
    """Date back the files written in the last minute (only those: the others keep their
    time stamps, and their courses their facts)."""
    then = time.time() - 60
    for path in root.rglob("*"):
        if path.is_file() and ".lmsctl" not in path.parts and path.stat().st_mtime > then:
            os.utime(path, (then - 60, then - 60))


def _edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_an_unchanged_run_reads_no_lesson_and_an_edit_reads_one(
        sample_repo: Path, reads: list[str]) -> None:
    assert_same(sample_repo)
    reads.clear()
    lint_repository(sample_repo)
    assert reads == []
    _edit(sample_repo, L1, lambda t: t + "\nOne more line, see https://example.org/x\n")
    reads.clear()
    _, cached = lint_repository(sample_repo)
    assert reads == [L1]
    _, fresh = lint_repository(sample_repo, cache=False)
    assert cached.sorted() == fresh.sorted()
    assert any(d.rule == "LMS313" and d.path == L1 for d in fresh.sorted())


CHANGES: dict[str, Callable[[Path], None]] = {
    "lesson edited": lambda r: _edit(r, L1, lambda t: t.replace("## Open questions",
                                                                "### Open questions")),
    "lesson added": lambda r: (r / SALES / "lessons" / "04-new.md").write_text(
        "---\ntitle: New\n---\nSee [the start](01-discovery-questions.md#nowhere) and "
        "![](../assets/missing.png)\n", encoding="utf-8"),
    "lesson deleted": lambda r: (r / L2).unlink(),
    "lesson renamed": lambda r: (r / L2).rename(r / SALES / "lessons" / "02-Qualifying.md"),
    "quiz changed": lambda r: _edit(r, L1, lambda t: t.replace("correct: true", "correct: false")),
    "course.yml changed": lambda r: _edit(r, f"{SALES}/course.yml",
                                          lambda t: t.replace("status: published",
                                                              "status: draft")),
    "rule settings changed": lambda r: _edit(r, "lmsctl.yml", lambda t: t + (
        "lint:\n  max_lesson_words: 40\n  rules:\n    LMS304: error\n")),
    "suppression added": lambda r: _edit(r, L1, lambda t: t.replace(
        BARE, "<!-- lmsctl-disable-next-line LMS313 -->\n" + BARE)),
}

BARE = "Bare: https://example.org/bare"


def seed(root: Path) -> Path:
    """Links across files (so that deleting, renaming or retiring one file changes another's
    findings) and one finding to suppress."""
    _edit(root, L1, lambda t: t + f"\nRead [BANT](02-qualifying-opportunities.md"
                                  f"#bant-a-quick-first-filter) next.\n\n{BARE}\n")
    _edit(root, PRICING + "/lessons/01-why-customers-object.md",
          lambda t: t + "\nStart with [qualifying](../../sales-basics/lessons/"
                        "02-qualifying-opportunities.md).\n")
    return root


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_cached_equals_uncached_after(change: str, sample_repo: Path) -> None:
    seed(sample_repo)
    before = assert_same(sample_repo)
    CHANGES[change](sample_repo)
    after = assert_same(sample_repo)
    assert after != before, "the change must change the findings, or the test proves nothing"


def test_a_change_in_one_file_reaches_the_cached_findings_of_another(sample_repo: Path,
                                                                     reads: list[str]) -> None:
    # L1 links to a heading of L2, a pricing lesson to L2; only L2 changes afterwards
    before = assert_same(seed(sample_repo))
    assert not any(d.rule in ("LMS311", "LMS214") for d in before[0])
    _edit(sample_repo, L2, lambda t: t.replace("## BANT: a quick first filter", "## BANT"))
    reads.clear()
    lint_found, _ = _findings(sample_repo, True)
    assert reads == [L2]  # L1 itself came from the cache...
    assert any(d.rule == "LMS311" and d.path == L1 for d in lint_found)  # ...and got the finding
    assert (lint_found, _) == _findings(sample_repo, False)
    (sample_repo / L2).unlink()
    reads.clear()
    lint_found, validate_found = _findings(sample_repo, True)
    assert reads == []
    assert any(d.rule == "LMS214" and d.path.startswith(PRICING) for d in validate_found)
    assert any(d.rule == "LMS214" and d.path == L1 for d in validate_found)
    assert (lint_found, validate_found) == _findings(sample_repo, False)


def test_another_lmsctl_version_is_a_rebuild_with_a_note(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        reads: list[str]) -> None:
    expected = assert_same(sample_repo)
    capsys.readouterr()
    monkeypatch.setattr(cache, "LMSCTL_VERSION", "99.0.0")
    reads.clear()
    assert _findings(sample_repo, True) == expected
    assert reads  # nothing reused from the other version
    err = capsys.readouterr().err
    assert "note: the cache .lmsctl/cache/files.bin is not used: it was written by another " \
           "lmsctl" in err
    assert "Traceback" not in err
    reads.clear()
    assert _findings(sample_repo, True) == expected
    assert reads == []  # rebuilt for this version


def _damage(how: str, data: bytes) -> bytes:
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "one byte changed":
        return data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:]
    if how == "empty":
        return b""
    return os.urandom(4096)  # garbage


@pytest.mark.parametrize("how", ["truncated", "one byte changed", "empty", "garbage"])
def test_a_damaged_cache_is_a_note_and_the_same_result(how: str, sample_repo: Path) -> None:
    _edit(sample_repo, L1, lambda t: t + "\nSee https://example.org/bare\n")
    runner = CliRunner()
    fresh = runner.invoke(cli, ["lint", "--no-cache", "--repo", str(sample_repo)])
    assert not (sample_repo / ".lmsctl").exists()  # --no-cache neither reads nor writes
    first = runner.invoke(cli, ["lint", "--repo", str(sample_repo)])
    assert (first.exit_code, first.stdout) == (fresh.exit_code, fresh.stdout)
    names = sorted(p.name for p in (sample_repo / ".lmsctl" / "cache").iterdir())
    assert "runs.bin" not in names  # the edit is too recent to remember the run
    age(sample_repo)
    runner.invoke(cli, ["lint", "--repo", str(sample_repo)])
    names = sorted(p.name for p in (sample_repo / ".lmsctl" / "cache").iterdir())
    # (the facts of the edited course, kept now, in the file of recent ones)
    assert names == ["facts-recent.bin", "facts.bin", "files.bin", "lint.bin", "runs.bin"]
    for name in names:
        path = sample_repo / ".lmsctl" / "cache" / name
        path.write_bytes(_damage(how, path.read_bytes()))
    damaged = runner.invoke(cli, ["lint", "--repo", str(sample_repo)])
    assert (damaged.exit_code, damaged.stdout) == (fresh.exit_code, fresh.stdout)
    notes = [line for line in damaged.stderr.splitlines() if line.startswith("note: ")]
    # (facts-recent.bin is not read beside a damaged facts.bin: both are written again)
    assert len(notes) == 4 and all("is rebuilt" in n for n in notes), damaged.stderr
    assert "Traceback" not in damaged.stderr
    again = runner.invoke(cli, ["lint", "--repo", str(sample_repo)])
    assert (again.exit_code, again.stdout, again.stderr) == (fresh.exit_code, fresh.stdout, "")


def test_a_planted_pickle_runs_nothing(sample_repo: Path, tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self) -> Any:
            return (os.system, (f"touch {marker}",))

    payload = pickle.dumps({"k": Evil()})
    folder = sample_repo / ".lmsctl" / "cache"
    folder.mkdir(parents=True)
    # a well-formed header with the right version and checksum: only the allow-list stops it
    header = cache._header(hashlib.sha256(payload).hexdigest(), len(payload))
    (folder / "files.bin").write_bytes(cache.MAGIC + header + b"\n" + payload)
    result = CliRunner().invoke(cli, ["validate", "--repo", str(sample_repo)])
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert "os.system is not allowed" not in result.stderr  # the note names no internals...
    assert "its content cannot be read (UnpicklingError)" in result.stderr  # ...but says why


def test_a_run_that_fails_internally_writes_no_cache(sample_repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import lmsctl.checks.validate as validate_module

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in a check")

    monkeypatch.setattr(validate_module, "check_references", broken)
    with pytest.raises(RuntimeError):
        validate_repository(sample_repo)
    assert not (sample_repo / ".lmsctl" / "cache" / "files.bin").exists()


def test_two_processes_at_once(sample_repo: Path) -> None:
    _edit(sample_repo, L1, lambda t: t + "\nSee https://example.org/bare\n")
    command = [sys.executable, "-m", "lmsctl.cli"]
    fresh = subprocess.run([*command, "lint", "--no-cache", "--repo", str(sample_repo)],
                           capture_output=True, text=True, check=False)
    for _ in range(2):  # cold, then warm: each time two writers race
        procs = [subprocess.Popen([*command, verb, "--repo", str(sample_repo)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for verb in ("lint", "lint", "validate")]
        outs = [p.communicate(timeout=300) for p in procs]
        for proc, (out, err) in zip(procs[:2], outs[:2], strict=True):
            assert (proc.returncode, out) == (fresh.returncode, fresh.stdout)
            assert "note:" not in err and "Traceback" not in err
        assert procs[2].returncode == 0 and "note:" not in outs[2][1]
    assert not list((sample_repo / ".lmsctl" / "cache").glob(".*.tmp"))


EDITS = st.lists(st.tuples(st.sampled_from(sorted(CHANGES) + ["restore"]),
                           st.integers(0, 3)), min_size=1, max_size=4)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_random_edit_sequences(edits: list[tuple[str, int]], make_repo: Callable[..., Path],
                               tmp_path_factory: pytest.TempPathFactory) -> None:
    import shutil

    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("seq") / "sample"
    root.mkdir()
    shutil.copy2(ROOT / "lmsctl.yml", root / "lmsctl.yml")
    for folder in ("courses", "paths"):
        shutil.copytree(ROOT / folder, root / folder)
    original = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for name, _ in edits:
        if name == "restore":
            for p in list(root.rglob("*.md")) + list(root.rglob("*.yml")):
                if ".lmsctl" not in p.parts and p not in original:
                    p.unlink()
            for p, data in original.items():
                p.write_bytes(data)
        else:
            with contextlib.suppress(FileNotFoundError):  # e.g. renaming a lesson already deleted
                CHANGES[name](root)
        assert _findings(root, True) == _findings(root, False)


def test_a_cached_reading_is_the_same_model(sample_repo: Path) -> None:
    """A lesson restored from the cache (its rarely used parts unpickled on first use) equals
    the one read from the file, field by field, and pickles and copies as a plain Lesson."""
    import dataclasses
    import pickle

    from lmsctl.core.model import Lesson

    fresh, _ = validate_repository(sample_repo, cache=False)
    validate_repository(sample_repo)
    cached, _ = validate_repository(sample_repo)
    pairs = [(a, b) for ca, cb in zip(fresh.courses, cached.courses, strict=True)
             for a, b in zip(ca.lessons, cb.lessons, strict=True)]
    assert pairs
    for plain, restored in pairs:
        for f in dataclasses.fields(Lesson):
            assert getattr(restored, f.name) == getattr(plain, f.name), f.name
        assert [q.doc for q in restored.quizzes] == [q.doc for q in plain.quizzes]
        assert restored == plain
        again = pickle.loads(pickle.dumps(restored))
        assert type(again) is Lesson and again == plain
        assert dataclasses.replace(restored, title="x").document == plain.document


@pytest.mark.parametrize("use_cache", [True, False])
def test_linting_some_files_reports_what_a_full_run_reports_there(
        sample_repo: Path, use_cache: bool) -> None:
    """``lint <paths>`` checks only those courses' lesson references; what it reports in those
    files is exactly what a full run reports there."""
    seed(sample_repo)
    (sample_repo / L2).unlink()  # dead links in sales-basics and in the pricing course
    _edit(sample_repo, PRICING + "/lessons/02-acknowledge-clarify-respond.md",
          lambda t: t + "\n![chart](../assets/missing-chart.png)\n")
    _, full = lint_repository(sample_repo, cache=use_cache)
    for paths in ([L1], [SALES], [PRICING], [PRICING + "/lessons", L1], ["paths"]):
        _, some = lint_repository(sample_repo, paths, cache=use_cache)
        wanted = [d for d in full.sorted()
                  if any(d.path == p or d.path.startswith(p + "/") for p in paths)]
        assert some.sorted() == wanted, paths
    assert any(d.path.startswith(PRICING) and d.rule == "LMS207" for d in full.sorted())
    assert any(d.path == L1 and d.rule == "LMS214" for d in full.sorted())


# ---------------------------------------------------------------------------- remembered runs


def _cli(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--repo", str(root)])
    assert "Traceback" not in result.stderr and "note:" not in result.stderr, result.stderr
    return result.exit_code, result.stdout


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The checks of the repository (each run that was not remembered makes one: a reading of
    the repository, or of some course folders, ``validate_within``)."""
    import lmsctl.checks.validate as validate_module

    return recorded(monkeypatch, validate_module, "check_references", lambda repo, *_: repo.root)


def _runs(root: Path) -> Path:
    return root / ".lmsctl" / "cache" / "runs.bin"


COMMANDS = (("validate",), ("lint",), ("lint", SALES), ("lint", SALES, "paths"))


def _commands(root: Path) -> list[tuple[str, ...]]:
    return [(c[0], *(str(root / p) for p in c[1:])) for c in COMMANDS]


def test_an_unchanged_repository_prints_the_remembered_run(sample_repo: Path,
                                                          loads: list[Path]) -> None:
    seed(sample_repo)
    age(sample_repo)
    for command in _commands(sample_repo):
        fresh = _cli(sample_repo, *command, "--no-cache")
        assert _cli(sample_repo, *command) == fresh  # checked, and remembered
        loads.clear()
        assert _cli(sample_repo, *command) == fresh
        assert loads == [], command  # nothing read, nothing checked
    assert fresh[1].strip() and _runs(sample_repo).exists()


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_after_a_remembered_run_is_seen(change: str, sample_repo: Path,
                                                     loads: list[Path]) -> None:
    seed(sample_repo)
    age(sample_repo)
    before = {c: _cli(sample_repo, *c) for c in _commands(sample_repo)}
    CHANGES[change](sample_repo)
    loads.clear()
    after = {c: _cli(sample_repo, *c) for c in _commands(sample_repo)}
    assert len(loads) == len(COMMANDS)  # none remembered: every run checked again
    assert after == {c: _cli(sample_repo, *c, "--no-cache") for c in after}
    assert after != before


def test_an_edit_that_keeps_size_and_modification_time_is_seen(sample_repo: Path) -> None:
    seed(sample_repo)
    age(sample_repo)
    before = _cli(sample_repo, "lint")
    assert "LMS313" in before[1]
    path = sample_repo / L1
    old = os.stat(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(BARE, "Bare text, no link at all here"[:len(BARE)]
                                 .ljust(len(BARE), ".")), encoding="utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # as a tool that keeps times does
    assert os.stat(path).st_size == old.st_size
    after = _cli(sample_repo, "lint")
    assert after == _cli(sample_repo, "lint", "--no-cache")
    assert "LMS313" not in after[1]


def test_recent_files_and_symlinks_are_never_remembered(make_repo: Callable[..., Path],
                                                        loads: list[Path]) -> None:
    root = make_repo()  # every file just written: its time stamp proves nothing yet
    for _ in range(2):
        assert _cli(root, "lint") == _cli(root, "lint", "--no-cache")
    assert not _runs(root).exists()
    age(root)
    (root / "courses" / "sales-basics" / "assets").mkdir()
    (root / "courses" / "sales-basics" / "assets" / "logo.png").symlink_to(root / "lmsctl.yml")
    loads.clear()
    for _ in range(2):
        _cli(root, "lint")
    assert len(loads) == 2 and not _runs(root).exists()


def test_a_file_changed_during_the_run_is_not_remembered(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lmsctl.checks.validate as validate_module

    seed(sample_repo)
    age(sample_repo)
    original = validate_module.load_repository

    def meanwhile(root: Path, *args: Any, **kwargs: Any) -> Any:
        found = original(root, *args, **kwargs)
        _edit(root, L1, lambda t: t.replace(BARE, "Bare: none"))  # after it was read
        return found

    monkeypatch.setattr(validate_module, "load_repository", meanwhile)
    during = _cli(sample_repo, "lint")
    monkeypatch.setattr(validate_module, "load_repository", original)
    assert "LMS313" in during[1] and not _runs(sample_repo).exists()
    after = _cli(sample_repo, "lint")
    assert after == _cli(sample_repo, "lint", "--no-cache") and "LMS313" not in after[1]


def test_a_scoped_run_is_remembered_by_what_it_read_and_what_stood_in(
        sample_repo: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """``lint <course folder>`` takes the other courses from their facts, so after it only what
    it read is looked at again. A change during the run in the course it read: not remembered.
    A change in a course that stood in: remembered under the inputs the run saw (the stand-in
    is their record); the change is the next run's input, checked afresh, and exact."""
    import lmsctl.checks.validate as validate_module

    seed(sample_repo)
    original = validate_module.load_repository
    for rel, remembered in ((L1, 0), (P1, 1)):
        _edit(sample_repo, L1, lambda t, rel=rel: t + f"\nNow for {rel}.\n")  # new inputs
        age(sample_repo)
        _cli(sample_repo, "lint")  # keeps every course's facts

        def meanwhile(root: Path, *args: Any, rel: str = rel, **kwargs: Any) -> Any:
            found = original(root, *args, **kwargs)
            _edit(root, rel, lambda t: t + "\nA line written while lint ran.\n")
            return found

        kept = len(cache.Namespace.open(sample_repo, "runs")._old)
        monkeypatch.setattr(validate_module, "load_repository", meanwhile)
        _cli(sample_repo, "lint", str(sample_repo / SALES))
        monkeypatch.setattr(validate_module, "load_repository", original)
        assert len(cache.Namespace.open(sample_repo, "runs")._old) == kept + remembered, rel
        age(sample_repo)
        loads.clear()
        after = _cli(sample_repo, "lint", str(sample_repo / SALES))
        assert len(loads) == 1, rel  # the inputs are new: checked
        assert after == _cli(sample_repo, "lint", str(sample_repo / SALES), "--no-cache")


def test_another_day_is_another_run(sample_repo: Path, loads: list[Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from lmsctl.checks import runs

    age(sample_repo)
    fresh = _cli(sample_repo, "lint")
    monkeypatch.setattr(runs, "today", lambda: "2999-01-01")
    loads.clear()
    assert _cli(sample_repo, "lint") == fresh
    assert len(loads) == 1


# ------------------------------------------------------------------ facts of the other courses


P1 = PRICING + "/lessons/01-why-customers-object.md"


def test_linting_some_files_takes_the_other_courses_from_their_facts(
        sample_repo: Path, reads: list[str]) -> None:
    """``lint <paths>`` reads only the courses it reports on (and for files within course
    folders the courses they link to, ``validate_within``); the others stand in from the facts
    a run kept (unchanged files only), and cross-file findings stay exact: an anchor into
    another course's lesson, links to a draft course, prerequisites, paths."""
    seed(sample_repo)
    _edit(sample_repo, P1, lambda t: t + (
        "\nSee [BANT](../../sales-basics/lessons/02-qualifying-opportunities.md#no-such-one) "
        "and [the basics](../../sales-basics/).\n"))
    _edit(sample_repo, f"{SALES}/course.yml", lambda t: t.replace("status: published",
                                                                  "status: draft"))
    age(sample_repo)
    _, full = lint_repository(sample_repo, cache=False)
    found = full.sorted()
    assert any(d.rule == "LMS311" and d.path == P1 for d in found)
    assert any(d.rule == "LMS312" and d.path == P1 for d in found)
    lint_repository(sample_repo)  # reads everything, keeps the facts
    for paths, read in (([PRICING], {PRICING}), ([P1], {PRICING, SALES}), ([L1], {SALES}),
                        (["paths"], set()), ([SALES, "paths"], {SALES}),
                        ([P1, L1], {PRICING, SALES})):
        reads.clear()
        _, some = lint_repository(sample_repo, paths)
        wanted = [d for d in found if any(d.path == p or d.path.startswith(p + "/")
                                          for p in paths)]
        assert some.sorted() == wanted, paths
        assert {r.rsplit("/", 2)[0] for r in reads} == read, paths  # the others stood in
    # a change in a course that stands in is seen: it is read again
    _edit(sample_repo, L2, lambda t: t.replace("## BANT: a quick first filter",
                                               "## No such one"))
    reads.clear()
    _, some = lint_repository(sample_repo, [P1])
    assert L2 in reads and not any(d.rule == "LMS311" for d in some.sorted())
    _, fresh = lint_repository(sample_repo, [P1], cache=False)
    assert some.sorted() == fresh.sorted()


def test_facts_of_a_course_being_written_are_not_kept(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = recorded(monkeypatch, loader, "load_course", lambda root, folder, *_: folder.name)
    age(sample_repo)
    _edit(sample_repo, L1, lambda t: t + "\nOne more line.\n")  # just now: too recent
    lint_repository(sample_repo)
    assert len(loaded) == 5
    loaded.clear()
    _, some = lint_repository(sample_repo, [PRICING])
    assert sorted(loaded) == ["handling-pricing-objections", "sales-basics"]
    _, fresh = lint_repository(sample_repo, [PRICING], cache=False)
    assert some.sorted() == fresh.sorted()


def test_stand_ins_keep_cycles_broken_courses_and_settings_exact(sample_repo: Path) -> None:
    """Cross-file findings that involve a course standing in: a prerequisite cycle through it,
    a link to a course whose course.yml cannot be read, a skill it names, and lint override
    globs matched against every file; and the number of files a scoped run reports on."""
    _edit(sample_repo, f"{SALES}/course.yml", lambda t: t.replace(
        "prerequisites: []", "prerequisites: [handling-pricing-objections]").replace(
        "skills: [sales-discovery, qualification]", "skills: [sales-discovery, juggling]"))
    broken = sample_repo / "courses" / "broken-course"
    (broken / "lessons").mkdir(parents=True)
    (broken / "course.yml").write_text("title: [unclosed\n", encoding="utf-8")
    (broken / "lessons" / "01-x.md").write_text("---\ntitle: X\n---\nText.\n", encoding="utf-8")
    _edit(sample_repo, P1, lambda t: t + "\nSee [broken](../../broken-course/) and "
                                          "[gone](../../no-such-course/).\n")
    _edit(sample_repo, "lmsctl.yml", lambda t: t + (
        "lint:\n  overrides:\n    - paths: [courses/sales-basics/lessons/*.md]\n"
        "      rules: {LMS313: error}\n    - paths: [courses/nowhere/**]\n"
        "      rules: {LMS313: info}\n"))
    age(sample_repo)
    repo, full = lint_repository(sample_repo, cache=False)
    found = full.sorted()
    for rule, path in (("LMS202", f"{PRICING}/course.yml"), ("LMS214", P1),
                       ("LMS791", "lmsctl.yml"), ("LMS205", f"{SALES}/course.yml")):
        assert any(d.rule == rule and d.path == path for d in found), (rule, path)
    assert not any(d.rule == "LMS214" and "broken-course" in d.message for d in found)
    lint_repository(sample_repo)  # keeps the facts
    for paths in ([PRICING], [P1], ["lmsctl.yml"], [SALES], ["courses/broken-course"]):
        _, some = lint_repository(sample_repo, paths)
        assert some.sorted() == [d for d in found if any(
            d.path == p or d.path.startswith(p + "/") for p in paths)], paths
        # the summary counts the files the run reports on
        assert some.files_checked == sum(1 for f in repo.files if any(
            f == p or f.startswith(p + "/") for p in paths)) > 0, paths


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab"])
def test_a_remembered_run_prints_every_format_as_a_fresh_one(sample_repo: Path, fmt: str,
                                                             loads: list[Path]) -> None:
    seed(sample_repo)
    age(sample_repo)
    fresh = _cli(sample_repo, "lint", "--format", fmt, "--no-cache")
    _cli(sample_repo, "lint")
    loads.clear()
    assert _cli(sample_repo, "lint", "--format", fmt) == fresh
    assert loads == []


def test_fix_after_a_remembered_run(sample_repo: Path, tmp_path: Path) -> None:
    import shutil

    seed(sample_repo)
    age(sample_repo)
    other = tmp_path / "other"
    shutil.copytree(sample_repo, other, copy_function=shutil.copy2)
    _cli(sample_repo, "lint")  # remembered, fixes included
    fixed = CliRunner().invoke(cli, ["lint", "--fix", "--repo", str(sample_repo)])
    fresh = CliRunner().invoke(cli, ["lint", "--fix", "--no-cache", "--repo", str(other)])
    assert (fixed.exit_code, fixed.stdout) == (fresh.exit_code, fresh.stdout)
    assert "fixed " in fixed.stderr and fixed.stderr == fresh.stderr.replace(
        str(other), str(sample_repo))
    text = (sample_repo / L1).read_text(encoding="utf-8")
    assert text == (other / L1).read_text(encoding="utf-8")
    assert "<https://example.org/bare>" in text  # the remembered finding's fix was applied


def test_a_run_writes_the_new_facts_to_the_small_file_of_recent_ones(
        sample_repo: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a run that kept every course's facts, a run on one edited course adds that
    course's facts to ``facts-recent.bin``, not ``facts.bin`` (written whole: 15 MB at 1,000
    courses); the next runs take them from there, a damaged one is a note and the same
    result. Whole runs (a build) do the same, until there are ``RECENT`` new facts (or
    facts no longer used): then all go back into ``facts.bin``."""
    seed(sample_repo)
    age(sample_repo)
    lint_repository(sample_repo)
    folder = sample_repo / cache.CACHE_DIR
    whole = (folder / "facts.bin").stat()
    for i in range(2):
        _edit(sample_repo, L2, lambda t, i=i: t + f"\nEdited {i}.\n")  # (L1 links into it)
        age_new(sample_repo)
        _, some = lint_repository(sample_repo, [PRICING])
        assert some.sorted() == lint_repository(sample_repo, [PRICING], cache=False)[1].sorted()
        assert (folder / "facts.bin").stat().st_ino == whole.st_ino  # not written again
        assert (folder / "facts-recent.bin").exists()
        reads.clear()
        _, again = lint_repository(sample_repo, [PRICING])  # sales-basics from the recent facts
        assert again.sorted() == some.sorted() and not any(SALES in r for r in reads)
    (folder / "facts-recent.bin").write_bytes(b"damaged")
    _edit(sample_repo, L2, lambda t: t + "\nEdited again.\n")
    age_new(sample_repo)
    done = subprocess.run([sys.executable, "-m", "lmsctl", "lint", PRICING], cwd=sample_repo,
                          capture_output=True, text=True, check=False)
    assert "facts-recent.bin is not used" in done.stderr
    assert done.stdout == subprocess.run(
        [sys.executable, "-m", "lmsctl", "lint", PRICING, "--no-cache"], cwd=sample_repo,
        capture_output=True, text=True, check=False).stdout
    whole = (folder / "facts.bin").stat()  # (a damaged file: all written again)
    _edit(sample_repo, L2, lambda t: t + "\nEdited once more.\n")
    age_new(sample_repo)
    assert_same(sample_repo)
    assert (folder / "facts.bin").stat().st_ino == whole.st_ino
    assert (folder / "facts-recent.bin").exists()
    monkeypatch.setattr(cache, "RECENT", 1)
    _edit(sample_repo, P1, lambda t: t + "\nEdited.\n")
    age_new(sample_repo)
    assert_same(sample_repo)  # one more: all in facts.bin again
    assert not (folder / "facts-recent.bin").exists()
    assert (folder / "facts.bin").stat().st_ino != whole.st_ino


def test_a_whole_run_with_stand_ins_restores_no_course_yml_reading(sample_repo: Path) -> None:
    """A build's checks (``kept``: every unchanged course a stand-in) restore a stand-in's
    course.yml reading only when a finding needs it (at 1,000 courses restoring them all was
    two thirds of the reference checks); the report is a full run's."""
    from lmsctl.checks.validate import Facts

    age(sample_repo)
    _, fresh = validate_repository(sample_repo, cache=False)
    validate_repository(sample_repo, facts=True)  # keeps the facts
    kept = Facts.open(sample_repo)
    assert kept is not None
    repo, report = validate_repository(sample_repo, kept=kept)
    assert report.sorted() == fresh.sorted()
    standing = [c for c in repo.courses if c.id in kept.standing]
    assert len(standing) == 5 and not any("doc" in c.__dict__ for c in standing)


def test_stand_ins_made_ahead_are_kept_while_their_entry_is_the_same(sample_repo: Path) -> None:
    """``Facts.prepare`` (the resident, after every run) keeps a stand-in made before of the
    very same entry instead of making it again, and lets go of those of courses gone."""
    from lmsctl.checks import validate
    from lmsctl.core.inputs import snapshot

    age(sample_repo)
    lint_repository(sample_repo)  # keeps the facts
    try:
        cache.read_ahead(sample_repo, "facts")
        before = snapshot(sample_repo)
        assert before is not None
        validate.Facts.prepare([(sample_repo, before)])
        first = dict(validate._MADE)
        assert set(validate._MADE_KEYS.values()) >= first.keys()  # a fork's keys, made
        assert len(first) == len([n for n in before.folders() if not n.startswith("_")]) > 1
        validate.Facts.prepare([(sample_repo, before)])
        assert validate._MADE.keys() == first.keys()
        assert all(validate._MADE[key] is made for key, made in first.items())
        import shutil
        shutil.rmtree(sample_repo / PRICING)
        after = snapshot(sample_repo)
        assert after is not None
        validate.Facts.prepare([(sample_repo, after)])
        assert len(validate._MADE) == len(first) - 1
        assert all(first[key] is made for key, made in validate._MADE.items())
    finally:
        validate.Facts.prepare([])
        cache._READ_AHEAD.pop(cache.cache_dir(sample_repo) / "facts.bin", None)
