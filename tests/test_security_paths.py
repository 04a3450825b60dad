"""Security (#17), the repository is a boundary: no file from outside is read into the site,
and no command writes outside the repository, whatever symlinks an author commits."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.core.errors import OutsideRepository
from lmsctl.core.files import TMP_PATTERN, write_atomic
from tests.conftest import MINIMAL_LESSON

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
SECRET = "TOP-SECRET-CONTENT-0451"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository, holding what must never be published."""
    folder = tmp_path / "outside"
    (folder / "lessons").mkdir(parents=True)
    (folder / "secret.md").write_text(MINIMAL_LESSON + f"\n{SECRET}\n", encoding="utf-8")
    (folder / "lessons" / "01-discovery-questions.md").write_text(
        MINIMAL_LESSON + f"\n{SECRET}\n", encoding="utf-8")
    (folder / "course.yml").write_text("title: Stolen\nsummary: x\nowners: ['@a']\n",
                                       encoding="utf-8")
    return folder


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _no_secret_anywhere(folder: Path) -> None:
    if not folder.exists():
        return
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text("utf-8", errors="replace"), path


def _symlink(link: Path, target: Path) -> None:
    if link.exists() or link.is_symlink():
        if link.is_dir() and not link.is_symlink():
            import shutil
            shutil.rmtree(link)
        else:
            link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


VARIANTS = {
    "lesson": (LESSON, "secret.md"),
    "lessons-folder": ("courses/sales-basics/lessons", "lessons"),
    "course-folder": ("courses/sales-basics", "."),
    "contributing": ("CONTRIBUTING.md", "secret.md"),
    "asset": ("courses/sales-basics/assets/notes.txt", "secret.md"),
    "asset-folder": ("courses/sales-basics/assets", "."),
    "listed-lesson": ("courses/sales-basics/lessons/02-extra.md", "secret.md"),
    "lmsctl-yml": ("lmsctl.yml", "secret.md"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_symlinks_out_of_the_repository_are_errors_at_their_path(
        variant: str, make_repo: Callable[..., Path], outside: Path, tmp_path: Path) -> None:
    root = make_repo()
    rel, target = VARIANTS[variant]
    _symlink(root / rel, outside / target)
    for command in ("validate", "lint"):
        code, output = _invoke(command, "--repo", str(root))
        assert code == 1, (command, output)
        assert f"{rel}:1:1" in output and "outside the repository" in output, output
        assert "Replace the symlink" in output
    site = tmp_path / "site"
    code, output = _invoke("build", "--repo", str(root), "--out", str(site))
    assert code == 1 and "outside the repository" in output, output
    _no_secret_anywhere(site)
    assert not site.exists()


def test_symlinks_inside_the_repository_still_work(make_repo: Callable[..., Path],
                                                   tmp_path: Path) -> None:
    root = make_repo({"shared/intro.md": MINIMAL_LESSON})
    _symlink(root / LESSON, root / "shared" / "intro.md")
    code, output = _invoke("build", "--repo", str(root), "--out", str(tmp_path / "site"))
    assert code == 0, output


def test_codeowners_never_writes_through_a_symlinked_github_folder(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    target = tmp_path / "elsewhere"
    target.mkdir()
    _symlink(root / ".github", target)
    code, output = _invoke("codeowners", "--repo", str(root))
    assert code == 2, output
    assert ".github" in output and "outside the repository" in output
    assert list(target.iterdir()) == []


def test_lint_fix_never_writes_outside_nor_replaces_a_symlinked_lesson(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    fixable = MINIMAL_LESSON.replace("open questions.", "open questions.   ")  # trailing
    root = make_repo({"shared/intro.md": fixable})
    _symlink(root / LESSON, Path(os.path.relpath(root / "shared" / "intro.md",
                                                 (root / LESSON).parent)))
    code, output = _invoke("lint", "--fix", "--repo", str(root))
    assert (root / LESSON).is_symlink(), "the symlink must stay a symlink"
    assert "open questions.   " not in (root / "shared/intro.md").read_text()  # its target fixed
    # a course folder that leads outside: nothing is read, so nothing is written there
    elsewhere = tmp_path / "elsewhere-course"
    (elsewhere / "lessons").mkdir(parents=True)
    (elsewhere / "course.yml").write_text((root / "courses/sales-basics/course.yml").read_text())
    (elsewhere / "lessons/01-a.md").write_text(fixable)
    _symlink(root / "courses/other", elsewhere)
    before = (elsewhere / "lessons/01-a.md").read_bytes()
    code, output = _invoke("lint", "--fix", "--repo", str(root))
    assert "courses/other:1:1" in output and "outside the repository" in output
    assert (elsewhere / "lessons/01-a.md").read_bytes() == before


def test_write_atomic_refuses_paths_that_leave_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere)
    (elsewhere / "victim.txt").write_text("keep")
    (root / "docs" / "link.txt").symlink_to(elsewhere / "victim.txt")
    for path in (root / "out" / "x.txt", root / "docs" / "link.txt", root / ".." / "x.txt"):
        with pytest.raises(OutsideRepository):
            write_atomic(path, "data", root=root)
    assert (elsewhere / "victim.txt").read_text() == "keep"
    assert not (elsewhere / "x.txt").exists() and not (tmp_path / "x.txt").exists()


def test_write_atomic_removes_temporaries_of_dead_writers(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    dead = os.fork()
    if dead == 0:  # pragma: no cover - the child only exits
        os._exit(0)
    os.waitpid(dead, 0)
    stale = folder / f".course.yml.lmsctl-{dead}-abcd1234.tmp"
    live = folder / f".course.yml.lmsctl-{os.getppid()}-abcd1234.tmp"
    stale.write_text("half")
    live.write_text("in progress")
    write_atomic(folder / "course.yml", "title: x\n", root=folder)
    assert not stale.exists() and live.exists()
    assert TMP_PATTERN.match(stale.name)
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, "course.yml"])


def test_out_inside_the_repository_that_leads_outside_is_refused(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _symlink(root / "site", elsewhere)
    code, output = _invoke("build", "--repo", str(root))
    assert code == 2 and "leads outside" in output, output
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", [["new-course", "fresh-course", "--title", "Fresh",
                                      "--owner", "@a", "--summary", "A new course.",
                                      "--skill", "discovery", "--level", "beginner",
                                      "--no-input"],
                                     ["new-lesson", "sales-basics", "Second lesson"],
                                     ["new-path", "fresh-path", "--title", "Fresh",
                                      "--summary", "A path.", "--owner", "@a",
                                      "--course", "sales-basics", "--no-input"]])
def test_authoring_commands_never_write_outside(command: list[str],
                                                make_repo: Callable[..., Path],
                                                tmp_path: Path) -> None:
    root = make_repo()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = {"new-course": "courses", "new-lesson": "courses/sales-basics/lessons",
              "new-path": "paths"}[command[0]]
    if command[0] == "new-lesson":
        (elsewhere / "01-discovery-questions.md").write_text(MINIMAL_LESSON)
    _symlink(root / folder, elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    code, output = _invoke(*command, "--repo", str(root))
    assert code != 0 and code != 3, output
    assert sorted(p.name for p in elsewhere.iterdir()) == before
