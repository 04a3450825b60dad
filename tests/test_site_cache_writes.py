"""The build cache's files named by their content are never kept cut short, and the thread
that reads the search documents ahead has ended whenever the plan is made."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import pytest

from lmsctl.targets.site import build_cache
from lmsctl.targets.site.pipeline import build_site
from tests.site_support import copy_sample


def build(repo: Path, out: Path) -> str:
    stdout = io.StringIO()
    build_site(repo, out, stdout=stdout, with_history=False)
    return stdout.getvalue()


def test_a_heads_file_cut_short_is_written_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    repo = copy_sample(tmp_path / "repo")
    out = tmp_path / "site"
    build(repo, out)
    slot = repo / build_cache.CACHE_DIR / build_cache.variant(False, None)
    [heads] = slot.glob("heads-*.json")
    whole = heads.read_bytes()
    heads.write_bytes(whole[: len(whole) // 2])  # a write cut short (disk full, killed)
    lesson = sorted(repo.glob("courses/*/lessons/*.md"))[0]
    for step in (1, 2):  # the same content, newer: built again, not replayed
        stamp = lesson.stat().st_mtime + 10 * step
        os.utime(lesson, (stamp, stamp))
        said = build(repo, out)
    assert heads.read_bytes() == whole
    assert hashlib.sha256(whole).hexdigest()[:32] in heads.name
    assert "damaged" not in said  # the second build read it whole
    assert not list(slot.glob(".*.tmp"))


def test_the_read_ahead_thread_has_ended_when_the_plan_is_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "slot"
    folder.mkdir()
    (folder / "docs-a.json").write_bytes(b"{}")
    cache = build_cache.BuildCache(folder, lambda message: None)
    # the last build's state names search documents but no site: the plan has nothing to take
    cache.state = {"docs": {"": ["docs-a.json", "0" * 64, {}]}}
    release = threading.Event()
    read_bytes = Path.read_bytes

    def slow(path: Path) -> bytes:
        if path.name.startswith("docs-"):
            release.wait(10)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", slow)
    cache.prefetch_docs()
    assert cache._prefetch is not None
    thread = cache._prefetch[0]
    timer = threading.Timer(0.3, release.set)
    timer.start()
    try:
        assert cache.plan({}) is None
        assert not thread.is_alive()  # waited for: a render may fork now
    finally:
        release.set()
        timer.cancel()
