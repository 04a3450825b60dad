"""The build cache (DESIGN section 11): a rebuild compiles and renders only what changed.

It lives in ``<repository>/.lmsctl/cache/build/<variant>/`` (git-ignored), one slot per kind
of build (the options that change every page: drafts, a ``--course`` preview), and holds:

- ``state.json``: what the last good build of this slot was made from and what it wrote: the
  key of its global inputs (``global_key``: lmsctl's code and version, MkDocs', Material's and
  the Markdown libraries' versions, the translations, mkdocs.yml without the render shard
  plan), every page's digest (its Markdown, its manifest entry and the per-course facts the
  hooks read), every output file with its size and modification time, and the files below
  with their SHA-256; and what the history says of each course (``compile.CourseKeys.facts``)
  and what each course shows to other pages (``compile.shown``), by its digest;
- ``compile-<key>.json``: one course's compiled pages (Markdown, manifest entries, warnings,
  each page's final digest: ``encode_stored``, a JSON head, the course's manifest member, and
  the texts as they are),
  keyed by a hash of everything compiling the course reads (``CourseKeys.key``; the state
  keeps the SHA-256 of the whole file); a build writes
  each course it compiles to its own workspace (``BuildCache.pending``) as soon as it is
  compiled, not kept in memory until the build ends (issue 14), and moves it here once the
  site is published;
- ``heads-<hash>.json``: the heads of every stored course, one line each (its key, then its
  head), in one file (named and checked by its SHA-256, ``heads`` in the state): a rebuild
  reads it once and each unchanged course's head from it, not 1,000 files, and that course's
  pages and member (its sidebar) only when it renders them (``kept``, issue 14);
- ``docs-<hash>.json``: every page's search documents, one file per course (and one for the
  other pages), named by a hash of its content: a build rewrites only the parts it rendered,
  and reads only those of the search index groups it writes again;
- ``site-<token>/``: the site it published, as hard links to the same files (nothing ever
  writes into a published file: a build renders what changed into a new, empty folder; then
  this folder itself becomes the new site, with what it no longer has removed and the
  rendered files renamed over it (``assemble``), and the site it replaced becomes the
  cache's copy, with the changed names linked again (``refresh_copy``): no link per file of
  the site, no deletion of the old one).

A build reads the state once, under a lock (a second build of the same slot at the same time
builds without the cache). It writes nothing there until it has published its site: then the
new files are written (or moved from ``pending``), ``state.json`` replaced atomically, and what
it no longer names removed.
So a failed or interrupted build leaves the previous state, and a state is only ever written by
a build that succeeded. Anything unreadable, truncated or altered (a checksum, size or time that
does not match) is left unused, with a note, and rebuilt: never a traceback or a wrong page.

The nonce that marks quiz slots is derived per course from a random secret kept in the state
and the course's id, so an unchanged course compiles to the same Markdown (and an edited one
its other lessons' pages), while authors still cannot know it (it never appears in the site).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import importlib.metadata
import json
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmsctl import __version__
from lmsctl.core import cache as core_cache
from lmsctl.core.cache import code_files_hash, digest
from lmsctl.core.collector import few_collections
from lmsctl.core.diagnostics import Diagnostic, Fix, Report, Severity, TextEdit
from lmsctl.core.files import write_atomic
from lmsctl.core.history import Change, History, Person
from lmsctl.core.ids import lesson_id
from lmsctl.targets.site import publish
from lmsctl.targets.site.build_inputs import Inputs
from lmsctl.targets.site.learner_search import (
    SCOPES,
    docs_part,
    group_parts,
    part_file,
)

#: Where the cache lives, relative to the repository root (a folder of lmsctl's cache).
CACHE_DIR = Path(core_cache.CACHE_DIR) / "build"
#: Where old trees are deleted (``publish.discard``), beside lmsctl's cache folder.
TRASH_DIR = "trash"
#: Bumped when the layout of what is stored changes.
FORMAT = 1
STATE = "state.json"
#: What the hooks leave in the build folder: the file telling them what to reuse, and the
#: outputs every render process saw (``outputs-<shard>.json``).
REUSE_FILE = "lmsctl-reuse.json"
OUTPUTS_FILE = "outputs-{shard}.json"
#: What the hooks leave for ``render`` to complete the sitemap with the cached site's entries:
#: the locations of the pages gone since, and the date of this build's entries.
SITEMAP_FILE = "lmsctl-sitemap.json"
SITEMAP = "sitemap.xml"
#: Where a build writes the courses it compiled until it has published its site, unless
#: told a folder of its workspace (``BuildCache.pending``).
PENDING = "pending"
#: Libraries whose version changes pages.
_LIBRARIES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "markdown-it-py",
              "mdit-py-plugins", "pygments", "jinja2", "markupsafe")

Note = Callable[[str], None]


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=repr)


_CODE: list[str] = []


def code_fingerprint() -> str:
    """lmsctl's version and code (``core.cache.code_files_hash``: every file of the package,
    by content) and the versions of the libraries that render pages."""
    if _CODE:
        return _CODE[0]
    parts = [f"format {FORMAT}", f"lmsctl {__version__}", f"code {code_files_hash()}"]
    for name in _LIBRARIES:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} -")
    _CODE.append(digest(*parts))
    return _CODE[0]


def translations_fingerprint(catalog: object | None) -> str:
    if catalog is None:
        return "source"
    messages = getattr(catalog, "_catalog", None)
    items = sorted((repr(k), repr(v)) for k, v in messages.items()) if isinstance(
        messages, dict) else []
    return digest(type(catalog).__module__, type(catalog).__qualname__, repr(items))


@dataclass
class Reuse:
    """What a render may take from the cached site instead of rendering (``plan``)."""

    site: Path
    skip_pages: set[str]  # docs/ paths of pages whose cached output is still right
    static: dict[str, list[int]]  # output path -> [size, mtime_ns] of the source it came from
    outputs: dict[str, list[int]]  # output path -> [size, mtime_ns] in the cached site
    #: output paths of the cached site's pages that this build no longer has
    gone: list[str] = field(default_factory=list)
    #: every cached page with search documents -> how many it has in each scope
    #: (``learner_search.SCOPES``); the documents themselves: ``cached``
    sizes: dict[str, list[int]] = field(default_factory=dict)
    cache: BuildCache | None = None
    #: the other files of docs/ whose cached output is still right (they are not written into
    #: docs/ either): output path -> what ``static`` had for it (None for none)
    skip_statics: dict[str, list[int] | None] = field(default_factory=dict)
    #: every file the cached site holds (the state's listing of it, intact or not): what
    #: ``assemble`` removes but the kept files, without walking the site (issue 14)
    listed: Collection[str] = ()

    def cached(self, src: str) -> Any:
        """The cached search documents of page ``src`` (read with its part)."""
        return self.cache.part_docs(docs_part(src)).get(src) if self.cache is not None else None

    def hooks_file(self) -> dict[str, Any]:
        return {"skip": sorted(self.skip_pages), "static": self.static, "site": str(self.site),
                "gone": self.gone, "skip_static": self.skip_statics}


class RawEntry(str):
    """A page's manifest entry kept as its JSON text (``json_text``), as a stored course gives
    it back: the manifest is written with it as it is, never decoded; ``course`` and
    ``kind`` are the two members the compile reads."""

    course: str
    kind: str

    def get(self, name: str, default: Any = None) -> Any:
        """``course`` and ``kind`` as a dict's ``get`` gives them (None when empty)."""
        value = {"course": self.course, "kind": self.kind}.get(name, "")
        return value or default


