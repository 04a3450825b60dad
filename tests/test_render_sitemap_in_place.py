"""The sitemap of a build with the cache when a few pages were rendered
(``render._in_place``): when their entries are the cached ones, the cached sitemap is the
result without its entries being read; whatever the pages, the files written are those of the
merge of every entry."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.targets.site import render

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n' \
       '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
OTHER_HEAD = HEAD.replace("<urlset ", "<urlset xmlns:x=\"x\" ")


def write_sitemap(folder: Path, pages: list[str], date: str, head: str = HEAD) -> None:
    """A sitemap as MkDocs' template writes it (in the order given)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = "".join(f"    <url>\n         <loc>https://example.org/{p}</loc>\n"
                      f"         <lastmod>{date}</lastmod>\n    </url>\n" for p in pages)
    (folder / "sitemap.xml").write_text(head + entries + "</urlset>", encoding="utf-8")


def cached_site(folder: Path, pages: list[str], date: str) -> None:
    """A cached site's sitemap: rendered, then merged (as every build writes it)."""
    write_sitemap(folder, pages, date)
    render._merge_sitemap(folder, [])


def merge(tmp: Path, cached: list[str], rendered: list[str], date: str, drop: list[str],
          head: str = HEAD) -> dict[str, bytes]:
    """The files a build that rendered ``rendered`` writes (kept ones: as the cached site
    has them)."""
    prepare(tmp, cached, rendered, date, drop, head)
    return finish(tmp)


def prepare(tmp: Path, cached: list[str], rendered: list[str], date: str, drop: list[str],
            head: str = HEAD) -> None:
    """The cached site (of 2026-01-01), what the render wrote, what the hooks told."""
    cached_site(tmp / "cached", cached, "2026-01-01")
    write_sitemap(tmp / "stage", rendered, date, head)
    (tmp / "changes.json").write_text(json.dumps({"date": date, "drop": drop}),
                                      encoding="utf-8")


def finish(tmp: Path) -> dict[str, bytes]:
    """``prepare``'s merge: the files written, or kept from the cached site."""
    kept = render._merge_sitemap(tmp / "stage", [], tmp / "cached", tmp / "changes.json",
                                 frozenset({"sitemap.xml", "sitemap.xml.gz"}))
    return {name: ((tmp / "cached" / name) if name in kept else (tmp / "stage" / name)
                   ).read_bytes() for name in ("sitemap.xml", "sitemap.xml.gz")}


class Spy:
    """``render._URL_ENTRY`` that records the texts whose every entry is read."""

    def __init__(self) -> None:
        self.pattern = render._URL_ENTRY
        self.read: list[str] = []

    def findall(self, text: str) -> Any:
        self.read.append(text)
        return self.pattern.findall(text)

    def search(self, text: str) -> Any:
        return self.pattern.search(text)


PAGES = [f"c/{n:03d}/" for n in range(40)]


def test_an_edited_page_is_merged_without_reading_the_cached_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare(tmp_path, PAGES, ["c/007/"], "2026-01-01", [])
    spy = Spy()
    monkeypatch.setattr(render, "_URL_ENTRY", spy)
    got = finish(tmp_path)
    assert spy.read  # the rendered sitemap's entries
    assert all("c/000/" not in text for text in spy.read)  # only the rendered sitemap's
    assert got["sitemap.xml"] == (tmp_path / "cached" / "sitemap.xml").read_bytes()


def test_a_new_date_is_the_cached_sitemap_of_that_date(tmp_path: Path) -> None:
    got = merge(tmp_path, PAGES, ["c/007/"], "2026-02-01", [])
    cached_site(tmp_path / "expected", PAGES, "2026-02-01")
    assert got["sitemap.xml"] == (tmp_path / "expected" / "sitemap.xml").read_bytes()
    assert gzip.decompress(got["sitemap.xml.gz"]) == got["sitemap.xml"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cached=st.lists(st.sampled_from(PAGES), unique=True, max_size=12),
       rendered=st.lists(st.sampled_from(PAGES), max_size=5),
       date=st.sampled_from(["2026-01-01", "2026-02-01"]),
       drop=st.lists(st.sampled_from(PAGES), max_size=2),
       head=st.sampled_from([HEAD, OTHER_HEAD]), n=st.integers(0, 10 ** 9))
def test_the_sitemap_is_the_merge_of_every_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: list[str],
        rendered: list[str], date: str, drop: list[str], head: str, n: int) -> None:
    """Any cached pages, rendered ones (new, cached, twice), dates, dropped pages and
    template: the files are those of the merge that reads every entry."""
    drops = [f"https://example.org/{p}" for p in drop if p not in rendered]
    folder = tmp_path / str(n)
    got = merge(folder / "a", sorted(cached), rendered, date, drops, head)
    with monkeypatch.context() as m:
        m.setattr(render, "_FEW_ENTRIES", 0)  # every entry read
        expected = merge(folder / "b", sorted(cached), rendered, date, drops, head)
    assert got == expected
