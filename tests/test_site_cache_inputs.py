"""A build's stamp leaves out the sites lmsctl published at the repository's root: with the
site built into another folder (as ``lmsctl serve`` does), a change in ``site/`` is no change
of the inputs, while a change of a lesson still is."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lmsctl.targets.site.pipeline import build_site
from tests.site_support import copy_sample


def test_a_published_site_at_the_root_is_not_an_input(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    repo = copy_sample(tmp_path / "repo")
    build_site(repo, repo / "site", stdout=io.StringIO(), with_history=False)
    elsewhere = tmp_path / "preview"
    build_site(repo, elsewhere, stdout=io.StringIO(), with_history=False)
    # the published site changes (a later `lmsctl build`, a file put there by hand)
    (repo / "site" / "extra.html").write_text("<p>not an input</p>", encoding="utf-8")
    again = build_site(repo, elsewhere, stdout=io.StringIO(), with_history=False)
    assert set(again.timings) == {"inputs"}  # replayed: nothing validated, compiled, rendered
    # a folder at the root without lmsctl's marker is still an input
    (repo / "notes").mkdir()
    (repo / "notes" / "a.txt").write_text("x", encoding="utf-8")
    changed = build_site(repo, elsewhere, stdout=io.StringIO(), with_history=False)
    assert "validate" in changed.timings