def json_text(data: Any) -> str:
    """``data`` as the manifest writes it (compact, UTF-8 kept); a ``RawEntry`` as it is."""
    if isinstance(data, RawEntry):
        return str(data)
    if isinstance(data, LaterEntry):
        return str(data.raw())
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Stored:
    """One course's compile output, as ``compile`` replays it."""

    writes: list[list[Any]]  # [doc, text, entry (a dict, a RawEntry once stored) or None]
    #: its manifest "courses" member (a ``LaterMember`` when read by its head alone)
    course: dict[str, Any] | LaterMember
    warnings: list[list[Any]]  # [rule, severity, path, line, column, message, hint]
    digests: dict[str, str] = field(default_factory=dict)  # doc -> digest of text + entry


#: The first line of a stored course: a JSON head (the warnings, digests and each page's doc,
#: sizes, course and kind) on the second, its manifest member (JSON) on the third, then each
#: page's text and entry as UTF-8, one after the other: decoding JSON was most of reading a
#: catalog's courses (issue 14). The member (its sidebar) is not in the head: the heads of a
#: catalog's courses (``heads-<hash>.json``) were 5 MB at 1,000 courses, 73% sidebars, which
#: a rebuild needs only for the courses it renders.
COMPILED_MAGIC = b"lmsctl-compiled 3\n"


