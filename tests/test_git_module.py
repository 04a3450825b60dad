"""One git module (lmsctl.core.git): every git command goes through it, and a git hook's
environment never makes lmsctl read another repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lmsctl.core import git
from lmsctl.core.history import read_history
from tests.conftest import minimal_files
from tests.gitrepo import ANN, BOB, GitRepo

PACKAGE = Path(__file__).resolve().parent.parent / "lmsctl"


def test_no_other_module_runs_git() -> None:
    offenders = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py")
                 if p.name != "git.py" and re.search(r"""["']git["']\s*,""", p.read_text("utf-8"))]
    assert offenders == []


def test_a_hooks_git_dir_does_not_redirect_lmsctl(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ours = GitRepo.init(tmp_path / "ours", minimal_files())
    ours.commit("Ours", date="2024-01-10", author=ANN)
    other = GitRepo.init(tmp_path / "other", minimal_files())
    other.commit("Theirs", date="2024-02-10", author=BOB)
    # what git sets for a hook running in the other repository
    monkeypatch.setenv("GIT_DIR", str(other.root / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.root))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other.root / ".git" / "index"))
    subjects = [c.subject for c in read_history(ours.root).changes]
    assert subjects == ["Ours"]
    assert git.run_text(ours.root, ["log", "-1", "--format=%s"]).stdout.strip() == "Ours"


def test_outside_a_repository_git_says_so(tmp_path: Path) -> None:
    done = git.run_text(tmp_path, ["rev-parse", "--git-dir"])
    assert done.returncode != 0 and "not a git repository" in done.stderr


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        git.run(tmp_path / "gone", ["status"])


def test_the_variables_cleared_are_gits_own_list(tmp_path: Path) -> None:
    import subprocess

    listed = subprocess.run(["git", "rev-parse", "--local-env-vars"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout.split()
    assert set(listed) <= set(git.LOCAL_ENV)


def test_a_worktree_and_a_bare_repository_are_found(tmp_path: Path) -> None:
    ours = GitRepo.init(tmp_path / "ours", minimal_files())
    ours.commit("Ours", date="2024-01-10", author=ANN)
    assert git.run_text(ours.root, ["worktree", "add", "-q", str(tmp_path / "second")]
                        ).returncode == 0
    inside = tmp_path / "second" / "courses"
    assert git.run_text(inside, ["log", "-1", "--format=%s"]).stdout.strip() == "Ours"
    assert git.run_text(inside, ["rev-parse", "--show-toplevel"]).stdout.strip() == \
        str((tmp_path / "second").resolve())
    bare = tmp_path / "bare.git"
    assert git.run_text(tmp_path, ["clone", "-q", "--bare", str(ours.root), str(bare)]
                        ).returncode == 0
    assert git.run_text(bare, ["log", "-1", "--format=%s"]).stdout.strip() == "Ours"
