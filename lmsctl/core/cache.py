"""The cache of a course repository: ``.lmsctl/cache/`` (git-ignored), one file per namespace.

    store = Namespace.open(root, "lessons")
    key = store.key(rel, text, settings_hash)      # lmsctl version + every part given
    found = store.get(key)                         # None: a miss
    ...
    store.put(key, value)
    store.save()                                   # only after the run succeeded

An entry's key is a hash of the lmsctl version (the package version plus a fingerprint of its
source files, so an edited checkout never reuses results of older code), the namespace and the
parts the caller gives: content hashes and the settings the value depends on. A namespace is one
file: a header line (format, lmsctl version, SHA-256 and size of the payload) and the payload
(a pickle of ``{key: value}``). Reading it checks the header and the checksum, then unpickles
with an allow-list of lmsctl's own model classes (nothing else can be constructed or called, so
a planted file cannot run code); any problem is a miss for every entry, one ``note:`` line on
stderr, and the file is rewritten by the next ``save``. Files are written atomically
(``write_atomic``), so two processes (``serve`` and ``lint``) never see half a file; the last
writer wins, and the other's new entries are recomputed next time. They are not flushed to disk
(the checksum finds a file the power cut short: it is a miss, and written again).

``save`` is for the end of a run that succeeded: a run that fails internally never calls it,
so its results are never reused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import gc
import hashlib
import io
import json
import os
import pickle
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from lmsctl import __version__
from lmsctl.core.errors import OutsideRepository
from lmsctl.core.files import write_atomic

#: Folder of the cache, relative to the repository root.
CACHE_DIR = ".lmsctl/cache"
#: Version of the file layout (the header and the payload's shape).
FORMAT = 1
MAGIC = b"lmsctl-cache\n"

#: Modules whose dataclasses and enums may appear in a cache file.
ALLOWED_MODULES = ("lmsctl.core.model", "lmsctl.core.document", "lmsctl.core.yamlstrict",
                   "lmsctl.core.diagnostics")

Note = Callable[[str], None]


def stderr_note(message: str) -> None:
    """Say ``message`` on stderr as one ``note:`` line."""
    try:
        sys.stderr.write(f"note: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def cache_dir(root: Path) -> Path:
    """The cache folder of the repository at ``root``."""
    return root / CACHE_DIR


@cache
def code_files_hash() -> str:
    """A hash of every file of the lmsctl package by name and content (not modification time:
    a fresh install or checkout of the same code, as in CI, keeps its caches)."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "node_modules")
                         and not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as f:
                    content = hashlib.sha256(f.read()).digest()
            except OSError:
                continue
            rel = os.path.relpath(path, package).replace(os.sep, "/")
            h.update(rel.encode("utf-8", "surrogatepass") + b"\0" + content)
    return h.hexdigest()[:16]


#: The lmsctl version written into keys and headers (tests monkeypatch it).
LMSCTL_VERSION = __version__


def code_version() -> str:
    """The version of lmsctl that results depend on: the release and its files' fingerprint."""
    return f"{LMSCTL_VERSION}+{code_files_hash()}"


def digest(*parts: str | bytes) -> str:
    """A SHA-256 of ``parts``, each length-prefixed (no two lists of parts collide)."""
    chunks: list[bytes] = []
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        chunks += (len(raw).to_bytes(8, "big"), raw)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


def settings_hash(value: Any) -> str:
    """A hash of settings given as JSON-like data (dicts, lists, numbers, strings)."""
    return digest(json.dumps(value, sort_keys=True, default=repr))


