"""The search documents the build cache keeps (issue 14): each render process writes the
documents of the pages it rendered a file per part (a course's pages, the other pages), in the
bytes and under the name the cache keeps a part in, so a build that fills the cache moves those
files there rather than encoding every course's documents again; a part whose pages a rebuild
rendered only in part is written whole by the commit, as before."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lmsctl.targets.site import build_cache
from lmsctl.targets.site.learner_search import (
    PageDocs,
    docs_part,
    load_docs,
    part_bytes,
    part_name,
    save_docs,
    scope_sizes,
)
from tests.gitrepo import GitRepo
from tests.site_support import build, copy_sample, wait_for_trash
from tests.test_site_cache import EPOCH, assert_same_tree, course_added, lesson_edited

Filled = tuple[Path, list[str], dict[str, set[str]]]


def _count_encoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the part of every group of documents the commit encodes itself (its list)."""
    encoded: list[str] = []
    real = build_cache.part_file

    def counting(group: dict[str, PageDocs]) -> tuple[bytes, list[Any]]:
        encoded.append(docs_part(next(iter(group))))
        return real(group)

    monkeypatch.setattr(build_cache, "part_file", counting)
    return encoded


def _parts(root: Path) -> dict[str, set[str]]:
    """Each part's pages, as the cache's state and files of search documents have them;
    every file checked as the cache reads it: named by its SHA-256, the bytes ``part_bytes``
    makes of its documents, the number of documents per scope the state says."""
    slot = next((root / build_cache.CACHE_DIR).iterdir())
    state = json.loads((slot / build_cache.STATE).read_text(encoding="utf-8"))
    pages: dict[str, set[str]] = {}
    for part, (name, sha, sizes) in state["docs"].items():
        raw = (slot / name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == sha and name == part_name(sha)
        docs = json.loads(raw)
        assert part_bytes(docs) == raw
        assert sizes == {src: scope_sizes(d) for src, d in docs.items()}
        assert {docs_part(src) for src in docs} == {part}
        pages[part] = set(docs)
    return pages


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    """The sample in a git repository, built once with no cache yet (the fill): the repository,
    the parts the commit encoded itself, and each part's pages in the cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        root = copy_sample(tmp_path_factory.mktemp("filled") / "repo")
        GitRepo.init(root).commit("Add the sample", date="2025-06-01")
        encoded = _count_encoded(mp)
        result, printed = build(root, root / "site")
        assert result.rendered == result.pages and "note:" not in printed
        parts = _parts(root)
        wait_for_trash(root)  # copied by each test: wait for the deletion to end
        yield root, encoded, parts


@pytest.fixture
def repo(filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the filled repository (files, git, site and cache, times kept)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "repo"
    shutil.copytree(filled[0], root, symlinks=True)
    return root


def test_a_fill_keeps_the_renders_files_and_encodes_no_documents(
        filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fill's commit encodes no part (each was rendered whole: the render's file is
    taken), every part is there in the cache's format, and the site is a cold build's."""
    root, encoded, parts = filled
    assert encoded == []
    assert "" in parts and len(parts) > 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(root, tmp_path / "cold", use_cache=False)
    assert_same_tree(root / "site", tmp_path / "cold")


def test_a_course_rendered_in_part_is_written_whole_again(
        repo: Path, filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited lesson renders its page alone: the render's file of its course holds that
    page only, so the commit writes the course's part from every page's documents."""
    lesson_edited(repo)
    encoded = _count_encoded(monkeypatch)
    result, printed = build(repo, repo / "site")
    assert result.rendered < result.pages and "note:" not in printed
    assert encoded == ["sales-basics"]
    assert _parts(repo) == filled[2]
    build(repo, tmp_path / "cold", use_cache=False)
    assert_same_tree(repo / "site", tmp_path / "cold")


def test_a_course_rendered_whole_by_a_rebuild_is_taken_from_the_render(
        repo: Path, filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new course is rendered whole: its part is the render's file; the next build reads
    the cache right (its site is a cold build's)."""
    course_added(repo)
    encoded = _count_encoded(monkeypatch)
    result, _ = build(repo, repo / "site")
    assert result.rendered < result.pages
    assert "sales-advanced" not in encoded
    parts = _parts(repo)
    assert parts.keys() == filled[2].keys() | {"sales-advanced"}
    assert {src.replace("sales-advanced", "sales-basics") for src in parts["sales-advanced"]} \
        == filled[2]["sales-basics"]
    lesson_edited(repo)
    result, _ = build(repo, repo / "site")
    assert result.rendered < result.pages
    build(repo, tmp_path / "cold", use_cache=False)
    assert_same_tree(repo / "site", tmp_path / "cold")


def test_each_process_writes_a_file_per_part_that_load_docs_reads(tmp_path: Path) -> None:
    """Two render processes' documents: a file per part, named by its SHA-256, in the bytes
    ``part_bytes`` makes; ``load_docs`` gives every page's documents and each part's file."""
    doc = {"scope": "learn", "shown": "[]", "title_terms": "", "terms": "café"}
    save_docs(str(tmp_path), 0, {"index.md": [doc], "courses/a/lessons/01-x.md": [doc, doc]})
    save_docs(str(tmp_path), 1, {"courses/b/index.md": []})
    docs = load_docs(tmp_path)
    assert docs == {"index.md": [doc], "courses/a/lessons/01-x.md": [doc, doc],
                    "courses/b/index.md": []}
    assert docs.parts.keys() == {"", "a", "b"}
    for part, (path, sha, sizes) in docs.parts.items():
        group = {src: d for src, d in docs.items() if docs_part(src) == part}
        assert path.read_bytes() == part_bytes(group)
        assert path.name == part_name(sha) == part_name(hashlib.sha256(part_bytes(group))
                                                        .hexdigest())
        assert sizes == {src: scope_sizes(d) for src, d in group.items()}


def test_a_part_is_moved_or_written_on_another_file_system(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The render's file is renamed into the cache; where a rename cannot cross file systems
    it is written there (under another name, then renamed); a file of that name and size
    already there is kept."""
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    cache.mkdir()
    moved, copied = work / "docs-a.json", work / "docs-b.json"
    moved.write_bytes(b"{}")
    copied.write_bytes(b'{"x":[]}')
    build_cache._take_named(moved, cache / moved.name)
    assert (cache / moved.name).read_bytes() == b"{}" and not moved.exists()

    real = os.replace

    def across(src: str | Path, dst: str | Path) -> None:
        if Path(src) == copied:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(src, dst)

    monkeypatch.setattr(build_cache.os, "replace", across)
    build_cache._take_named(copied, cache / copied.name)
    assert (cache / copied.name).read_bytes() == b'{"x":[]}'
    assert sorted(p.name for p in cache.iterdir()) == ["docs-a.json", "docs-b.json"]
    kept = work / "docs-a.json"
    kept.write_bytes(b"[]")  # as many bytes: the file there is kept
    build_cache._take_named(kept, cache / kept.name)
    assert (cache / kept.name).read_bytes() == b"{}"
