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
the files of the groups whose pages' documents are the cached ones, and writes a group whose
changed pages have as many documents as before from its cached files, those pages' postings
and documents replaced (``write_index``; an edit of a lesson's text). Per scope, under
``search/<scope>/``:

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

import functools
import hashlib
import json
import os
import re
import shutil
import unicodedata
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

from lmsctl.targets.site import search_index

#: Documents of one page: JSON-serializable dicts (see ``page_docs``).
PageDocs = list[dict[str, str]]

#: Where each render process lists the files of search documents it wrote (in the build's
#: private folder): ``search-docs-<shard>.json``, part -> [file name, SHA-256, each page's
#: number of documents per scope].
DOCS_FILE = "search-docs-{shard}.json"
#: The folder of those files (beside them): one per part of the pages a process rendered (a
#: course's pages, or the other pages: ``docs_part``), in the bytes the build cache keeps a
#: part in (``part_bytes``) and under its name (``part_name``): a build that fills the cache
#: moves them there rather than writing the documents again (issue 14).
PARTS_DIR = "search-docs"
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


def docs_part(src: str) -> str:
    """The part of the search documents a page of docs/ belongs to: its course, or ""."""
    pieces = src.split("/", 2)
    return pieces[1] if len(pieces) == 3 and pieces[0] == "courses" else ""


def group_parts(srcs: Iterable[str]) -> dict[str, list[str]]:
    """The pages ``srcs`` by the part of the search documents they belong to (``docs_part``)."""
    groups: dict[str, list[str]] = {}
    for src in srcs:
        groups.setdefault(docs_part(src), []).append(src)
    return groups


def part_bytes(group: Mapping[str, PageDocs]) -> bytes:
    """The file of a part's search documents (page -> documents, in the order of the pages)."""
    return _dump({src: group[src] for src in sorted(group)}).encode("utf-8")


def part_name(sha: str) -> str:
    """The name of a part's file, by its SHA-256."""
    return f"docs-{sha[:32]}.json"


def part_file(group: Mapping[str, PageDocs]) -> tuple[bytes, list[Any]]:
    """A part's file (``part_bytes``) and what the build cache records of it: [its name, its
    SHA-256, each page's number of documents per scope]."""
    raw = part_bytes(group)
    sha = hashlib.sha256(raw).hexdigest()
    return raw, [part_name(sha), sha, {src: scope_sizes(d) for src, d in group.items()}]


def save_docs(folder: str, shard: int | None, docs: dict[str, PageDocs]) -> None:
    """Called by the hooks after a render: the documents of the pages this process rendered,
    a file per part (each course is rendered whole by one process: ``compile.plan_shards``),
    listed in ``DOCS_FILE``."""
    parts = os.path.join(folder, PARTS_DIR)
    os.makedirs(parts, exist_ok=True)
    listed: dict[str, list[Any]] = {}
    for part, srcs in group_parts(docs).items():
        raw, listed[part] = part_file({src: docs[src] for src in srcs})
        with open(os.path.join(parts, listed[part][0]), "wb") as f:
            f.write(raw)
    path = os.path.join(folder, DOCS_FILE.format(shard=0 if shard is None else shard))
    with open(path, "w", encoding="utf-8") as f:
        f.write(_dump(listed))


class RenderedDocs(dict[str, PageDocs]):
    """The documents of the pages a build rendered, and the files they were read from:
    ``parts``, part -> (its file, its SHA-256, each page's number of documents per scope)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, tuple[Path, str, dict[str, list[int]]]] = {}


def load_docs(folder: Path) -> RenderedDocs:
    """The documents every render process of a build left in ``folder``."""
    docs = RenderedDocs()
    for path in sorted(folder.glob(DOCS_FILE.format(shard="*"))):
        for part, (name, sha, sizes) in json.loads(path.read_bytes()).items():
            file = folder / PARTS_DIR / name
            docs.update(json.loads(file.read_bytes()))
            docs.parts[part] = (file, sha, sizes)
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
    return _part_hash(docs_part(src)) % groups


@functools.lru_cache(maxsize=65536)
def _part_hash(part: str) -> int:
    """The hash ``group_of`` places a course by (computed once per course, not per page)."""
    return int(hashlib.sha256(part.encode("utf-8")).hexdigest()[:8], 16)


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


def _invert(entries: list[dict[str, str]], start: int = 0) -> defaultdict[str, list[str]]:
    """Each term's postings in ``entries`` (numbered from ``start``): in base 36, increasing."""
    postings: defaultdict[str, list[str]] = defaultdict(list)
    lists, append = postings.__getitem__, list.append
    for i, doc in enumerate(entries, start):
        # for each term: postings[term].append(id), without a Python loop per term
        deque(map(append, map(lists, doc["title_terms"].split()), repeat(base36(2 * i + 1))),
              maxlen=0)
        deque(map(append, map(lists, doc["terms"].split()), repeat(base36(2 * i))), maxlen=0)
    return postings


def _group_files(docs: Mapping[str, PageDocs], srcs: list[str], scope: str, term_file: int,
                 files: dict[str, str], prefix: str) -> dict[str, Any]:
    """The term and document files of one group (``prefix``: its folder), into ``files``;
    returns its entry of ``meta.json``."""
    entries = [d for src in srcs for d in docs[src] if d["scope"] == scope]
    postings = _invert(entries)
    return _put_group([(t, ",".join(postings[t])) for t in sorted(postings, key=_utf16)],
                      [d["shown"] for d in entries], term_file, files, prefix)


def _put_group(postings: list[tuple[str, str]], shown: list[str], term_file: int,
               files: dict[str, str], prefix: str) -> dict[str, Any]:
    """A group's files (into ``files``) and its entry of ``meta.json``, from its terms'
    postings, in order, and its documents' JSON texts."""
    # terms are letters and digits: nothing to escape in JSON
    terms = _split([(t, f'"{t}":"{p}"') for t, p in postings], term_file)
    for k, (_, texts) in enumerate(terms):
        files[f"{prefix}/t/{k}.json"] = "{" + ",".join(texts) + "}"
    runs = _split(list(enumerate(shown)), DOC_FILE)
    for k, (_, texts) in enumerate(runs):
        files[f"{prefix}/d/{k}.json"] = "[" + ",".join(texts) + "]"
    return {"docs": len(shown), "terms": [first for first, _ in terms],
            "chunks": [first for first, _ in runs]}


def _int36(text: str) -> int:
    return int(text, 36)


def _doc_items(text: str) -> list[str]:
    """The documents' JSON texts in a document file, as ``_put_group`` joined them: arrays
    of strings, so where one ends and the next starts is the one place the file has
    ``"],["`` (a quote in a string is escaped). ValueError when the file is not such a list."""
    if not (text.startswith('[["') and text.endswith('"]]')):
        raise ValueError("not a document file")
    return [f'["{item}"]' for item in text[3:-3].split('"],["')]


def _patch_group(docs: Mapping[str, PageDocs], before: Mapping[str, PageDocs], scope: str,
                 starts: dict[str, int], changed: list[str], term_texts: list[str],
                 doc_texts: list[str]) -> tuple[list[tuple[str, str]], list[str]] | None:
    """What ``_put_group`` needs for a group whose ``changed`` pages each have as many
    documents in ``scope`` as they had (so every document keeps its number: ``starts``, each
    page's first), from the group's files in the cached site (``term_texts``, then
    ``doc_texts``) written from ``before``'s documents: the changed pages' postings and
    documents replaced, nothing else read, inverted or sorted again. None when those files
    do not hold what ``before`` says (the caller writes the group from every document)."""
    postings: dict[str, str] = {}
    for text in term_texts:
        part = json.loads(text)
        if not isinstance(part, dict) or not all(isinstance(p, str) for p in part.values()):
            return None
        postings.update(part)
    shown = [item for text in doc_texts for item in _doc_items(text)]
    added = False
    for src in changed:
        old = [d for d in before[src] if d["scope"] == scope]
        new = [d for d in docs[src] if d["scope"] == scope]
        first, end = starts[src], starts[src] + len(new)
        if len(old) != len(new) or shown[first:end] != [d["shown"] for d in old]:
            return None
        shown[first:end] = [d["shown"] for d in new]
        gone, made = _invert(old, first), _invert(new, first)
        for term in gone.keys() | made.keys():
            found = postings.get(term)
            items = found.split(",") if found is not None else []
            lo = bisect_left(items, 2 * first, key=_int36)
            hi = bisect_left(items, 2 * end, key=_int36)
            if items[lo:hi] != gone.get(term, []):
                return None  # the cached files were not written from these documents
            items[lo:hi] = made.get(term, [])
            if items:
                added |= found is None
                postings[term] = ",".join(items)
            else:
                del postings[term]
    order = sorted(postings, key=_utf16) if added else postings
    return [(t, postings[t]) for t in order], shown


#: ``index_files``' ``reuse``: (scope, group, count, pages, term file size, files) -> the
#: group's entry of ``meta.json`` when it wrote the group's files itself or keeps them.
Reuser = Callable[[str, int, int, list[str], int, dict[str, str]], dict[str, Any] | None]


def index_files(docs: Mapping[str, PageDocs], reuse: Reuser | None = None) -> dict[str, str]:
    """Every file of the index (path under ``search/`` -> text), from every page's documents.
    ``reuse(scope, group, count, srcs, term_file, files)``: the entry of ``meta.json`` of a
    group whose files are already in place or which it put into ``files`` itself
    (``write_index``), or None to write them from every document of the group.

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
            kept = reuse(scope, g, len(grouped), srcs, term_file, files) \
                if reuse is not None else None
            meta_groups.append(kept if kept is not None else _group_files(
                docs, srcs, scope, term_file, files, f"{scope}/{g}"))
        files[f"{scope}/meta.json"] = _dump({
            "version": VERSION, "docs": sum(m["docs"] for m in meta_groups),
            "stop": sorted(STOP_WORDS), "groups": meta_groups})
    return files


def _cached_groups(cached: Path, intact: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The groups' entries of each scope's ``meta.json`` in the cached site (scopes whose
    ``meta.json`` is missing, altered or of another version left out)."""
    known: dict[str, list[Any]] = {}
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
    return known


def write_index(site_dir: Path, docs: Mapping[str, PageDocs], cached: Path | None = None,
                same: set[str] | frozenset[str] = frozenset(),
                intact: dict[str, Any] | None = None, script: bool | None = None,
                before: Mapping[str, PageDocs] | None = None) -> set[str]:
    """Write the site's search index (``search/``) from every page's documents. A site
    without the search script (an exported package) gets none. ``script``: whether the site
    has the search script (default: whether ``site_dir`` holds it).

    With the ``cached`` site of the build cache, in the same number of groups, and only
    from its files that are ``intact`` (output path -> anything): a group whose pages are
    all in ``same`` (their documents are the cached ones) is not written; with ``before``
    (the documents the cached site was written from), a group of the same pages whose
    changed ones have as many documents as before is written from its cached files
    (``_patch_group``), and those of its files that come out the same are not written. Returns
    the files not written, for the caller to take from the cached site
    (``build_cache.assemble``)."""
    if not (script if script is not None else (site_dir / SCRIPT).is_file()):
        return set()
    root = site_dir / FOLDER
    if root.exists():
        shutil.rmtree(root)
    kept: set[str] = set()
    size = _sizer(docs)
    known = _cached_groups(cached, intact) if cached is not None and intact is not None else {}
    before_size = _sizer(before) if before is not None else size
    earlier: dict[str, list[list[str]]] = {}  # scope -> the cached site's groups' pages

    def reuse(scope: str, g: int, count: int, srcs: list[str], term_file: int,
              files: dict[str, str]) -> dict[str, Any] | None:
        groups = known.get(scope)
        if cached is None or intact is None or groups is None or len(groups) != count:
            return None
        found: dict[str, Any] = groups[g]
        terms = found.get("terms") if isinstance(found, dict) else None
        chunks = found.get("chunks") if isinstance(found, dict) else None
        if not isinstance(terms, list) or not isinstance(chunks, list):
            return None
        # every file the cached meta.json names (as ``_group_files`` wrote them) is intact
        folder = f"{FOLDER}/{scope}/{g}"
        term_names = [f"{folder}/t/{k}.json" for k in range(len(terms))]
        doc_names = [f"{folder}/d/{k}.json" for k in range(len(chunks))]
        if not all(name in intact for name in (*term_names, *doc_names)):
            return None
        total = sum(size(src, scope) for src in srcs)
        if found.get("docs") != total:
            return None
        # the same pages (each has documents in the scope): none removed since
        if all(src in same for src in srcs):
            kept.update(term_names)
            kept.update(doc_names)
            return found
        if before is None:
            return None
        if scope not in earlier:
            earlier[scope] = _grouped(before, scope, before_size)
        changed = [src for src in srcs if src not in same]
        if len(earlier[scope]) != count or earlier[scope][g] != srcs or any(
                before_size(src, scope) != size(src, scope) for src in changed):
            return None
        starts: dict[str, int] = {}
        first = 0
        for src in srcs:
            starts[src] = first
            first += size(src, scope)
        try:
            texts = {name: (cached / name).read_text(encoding="utf-8")
                     for name in (*term_names, *doc_names)}
            patched = _patch_group(docs, before, scope, starts, changed,
                                   [texts[name] for name in term_names],
                                   [texts[name] for name in doc_names])
        except (OSError, ValueError, LookupError, TypeError):
            return None  # damaged: the group is written from every document
        if patched is None or len(patched[1]) != total:
            return None
        written: dict[str, str] = {}
        entry = _put_group(*patched, term_file, written, f"{scope}/{g}")
        for rel, text in written.items():
            if texts.get(f"{FOLDER}/{rel}") == text:
                kept.add(f"{FOLDER}/{rel}")
            else:
                files[rel] = text
        return entry

    made: set[Path] = set()
    for rel, text in index_files(docs, reuse).items():
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(text, encoding="utf-8")
    return kept
