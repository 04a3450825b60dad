"""A failed build leaves the previous site byte for byte as it was and no temporary folder
behind, whether it fails on validation errors, on warnings under --strict, or on an exception
in the middle of rendering; rendering in several processes gives the same site as one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.targets.site import render
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON
from tests.site_support import build, leftovers, tree_hash

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built(make_repo: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path, str]:
    """A repository, its built site (beside nothing else) and the site's hash."""
    repo = make_repo()
    out = tmp_path / "public" / "site"
    code, stdout, stderr = run("build", "--repo", str(repo), "--out", str(out))
    assert code == 0, stdout + stderr
    assert stdout.startswith("Built 1 course, ")
    return repo, out, tree_hash(out)


def test_validation_errors_fail_the_build_and_keep_the_old_site(
        built: tuple[Path, Path, str]) -> None:
    repo, out, before = built
    lesson = repo / LESSON
    lesson.write_text(MINIMAL_LESSON.replace("correct: true", "correct: maybe"),
                      encoding="utf-8")
    code, stdout, stderr = run("build", "--repo", str(repo), "--out", str(out))
    assert code == 1
    # The same diagnostics as lmsctl validate, in the same format.
    _, validate_out, _ = run("validate", "--repo", str(repo))
    assert stdout == validate_out
    assert re.search(rf"^{LESSON}:\d+:\d+: error LMS\d+ ", stdout, re.MULTILINE)
    assert "error: the site was not built" in stderr
    assert "unchanged" in stderr
    assert tree_hash(out) == before
    assert leftovers(out.parent) == []


def test_warnings_fail_only_under_strict(built: tuple[Path, Path, str]) -> None:
    repo, out, before = built
    # a lesson of a draft course: it exists (validate is content), but this build does not
    # publish it, so the link would lead nowhere
    draft = repo / "courses" / "draft-course"
    (draft / "lessons").mkdir(parents=True)
    (draft / "course.yml").write_text(MINIMAL_COURSE + "status: draft\n", encoding="utf-8")
    (draft / "lessons" / "01-intro.md").write_text(MINIMAL_LESSON, encoding="utf-8")
    url = "../../draft-course/lessons/01-intro.md"
    text = MINIMAL_LESSON.replace("Because the customer knows things you do not.",
                                  f"Because the customer knows things; see [the draft]({url}).")
    (repo / LESSON).write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if url in x)) + 1
    column = text.splitlines()[line - 1].index("[the draft]") + 1
    code, stdout, stderr = run("build", "--repo", str(repo), "--out", str(out), "--strict")
    assert code == 1
    assert f"{LESSON}:{line}:{column}: warning LMS212 link '{url}'" in stdout
    # says which file, in the author's words
    assert "courses/draft-course/lessons/01-intro.md is not published" in stdout
    assert "but the target" not in stdout and "documentation files" not in stdout
    assert "hint: " in stdout
    assert "under --strict" in stderr
    assert tree_hash(out) == before
    assert leftovers(out.parent) == []
    code, stdout, _ = run("build", "--repo", str(repo), "--out", str(out))
    assert code == 0
    assert f"warning LMS212 link '{url}'" in stdout
    assert tree_hash(out) != before
    # the same finding in a machine format: stdout holds only the report
    code, stdout, stderr = run("build", "--repo", str(repo), "--out", str(out),
                               "--format", "json")
    assert code == 0 and "Built " in stderr
    [finding] = json.loads(stdout)["diagnostics"]
    assert (finding["rule"], finding["path"], finding["line"]) == ("LMS212", LESSON, line)
    code, stdout, _ = run("build", "--repo", str(repo), "--out", str(out), "--format", "github")
    assert stdout.startswith(f"::warning file={LESSON},line={line},")
    code, stdout, _ = run("build", "--repo", str(repo), "--out", str(out), "--strict",
                          "--format", "sarif")
    assert code == 1
    [result] = json.loads(stdout)["runs"][0]["results"]
    assert result["ruleId"] == "LMS212"


