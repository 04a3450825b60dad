"""The what's-new page and the feed are made of the updates the build finds once for both
(issue 14: ``updates`` reads every course's history, and each of them read it again)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lmsctl.content.community import updates
from lmsctl.content.loader import load_repository
from lmsctl.core.history import read_history
from lmsctl.targets.site.community_pages import atom_feed, whats_new_page
from tests.conftest import minimal_files
from tests.gitrepo import ANN, GitRepo

NOW = dt.datetime(2024, 6, 30, 12, 0, tzinfo=dt.UTC)


def test_the_page_and_the_feed_show_the_updates_given(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "repo", minimal_files())
    r.commit("Add sales basics", date="2024-01-10", author=ANN)
    model, _ = load_repository(r.root)
    history = read_history(model)
    found = updates(model, history)
    assert found  # the course's first commit
    assert whats_new_page(model, history, "/", items=found) == whats_new_page(model, history,
                                                                                "/")
    assert atom_feed(model, history, "", NOW, items=found) == atom_feed(model, history, "", NOW)
    assert "sales-basics" in whats_new_page(model, history, "/", items=found)
    assert "sales-basics" not in whats_new_page(model, history, "/", items=[])
    assert "<entry>" not in atom_feed(model, history, "", NOW, items=[])
