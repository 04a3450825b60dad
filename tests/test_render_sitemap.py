"""The sitemap of a build with the cache (``render._merge_sitemap``): the rendered pages'
entries and the cached site's others, of this build's date; when that is the cached sitemap
as it is, both of its files are taken from the cached site, not written again."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from lmsctl.targets.site import render

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n' \
       '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def sitemap(folder: Path, pages: list[str], date: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    entries = "".join(f"    <url>\n         <loc>https://example.org/{p}</loc>\n"
                      f"         <lastmod>{date}</lastmod>\n    </url>\n" for p in pages)
    text = HEAD + entries + "</urlset>"
    (folder / "sitemap.xml").write_text(text, encoding="utf-8")
    with gzip.GzipFile(folder / "sitemap.xml.gz", mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def merge(tmp: Path, date: str, drop: list[str],
          intact: frozenset[str] = frozenset({"sitemap.xml", "sitemap.xml.gz"})
          ) -> tuple[Path, set[str]]:
    """The cached site has pages a/, b/ and c/ (of 2026-01-01); this build rendered b/."""
    sitemap(tmp / "cached", ["a/", "b/", "c/"], "2026-01-01")
    sitemap(tmp / "stage", ["b/"], date)
    changes = tmp / "changes.json"
    changes.write_text(json.dumps({"date": date, "drop": drop}), encoding="utf-8")
    return tmp / "stage", render._merge_sitemap(tmp / "stage", [], tmp / "cached", changes,
                                                intact)


def test_a_sitemap_the_same_as_the_cached_one_is_taken_from_it(tmp_path: Path) -> None:
    stage, kept = merge(tmp_path, "2026-01-01", [])
    assert kept == {"sitemap.xml", "sitemap.xml.gz"}
    assert not (stage / "sitemap.xml").exists() and not (stage / "sitemap.xml.gz").exists()


def test_a_changed_sitemap_is_written_with_every_entry(tmp_path: Path) -> None:
    for date, drop, pages in (("2026-02-01", [], ["a/", "b/", "c/"]),
                              ("2026-01-01", ["https://example.org/c/"], ["a/", "b/"])):
        stage, kept = merge(tmp_path / date / str(len(drop)), date, drop)
        sitemap(tmp_path / "expected", pages, date)
        assert kept == set()
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            assert (stage / name).read_bytes() == (tmp_path / "expected" / name).read_bytes()


def test_a_sitemap_whose_cached_copy_is_altered_is_written(tmp_path: Path) -> None:
    stage, kept = merge(tmp_path, "2026-01-01", [], frozenset({"sitemap.xml"}))
    assert kept == set()
    expected = (tmp_path / "cached" / "sitemap.xml").read_bytes()
    assert (stage / "sitemap.xml").read_bytes() == expected
    assert gzip.decompress((stage / "sitemap.xml.gz").read_bytes()) == expected
