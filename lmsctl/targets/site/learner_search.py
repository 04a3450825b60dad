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

The index is split so that a query downloads only what it needs (``docs/search.md`` has the
design and its measurements), and into groups of pages so that a build rewrites only what
changed: a page's group is its course's (``group_of``: a hash of the course id; the other
pages are one more "course"), among ``groups_for(pages)`` groups, one up to ``GROUP_PAGES``
pages. A group's files depend only on its pages' documents, so a build with the cache links
the files of the groups whose pages' documents are the cached ones (``write_index``). Per
scope, under ``search/<scope>/``:

- ``meta.json``: ``{"version", "docs": N, "stop": [stop words], "groups": [{"docs": n,
  "terms": [the first term of each term file], "chunks": [the first document of each
  document file]}, ...]}``; the script numbers the documents of the groups one after the
  other;
- ``<g>/t/<k>.json``: group ``g``'s ``{term: postings}`` for the terms from ``terms[k]``
  (included) to ``terms[k + 1]`` (excluded), in JavaScript's string order. Postings are
  ``2 * doc + (1 if the term is in the section's title)`` in base 36 (``doc``: the number in
  the group), increasing, comma-separated;
- ``<g>/d/<k>.json``: the group's documents ``chunks[k]`` to ``chunks[k + 1] - 1``, each
  ``[location, title, page title ("" when it is the section's), course title, excerpt]``,
  locations relative to the site root.

The site's script (``theme/assets/lmsctl/search.js``) reads it: it normalizes a query the same
way as ``terms`` below, fetches ``meta.json``, the term files of each group that can hold the
query's words (each word also finds the longer terms it starts; a term's weight counts its
documents in every group) and the document files of the best results.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from itertools import repeat
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
VERSION = 2
#: About how many characters a term file and a document file hold: a query fetches the term
#: files of its words and a document file per result shown, so they are small; and a build
#: writes all of them, so they are not too small (creating files is most of the time). The
#: groups of a scope share ``TERM_FILE`` (a query fetches a term file of each group), down to
#: ``MIN_TERM_FILE`` each.
TERM_FILE = 64_000
MIN_TERM_FILE = 8_000
DOC_FILE = 32_000
#: About how many pages a group of the index holds (``groups_for``): a build rewrites only the
#: groups whose pages' documents changed; a query reads every group.
GROUP_PAGES = 1024
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
    """The search documents of one page's content HTML, one per section: ``scope``, ``shown``
    (what a result shows, as the JSON text the index's document files hold: ``[location,
    title, page title or "", course title, excerpt]``, see above), ``title_terms`` and
    ``terms`` (the other words of its text), space-separated."""
    docs: PageDocs = []
    for entry in search_index.entries(html, url, title, plain=True):
        text = entry["text"]
        in_title = terms(entry["title"])
        known = set(in_title)
        excerpt = text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + "…"
        shown = [entry["location"], entry["title"], "" if title == entry["title"] else title,
                 course, excerpt]
        docs.append({"scope": scope, "shown": _dump(shown), "title_terms": " ".join(in_title),
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


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


_SMALL = [_base36(n) for n in range(36 * 36)]
_PADDED = [s.rjust(2, "0") for s in _SMALL]


def base36(n: int) -> str:
    """``n`` in base 36 (digits, then lower-case letters), as JavaScript's ``parseInt(s, 36)``
    reads it (two table look-ups below 36**4: this runs twice per document)."""
    if n < 36 * 36:
        return _SMALL[n]
    if n < 36 ** 4:
        high, low = divmod(n, 36 * 36)
        return _SMALL[high] + _PADDED[low]
    return _base36(n)


def _utf16(term: str) -> bytes:
    """Sort key: the order of JavaScript's string comparison (UTF-16 code units)."""
    return term.encode("utf-16-be")


def _split(items: list[tuple[Any, str]], size: int) -> list[tuple[Any, list[str]]]:
    """``(key, JSON text)`` items cut into runs of about ``size`` characters: (first key,
    texts) per run."""
    runs: list[tuple[Any, list[str]]] = []
    used = size
    for key, text in items:
        if used >= size:
            runs.append((key, []))
            used = 0
        runs[-1][1].append(text)
        used += len(text) + 1
    return runs


def groups_for(pages: int) -> int:
    """How many groups a scope of ``pages`` searchable pages is indexed in: one up to
    ``GROUP_PAGES``, then the power of two that keeps groups about that size (so the number
    changes rarely: a change of it rewrites every group)."""
    groups = 1
    while pages > groups * GROUP_PAGES:
        groups *= 2
    return groups


def group_of(src: str, groups: int) -> int:
    """The group of a page of docs/: the one of its course (or of the other pages), by a hash
    of its id, so a course stays in its group whatever else changes."""
    if groups == 1:
        return 0
    pieces = src.split("/", 2)
    part = pieces[1] if len(pieces) == 3 and pieces[0] == "courses" else ""
    return int(hashlib.sha256(part.encode("utf-8")).hexdigest()[:8], 16) % groups


def _sizer(docs: Mapping[str, PageDocs]) -> Callable[[str, str], int]:
    """How many documents a page has in a scope: ``docs.scope_size`` when it can tell without
    reading them (the build cache's ``SiteDocs``)."""
    told: Callable[[str, str], int] | None = getattr(docs, "scope_size", None)
    if told is not None:
        return told
    counted: dict[str, list[int]] = {}

    def size(src: str, scope: str) -> int:
        found = counted.get(src)
        if found is None:
            found = counted[src] = scope_sizes(docs[src])
        return found[SCOPES.index(scope)]

    return size


def scope_sizes(docs: PageDocs) -> list[int]:
    """How many of a page's search documents are in each scope (``SCOPES``)."""
    return [sum(1 for d in docs if d["scope"] == scope) for scope in SCOPES]


def _grouped(docs: Mapping[str, PageDocs], scope: str,
             size: Callable[[str, str], int]) -> list[list[str]]:
    """The pages of ``scope`` (those with documents in it), sorted, in their groups."""
    srcs = sorted(src for src in docs if size(src, scope))
    count = groups_for(len(srcs))
    groups: list[list[str]] = [[] for _ in range(count)]
    for src in srcs:
        groups[group_of(src, count)].append(src)
    return groups


def _group_files(docs: Mapping[str, PageDocs], srcs: list[str], scope: str, term_file: int,
                 files: dict[str, str], prefix: str) -> dict[str, Any]:
    """The term and document files of one group (``prefix``: its folder), into ``files``;
    returns its entry of ``meta.json``."""
    entries = [d for src in srcs for d in docs[src] if d["scope"] == scope]
    postings: defaultdict[str, list[str]] = defaultdict(list)
    lists, append = postings.__getitem__, list.append
    for i, doc in enumerate(entries):
        # for each term: postings[term].append(id), without a Python loop per term
        deque(map(append, map(lists, doc["title_terms"].split()), repeat(base36(2 * i + 1))),
              maxlen=0)
        deque(map(append, map(lists, doc["terms"].split()), repeat(base36(2 * i))), maxlen=0)
    # terms are letters and digits: nothing to escape in JSON
    terms = _split([(t, f'"{t}":"{",".join(postings[t])}"')
                    for t in sorted(postings, key=_utf16)], term_file)
    for k, (_, texts) in enumerate(terms):
        files[f"{prefix}/t/{k}.json"] = "{" + ",".join(texts) + "}"
    shown = _split([(i, d["shown"]) for i, d in enumerate(entries)], DOC_FILE)
    for k, (_, texts) in enumerate(shown):
        files[f"{prefix}/d/{k}.json"] = "[" + ",".join(texts) + "]"
    return {"docs": len(entries), "terms": [first for first, _ in terms],
            "chunks": [first for first, _ in shown]}


def index_files(docs: Mapping[str, PageDocs], keep: Any = None) -> dict[str, str]:
    """Every file of the index (path under ``search/`` -> text), from every page's documents.
    ``keep(scope, group, count, srcs)``: the entry of ``meta.json`` of a group whose files
    are already in place (``write_index``), or None to write them.

    This runs on every build, so it does little per posting (one precomputed string appended
    to its term's list; a term's postings joined once) and writes few files (about
    ``TERM_FILE`` characters, shared by the groups, and ``DOC_FILE`` characters each)."""
    files: dict[str, str] = {}
    size = _sizer(docs)
    for scope in SCOPES:
        grouped = _grouped(docs, scope, size)
        term_file = max(MIN_TERM_FILE, TERM_FILE // len(grouped))
        meta_groups: list[dict[str, Any]] = []
        for g, srcs in enumerate(grouped):
            kept = keep(scope, g, len(grouped), srcs) if keep is not None else None
            meta_groups.append(kept if kept is not None else _group_files(
                docs, srcs, scope, term_file, files, f"{scope}/{g}"))
        files[f"{scope}/meta.json"] = _dump({
            "version": VERSION, "docs": sum(m["docs"] for m in meta_groups),
            "stop": sorted(STOP_WORDS), "groups": meta_groups})
    return files


def write_index(site_dir: Path, docs: Mapping[str, PageDocs], cached: Path | None = None,
                same: set[str] | frozenset[str] = frozenset(),
                intact: dict[str, Any] | None = None, script: bool | None = None) -> set[str]:
    """Write the site's search index (``search/``) from every page's documents. A site
    without the search script (an exported package) gets none. With the ``cached`` site of
    the build cache: a group whose pages are all in ``same`` (their documents are the cached
    ones) and whose files there are all ``intact`` (output path -> anything) is not written,
    in the same number of groups: returns its files, for the caller to take from the cached
    site (``build_cache.assemble``). ``script``: whether the site has the search script
    (default: whether ``site_dir`` holds it)."""
    if not (script if script is not None else (site_dir / SCRIPT).is_file()):
        return set()
    root = site_dir / FOLDER
    if root.exists():
        shutil.rmtree(root)
    kept: set[str] = set()
    size = _sizer(docs)
    known: dict[str, Any] = {}
    if cached is not None and intact is not None:
        for scope in SCOPES:
            if f"{FOLDER}/{scope}/meta.json" not in intact:
                continue  # missing or altered in the cached site: nothing of it is trusted
            try:
                meta = json.loads((cached / FOLDER / scope / "meta.json").read_bytes())
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and meta.get("version") == VERSION and isinstance(
                    meta.get("groups"), list):
                known[scope] = meta["groups"]

    def keep(scope: str, g: int, count: int, srcs: list[str]) -> dict[str, Any] | None:
        groups = known.get(scope)
        if cached is None or intact is None or groups is None or len(groups) != count \
                or not all(src in same for src in srcs):
            return None
        found: dict[str, Any] = groups[g]
        # the same pages (each has documents in the scope): none removed since
        if not isinstance(found, dict) or found.get("docs") != sum(
                size(src, scope) for src in srcs):
            return None
        terms, chunks = found.get("terms"), found.get("chunks")
        if not isinstance(terms, list) or not isinstance(chunks, list):
            return None
        # every file the cached meta.json names (as ``_group_files`` wrote them) is intact
        folder = f"{FOLDER}/{scope}/{g}"
        names = [*(f"{folder}/t/{k}.json" for k in range(len(terms))),
                 *(f"{folder}/d/{k}.json" for k in range(len(chunks)))]
        if not all(name in intact for name in names):
            return None
        kept.update(names)
        return found

    made: set[Path] = set()
    for rel, text in index_files(docs, keep).items():
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(text, encoding="utf-8")
    return kept