@cache
def _allowed(module: str, name: str) -> Any:
    if module not in ALLOWED_MODULES:
        return None
    found = getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name, None)
    if isinstance(found, type) and found.__module__ == module and (
            dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
        return found
    return None


class _Unpickler(pickle.Unpickler):
    """Unpickles only lmsctl's model classes (dataclasses and enums); refuses any other class
    or function, so a cache file cannot make lmsctl call anything."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, _relazied.__name__):
            return _relazied
        return _allowed_or_refused(module, name)


def _allowed_or_refused(module: str, name: str) -> Any:
    """The allowed class ``module.name``; any other refuses the whole cache file."""
    found = _allowed(module, name)
    if found is None:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file")
    return found


def unpickle(data: bytes, start: int = 0) -> Any:
    """``data`` (from ``start``: no copy of the rest is made) unpickled with the allow-list (the
    garbage collector paused: it would otherwise walk the new objects many times over while
    they are created)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        source = io.BytesIO(data)
        source.seek(start)
        return _Unpickler(source).load()
    finally:
        if enabled:
            gc.enable()


def pickled(value: Any) -> bytes:
    """``value`` as bytes for ``unpickle`` (and for ``lazy``)."""
    return pickle.dumps(value, protocol=5)


T = TypeVar("T")
_MISSING = object()


#: Where a ``lazy`` instance keeps its unread fields (``pickled``) until one is used.
_LATER = "_lmsctl_later"


#: Where the class of a ``lazy`` instance names its ``derived`` fields.
_DERIVED = "_lmsctl_derived"
#: Fields of a ``lazy`` instance worked out from its others whenever used: (name, function of
#: the instance) pairs.
Derived = tuple[tuple[str, Callable[[Any], Any]], ...]


def lazy(cls: type[T], eager: dict[str, Any], later: bytes, derived: Derived = ()) -> T:
    """An instance of the dataclass ``cls`` with the fields in ``eager`` set now and the others
    read from ``later`` (``pickled`` ``{field: value}``) when one of them is first used: most
    runs never look at most of a cached reading. The fields in ``derived`` are worked out from
    the others each time they are used and never kept (a lesson's body, a part of its text:
    the text is held once, not twice). It behaves as a ``cls`` (``isinstance``,
    ``dataclasses.replace``, equality) and pickles as one (as a lazy one while no field was
    read: ``_reduce_to_base``)."""
    later_names = _later_names(cls, (*eager, *(name for name, _ in derived)))  # type: ignore[arg-type]
    obj: T = object.__new__(_lazy_class(cls, later_names, derived))  # type: ignore[arg-type]
    obj.__dict__.update(eager)
    obj.__dict__[_LATER] = later
    return obj


def unlazied(obj: T) -> T:
    """``obj`` with every field at hand, its unread fields (if ``lazy`` made it) unpickled
    for the copy returned only: reading all of a lazy instance once (to keep it elsewhere)
    does not leave it holding all its fields for the rest of the run. Any other object is
    returned as it is."""
    state = obj.__dict__
    later = state.get(_LATER)
    if later is None:
        return obj
    copy: T = object.__new__(type(obj).__mro__[1])  # the dataclass ``_lazy_class`` derives
    copy.__dict__.update(state)
    del copy.__dict__[_LATER]
    copy.__dict__.update(unpickle(later))
    copy.__dict__.update({name: getattr(obj, name) for name, _ in getattr(type(obj), _DERIVED)})
    return copy


def _lazy_field(name: str) -> property:
    def get(self: Any) -> Any:
        state = self.__dict__
        value = state.get(name, _MISSING)
        if value is _MISSING:  # (two threads may both unpickle: the same values either way)
            later = state.get(_LATER)
            if later is not None:
                state.update(unpickle(later))
                state.pop(_LATER, None)
            value = state[name]
        return value

    return property(get, _setter(name))


def _derived_field(name: str, work: Callable[[Any], Any]) -> property:
    def get(self: Any) -> Any:
        value = self.__dict__.get(name, _MISSING)
        return work(self) if value is _MISSING else value

    return property(get, _setter(name))


def _setter(name: str) -> Callable[[Any, Any], None]:
    """The setter of a ``lazy`` instance's field (``dataclasses.replace`` builds a new one)."""
    def put(self: Any, value: Any) -> None:
        self.__dict__[name] = value

    return put


def _reduce_to_base(self: Any, protocol: Any = None) -> Any:
    """Pickle (and copy) as the plain dataclass, built by its own constructor; or, while its
    unread fields are still bytes (and none is ``derived``), as a lazy one again with those
    bytes (``_relazied``): keeping a cached reading elsewhere (a course's facts) does not
    unpickle and pickle again what nobody read."""
    base = type(self).__mro__[1]
    state = self.__dict__
    later = state.get(_LATER)
    if later is not None and not getattr(type(self), _DERIVED):
        return (_relazied, (base.__module__, base.__qualname__,
                            {k: v for k, v in state.items() if k != _LATER}, later))
    return (base, tuple(getattr(self, f.name) for f in dataclasses.fields(base) if f.init))


def _relazied(module: str, name: str, eager: dict[str, Any], later: bytes) -> Any:
    """A ``lazy`` instance of the allowed class ``module.name`` (``_reduce_to_base``)."""
    cls = _allowed_or_refused(module, name)
    if not (isinstance(eager, dict) and all(isinstance(k, str) for k in eager)
            and isinstance(later, bytes)):
        raise pickle.UnpicklingError(f"a lazy {name} of the wrong shape")
    return lazy(cls, eager, later)


def _equal_as_base(self: Any, other: Any) -> Any:
    base = type(self).__mro__[1]
    if not isinstance(other, base):
        return NotImplemented
    return all(getattr(self, f.name) == getattr(other, f.name)
               for f in dataclasses.fields(base) if f.compare)


@cache
def _later_names(cls: type[Any], eager: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls) if f.name not in eager)


