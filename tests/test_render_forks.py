"""A render that forks collects and freezes the build's objects first (its processes then
never copy them); a rebuild of a few pages renders in the build's process and skips both."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lmsctl.targets.site import pipeline, render
from tests.site_support import copy_sample


def compiled(shards: list[list[str]], pages: int) -> Any:
    return SimpleNamespace(shards=shards, pages=pages)


def reuse(skipped: int) -> Any:
    return SimpleNamespace(skip_pages={f"p{i}.md" for i in range(skipped)})


def test_forks_follows_the_shards_render_uses() -> None:
    two = [["a"], ["b"]]
    assert render.forks(compiled(two, 1000), None)
    assert not render.forks(compiled([["a", "b"]], 1000), None)
    # few pages left to render: folded into one process, as render() does
    assert not render.forks(compiled(two, 1000), reuse(995))
    assert render._shards(compiled(two, 1000), reuse(995)) == [["a", "b"]]
    # enough left for each process
    assert render.forks(compiled(two, 1000), reuse(1000 - 2 * render.MIN_PAGES_PER_SHARD))


class CountingGc:
    """The ``gc`` the pipeline sees, counting what it is asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def collect(self) -> int:
        self.calls.append("collect")
        return 0

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")


def test_a_one_page_rebuild_neither_collects_nor_freezes(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repo = copy_sample(tmp_path / "repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "site"
    # more than one process for the cold build, so it forks (when the sample has pages enough)
    cold = pipeline.build_site(repo, out, stdout=io.StringIO(), with_history=False, workers=2)
    lesson = sorted(repo.glob("courses/*/lessons/*.md"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more line.\n",
                      encoding="utf-8")
    counting = CountingGc()
    monkeypatch.setattr(pipeline, "gc", counting)
    again = pipeline.build_site(repo, out, stdout=io.StringIO(), with_history=False, workers=2)
    assert again.rendered < cold.rendered
    assert again.processes == 1
    assert counting.calls == []
