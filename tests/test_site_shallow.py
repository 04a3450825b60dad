"""A build from a shallow clone warns and leaves dates out rather than showing wrong ones."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lmsctl.cli import cli
from tests.conftest import minimal_files
from tests.gitrepo import ANN, BOB, GitRepo


def shallow_clone(tmp_path: Path) -> Path:
    repo = GitRepo.init(tmp_path / "origin", minimal_files())
    repo.commit("Add sales basics", date="2024-01-10", author=ANN)
    repo.append("courses/sales-basics/lessons/01-discovery-questions.md", "\nMore.\n")
    repo.commit("Improve discovery", date="2024-06-01", author=BOB)
    return repo.clone(tmp_path / "shallow", depth=1).root


def test_shallow_clone_warns_and_omits_history(tmp_path: Path) -> None:
    root = shallow_clone(tmp_path)
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--repo", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "shallow" in result.output and "fetch-depth: 0" in result.output
    page = (out / "courses" / "sales-basics" / "index.html").read_text(encoding="utf-8")
    assert "Bob Builder" not in page  # the only commit a shallow clone has is not the truth
    assert "1 June 2024" not in page


def test_shallow_clone_fails_under_strict_and_keeps_old_site(tmp_path: Path) -> None:
    root = shallow_clone(tmp_path)
    out = tmp_path / "site"
    assert CliRunner().invoke(cli, ["build", "--repo", str(root), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["build", "--strict", "--repo", str(root),
                                      "--out", str(out)])
    assert result.exit_code == 1
    assert "shallow" in result.output + result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["origin", "shallow", "site"]


def test_full_clone_shows_history(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "origin", minimal_files())
    repo.commit("Add sales basics", date="2024-01-10", author=ANN)
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--repo", str(repo.root), "--out", str(out)])
    assert result.exit_code == 0 and "shallow" not in result.output
    page = (out / "courses" / "sales-basics" / "index.html").read_text(encoding="utf-8")
    assert "Ann Author" in page