@cache
def _lazy_class(cls: type[Any], names: frozenset[str], derived: Derived = ()) -> type[Any]:
    """``cls`` with the fields ``names`` read when first used and those of ``derived`` worked
    out when used (the others are plain attributes: no property slows them down)."""
    space: dict[str, Any] = {name: _lazy_field(name) for name in names}
    space.update({name: _derived_field(name, work) for name, work in derived})
    space[_DERIVED] = derived
    space["__reduce_ex__"] = _reduce_to_base
    space["__eq__"] = _equal_as_base
    space["__hash__"] = cls.__hash__
    space["__module__"] = cls.__module__
    space["__qualname__"] = cls.__qualname__
    return type(cls.__name__, (cls,), space)


class CacheUnreadable(Exception):
    """A cache file that is not one this lmsctl wrote and can use."""


def _header(checksum: str, size: int) -> bytes:
    """A namespace file's header after ``MAGIC`` (without its newline)."""
    return json.dumps({"format": FORMAT, "lmsctl": code_version(), "sha256": checksum,
                       "size": size}, sort_keys=True).encode()


def encode(entries: dict[str, Any]) -> bytes:
    """The bytes of a namespace file holding ``entries``: the payload is pickled straight into
    the file's buffer after room left for the header (as long as it can be: a SHA-256 and a
    64-bit size), which is written once the payload's checksum is known, padded with spaces
    (which JSON ignores). The file is never held twice (the payload, then header + payload:
    47 MB more at the end of a cold build at 1,000 courses, in the process its render forks)."""
    start = len(MAGIC) + len(_header("0" * 64, 2**64)) + 1
    buffer = io.BytesIO()
    buffer.seek(start)
    pickle.Pickler(buffer, protocol=5).dump(entries)
    with buffer.getbuffer() as view:
        checksum = hashlib.sha256(view[start:]).hexdigest()
    header = _header(checksum, buffer.tell() - start)
    buffer.seek(0)
    buffer.write(MAGIC + header.ljust(start - len(MAGIC) - 1) + b"\n")
    return buffer.getvalue()


def decode(raw: bytes) -> dict[str, Any]:
    """The entries of a namespace file, or ``CacheUnreadable`` saying why not."""
    if not raw.startswith(MAGIC):
        raise CacheUnreadable("it is not an lmsctl cache file")
    end = raw.find(b"\n", len(MAGIC))
    if end < 0:
        raise CacheUnreadable("it is truncated")
    try:
        header = json.loads(raw[len(MAGIC):end])
    except ValueError as exc:
        raise CacheUnreadable("its header is damaged") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CacheUnreadable("it has another format")
    if header.get("lmsctl") != code_version():
        raise CacheUnreadable(f"it was written by another lmsctl ({header.get('lmsctl')})")
    start = end + 1
    with memoryview(raw) as view:
        if len(raw) - start != header.get("size") or \
                hashlib.sha256(view[start:]).hexdigest() != header.get("sha256"):
            raise CacheUnreadable("it is truncated or damaged (checksum mismatch)")
    try:
        entries = unpickle(raw, start)
    except Exception as exc:  # any unpickling problem is a miss, never a crash
        raise CacheUnreadable(f"its content cannot be read ({type(exc).__name__})") from exc
    if not isinstance(entries, dict) or not all(isinstance(k, str) for k in entries):
        raise CacheUnreadable("its content has the wrong shape")
    return entries


