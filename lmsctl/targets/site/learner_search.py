"""Learners' search: per-page documents and the index written from them.

The build collects each rendered page's search documents (``page_docs``) in the MkDocs hooks,
keyed by the page's source (``docs/`` relative path); ``write_index`` then writes the site's
search index from all of them at once. The index depends only on that mapping (never on
which pages a given build rendered), so a build that renders some pages and takes the others'
documents from a cache writes the same bytes as a cold build.

Today the index is mkdocs-material's ``search/search_index.json`` format, read by Material's
search UI; Material's search plugin itself indexes nothing (every page is excluded from it by
the hooks) and only provides the UI and the index's ``config``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lmsctl.targets.site import search_index

#: Documents of one page: JSON-serializable dicts.
PageDocs = list[dict[str, str]]

#: Where each render process leaves the documents of the pages it rendered (in the build's
#: private folder): ``search-docs-<shard>.json``.
DOCS_FILE = "search-docs-{shard}.json"
INDEX = os.path.join("search", "search_index.json")


def page_docs(html: str, url: str, title: str) -> PageDocs:
    """The search documents of one page's content HTML (one per section)."""
    return search_index.entries(html, url, title)


def save_docs(folder: str, shard: int | None, docs: dict[str, PageDocs]) -> None:
    """Called by the hooks after a render: the documents of the pages this process rendered."""
    path = os.path.join(folder, DOCS_FILE.format(shard=0 if shard is None else shard))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(docs, f, ensure_ascii=False, separators=(",", ":"))


def load_docs(folder: Path) -> dict[str, PageDocs]:
    """The documents every render process of a build left in ``folder``."""
    docs: dict[str, PageDocs] = {}
    for path in sorted(folder.glob(DOCS_FILE.format(shard="*"))):
        docs.update(json.loads(path.read_text(encoding="utf-8")))
    return docs


def write_index(site_dir: Path, docs: dict[str, PageDocs]) -> None:
    """Write the site's search index from every page's documents (in source order). A site
    without a search engine (an exported package) gets none."""
    path = site_dir / INDEX
    if not path.is_file():
        return
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data["docs"] = [d for src in sorted(docs) for d in docs[src]]
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