def encode_stored(stored: Stored) -> bytes:
    pages: list[list[Any]] = []
    body: list[bytes] = []
    for doc, text, entry in stored.writes:
        raw_text = str(text).encode("utf-8")
        raw_entry = b"" if entry is None else json_text(entry).encode("utf-8")
        pages.append([doc, len(raw_text), -1 if entry is None else len(raw_entry),
                      "" if entry is None else str(entry.get("course") or ""),
                      "" if entry is None else str(entry.get("kind") or "")])
        body += (raw_text, raw_entry)
    head = json.dumps({"warnings": stored.warnings, "digests": stored.digests, "pages": pages},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    member = json.dumps(stored.course, ensure_ascii=False, separators=(",", ":"))
    return b"".join([COMPILED_MAGIC, head, b"\n", member.encode("utf-8"), b"\n", *body])


def decode_stored(raw: bytes) -> Stored:
    """The course ``encode_stored`` wrote (ValueError, TypeError, KeyError when it is not)."""
    if not raw.startswith(COMPILED_MAGIC):
        raise ValueError("not a stored course")
    end = raw.index(b"\n", len(COMPILED_MAGIC))
    head = json.loads(raw[len(COMPILED_MAGIC):end])
    member_end = raw.index(b"\n", end + 1)
    member = json.loads(raw[end + 1:member_end])
    at = member_end + 1
    writes: list[list[Any]] = []
    for doc, text_size, entry_size, course, kind in head["pages"]:
        text = raw[at:at + text_size].decode("utf-8")
        at += text_size
        entry: RawEntry | None = None
        if entry_size >= 0:
            entry = RawEntry(raw[at:at + entry_size].decode("utf-8"))
            entry.course, entry.kind = str(course), str(kind)
            at += entry_size
        writes.append([str(doc), text, entry])
    if at != len(raw):
        raise ValueError("a stored course of another size")
    return Stored(writes=writes, course=dict(member), warnings=list(head["warnings"]),
                  digests=dict(head["digests"]))


def _head(raw: bytes) -> bytes:
    """The head of a stored course (its JSON, without the newline that ends it)."""
    return raw[len(COMPILED_MAGIC):raw.index(b"\n", len(COMPILED_MAGIC))]


#: The first line of ``heads-<hash>.json``; then one line per stored course: its key, a space,
#: its head (JSON on one line: ``encode_stored``).
HEADS_MAGIC = b"lmsctl-heads 1\n"


def encode_heads(heads: Mapping[str, bytes]) -> bytes:
    return b"".join([HEADS_MAGIC, *(key.encode("ascii") + b" " + heads[key] + b"\n"
                                    for key in sorted(heads))])


def decode_heads(raw: bytes) -> dict[str, bytes]:
    """The heads ``encode_heads`` wrote (ValueError when it is not such a file)."""
    if not raw.startswith(HEADS_MAGIC) or not raw.endswith(b"\n"):
        raise ValueError("not the heads of stored courses")
    heads: dict[str, bytes] = {}
    for line in raw[len(HEADS_MAGIC):-1].split(b"\n") if len(raw) > len(HEADS_MAGIC) else ():
        key, _, head = line.partition(b" ")
        heads[key.decode("ascii")] = head
    return heads


class Damaged(Exception):
    """A stored course's pages, read when first needed, are not the ones its head was kept
    with (the cache noted it and forgot that course: compile again)."""


class KeptPages:
    """The pages of a stored course read by its head alone (``BuildCache.kept``): their texts
    and entries are read (and the whole file checked) when first asked (``writes``), which a
    rebuild does only for the pages it renders (issue 14)."""

    def __init__(self, cache: BuildCache, key: str) -> None:
        self.cache = cache
        self.key = key
        self._stored: Stored | None = None

    def stored(self) -> Stored:
        if self._stored is None:
            stored = self.cache.compiled(self.key)
            if stored is None:
                self.cache.forget(self.key)
                raise Damaged(self.key)
            self._stored = stored
        return self._stored

    def writes(self) -> list[list[Any]]:
        return self.stored().writes

    def text(self, index: int) -> str:
        return str(self.writes()[index][1])


class LaterMember:
    """The manifest member of a ``KeptPages``' course, read when the manifest names it (a
    page of the course is rendered: ``member``)."""

    __slots__ = ("pages",)

    def __init__(self, pages: KeptPages) -> None:
        self.pages = pages

    def value(self) -> dict[str, Any]:
        course = self.pages.stored().course
        assert isinstance(course, dict)
        return course


def member(value: dict[str, Any] | LaterMember) -> dict[str, Any]:
    """A course's manifest member, read now if it was left to read (``LaterMember``)."""
    return value.value() if isinstance(value, LaterMember) else value


class LaterText:
    """The text of page ``index`` of a ``KeptPages``, read when written."""

    __slots__ = ("index", "pages")

    def __init__(self, pages: KeptPages, index: int) -> None:
        self.pages = pages
        self.index = index

    def __str__(self) -> str:
        return self.pages.text(self.index)


class LaterEntry:
    """The manifest entry of page ``index`` of a ``KeptPages``: its course and kind known from
    the head, its JSON text (``json_text``) read when the manifest names the page."""

    __slots__ = ("course", "index", "kind", "pages")

    def __init__(self, pages: KeptPages, index: int, course: str, kind: str) -> None:
        self.pages = pages
        self.index = index
        self.course = course
        self.kind = kind

    def get(self, name: str, default: Any = None) -> Any:
        value = {"course": self.course, "kind": self.kind}.get(name, "")
        return value or default

    def raw(self) -> RawEntry:
        entry = self.pages.writes()[self.index][2]
        assert isinstance(entry, RawEntry)
        return entry


class BuildCache:
    """One slot of the cache for the duration of a build (``open_cache``)."""

    def __init__(self, folder: Path, note: Note) -> None:
        self.folder = folder
        self.note = note
        #: the theme's compiled templates (Jinja's bytecode cache, checked against the source)
        self.templates = folder.parent / "templates"
        #: what builds no longer need, deleted in the background (``publish.discard``);
        #: beside the cache, not in it: CI saves the cache while the deletion may still run
        self.trash = folder.parents[len(CACHE_DIR.parts) - 1] / TRASH_DIR
        self.state: dict[str, Any] = {}
        self.secret = secrets.token_hex(32)
        self.global_key = ""
        #: the courses this build compiled: key -> SHA-256 of ``compile-<key>.json``, written
        #: in ``pending`` (the build sets a folder of its workspace: a failed build leaves
        #: nothing in the cache)
        self.new_compiled: dict[str, str] = {}
        self.pending = folder / PENDING
        self.used_compiled: set[str] = set()
        #: each stored course's head (``_head``) this build read or wrote, by its key: the
        #: ``heads-<hash>.json`` file of the state, read once when first needed (``kept``)
        self.heads: dict[str, bytes] | None = None
        self._forgotten: set[str] = set()
        #: the heads file the state names was missing or damaged (``_heads``)
        self._heads_damaged = False
        self._complaints: set[str] = set()
        #: the search documents checked by ``plan``: part -> (file, SHA-256, each page's
        #: number of documents per scope, the file's bytes), read when asked (``part_docs``)
        self.docs_parts: dict[str, tuple[str, str, dict[str, Any], bytes]] = {}
        #: the files of search documents read ahead (``prefetch_docs``): the thread reading
        #: them, and each file's bytes and SHA-256 by its name
        self._prefetch: tuple[threading.Thread, dict[str, tuple[bytes, str]]] | None = None
        self._parsed: dict[str, dict[str, Any]] = {}
        #: the history read from the cache ([key, SHA-256]), or read from git (key, bytes)
        self.history_kept: tuple[str, str] | None = None
        self.new_history: tuple[str, bytes] | None = None
        #: what this build read and reported (``build_inputs``, ``record``): written with the
        #: state, for the next build with the same inputs to replay
        self.record: dict[str, Any] = {}
        #: what each course shows to other pages (``compile.shown``) by its
        #: ``checks.validate.course_digest``: as the last build with this code found it, and as
        #: this build finds it (kept in the state: ``compile.CourseKeys``)
        self.shown_kept: dict[str, str] = {}
        self.shown_found: dict[str, str] = {}
        #: what the history says of each course (``compile.course_facts``, a hash) by its
        #: ``course_digest``, under the key of all else it reads (``facts_scope``): as the last
        #: build found it (``facts_kept``), and as this one does, for the next (kept in the
        #: state: ``compile.CourseKeys``)
        self.facts_scope = ""
        self.facts_found: dict[str, str] = {}

    # -- reading -------------------------------------------------------------------------

    def complain(self, what: str) -> None:
        if what not in self._complaints:
            self._complaints.add(what)
            self.note(f"note: the build cache ({self.folder}) {what}; that part is rebuilt "
                      "and the cache written again.")

    def load(self) -> None:
        path = self.folder / STATE
        if not path.exists():
            return
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(state, dict) or state.get("format") != FORMAT:
                raise ValueError("unknown format")
            for key, kind in (("secret", str), ("global_key", str), ("compiled", dict),
                              ("pages", dict), ("outputs", dict), ("static", dict)):
                if not isinstance(state.get(key), kind):
                    raise ValueError(f"no {key}")
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            self.complain(f"could not be read ({type(exc).__name__}: {str(exc)[:80]})")
            return
        self.state = state
        self.secret = state["secret"]
        self.shown_kept = self._scoped("shown", code_fingerprint())

    def history_key(self) -> str | None:
        """The key of the history this build read (``history``, ``remember_history``): None
        when it is neither the cache's nor kept for the next build."""
        found = self.history_kept or self.new_history
        return found[0] if found is not None else None

    def facts_kept(self, scope: str) -> dict[str, str]:
        """The courses' facts the last build found (``facts_found``) under ``scope`` (empty
        under another); this build keeps those it finds under ``scope`` too."""
        self.facts_scope = scope
        return self._scoped("facts", scope)

    def _scoped(self, name: str, scope: str) -> dict[str, str]:
        """The state's ``name``, [scope, {...}], when written under ``scope`` (else empty)."""
        found = self.state.get(name)
        if isinstance(found, list) and len(found) == 2 and found[0] == scope \
                and isinstance(found[1], dict):
            return found[1]
        return {}

    def _read_checked(self, name: str, expected: str, folder: Path | None = None,
                      decode: Callable[[bytes], Any] = json.loads,
                      read: tuple[bytes, str] | None = None) -> Any:
        """A stored file (JSON, or what ``decode`` reads) in the cache, or ``folder``, whose
        SHA-256 must be ``expected`` (None when it is not); ``read``: its bytes and SHA-256,
        when already read."""
        if read is None:
            try:
                raw = ((folder or self.folder) / name).read_bytes()
            except OSError:
                self.complain(f"misses {name}")
                return None
            read = (raw, hashlib.sha256(raw).hexdigest())
        raw = read[0]
        if read[1] != expected:
            self.complain(f"has a damaged {name}")
            return None
        try:
            return decode(raw)
        except (ValueError, TypeError, KeyError, IndexError):
            self.complain(f"has a damaged {name}")
            return None

    def nonce(self, course_key: str) -> str:
        return "lmsctl" + hmac.new(self.secret.encode(), course_key.encode(),
                                   "sha256").hexdigest()[:32]

    def set_global(self, key: str) -> None:
        """The key of what every page shares: the cached pages of a state with another one
        are not used (its compiled courses are, being keyed by all they read)."""
        self.global_key = key
        if self.state and self.state["global_key"] != key:
            self.state = {**self.state, "site": "", "pages": {}, "outputs": {}, "static": {}}

    def kept(self, key: str) -> tuple[Stored, KeptPages] | None:
        """A stored course by its head alone (from ``heads-<hash>.json``, read once): its
        warnings, digests, its member as a ``LaterMember``, and its pages as ``KeptPages``
        (their docs/ paths, courses and kinds in ``Stored.writes``, texts and entries left to
        read). None when the state
        keeps no head for it, or the heads are missing or damaged (``compiled`` then)."""
        if key in self.new_compiled or key in self._forgotten \
                or not isinstance((self.state.get("compiled") or {}).get(key), str):
            return None
        found = self._heads().get(key)
        if found is None:
            return None
        try:
            head = json.loads(found)
            pages = KeptPages(self, key)
            writes: list[list[Any]] = [
                [str(doc), LaterText(pages, i), None if size < 0 else
                 LaterEntry(pages, i, str(course), str(kind))]
                for i, (doc, _text_size, size, course, kind) in enumerate(head["pages"])]
            stored = Stored(writes=writes, course=LaterMember(pages),
                            warnings=list(head["warnings"]), digests=dict(head["digests"]))
        except (ValueError, TypeError, KeyError, IndexError):
            return None  # read whole (``compiled``), which says what is wrong
        self.used_compiled.add(key)
        return stored, pages

    def _heads(self) -> dict[str, bytes]:
        """The heads of the stored courses the state names (read and checked once; empty,
        with a note, when they are missing or damaged: each course is then read whole)."""
        if self.heads is None:
            found = self.state.get("heads")
            heads: Any = None
            if isinstance(found, list) and len(found) == 2:
                heads = self._read_checked(str(found[0]), str(found[1]), decode=decode_heads)
                self._heads_damaged = not isinstance(heads, dict)
            self.heads = heads if isinstance(heads, dict) else {}
        return self.heads

    def forget(self, key: str) -> None:
        """A stored course found damaged after its head was used: not kept, not used again
        (``compiled`` has noted it)."""
        self._forgotten.add(key)
        self.used_compiled.discard(key)

    def compiled(self, key: str) -> Stored | None:
        if key in self._forgotten:
            return None
        name = f"compile-{key}.json"
        expected: Any = self.new_compiled.get(key)
        folder = self.pending if expected is not None else self.folder
        if expected is None:
            expected = (self.state.get("compiled") or {}).get(key)
            if not isinstance(expected, str):
                return None
        found = self._read_checked(name, expected, folder,
                                   lambda raw: (decode_stored(raw), _head(raw)))
        if found is None:
            return None
        stored, head = found
        assert isinstance(stored, Stored)
        if key not in self.new_compiled:
            self.used_compiled.add(key)
            self._heads()[key] = head  # kept with the state this build writes
        return stored

    def remember_compiled(self, key: str, stored: Stored) -> None:
        """Keep ``stored`` for the state this build writes if it succeeds: written to
        ``pending`` now, so a large catalog's compiled pages are not all held in memory
        through the render (issue 14). Not kept (that course compiles again next time) when
        it cannot be written."""
        raw = encode_stored(stored)
        try:
            self.pending.mkdir(parents=True, exist_ok=True)
            (self.pending / f"compile-{key}.json").write_bytes(raw)
        except OSError as exc:
            # once per build, naming where (the build's workspace), not once per course
            self.complain(f"could not keep compiled courses in {self.pending} "
                          f"({exc.strerror or exc}): they compile again next time")
            return
        self.new_compiled[key] = hashlib.sha256(raw).hexdigest()
        self._heads()[key] = _head(raw)

    def holds(self, key: str) -> bool:
        """Whether a stored course by ``key`` is there to take (``kept`` or ``compiled`` find
        it: in the state, or written by this build), not forgotten."""
        return key not in self._forgotten and (key in self.new_compiled or isinstance(
            (self.state.get("compiled") or {}).get(key), str))

    def muted(self) -> set[str]:
        """In a forked process of this build: its complaints are kept, not printed (the
        process that goes on prints each once, ``complaints``); returns those made before."""
        self.note = _silent
        return set(self._complaints)

    def complaints(self) -> set[str]:
        """What this build complained of (``complain``)."""
        return set(self._complaints)

    def compiled_record(self, key: str) -> tuple[str, str, bytes] | None:
        """What this build's ``remember_compiled`` recorded of ``key`` (None: nothing was
        kept): for ``adopt_compiled`` in the process that goes on (a course compiled in
        another, ``compile._Halves``)."""
        sha = self.new_compiled.get(key)
        head = self._heads().get(key)
        return None if sha is None or head is None else (key, sha, head)

    def adopt_compiled(self, key: str, sha: str, head: bytes) -> None:
        """Keep the course another process of this build wrote to ``pending``
        (``remember_compiled`` there, ``compiled_record``)."""
        self.new_compiled[key] = sha
        self._heads()[key] = head

    def history(self, key: str) -> History | None:
        """The history the last good build read under ``key`` (``history-<key>.json``, its
        SHA-256 in the state), or None."""
        found = self.state.get("history")
        if not (isinstance(found, list) and len(found) == 2 and found[0] == key):
            return None
        name = f"history-{key}.json"
        try:
            raw = (self.folder / name).read_bytes()
        except OSError:
            self.complain(f"misses {name}")
            return None
        if hashlib.sha256(raw).hexdigest() != found[1]:
            self.complain(f"has a damaged {name}")
            return None
        try:
            data = json.loads(raw)
            history = History([_change(c) for c in data["changes"]],
                              shallow=data["shallow"] is True)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            self.complain(f"has a damaged {name}")
            return None
        self.history_kept = (key, found[1])
        return history

    def remember_history(self, key: str, history: History) -> None:
        """Keep ``history`` (read from git) under ``key`` when the build succeeds."""
        if history.available:
            self.new_history = (key, json.dumps({
                "shallow": history.shallow, "changes": [_change_json(c) for c in history.changes]},
                ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def plan(self, pages: dict[str, str],
             statics: dict[str, str] | None = None) -> Reuse | None:
        """What can be taken from the cached site: pages whose digest (``pages``: docs/ path
        -> digest) is the cached one and whose cached output file is intact, and the same for
        the other files of docs/ (``statics``: path -> digest)."""
        # the read-ahead thread is waited for whatever the plan: no thread runs once it is
        # made (the render forks), and what it read is not kept when the plan does not use it
        read = self._prefetched()
        state = self.state
        if not state or not state.get("site"):
            return None
        site = self.folder / str(state["site"])
        if not site.is_dir():
            self.complain(f"misses its {state['site']}/ folder")
            return None
        intact: dict[str, list[int]] = {}
        prefix, stat = str(site) + os.sep, os.stat
        for dest, sig in state["outputs"].items():
            try:
                st = stat(prefix + dest)
            except OSError:
                continue
            if [st.st_size, st.st_mtime_ns] == sig:
                intact[dest] = sig
        if len(intact) < len(state["outputs"]):
            self.complain(f"has {len(state['outputs']) - len(intact)} missing or altered "
                          "file(s) in its site copy")
        sizes = self._read_docs_parts(state.get("docs"), read)
        if sizes is None:
            return None
        skip: set[str] = set()
        gone: list[str] = []
        for src, (old, dest) in state["pages"].items():
            if pages.get(src) == old and dest in intact:
                skip.add(src)
            elif src not in pages:
                gone.append(dest)
        if SITEMAP in state["outputs"] and SITEMAP not in intact:
            return None  # the sitemap entries of the pages not rendered come from there
        static = {dest: sig for dest, sig in state["static"].items() if dest in intact}
        known: dict[str, Any] = state["statics"] if isinstance(state.get("statics"), dict) \
            else {}
        skip_statics = {doc: static.get(doc) for doc, d in (statics or {}).items()
                        if doc in intact and known.get(doc) == d}
        return Reuse(site=site, skip_pages=skip, static=static, outputs=intact,
                     gone=sorted(gone), sizes=sizes, cache=self, skip_statics=skip_statics,
                     listed=state["outputs"].keys())

    def _read_docs_parts(self, parts: Any, read: Mapping[str, tuple[bytes, str]]
                         ) -> dict[str, list[int]] | None:
        """Check every file of search documents the state names (its SHA-256; its JSON is
        read only when asked, ``part_docs``: a build needs the documents of the index groups
        it writes again, not all of them); returns how many documents each page has in each
        scope, or None when a file is missing or damaged. ``read``: the files the read-ahead
        thread read, with their SHA-256 (``_prefetched``)."""
        if not isinstance(parts, dict):
            return None
        sizes: dict[str, list[int]] = {}
        for part, found in parts.items():
            if not (isinstance(found, list) and len(found) == 3 and isinstance(found[2], dict)):
                return None
            name, expected = str(found[0]), str(found[1])
            raw = self._read_checked(name, expected, decode=bytes, read=read.get(name))
            if raw is None:
                return None
            self.docs_parts[part] = (name, expected, found[2], raw)
            sizes.update(found[2])
        return sizes

    def prefetch_docs(self) -> None:
        """Start reading the files of search documents the state names (and their SHA-256)
        in a thread: ``plan`` checks them once the courses are compiled, which goes on
        meanwhile (reading files and hashing them let other threads run; issue 14: about
        34 MB at 1,000 courses). A file the thread cannot read is read again by ``plan``."""
        parts = self.state.get("docs")
        if self._prefetch is not None or not isinstance(parts, dict):
            return
        names = [str(found[0]) for found in parts.values() if isinstance(found, list) and found]
        read: dict[str, tuple[bytes, str]] = {}

        def run() -> None:
            for name in names:
                with contextlib.suppress(OSError):
                    raw = (self.folder / name).read_bytes()
                    read[name] = (raw, hashlib.sha256(raw).hexdigest())

        thread = threading.Thread(target=run, name="lmsctl-search-documents", daemon=True)
        self._prefetch = (thread, read)
        thread.start()

    def settle(self) -> None:
        """Wait for ``prefetch_docs``' thread (what it read is kept for ``plan``): a process
        with no other thread may fork; and read the heads, once for both processes."""
        if self._prefetch is not None:
            self._prefetch[0].join()
        self._heads()

    def _prefetched(self) -> dict[str, tuple[bytes, str]]:
        """What ``prefetch_docs``' thread read (once it has ended), given once."""
        if self._prefetch is None:
            return {}
        thread, read = self._prefetch
        thread.join()
        self._prefetch = None
        return read

    def part_docs(self, part: str) -> dict[str, Any]:
        """The search documents of ``part`` that ``plan`` checked (empty when it has none)."""
        found = self._parsed.get(part)
        if found is None:
            known = self.docs_parts.get(part)
            found = self._parsed[part] = json.loads(known[3]) if known is not None else {}
        return found

    # -- writing, once the site is published ---------------------------------------------------

    def unchanged(self, pages: dict[str, str], statics: dict[str, str], out: Path) -> bool:
        """Whether this build would publish exactly the site ``out`` holds: every page and
        file of docs/ as the cached build had them, nothing newly compiled, and ``out`` still
        the files that build published (same paths, sizes and times; nothing added)."""
        state = self.state
        if not state or not state.get("site") or self.new_compiled \
                or state.get("statics") != statics \
                or {src: v[0] for src, v in state["pages"].items()} != pages:
            return False
        return site_matches(out, state["outputs"])

    def replay(self, inputs: Inputs, now: str, out: Path) -> dict[str, Any] | None:
        """What the last good build reported, when it read exactly ``inputs`` (and the time
        ``now``, if its pages showed it) and ``out`` still holds exactly what it published."""
        state = self.state
        stored = state.get("record")
        if not isinstance(stored, dict) or not state.get("site") \
                or not inputs.same_as(stored.get("inputs")) \
                or stored.get("now") not in (None, now) \
                or not isinstance(stored.get("report"), dict) \
                or not isinstance(stored.get("result"), dict):
            return None
        return stored if site_matches(out, state["outputs"]) else None

    def save_record(self) -> None:
        """Keep ``record`` with the state as it is (a build that published nothing new)."""
        if self.state and self.record:
            compiled = self.state.get("compiled")
            if self._heads_damaged and isinstance(compiled, dict) and self.heads is not None \
                    and compiled.keys() <= self.heads.keys():
                # every course was read whole: their heads are kept again (else each build
                # would read them whole until a course changes)
                self.state["heads"] = self._write_heads(compiled)
            write_atomic(self.folder / STATE, json.dumps({**self.state, "record": self.record},
                                                         separators=(",", ":")))

    @few_collections()  # what it makes is walked, seldom, not the whole build's objects
    def commit(self, out: Path, pages: dict[str, str], static: dict[str, list[int]],
               docs: Mapping[str, Any], statics: dict[str, str],
               replaced: Path | None = None, keep: set[str] | frozenset[str] = frozenset(),
               fresh: set[str] | frozenset[str] = frozenset()) -> None:
        """Keep what the build just published in ``out`` (called after the swap).
        ``replaced``: the site it replaced, when ``assemble`` made the new one of the cached
        copy: it becomes the copy (``refresh_copy``, with the files ``keep`` named from the
        cache and the ``fresh`` ones), if it is the site the last commit recorded."""
        token = secrets.token_hex(6)
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        site_name = str(self.state.get("site") or "")
        before: dict[str, Any] = self.state.get("outputs") or {}
        outputs: dict[str, list[int]] = {}
        try:
            if replaced is not None and self._published(replaced, before):
                site_name = f"site-{token}"
                os.rename(replaced, folder / site_name)
                outputs = refresh_copy(out, folder / site_name, before, set(keep),
                                       set(fresh) | {publish.MARKER})
            elif site_name and (folder / site_name).is_dir():
                # under a new name first: the copy a state names is never changed in place
                # (a build stopped meanwhile leaves no state naming a copy with files it does
                # not list: ``assemble`` removes by the listing)
                os.rename(folder / site_name, folder / f"site-{token}")
                site_name = f"site-{token}"
                outputs = update_tree(out, folder / site_name, before)
            else:
                site_name = f"site-{token}"
                outputs = link_tree(out, folder / site_name)
        except OSError:  # another file system: keep the compiled courses only
            if site_name:
                publish.discard(folder / site_name, self.trash)
            site_name = ""
        compiled: dict[str, str] = {}
        for key in self.used_compiled:
            compiled[key] = self.state["compiled"][key]
        for key, sha in self.new_compiled.items():
            name = f"compile-{key}.json"
            shutil.move(self.pending / name, folder / name)  # a rename on one file system
            compiled[key] = sha
        heads = self._write_heads(compiled)
        history = list(self.history_kept) if self.history_kept is not None else None
        if self.new_history is not None:
            key, raw = self.new_history
            (folder / f"history-{key}.json").write_bytes(raw)
            history = [key, hashlib.sha256(raw).hexdigest()]
        parts = self._docs_parts(docs)
        state = {
            "format": FORMAT, "secret": self.secret, "global_key": self.global_key,
            "compiled": compiled, "heads": heads, "site": site_name, "docs": parts,
            "pages": {src: [d, page_dest(src)] for src, d in pages.items()},
            "outputs": outputs if site_name else {},
            "static": {d: s for d, s in static.items() if d in outputs},
            "statics": statics,
            "record": self.record,
            "history": history,
            "published": _marker(out),
            "shown": [code_fingerprint(), self.shown_found],
            "facts": [self.facts_scope, self.facts_found],
            "folders": folders_stamp(out, outputs),
        }
        write_atomic(folder / STATE, json.dumps(state, separators=(",", ":")))
        keep = {STATE, "lock", site_name, heads[0], *(found[0] for found in parts.values()),
                *(f"compile-{k}.json" for k in compiled)}
        if history is not None:
            keep.add(f"history-{history[0]}.json")
        for entry in folder.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir() and not entry.is_symlink():
                publish.discard(entry, self.trash)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


    def _write_heads(self, compiled: Mapping[str, str]) -> list[str]:
        """Write the heads of the stored courses ``compiled`` names (those whose head this
        build has: every one it used or wrote) unless the same file is there; returns
        [its name, its SHA-256] for the state."""
        known = self._heads()
        raw = encode_heads({key: known[key] for key in compiled if key in known})
        sha = hashlib.sha256(raw).hexdigest()
        name = f"heads-{sha[:32]}.json"
        _write_named(self.folder / name, raw)
        return [name, sha]

    def _published(self, site: Path, listed: Iterable[str]) -> bool:
        """Whether ``site`` is the site the last commit recorded as published (its marker
        file, by inode and time) with no file added since (``folders_stamp`` of the files it
        ``listed``): its files are then the cached copy's."""
        found = _marker(site)
        if found is None or found != self.state.get("published"):
            return False
        stamp = folders_stamp(site, listed)
        return stamp is not None and stamp == self.state.get("folders")

    def _docs_parts(self, docs: Mapping[str, Any]) -> dict[str, list[Any]]:
        """Write the search documents of each part (a course's pages, the other pages) that
        differ from the part ``plan`` checked (``docs.same``: the pages whose documents are
        the cached ones): the file the render wrote of a part whose pages it all rendered
        (``docs.parts``, ``learner_search.save_docs``: the same bytes) is moved here, not
        written again; returns part -> [file, SHA-256, each page's number of documents per
        scope]."""
        same: set[str] | frozenset[str] = getattr(docs, "same", frozenset())
        rendered: Mapping[str, tuple[Path, str, dict[str, list[int]]]] = \
            getattr(docs, "parts", {})
        parts: dict[str, list[Any]] = {}
        for part, srcs in sorted(group_parts(docs).items()):
            known = self.docs_parts.get(part)
            if known is not None and known[2].keys() == set(srcs) \
                    and all(src in same for src in srcs):
                parts[part] = [known[0], known[1], known[2]]
                continue
            found = rendered.get(part)
            if found is not None and found[2].keys() == set(srcs):
                path, sha, sizes = found
                _take_named(path, self.folder / path.name)
                parts[part] = [path.name, sha, sizes]
                continue
            raw, parts[part] = part_file({src: docs[src] for src in srcs})
            _write_named(self.folder / parts[part][0], raw)
        return parts


class SiteDocs(Mapping[str, Any]):
    """The search documents of a build that took pages from the cache: those of the pages it
    rendered (``fresh``), the others read from the cache part by part when asked. ``same``:
    the pages whose documents are the cached ones."""

    def __init__(self, reuse: Reuse, fresh: dict[str, Any],
                 parts: Mapping[str, tuple[Path, str, dict[str, list[int]]]]) -> None:
        self.reuse = reuse
        self.fresh = fresh
        self.parts = parts  # the files of the rendered documents (``_docs_parts``)
        # (the render processes worked out the sizes of the pages they rendered)
        self.fresh_sizes = {src: size for _file, _sha, sizes in parts.values()
                            for src, size in sizes.items()}
        self.keys_ = {src for src in reuse.skip_pages if src in reuse.sizes} | set(fresh)
        self.same = {src for src in self.keys_ if src in reuse.sizes and (
            src not in fresh or fresh[src] == reuse.cached(src))}

    def __getitem__(self, src: str) -> Any:
        if src in self.fresh:
            return self.fresh[src]
        if src not in self.keys_:
            raise KeyError(src)
        return self.reuse.cached(src)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)

    def scope_size(self, src: str, scope: str) -> int:
        """How many documents page ``src`` has in ``scope`` (without reading them)."""
        sizes = self.fresh_sizes[src] if src in self.fresh_sizes else self.reuse.sizes[src]
        return int(sizes[SCOPES.index(scope)])


def _silent(_message: str) -> None:
    """A note not printed (``BuildCache.muted``)."""


def _person_json(p: Person) -> list[str]:
    return [p.name, p.email]


def _person(data: Any) -> Person:
    """A ``Person`` as it was kept (its name already made public: not made again)."""
    person: Person = object.__new__(Person)
    person.__dict__.update(name=str(data[0]), email=str(data[1]))
    return person


def _change_json(c: Change) -> list[Any]:
    """A ``Change`` as JSON data for ``_change`` (dates as ISO text)."""
    return [c.sha, c.date.isoformat(), c.subject, _person_json(c.author),
            [_person_json(p) for p in c.coauthors], list(c.files),
            c.when.isoformat() if c.when is not None else None,
            c.author_date.isoformat() if c.author_date is not None else None,
            [_person_json(p) for p in c.reviewers], [list(x) for x in c.stats]]


def _change(data: Any) -> Change:
    """The ``Change`` ``_change_json`` kept (ValueError, TypeError, KeyError or IndexError when
    damaged)."""
    when, author_date = data[6], data[7]
    return Change(
        sha=str(data[0]), date=dt.date.fromisoformat(data[1]), subject=str(data[2]),
        author=_person(data[3]), coauthors=tuple(_person(p) for p in data[4]),
        files=tuple(str(f) for f in data[5]),
        when=dt.datetime.fromisoformat(when) if when is not None else None,
        author_date=dt.date.fromisoformat(author_date) if author_date is not None else None,
        reviewers=tuple(_person(p) for p in data[8]),
        stats=tuple((str(x[0]), x[1], x[2]) for x in data[9]))


def _write_named(path: Path, raw: bytes) -> None:
    """Write ``raw`` to ``path``, a file named by a hash of its content, unless it is there
    with as many bytes (the same bytes, checked when read). Written under another name, then
    renamed: a build interrupted while writing leaves no file of that name that a later build
    would keep (one cut short is written again). Not synced: a file lost with the power is
    found damaged when read, and built again."""
    if _there(path, len(raw)):
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(raw)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _there(path: Path, size: int) -> bool:
    """Whether the file ``path`` (named by a hash of its content) is there with ``size``
    bytes: the same bytes, checked when read."""
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False


def _take_named(source: Path, path: Path) -> None:
    """Move ``source``, a file named by a hash of its content, to ``path`` (of the same name)
    unless it is there with as many bytes (as ``_write_named``); written there on another
    file system. A rename: no build ever finds a file of that name cut short."""
    if _there(path, source.stat().st_size):
        return
    try:
        os.replace(source, path)
    except OSError:  # another file system
        _write_named(path, source.read_bytes())


def _marker(site: Path) -> list[int] | None:
    """The inode and modification time of ``site``'s marker file (None without one)."""
    try:
        st = os.lstat(site / publish.MARKER)
    except OSError:
        return None
    return [st.st_ino, st.st_mtime_ns]


def folders_stamp(site: Path, names: Iterable[str]) -> str | None:
    """A digest of the names at the top of ``site`` and of the modification time of every
    folder below it that holds one of ``names`` (its files, in their order: the state's
    listing, as ``commit`` wrote it): a file added to a published site by hand, anywhere,
    changes it (a folder's time changes with its entries), without a walk of the site: the
    site it replaced becomes the cache's copy only when it has just the files the state lists
    (``assemble`` removes by that listing). None when a folder is missing."""
    folders: dict[str, None] = {}
    for name in names:
        folder = name.rpartition("/")[0]
        while folder and folder not in folders:
            folders[folder] = None
            folder = folder.rpartition("/")[0]
    base = str(site) + os.sep
    try:
        return digest(repr(sorted(os.listdir(site))), "\n".join(
            f"{folder} {os.stat(base + folder).st_mtime_ns}" for folder in folders))
    except OSError:
        return None


def site_matches(out: Path, outputs: dict[str, list[int]]) -> bool:
    """Whether ``out`` holds exactly the files ``outputs`` names (path -> [size, mtime_ns]):
    the same paths, sizes and times, and nothing else."""
    seen = 0

    def walk(folder: str, rel: str) -> bool:
        nonlocal seen
        with os.scandir(folder) as entries:
            for entry in entries:
                key = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if not walk(entry.path, key + "/"):
                        return False
                    continue
                st = entry.stat(follow_symlinks=False)
                if outputs.get(key) != [st.st_size, st.st_mtime_ns]:
                    return False
                seen += 1
        return True

    try:
        return walk(str(out), "") and seen == len(outputs)
    except OSError:
        return False


def page_dest(src: str) -> str:
    """Where a page of docs/ is written (as the hooks place lessons, with directory URLs)."""
    parts = src.split("/")
    if len(parts) == 4 and parts[0] == "courses" and parts[2] == "lessons":
        return f"courses/{parts[1]}/{lesson_id(parts[3])}/index.html"
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def link_tree(src: Path, dest: Path) -> dict[str, list[int]]:
    """Hard-link every file under ``src`` into ``dest`` (created); returns each file's
    [size, mtime_ns] by its path relative to ``src`` (with /). Every folder is made first,
    then every file linked: at 1,000 courses (some 9,500 files in 8,000 folders, most of the
    time the file system's) about an eighth faster than folder by folder (issue 14)."""
    outputs: dict[str, list[int]] = {}
    folders: list[str] = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                key = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(key)
                    walk(entry.path, key + "/")
                else:
                    st = entry.stat(follow_symlinks=False)
                    outputs[key] = [st.st_size, st.st_mtime_ns]

    walk(str(src), "")
    dest.mkdir(parents=True)
    source, target = str(src) + os.sep, str(dest) + os.sep
    for key in folders:
        os.mkdir(target + key)
    for key in outputs:
        os.link(source + key, target + key, follow_symlinks=False)
    return outputs


def update_tree(src: Path, copy: Path, before: dict[str, Any]) -> dict[str, list[int]]:
    """Make ``copy`` (an earlier ``link_tree`` of a site) hard links to every file under
    ``src`` again, touching only what changed: a file that is already the same inode stays, a
    new one replaces the old name (a new link, renamed over it: nothing is written into a file
    the published site shares), and the names of ``before`` (the copy's outputs) that ``src``
    no longer has are removed. Returns what ``link_tree`` returns."""
    outputs: dict[str, list[int]] = {}
    folders = {os.path.dirname(key) for key in before}  # there already

    def walk(folder: str, rel: str) -> None:
        target = os.path.join(copy, rel)
        with os.scandir(folder) as entries:
            for entry in entries:
                key = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if key not in folders:
                        os.makedirs(os.path.join(copy, key), exist_ok=True)
                    walk(entry.path, key + "/")
                    continue
                st = entry.stat(follow_symlinks=False)
                outputs[key] = [st.st_size, st.st_mtime_ns]
                dest = os.path.join(target, entry.name)
                try:
                    if os.lstat(dest).st_ino == st.st_ino:
                        continue
                except FileNotFoundError:
                    pass
                _link_over(entry.path, dest)

    walk(str(src), "")
    _remove_names(copy, set(before) - set(outputs))
    return outputs


def _link_over(source: str, dest: str) -> None:
    """Make ``dest`` a link of ``source``: a new link renamed over the old name (nothing is
    written into the file the name had)."""
    temporary = os.path.join(os.path.dirname(dest), ".new-" + os.path.basename(dest))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    os.link(source, temporary, follow_symlinks=False)
    os.replace(temporary, dest)


def _remove_names(copy: Path, names: set[str]) -> None:
    """Remove the files ``names`` from ``copy``, and the folders they leave empty."""
    for key in sorted(names, reverse=True):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(copy, key))
        parent = os.path.dirname(key)
        while parent:  # folders left empty
            try:
                os.rmdir(os.path.join(copy, parent))
            except OSError:
                break
            parent = os.path.dirname(parent)


def files_under(folder: Path) -> set[str]:
    """Every file under ``folder``, by its path relative to it (with /)."""
    found: set[str] = set()
    base = len(str(folder)) + 1
    for path, _, filenames in os.walk(folder):
        rel = path[base:].replace(os.sep, "/")
        found.update(f"{rel}/{name}" if rel else name for name in filenames)
    return found


def assemble(stage: Path, reuse: Reuse, keep: set[str]) -> bool:
    """Make ``stage`` (what a render wrote) the whole site: the files ``keep`` names come from
    the cached site. The cached site's folder itself becomes the site (a rename: no link per
    file), what it holds but ``keep`` is removed (by the state's listing of it,
    ``Reuse.listed``: the copy holds nothing else, ``BuildCache.commit``), and the rendered
    files are renamed over it: nothing is written into a file it shares with the published
    site. Returns True then: the cache has no site copy until ``BuildCache.commit`` makes the
    replaced site its copy. Where the folder cannot be moved (another file system), the kept
    files are linked into ``stage`` instead (False)."""
    fresh = stage.with_name(stage.name + "-fresh")
    try:
        os.rename(stage, fresh)
        try:
            os.rename(reuse.site, stage)
        except OSError:
            os.rename(fresh, stage)
            raise
    except OSError:
        _link_kept(stage, reuse.site, keep)
        return False
    _remove_names(stage, {name for name in reuse.listed if name not in keep})
    base = len(str(fresh)) + 1
    for path, _, filenames in os.walk(fresh):
        rel = path[base:]
        target = os.path.join(stage, rel) if rel else str(stage)
        os.makedirs(target, exist_ok=True)
        for name in filenames:
            os.replace(os.path.join(path, name), os.path.join(target, name))
    shutil.rmtree(fresh, ignore_errors=True)
    return True


def _link_kept(site_dir: Path, cached: Path, keep: set[str]) -> None:
    """Link (or copy) the files ``keep`` names from the ``cached`` site into ``site_dir``."""
    made: set[str] = {""}
    site, source = str(site_dir) + os.sep, str(cached) + os.sep
    for dest in keep:
        folder = os.path.dirname(dest)
        if folder not in made:
            os.makedirs(site + folder, exist_ok=True)
            made.add(folder)
        try:
            os.link(source + dest, site + dest)
        except OSError:
            shutil.copy2(source + dest, site + dest)


def refresh_copy(out: Path, copy: Path, before: dict[str, Any], keep: set[str],
                 changed: set[str]) -> dict[str, list[int]]:
    """Make ``copy`` (the site ``out`` replaced, which shares every file ``keep`` names with
    ``out``) a copy of ``out`` again: the ``changed`` files of ``out`` linked into it (a new
    link renamed over the old name), the names of ``before`` that ``out`` no longer has
    removed. Returns what ``link_tree`` returns."""
    outputs: dict[str, list[int]] = {key: before[key] for key in keep}
    for key in changed:
        source = os.path.join(out, key)
        st = os.lstat(source)
        outputs[key] = [st.st_size, st.st_mtime_ns]
        dest = os.path.join(copy, key)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        _link_over(source, dest)
    _remove_names(copy, set(before) - set(outputs))
    return outputs


def _lock(fd: int) -> None:
    """Hold the slot for this build (OSError when another build holds it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: builds of one slot are not serialized
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def variant(drafts: bool, course: str | None) -> str:
    return digest(f"drafts={drafts}", f"course={course or ''}")[:16]


@contextlib.contextmanager
def open_cache(root: Path, drafts: bool, course: str | None,
               note: Note) -> Iterator[BuildCache | None]:
    """The cache slot for this kind of build, locked for the build (None when it cannot be
    used: another build holds it, or the folder cannot be written)."""
    folder = root / CACHE_DIR / variant(drafts, course)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / "lock", "a+b")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        note(f"note: the build cache cannot be used ({exc.strerror or exc}); building "
             "without it.")
        yield None
        return
    try:
        try:
            _lock(lock.fileno())
        except OSError:
            note("note: another lmsctl build is using the build cache; building without it.")
            yield None
            return
        cache = BuildCache(folder, note)
        with contextlib.suppress(OSError):
            if any(cache.trash.iterdir()):  # a deletion that was stopped: start it again
                publish.empty_in_background(cache.trash)
        cache.load()
        yield cache
    finally:
        lock.close()


def report_json(report: Report) -> dict[str, Any] | None:
    """``report`` as JSON data that ``report_from`` reads back to the same report (None when
    a finding's data would not come back the same)."""
    data = {"files": report.files_checked, "keep_order": report.keep_order,
            "diagnostics": [d.to_dict() for d in report.diagnostics]}
    try:
        back = report_from(json.loads(json.dumps(data)))
    except (TypeError, ValueError, KeyError):
        return None
    if [d.to_dict() for d in back.diagnostics] != data["diagnostics"]:
        return None
    return data


def report_from(data: Any) -> Report:
    """The report ``report_json`` wrote (ValueError, KeyError or TypeError when damaged)."""
    found: list[Diagnostic] = []
    for d in data["diagnostics"]:
        fix = d.get("fix")
        found.append(Diagnostic(
            str(d["rule"]), Severity(d["severity"]), str(d["path"]), int(d["line"]),
            int(d["column"]), str(d["message"]), str(d["hint"]), data=d.get("data"),
            fix=Fix(str(fix["title"]), tuple(TextEdit(int(e["line"]), int(e["column"]),
                                                     int(e["end_line"]), int(e["end_column"]),
                                                     str(e["new_text"]))
                                            for e in fix["edits"])) if fix else None))
    report = Report(files_checked=int(data["files"]), command="build",
                    keep_order=bool(data["keep_order"]))
    report.extend(found)
    return report