def _fail_after(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Make MkDocs raise while writing a page, after ``pages`` of them (a crash mid-render)."""
    import mkdocs.commands.build as mkdocs_build

    real = mkdocs_build._build_page
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] > pages:
            raise RuntimeError("disk on fire")
        real(*args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", flaky)


def test_an_exception_mid_render_keeps_the_old_site(
        built: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    repo, out, before = built
    (repo / LESSON).write_text(MINIMAL_LESSON.replace("Good discovery", "Great discovery"),
                               encoding="utf-8")
    _fail_after(monkeypatch, 0)  # a body edit renders the edited lesson's page alone
    code, stdout, stderr = run("build", "--repo", str(repo), "--out", str(out),
                               env={"LMSCTL_LOG_DIR": str(tmp_path)})
    assert code == 3
    assert "internal error: RuntimeError: disk on fire" in stderr
    assert tree_hash(out) == before
    assert leftovers(out.parent) == []


def _courses(n: int) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for i in range(n):
        cid = f"extra-{i}"
        files[f"courses/{cid}/course.yml"] = MINIMAL_COURSE.replace(
            "title: Sales basics", f"title: Extra {i}")
        files[f"courses/{cid}/lessons/01-one.md"] = MINIMAL_LESSON
        files[f"courses/{cid}/lessons/02-two.md"] = MINIMAL_LESSON.replace(
            "Discovery questions", "Second")
        files[f"courses/{cid}/assets/note.txt"] = f"asset {i}"
    return files


def test_an_exception_in_a_render_process_keeps_the_old_site(
        make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(_courses(3))
    out = tmp_path / "site"
    build(repo, out)
    before = tree_hash(out)
    (repo / LESSON).write_text(MINIMAL_LESSON.replace("Good discovery", "Great discovery"),
                               encoding="utf-8")
    monkeypatch.setattr(render, "MIN_PAGES_PER_SHARD", 1)
    _fail_after(monkeypatch, 1)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(repo, out, workers=2, use_cache=False)  # two processes, whatever the cache
    assert tree_hash(out) == before
    assert leftovers(tmp_path) == []


def test_rendering_in_two_processes_gives_the_same_site(
        make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(_courses(4))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the feed's date, for both builds
    one, _ = build(repo, tmp_path / "one", workers=1, use_cache=False)
    monkeypatch.setattr(render, "MIN_PAGES_PER_SHARD", 1)
    two, _ = build(repo, tmp_path / "two", workers=2, use_cache=False)  # every page rendered
    assert (one.processes, two.processes) == (1, 2)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.name not in ("sitemap.xml", "sitemap.xml.gz")}

    a, b = files(tmp_path / "one"), files(tmp_path / "two")
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []

    assert any(k.startswith("search/learn/0/t/") for k in a)  # the index: the same bytes

    def sitemap(root: Path) -> list[str]:
        return sorted(re.findall(r"<loc>([^<]*)</loc>", (root / "sitemap.xml").read_text()))

    assert sitemap(tmp_path / "one") == sitemap(tmp_path / "two")
    assert len(sitemap(tmp_path / "one")) > 10
    assert leftovers(tmp_path) == []


def test_never_replaces_a_folder_lmsctl_did_not_build(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo()
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    code, _, stderr = run("build", "--repo", str(repo), "--out", str(out))
    assert code == 2
    assert "not built by lmsctl" in stderr and "hint:" in stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    code, _, stderr = run("build", "--repo", str(repo), "--out", str(repo))
    assert code == 2 and "holds the course repository" in stderr
    code, _, stderr = run("build", "--repo", str(repo), "--out", str(repo / "courses" / "x"))
    assert code == 2 and "inside courses/" in stderr
    assert leftovers(tmp_path) == [] and leftovers(repo) == []


def test_default_output_is_site_in_the_repository(make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    code, stdout, _ = run("build", "--repo", str(repo))
    assert code == 0
    assert (repo / "site" / "index.html").is_file()
    assert f"into {repo / 'site'}/" in stdout or "into site/" in stdout
    assert "lmsctl serve" in stdout
    first = (repo / "site" / "catalog" / "index.html").read_text(encoding="utf-8")
    (repo / "courses/sales-basics/course.yml").write_text(
        MINIMAL_COURSE.replace("title: Sales basics", "title: Selling basics"), encoding="utf-8")
    code, _, _ = run("build", "--repo", str(repo))
    assert code == 0
    second = (repo / "site" / "catalog" / "index.html").read_text(encoding="utf-8")
    assert "Selling basics" in second and "Selling basics" not in first
    assert leftovers(repo) == []


def test_unknown_preview_course_exits_2(make_repo: Callable[..., Path]) -> None:
    code, _, stderr = run("build", "--repo", str(make_repo()), "--course", "nope")
    assert code == 2
    assert "--course nope" in stderr and "hint:" in stderr


def test_published_is_told_once_the_new_site_is_in_place(
        built: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` reloads its pages when ``published`` is called: the new site is in place then,
    a failed build never calls it, and an unchanged one has nothing to publish."""
    repo, out, _ = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the same feed and dates each time
    seen: list[str] = []

    def published() -> None:
        seen.append((out / "courses" / "sales-basics" / "discovery-questions" /
                     "index.html").read_text(encoding="utf-8"))

    lesson = repo / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nA sentence just added.\n",
                      encoding="utf-8")
    build(repo, out, published=published)
    assert len(seen) == 1 and "A sentence just added." in seen[0]
    build(repo, out, published=published)
    assert len(seen) == 1
    lesson.write_text("---\ntitle: [broken\n", encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is no call
        build(repo, out, published=published)
    assert len(seen) == 1
