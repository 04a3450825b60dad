"""Learners' search: per-page documents and the split index written from them.

The build collects each rendered page's search documents (``page_docs``) in the MkDocs hooks,
keyed by the page's source (``docs/`` relative path); ``write_index`` then writes the site's
search index from all of them at once. The index depends only on that mapping (never on
which pages a given build rendered, nor on its order), so a build that renders some pages and
takes the others' documents from a cache writes the same bytes as a cold build.

A document is one section of a page (the part before the first heading, then one per heading
with an id), in one scope: ``learn`` (courses, lessons, paths, community pages) or ``authors``
(the author guide and rule reference under ``contributing/``), which learners never get in
their results. ``page_docs`` does the per-page work (plain text, excerpt, terms), so
``write_index`` only inverts and writes.

The index is split so that a query downloads only what it needs (``docs/architecture.md``,
"Learners' search", has the design and its measurements). Per scope, under ``search/<scope>/``:

- ``meta.json``: ``{"version", "docs": N, "chunk": C, "stop": [stop words]}``;
- ``t/<hex>.json``: the terms that start with the two characters whose UTF-8 bytes are
  ``<hex>`` (a shorter term: its own characters), ``{term: postings}``. Postings are
  ``2 * doc + (1 if the term is in the section's title)``, increasing, delta-encoded (the
  first value, then differences);
- ``d/<k>.json``: documents ``k * C`` to ``k * C + C - 1`` as ``[location, title, page title
  ("" when it is the section's), course title, excerpt]``, locations relative to the site root.

The site's script (``theme/assets/lmsctl/search.js``) reads it: it normalizes a query the same
way as ``terms`` below, fetches ``meta.json``, the term files of the query's words and the
document files of the best results.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from lmsctl.targets.site import search_index

#: Documents of one page: JSON-serializable dicts (see ``page_docs``).
PageDocs = list[dict[str, str]]

#: Where each render process leaves the documents of the pages it rendered (in the build's
#: private folder): ``search-docs-<shard>.json``.
DOCS_FILE = "search-docs-{shard}.json"
#: The folder of the index in the site, and the script that reads it (copied from the theme;
#: a site without it, an exported package, gets no index).
FOLDER = "search"
SCRIPT = "assets/lmsctl/search.js"
VERSION = 1
#: Documents per document file: a query's results come from a few of them.
CHUNK = 64
EXCERPT = 160
SCOPES = ("learn", "authors")
#: Pages of the author guide and rule reference: their own scope.
AUTHORS_PREFIX = "contributing/"
#: Words too common to find anything by (lunr's English list, which Material's search used).
STOP_WORDS = frozenset({
    "a", "able", "about", "across", "after", "all", "almost", "also", "am", "among", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "but", "by", "can", "cannot", "could",
    "dear", "did", "do", "does", "either", "else", "ever", "every", "for", "from", "get", "got",
    "had", "has", "have", "he", "her", "hers", "him", "his", "how", "however", "i", "if", "in",
    "into", "is", "it", "its", "just", "least", "let", "like", "likely", "may", "me", "might",
    "most", "must", "my", "neither", "no", "nor", "not", "of", "off", "often", "on", "only", "or",
    "other", "our", "own", "rather", "said", "say", "says", "she", "should", "since", "so",
    "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "tis", "to", "too", "twas", "us", "wants", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "yet", "you", "your"})
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(r"[\u0300-\u036f]")


def words(text: str) -> list[str]:
    """The words of ``text`` as the index and the site's script see them: lower case, accents
    removed, runs of letters and digits (the script does the same)."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """The distinct indexed words of ``text``, in order of first use: no stop words, no
    single characters."""
    return list(dict.fromkeys(w for w in words(text) if len(w) > 1 and w not in STOP_WORDS))


def scope_of(src_uri: str) -> str:
    """``authors`` for the author guide and rule reference, else ``learn``."""
    return "authors" if src_uri.startswith(AUTHORS_PREFIX) else "learn"


def page_docs(html: str, url: str, title: str, course: str = "",
              scope: str = "learn") -> PageDocs:
    """The search documents of one page's content HTML, one per section: ``location``,
    ``title``, ``page`` (the page's title), ``course`` (its course's title, or ""),
    ``scope``, ``excerpt`` (the start of its text), ``title_terms`` and ``terms`` (the other
    words of its text), space-separated."""
    docs: PageDocs = []
    for entry in search_index.entries(html, url, title, plain=True):
        text = entry["text"]
        in_title = terms(entry["title"])
        known = set(in_title)
        excerpt = text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + "…"
        docs.append({"location": entry["location"], "title": entry["title"], "page": title,
                     "course": course, "scope": scope, "excerpt": excerpt,
                     "title_terms": " ".join(in_title),
                     "terms": " ".join(t for t in terms(text) if t not in known)})
    return docs


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


def shard_name(term: str) -> str:
    """The term file that holds ``term``: the hex of its first two characters' UTF-8."""
    return term[:2].encode("utf-8").hex()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _deltas(postings: list[int]) -> list[int]:
    return [postings[0], *(b - a for a, b in zip(postings, postings[1:], strict=False))]


def index_files(docs: dict[str, PageDocs]) -> dict[str, str]:
    """Every file of the index (path under ``search/`` -> text), from every page's documents."""
    files: dict[str, str] = {}
    for scope in SCOPES:
        entries = [d for src in sorted(docs) for d in docs[src] if d["scope"] == scope]
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(entries):
            title_id = 2 * i + 1
            for t in doc["title_terms"].split():
                postings[t].append(title_id)
            for t in doc["terms"].split():
                postings[t].append(2 * i)
        shards: defaultdict[str, dict[str, list[int]]] = defaultdict(dict)
        for term, ids in postings.items():
            shards[shard_name(term)][term] = _deltas(ids)
        for name, shard in shards.items():
            files[f"{scope}/t/{name}.json"] = _dump(shard)
        for k in range(0, len(entries), CHUNK):
            files[f"{scope}/d/{k // CHUNK}.json"] = _dump(
                [[d["location"], d["title"], "" if d["page"] == d["title"] else d["page"],
                  d["course"], d["excerpt"]] for d in entries[k:k + CHUNK]])
        files[f"{scope}/meta.json"] = _dump({"version": VERSION, "docs": len(entries),
                                             "chunk": CHUNK, "stop": sorted(STOP_WORDS)})
    return files


def write_index(site_dir: Path, docs: dict[str, PageDocs]) -> None:
    """Write the site's search index (``search/``, replaced whole) from every page's
    documents. A site without the search script (an exported package) gets none."""
    if not (site_dir / SCRIPT).is_file():
        return
    root = site_dir / FOLDER
    if root.exists():
        shutil.rmtree(root)
    made: set[Path] = set()
    for rel, text in index_files(docs).items():
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(text, encoding="utf-8")