#: The most entries a namespace's file of recent entries holds (``Namespace.open``).
RECENT = 64
#: A file's stamps: (inode, size, modification and change time in ns); every rewrite
#: (``write_atomic``) gives it a new inode.
Stamps = tuple[int, int, int, int]
#: In a ``lmsctl resident``: namespace files it read ahead, by path: their stamps then and their
#: entries (``read_ahead``).
_READ_AHEAD: dict[Path, tuple[Stamps, dict[str, Any]]] = {}


def _stamps(st: os.stat_result) -> Stamps:
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def read_ahead(root: Path, name: str) -> None:
    """For a long-running process whose forks run checks (``lmsctl resident``): read the
    namespace ``name`` of ``root`` now, unless the file read before is still there; a fork's
    ``Namespace.open`` then takes its entries while the file has the same stamps (the same
    file: no read, no unpickling). A file that cannot be used is not kept (a fork reads it
    and says why)."""
    path = cache_dir(root) / f"{name}.bin"
    try:
        with open(path, "rb") as f:
            stamps = _stamps(os.fstat(f.fileno()))
            found = _READ_AHEAD.get(path)
            if found is not None and found[0] == stamps:
                return
            _READ_AHEAD.pop(path, None)
            raw = f.read()
            if _stamps(os.fstat(f.fileno())) != stamps:
                return  # written to while read (not by lmsctl, which writes a new file)
        _READ_AHEAD[path] = (stamps, decode(raw))
    except (OSError, CacheUnreadable):
        _READ_AHEAD.pop(path, None)


