"""What a check run of a repository reads, as a fingerprint taken from the file system alone.

    before = snapshot(root)          # None: cannot be trusted (a symlink, an unreadable folder)
    ... run the checks ...
    if before is not None and before.settled and snapshot(root) == before:
        remember(before.fingerprint, result)

A snapshot is the ``lstat`` of every file and folder a check run may read (``lmsctl.yml``,
``CONTRIBUTING.md``, ``.gitattributes``, everything under ``courses/`` and ``paths/``): type,
size, modification and change time in nanoseconds, inode. No file is opened, so taking one at
1,000 courses costs a few hundredths of a second. Like git's index, a time stamp only proves a
file unchanged if the file was last written clearly before the snapshot: a write in the same
tick of the file system's clock would keep it. A snapshot in which some file was modified less
than ``RACY_SECONDS`` before it is therefore not ``settled``, and nothing may be remembered under
it (the next run does the work again, by then the files are older). A later write always gives a
newer modification time, and setting that time back gives a new change time (which cannot be
set back at all), so a settled snapshot that equals the current one means the same inputs.

A symlink anywhere in the inputs makes the snapshot ``None``: the file it leads to may lie
outside what is looked at here.

The same snapshot, of the whole repository (``only=None``, ``skip`` leaving out what a build
writes), is the stamp of a build (``lmsctl.targets.site.build_inputs``); the build hands it to
its checks with ``taken_before``.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

#: Single files of the repository root that checks read.
ROOT_FILES = ("lmsctl.yml", "CONTRIBUTING.md", ".gitattributes")
#: Folders of the repository root whose whole content checks read.
ROOT_TREES = ("courses", "paths")
#: What the checks read: ``snapshot``'s default ``only``.
CHECKED = (*ROOT_FILES, *ROOT_TREES)
#: How much younger than the snapshot a file must be to be trusted by its time stamps (file
#: systems with a coarse clock, FAT's two seconds, a clock that lags a little).
RACY_SECONDS = 3.0

Entry = tuple[int, int, int, int, int]
_FOLDER: Entry = (stat.S_IFDIR, 0, 0, 0, 0)


@dataclass(frozen=True)
class Snapshot:
    """The inputs of a check run at one moment (see the module's docstring)."""

    #: repository-relative POSIX path -> (mode, size, mtime ns, ctime ns, inode)
    entries: dict[str, Entry] = field(compare=True)
    #: every file was last written at least ``RACY_SECONDS`` before the snapshot
    settled: bool = field(compare=False, default=True)
    #: when the snapshot was taken (``time.time_ns()``)
    taken_ns: int = field(compare=False, default=0)

    @classmethod
    def known(cls, entries: dict[str, Entry], settled: bool, taken_ns: int,
              stamps: dict[str, dict[str, tuple[str, int]]],
              sizes: dict[str, dict[str, int]]) -> Snapshot:
        """A snapshot whose folders' ``stamps`` and ``size`` are known already, by tree (those
        of a watcher, ``lmsctl.core.watch``, kept current by events); its ``groups`` are
        worked out when asked for."""
        found = cls(entries, settled, taken_ns)
        found.__dict__.update(_stamps=stamps, _sizes=sizes)  # (caches, not fields)
        return found

    @property
    def fingerprint(self) -> str:
        """A hash of every entry: equal fingerprints, equal snapshots."""
        return _hash(sorted(self.entries.items()))

    def folders(self, tree: str = "courses") -> dict[str, tuple[str, bool]]:
        """For each folder of ``tree`` (each course): a hash of its entries and whether all its
        files are settled (see ``settled``)."""
        young = self.taken_ns - int(RACY_SECONDS * 1e9)
        return {name: (digest, newest < young)
                for name, (digest, newest) in self.stamps(tree).items()}

    def stamps(self, tree: str = "courses") -> dict[str, tuple[str, int]]:
        """For each folder of ``tree``: a hash of its entries and its files' newest
        modification time (worked out once per snapshot and tree)."""
        found = self.__dict__.setdefault("_stamps", {})  # (a cache, not a field)
        if tree not in found:
            found[tree] = {name: group_stamps(items)
                           for name, items in self.groups(tree).items()}
        return found[tree]  # type: ignore[no-any-return]

    def size(self, tree: str, name: str) -> int:
        """How many entries folder ``name`` of ``tree`` holds, its own included (0: none)."""
        sizes = self.__dict__.get("_sizes")
        if sizes is not None:
            return sizes[tree].get(name, 0)  # type: ignore[no-any-return]
        return len(self.groups(tree).get(name, ()))

    def groups(self, tree: str = "courses") -> dict[str, list[tuple[str, Entry]]]:
        """The entries of each folder of ``tree`` (each course), the folder's own included,
        by folder name (worked out once per snapshot and tree)."""
        found = self.__dict__.setdefault("_groups", {})  # (a cache, not a field)
        if tree not in found:
            groups: dict[str, list[tuple[str, Entry]]] = {}
            prefix = tree + "/"
            for rel, e in self.entries.items():
                if rel.startswith(prefix):
                    groups.setdefault(rel[len(prefix):].partition("/")[0], []).append((rel, e))
            found[tree] = groups
        return found[tree]  # type: ignore[no-any-return]


def group_stamps(items: list[tuple[str, Entry]]) -> tuple[str, int]:
    """What ``Snapshot.stamps`` gives for a folder of these entries."""
    return _hash(sorted(items)), max(e[2] for _, e in items)


def _hash(items: list[tuple[str, Entry]]) -> str:
    """A hash of sorted (path, entry) pairs, serialized by ``marshal`` version 2: the same bytes
    for the same strings and numbers in any process of this Python (before version 3 marshal
    writes no back-references, which would depend on which objects happen to be shared), and
    several times faster than their ``repr``."""
    return hashlib.sha256(marshal.dumps(items, 2)).hexdigest()


def _entry(st: os.stat_result) -> Entry:
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class Untrusted(Exception):
    """A file at the root that makes a snapshot None: a symlink, or one that cannot be read."""


def root_stat(base: str, name: str) -> os.stat_result | None:
    """The ``lstat`` of ``name`` at the root ``base``: None when there is none."""
    try:
        st = os.lstat(os.path.join(base, name))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Untrusted(name) from exc
    if stat.S_ISLNK(st.st_mode):
        raise Untrusted(name)
    return st


def look_at_root(base: str, only: tuple[str, ...] | None,
                 skip: Callable[[str], bool] | None
                 ) -> tuple[dict[str, os.stat_result], dict[str, os.stat_result], bool] | None:
    """What a snapshot takes of the names at the root ``base`` (``only`` and ``skip``: as for
    ``snapshot``): the folders whose whole content it walks and the other names (files; every
    folder when ``only`` is given but ``ROOT_TREES``), each with its ``lstat``, and whether all
    could be told apart by time stamps (no symlink, none that could not be read). None: the
    root could not be listed. The one rule of ``snapshot`` and of a watcher
    (``lmsctl.core.watch``), which must give the same."""
    if only is None:
        try:
            with os.scandir(base) as it:
                names: tuple[str, ...] = tuple(sorted(item.name for item in it))
        except OSError:
            return None
    else:
        names = only
    trees: dict[str, os.stat_result] = {}
    others: dict[str, os.stat_result] = {}
    trusted = True
    for name in names:
        try:
            st = root_stat(base, name)
        except Untrusted:
            trusted = False
            continue
        if st is None:
            continue
        if stat.S_ISDIR(st.st_mode) and (only is None or name in ROOT_TREES):
            if skip is None or not skip(name):
                trees[name] = st
            continue
        others[name] = st
    return trees, others, trusted


def snapshot(root: Path, only: tuple[str, ...] | None = CHECKED,
             skip: Callable[[str], bool] | None = None) -> Snapshot | None:
    """The inputs of a run on the repository at ``root`` now, or None when they cannot be
    told apart by time stamps (a symlink, a folder that cannot be listed).

    ``only``: the names at the repository's root that are looked at (files, and folders whose
    whole content is), by default what the checks read (``CHECKED``); None: everything at the
    root. ``skip``: given a folder's repository-relative POSIX path, whether to leave it out
    (a build leaves out ``.git/``, lmsctl's cache, its output and temporary folders)."""
    start = time.time_ns()
    young = start - int(RACY_SECONDS * 1e9)
    entries: dict[str, Entry] = {}
    base = os.fspath(root)
    settled = True
    stack: list[tuple[str, str]] = []
    at_root = look_at_root(base, only, skip)
    if at_root is None or not at_root[2]:
        return None
    trees, others, _ = at_root
    for name in trees:
        entries[name] = _FOLDER
        stack.append((name, os.path.join(base, name)))
    for name, st in others.items():
        entries[name] = _entry(st)
        settled = settled and st.st_mtime_ns < young
    islnk = stat.S_ISLNK
    while stack:
        rel, full = stack.pop()
        try:
            with os.scandir(full) as it:
                found = list(it)
        except OSError:
            return None
        for item in found:
            # (the type comes with the listing: no system call for a folder)
            if item.is_dir(follow_symlinks=False):
                sub = f"{rel}/{item.name}"
                if skip is not None and skip(sub):
                    continue
                # a folder counts by its entries (which are all listed), not its time stamps
                entries[sub] = _FOLDER
                stack.append((sub, item.path))
                continue
            try:
                st = item.stat(follow_symlinks=False)
            except OSError:
                return None
            if islnk(st.st_mode):  # a symlink (to a file or a folder), listed or made since
                return None
            entries[f"{rel}/{item.name}"] = (st.st_mode, st.st_size, st.st_mtime_ns,
                                             st.st_ctime_ns, st.st_ino)
            if st.st_mtime_ns >= young:
                settled = False
    return Snapshot(entries, settled, start)


#: In a ``lmsctl resident``'s fork: the snapshots its watchers (``lmsctl.core.watch``) took of
#: their repositories just before the run, by root, and what to call with the root of a
#: repository it does not watch yet (see ``current``).
_WATCHED: tuple[dict[Path, Snapshot | None], Callable[[Path], None]] | None = None


def use_watched(snapshots: dict[Path, Snapshot | None], unwatched: Callable[[Path], None]
                ) -> None:
    """In a resident's fork, before the run: the snapshots of ``current``."""
    global _WATCHED
    _WATCHED = (snapshots, unwatched)


def current(root: Path) -> Snapshot | None:
    """``snapshot(root)`` now, at the start of a run: in a resident's fork the one its watcher
    of that repository took just before (used once), else a walk (and the resident is told
    of the repository: its next runs start from a watcher's)."""
    if _WATCHED is not None:
        found, unwatched = _WATCHED
        if root in found:
            return found.pop(root)
        unwatched(root)
    return snapshot(root)


_BEFORE: ContextVar[tuple[Path, Snapshot, set[str]] | None] = ContextVar("lmsctl_inputs",
                                                                          default=None)


@contextlib.contextmanager
def taken_before(root: Path, before: Snapshot) -> Iterator[set[str]]:
    """Within this block ``snapshot_before(root)`` is ``before`` (taken before the block began,
    so it is one from before whatever the block reads): one walk of the files, not two. The
    block's value is the set of folders it declared ``unread`` (see ``unchanged``)."""
    unread: set[str] = set()
    token = _BEFORE.set((root, before, unread))
    try:
        yield unread
    finally:
        _BEFORE.reset(token)


def snapshot_before(root: Path) -> Snapshot | None:
    """A snapshot from before the reading that follows: the one ``taken_before`` gives, or a
    new one."""
    found = _BEFORE.get()
    return found[1] if found is not None and found[0] == root else snapshot(root)


def unread(root: Path, folders: Iterable[str]) -> None:
    """Within ``taken_before(root, before)``: the files of these folders (repository-relative,
    two levels down: course folders) were not read in this block; what it took of them was
    recorded for their entries in ``before`` (a course's facts, ``checks.validate.Facts``). So
    whether the block's inputs changed while it ran need not be asked of them (``unchanged``).
    Elsewhere nothing happens."""
    found = _BEFORE.get()
    if found is not None and found[0] == root:
        found[2].update(folders)


def unchanged(root: Path, before: Snapshot, unread: set[str]) -> bool:
    """Whether the inputs of ``before`` are still the same, but for the folders in ``unread``
    (two levels down) that are not looked at: what a run within ``taken_before`` made is then
    what it would make of the inputs of ``before``, and may be remembered under them. A run at
    1,000 courses that read one course walks that course's folder, not all of them again."""
    after = snapshot(root, skip=unread.__contains__ if unread else None)
    if after is None:
        return False
    if not unread:
        return after == before
    # ``after`` holds nothing under those folders: it must be ``before`` without them, that is
    # as many entries, each one of ``before``'s
    left_out = 0
    for folder in unread:
        tree, _, name = folder.partition("/")
        left_out += before.size(tree, name)
    entries = before.entries
    return (len(after.entries) == len(entries) - left_out
            and all(entries.get(rel) == e for rel, e in after.entries.items()))
