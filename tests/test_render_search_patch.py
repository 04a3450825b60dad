"""A rebuild with the build cache writes a changed search index group from the cached site's
files (``learner_search._patch_group``) when its changed pages keep their number of
documents: the same bytes as a cold build, whatever the edit, and the whole group written
from every document again whenever the cached files are not what they should be."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.targets.site import learner_search as ls
from tests.test_learner_search import WORDS, catalogs, docs_of, write

Catalog = dict[str, tuple[str, list[tuple[str, str]], str]]
text = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file()}


def rebuild(tmp: Path, before_site: Path, before: dict[str, ls.PageDocs],
            after: dict[str, ls.PageDocs], written_from: dict[str, ls.PageDocs] | None = None,
            ) -> tuple[Path, set[str], list[list[str]]]:
    """What a build with the cache does: the index written with the cached site, then the
    files it did not write linked from there (``build_cache.assemble``). Returns the site,
    the files kept and the pages of each group written from every document.
    ``written_from``: what the build cache says the cached site was written from (default:
    ``before``)."""
    told = written_from if written_from is not None else before
    same = {src for src in after if src in told and after[src] == told[src]}
    intact = {p.relative_to(before_site).as_posix(): 1 for p in before_site.rglob("*")
              if p.is_file()}
    site = tmp / "after"
    (site / ls.SCRIPT).parent.mkdir(parents=True)
    (site / ls.SCRIPT).write_text("", encoding="utf-8")
    whole: list[list[str]] = []
    original = ls._group_files

    def recorded(docs: Any, srcs: list[str], *args: Any) -> dict[str, Any]:
        whole.append(srcs)
        return original(docs, srcs, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ls, "_group_files", recorded)
        kept = ls.write_index(site, after, before_site, same, intact, before=told)
    for name in kept:
        assert not (site / name).exists()
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(before_site / name, site / name)
    return site, kept, whole


@st.composite
def edits(draw: st.DrawFn) -> tuple[Catalog, Catalog]:
    """A catalog and the same catalog edited: some pages' texts changed (often keeping their
    number of sections, so of documents), some removed, some added."""
    before: Catalog = draw(catalogs)
    after: Catalog = {}
    for src, (title, sections, course) in before.items():
        change = draw(st.sampled_from(["keep", "keep", "text", "text", "sections", "remove"]))
        if change == "keep":
            after[src] = (title, sections, course)
        elif change == "text":
            after[src] = (draw(text), [(draw(text), draw(text)) for _ in sections], course)
        elif change == "sections":
            after[src] = (title, draw(st.lists(st.tuples(text, text), max_size=3)), course)
    after.update(draw(catalogs.map(lambda c: {s: p for s, p in c.items() if s not in before})))
    return before, after


@settings(max_examples=80, deadline=None)
@given(edits())
def test_a_rebuild_writes_the_index_a_cold_build_writes(
        tmp_path_factory: pytest.TempPathFactory, edit: tuple[Catalog, Catalog]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ls, "GROUP_PAGES", 2)
        tmp = tmp_path_factory.mktemp("edit")
        before, after = docs_of(edit[0]), docs_of(edit[1])
        site, _, _ = rebuild(tmp, write(tmp / "before", before), before, after)
        assert files_of(site) == files_of(write(tmp / "cold", after))


def test_an_edit_that_keeps_the_sections_rewrites_its_group_from_the_cached_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ls, "GROUP_PAGES", 4)
    monkeypatch.setattr(ls, "DOC_FILE", 1)  # a file per document
    catalog: Catalog = {
        f"courses/c{i}/lessons/0{k}-l.md": (f"Lesson {i}.{k} pricing",
                                            [("Value", f"renewal {k} objection")], f"Course {i}")
        for i in range(8) for k in range(1, 4)}
    before = docs_of(catalog)
    changed = "courses/c3/lessons/02-l.md"
    catalog[changed] = ("Lesson 3.2 discount", [("Naïve café", "über renewal value")],
                        "Course 3")
    after = docs_of(catalog)
    site, kept, whole = rebuild(tmp_path, write(tmp_path / "before", before), before, after)
    assert files_of(site) == files_of(write(tmp_path / "cold", after))
    assert whole == []  # no group written from every document
    count = ls.groups_for(len(after))
    group = ls.group_of(changed, count)
    assert {int(name.split("/")[2]) for name in kept} == {
        g for g in range(count) if any(ls.group_of(src, count) == g for src in after)}
    # of the changed group, only the files of other documents are kept (one per document)
    srcs = sorted(src for src in after if ls.group_of(src, count) == group)
    first = 2 * srcs.index(changed)  # two documents a page
    folder = f"{ls.FOLDER}/learn/{group}"
    assert {name for name in kept if name.startswith(folder + "/d/")} == {
        f"{folder}/d/{k}.json" for k in range(2 * len(srcs)) if k not in (first, first + 1)}


def test_cached_files_not_written_from_the_documents_said_are_not_patched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build cache says the cached site was written from documents it was not written
    from (a damaged cache): the group is written from every document, as a cold build."""
    monkeypatch.setattr(ls, "GROUP_PAGES", 4)
    catalog: Catalog = {f"courses/c{i}/lessons/01-l.md": (f"Lesson {i}", [("Value", "pricing")],
                                                          f"Course {i}") for i in range(6)}
    before = docs_of(catalog)
    changed = "courses/c2/lessons/01-l.md"
    told = {**before, changed: docs_of({changed: ("Lesson 2", [("Value", "discount")],
                                                  "Course 2")})[changed]}
    catalog[changed] = ("Lesson 2", [("Value", "renewal")], "Course 2")
    after = docs_of(catalog)
    site, _, whole = rebuild(tmp_path, write(tmp_path / "before", before), before, after,
                             told)
    assert files_of(site) == files_of(write(tmp_path / "cold", after))
    assert [srcs for srcs in whole if changed in srcs]  # written from every document