class Namespace:
    """The entries of one namespace of a repository's cache (see the module's docstring)."""

    def __init__(self, root: Path, name: str, entries: dict[str, Any],
                 note: Note = stderr_note) -> None:
        self.root = root
        self.name = name
        self.path = cache_dir(root) / f"{name}.bin"
        self.note = note
        self._old = entries
        self._used: dict[str, Any] = {}
        self._changed = False
        #: with ``recent``: the entries of the namespace's file of recent entries, and those
        #: put in this run (None: no such file is kept)
        self._recent: dict[str, Any] | None = None
        self._new: dict[str, Any] = {}
        #: a file that could not be used: it is written again, whole
        self._damaged = False

    @classmethod
    def open(cls, root: Path, name: str, note: Note = stderr_note,
             recent: bool = False) -> Namespace:
        """The namespace ``name`` of the cache of ``root``, as stored (empty when there is no
        cache yet, or with a note when it cannot be used).

        ``recent``: a run that adds a few entries to a namespace that saw ``everything``
        before writes them to a second, small file (``<name>-recent.bin``), not the whole
        namespace again, until there are ``RECENT`` of them (a run on one edited lesson at
        1,000 courses rewrites 15 MB of courses' facts otherwise)."""
        store = cls(root, name, {}, note)
        found = store._read(store.path, ahead=True)
        if found is not None:
            store._old = found
        if recent and not store._damaged:  # (a namespace file to rebuild: written whole)
            store._recent = store._read(store._recent_path()) or {}
            if store._recent:
                store._old = {**store._old, **store._recent}
        return store

    def _recent_path(self) -> Path:
        return self.path.with_name(f"{self.name}-recent.bin")

    def _read(self, path: Path, ahead: bool = False) -> dict[str, Any] | None:
        """The entries of the file ``path`` (None: none, or it cannot be used: a note says
        why, and it is written again)."""
        found = _READ_AHEAD.get(path) if ahead else None
        if found is not None:
            try:
                if _stamps(os.stat(path)) == found[0]:
                    return found[1]
            except OSError:
                pass
        label = f"{CACHE_DIR}/{path.name}"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.note(f"cannot read the cache {label} ({exc.strerror}); checking without it")
            return None
        try:
            return decode(raw)
        except CacheUnreadable as exc:
            self.note(f"the cache {label} is not used: {exc}; it is rebuilt")
            self._changed = self._damaged = True
            return None

    def key(self, *parts: str | bytes) -> str:
        """The key of an entry: the lmsctl version, this namespace and ``parts``."""
        return digest(code_version(), self.name, *parts)

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None (a miss)."""
        found = self._used.get(key)
        if found is None:
            found = self._old.get(key)
            if found is not None:
                self._used[key] = found
        return found

    def put(self, key: str, value: Any) -> None:
        self._used[key] = value
        self._new[key] = value
        self._changed = True

    def empty(self) -> bool:
        """True when it held no entry before this run's (a cache filled from nothing: no
        use looking anything up)."""
        return not self._old

    def save(self, prune: bool = True, keep: int | None = None) -> None:
        """Write the entries used or added in this run (with ``prune=False`` also the older
        ones not used, for a run that looked at part of the repository; with ``keep`` only
        that many, those of this run last and kept first). Nothing is written when nothing
        changed. Call only when the run succeeded."""
        # with a file of recent entries, next to a namespace file that is fine: a few entries
        # added go there, and a few no longer used stay (until there are more)
        if self._recent is not None and not self._damaged \
                and len(self._old) > len(self._recent) \
                and len(self._recent) + len(self._new) <= RECENT \
                and (not prune or len(self._old) - (len(self._used) - len(self._new)) <= RECENT):
            recent = {**self._recent, **self._new}
            if self._new and self._write(self._recent_path(), recent):
                self._recent, self._new, self._changed = recent, {}, False
                self._old = {**self._old, **recent}
            return
        if prune and len(self._used) != len(self._old):
            self._changed = True
        if not self._changed:
            return
        entries = self._used if prune else {
            **{k: v for k, v in self._old.items() if k not in self._used}, **self._used}
        if keep is not None and len(entries) > keep:
            entries = dict(list(entries.items())[-keep:])
        if not self._write(self.path, entries):
            return
        if self._recent is not None:  # (all in the namespace's file now)
            with contextlib.suppress(OSError):
                self._recent_path().unlink()
            self._recent = {}
        self._old, self._new, self._changed, self._damaged = entries, {}, False, False

    def _write(self, path: Path, entries: dict[str, Any]) -> bool:
        try:
            write_atomic(path, encode(entries), root=self.root, durable=False)
        except (OSError, OutsideRepository, pickle.PicklingError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            self.note(f"cannot write the cache {CACHE_DIR}/{path.name} ({why}); the "
                      "next run checks without it")
            return False
        return True


class Disabled(Namespace):
    """A namespace that never hits and never writes (``--no-cache``)."""

    def __init__(self, root: Path, name: str) -> None:
        super().__init__(root, name, {})

    def get(self, key: str) -> Any | None:
        return None

    def put(self, key: str, value: Any) -> None:
        return None

    def save(self, prune: bool = True, keep: int | None = None) -> None:
        return None


class Deferred(Namespace):
    """A namespace read from its file when first used (a run that may need none of it)."""

    def __init__(self, root: Path, name: str, note: Note = stderr_note) -> None:
        super().__init__(root, name, {}, note)
        self._opened: Namespace | None = None

    def _open(self) -> Namespace:
        if self._opened is None:
            self._opened = Namespace.open(self.root, self.name, self.note)
        return self._opened

    def get(self, key: str) -> Any | None:
        return self._open().get(key)

    def put(self, key: str, value: Any) -> None:
        self._open().put(key, value)

    def empty(self) -> bool:
        return self._open().empty()

    def save(self, prune: bool = True, keep: int | None = None) -> None:
        if self._opened is not None:
            self._opened.save(prune, keep)


def open_namespace(root: Path, name: str, enabled: bool = True,
                   note: Note = stderr_note, deferred: bool = False) -> Namespace:
    """``Namespace.open`` (with ``deferred``: when first used), or a ``Disabled`` one when the
    cache is off."""
    if not enabled:
        return Disabled(root, name)
    return Deferred(root, name, note) if deferred else Namespace.open(root, name, note)
