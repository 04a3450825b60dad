"""The history benchmark builds what it claims to (checked at a small size)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_history import OLD, build_repository
from lmsctl.content.loader import load_repository
from lmsctl.core.history import read_history


def test_benchmark_repository_matches_its_description(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    counts = build_repository(root, courses=8, commits=120, seed=3)
    assert counts["commits"] == 120 and counts["bots"] and counts["reviews"]
    repo, _ = load_repository(root)
    assert len(repo.courses) == 8
    history = read_history(repo)
    assert not history.shallow
    assert len(history.changes) == counts["commits"] - counts["bots"]
    emails = {p.email for c in history.changes for p in c.people}
    assert not emails & set(OLD.values())  # .mailmap applied
    assert sum(len(history.course(c.id).reviews) for c in repo.courses) == counts["reviews"]
    assert sum(1 for c in history.changes if c.coauthors) >= 1
    assert all(history.course(c.id).created is not None for c in repo.courses)
