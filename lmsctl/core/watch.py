"""A repository's ``lmsctl.core.inputs`` snapshot kept current from the kernel's file-system
events (Linux inotify, through ctypes), for a long-running process (``lmsctl resident``, and
``lmsctl serve`` for its builds' stamp): a run then starts from the snapshot of now without
walking every folder (about 0.08 s at 1,000 courses), and only the folders that changed are
listed again.

    watcher = Watcher.start(root)        # None: no inotify here; OSError: the system's limits
    ...
    watcher.refresh()                    # on each wake-up of its ``fd``: the changes read
    before = watcher.snapshot()          # what ``snapshot(root)`` would give now

``Watcher.start(root, only=None, skip=...)`` keeps what ``snapshot(root, only=None, skip=...)``
gives instead: every folder at the root but the skipped ones is watched (a build's stamp,
``targets.site.build_inputs.watch``).

Exactness: the kernel queues an event before the system call that changed a folder's entry or a
file (write, truncate, rename, unlink, chmod, utime) returns, so by the time a console script
asks for a run every change its user made before is in the queue; ``snapshot`` reads the queue
and lists again each folder an event names (an edited file, a file renamed over another, a
deleted one: all are events of the folder that holds them). Whatever the events cannot describe
exactly starts the watcher over with a full walk: a folder deleted, renamed or moved (git
switching branches, a course deleted), an overflowing queue, ``courses/`` or ``paths/``
themselves replaced (or, with ``only=None``, any folder at the root made, removed or skipped
now). The files at the repository's root that checks read (``lmsctl.yml``...; with
``only=None`` the root is listed) are looked at (``lstat``) on every call, and so are the
folders holding a file with another hard link (a write through the other name raises no event
in this folder). Not seen: a second hard link made to a file while it is watched, from outside
the watched folders, then written through (the link raises no event in the file's folder); and a
file changed through a memory map. A folder
that cannot be listed or holds a symlink makes the snapshot None, as a walk would, until it is
listed again without one. Changes made from another machine to a network file system raise no
event: a resident is for a local working copy.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import stat
import struct
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from lmsctl.core.inputs import (
    _FOLDER,
    CHECKED,
    RACY_SECONDS,
    ROOT_TREES,
    Entry,
    Snapshot,
    _entry,
    group_stamps,
    look_at_root,
)

_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF = 0x400, 0x800
_IN_Q_OVERFLOW, _IN_IGNORED, _IN_ISDIR = 0x4000, 0x8000, 0x40000000
_IN_ONLYDIR, _IN_DONT_FOLLOW = 0x01000000, 0x02000000
_MASK = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE
         | _IN_DELETE | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR | _IN_DONT_FOLLOW)
#: events after which a walk starts over (a folder gone, moved, or events lost)
_START_OVER = _IN_Q_OVERFLOW | _IN_IGNORED | _IN_DELETE_SELF | _IN_MOVE_SELF
_EVENT = struct.Struct("iIII")


class _Lost(Exception):
    """What the watcher knows can no longer be kept current by events: start over. ``error``:
    why the system refused (None: the events could not tell what changed)."""

    def __init__(self, error: OSError | None = None) -> None:
        super().__init__(error)
        self.error = error


def _refused() -> _Lost:
    number = ctypes.get_errno()
    return _Lost(OSError(number, os.strerror(number)))


#: What raising the system's limit a watch ran into takes (Linux inotify), by error number.
_HINTS = {errno.ENOSPC: "raise fs.inotify.max_user_watches",
          errno.EMFILE: "raise fs.inotify.max_user_instances"}


def why(exc: OSError) -> str:
    """Why the system's watch cannot be had, and what would mend it, for the terminal."""
    hint = _HINTS.get(exc.errno or 0)
    return f"{exc.strerror or exc}; {hint}" if hint else f"{exc.strerror or exc}"


#: The most folders a watcher watches, whatever the system allows.
MOST_WATCHES = 20000
#: The user's inotify watches, shared by every program of theirs (Linux).
_MAX_USER_WATCHES = "/proc/sys/fs/inotify/max_user_watches"


def watch_budget() -> int:
    """How many folders a watcher that may watch everything at the root (``only=None``) watches
    before it gives up: a quarter of the user's inotify watches, at most ``MOST_WATCHES``. The
    others are left to the editor and to the watch that tells a preview of a save (which would
    fall back to polling without one); a root holding ``node_modules/`` or a ``.venv/`` could
    otherwise take them all."""
    try:
        with open(_MAX_USER_WATCHES, encoding="ascii") as limit:
            return min(MOST_WATCHES, int(limit.read()) // 4)
    except (OSError, ValueError):  # not Linux's /proc
        return MOST_WATCHES


def _past_budget(budget: int) -> OSError:
    """The error of a watcher past its budget of folders, saying what would mend it: fewer
    folders in the repository, or a higher limit of the system's when that made the budget
    (``watch_budget``: a quarter of it; past ``MOST_WATCHES`` a higher one changes nothing)."""
    limit = ("raise fs.inotify.max_user_watches (serve takes a quarter of it: sudo sysctl "
             "fs.inotify.max_user_watches=524288) or " if budget < MOST_WATCHES else "")
    return OSError(f"more than {budget} folders to watch; {limit}move the large folders "
                   "lmsctl does not read (node_modules/, copies of a site) out of the "
                   "repository")


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library, once per process (finding it may start a program)."""
    if os.uname().sysname != "Linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1, libc.inotify_add_watch  # noqa: B018 - present?
    except (OSError, AttributeError):
        return None
    return libc


class Watcher:
    """The snapshot of the repository at ``root`` kept current (see the module's docstring)."""

    def __init__(self, root: Path, libc: ctypes.CDLL, only: tuple[str, ...] | None = CHECKED,
                 skip: Callable[[str], bool] | None = None, budget: int | None = None) -> None:
        self.root = root
        self.libc = libc
        #: what ``inputs.snapshot`` is given: the names at the root looked at (None: all of
        #: them), and the folders left out
        self.only = only
        self.skip = skip
        #: the most folders watched (None: as many as the system gives); past it the watcher
        #: stops (``error`` says so)
        self.budget = budget
        self.fd = -1
        #: watch descriptor -> repository-relative folder
        self.folders: dict[int, str] = {}
        #: repository-relative folder -> its watch descriptor
        self.watches: dict[str, int] = {}
        #: repository-relative folder -> the names of its entries
        self.listed: dict[str, tuple[str, ...]] = {}
        #: every entry under ``ROOT_TREES`` (as ``inputs.snapshot`` writes them)
        self.entries: dict[str, Entry] = {}
        #: the same by tree and folder (``Snapshot.groups``), and each folder's stamps
        #: (``Snapshot.stamps``) while none of its entries changed
        self.groups: dict[str, dict[str, dict[str, Entry]]] = {}
        self.stamps: dict[str, dict[str, tuple[str, int]]] = {}
        #: folders that could not be listed or hold a symlink (listed again on every call)
        self.bad: set[str] = set()
        #: folders holding a file with more than one link (listed again on every call: a
        #: write through a link elsewhere raises no event here)
        self.linked: set[str] = set()
        #: the inode of each folder at the root whose content is watched (``ROOT_TREES``, or
        #: every folder not skipped when ``only`` is None), when last walked
        self.trees: dict[str, int] = {}
        #: the entries of the root's other names, looked at (``lstat``) on every call, and
        #: whether they could be told apart by time stamps (no symlink, all could be read)
        self.top: dict[str, Entry] = {}
        self.trusted = True
        #: why the watcher stopped (``fd`` < 0 after a start over the system refused)
        self.error: OSError | None = None

    @classmethod
    def start(cls, root: Path, only: tuple[str, ...] | None = CHECKED,
              skip: Callable[[str], bool] | None = None,
              budget: int | None = None) -> Watcher | None:
        """A watcher of the repository at ``root`` (``only`` and ``skip``: as for
        ``inputs.snapshot``, whose result ``snapshot`` gives; ``budget``: the most folders it
        watches), or None when there is no inotify here. Raises OSError when the system
        refuses one (a limit of the user's reached: ``why``) or the folders are more than
        ``budget``."""
        libc = _libc()
        if libc is None:
            return None
        watcher = cls(root, libc, only, skip, budget)
        if not watcher.refresh():
            raise watcher.error or OSError(errno.EAGAIN, "its folders changed while walked")
        return watcher

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def _walk(self) -> None:
        """Start over: a new queue, every folder watched and listed."""
        self.close()
        fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise _refused()
        self.fd = fd
        self.folders.clear()
        self.watches.clear()
        self.listed.clear()
        self.entries.clear()
        self.bad.clear()
        self.linked.clear()
        self.trees = self._look_at_top()
        self.groups = {tree: {} for tree in (*ROOT_TREES, *self.trees)}
        self.stamps = {tree: {} for tree in self.groups}
        for name in self.trees:
            self._add(name)

    def _look_at_top(self) -> dict[str, int]:
        """Look at the names at the root (``lstat``; ``top`` and ``trusted`` then say what
        ``inputs.snapshot`` takes of them); the folders whose content it walks, with their
        inodes (a change of them starts the watcher over)."""
        at_root = look_at_root(os.fspath(self.root), self.only, self.skip)
        if at_root is None:
            self.top, self.trusted = {}, False
            return {}
        trees, others, self.trusted = at_root
        self.top = {name: _entry(st) for name, st in others.items()}
        return {name: st.st_ino for name, st in trees.items()}

    def _add(self, rel: str) -> None:
        """Watch the folder ``rel`` (new to the watcher), then list it and its folders."""
        if self.budget is not None and len(self.watches) >= self.budget:
            raise _Lost(_past_budget(self.budget))
        path = os.fsencode(os.path.join(self.root, rel))
        wd = self.libc.inotify_add_watch(self.fd, path, _MASK)
        if wd < 0:
            # gone already (its parent's event follows), or no watches left
            if ctypes.get_errno() not in (errno.ENOENT, errno.ENOTDIR):
                raise _refused()
            self.bad.add(rel)
            return
        self.folders[wd] = rel
        self.watches[rel] = wd
        self._list(rel)

    def _list(self, rel: str) -> None:
        """List the folder ``rel`` again: its files' entries, and its new folders watched."""
        old = self.listed.pop(rel, ())
        gone = [name for name in old if self._pop(f"{rel}/{name}") is _FOLDER]
        self.bad.discard(rel)
        self.linked.discard(rel)
        self._put(rel, _FOLDER)
        try:
            with os.scandir(os.path.join(self.root, rel)) as it:
                found = list(it)
        except OSError:
            self.bad.add(rel)
            return
        names = []
        for item in found:
            sub = f"{rel}/{item.name}"
            if item.is_dir(follow_symlinks=False):
                if self.skip is not None and self.skip(sub):
                    continue  # left out, as a walk leaves it out
                names.append(item.name)
                self._put(sub, _FOLDER)
                if sub not in self.watches:
                    self._add(sub)  # a new folder (a folder gone or moved starts over)
                continue
            names.append(item.name)
            try:
                st = item.stat(follow_symlinks=False)
            except OSError:
                self.bad.add(rel)
                continue
            if stat.S_ISLNK(st.st_mode):
                self.bad.add(rel)
            elif st.st_nlink > 1:
                self.linked.add(rel)
            self._put(sub, _entry(st))
        self.listed[rel] = tuple(names)
        # a folder that was listed before and is not now was deleted or moved (its event
        # starts over too)
        if any(self.entries.get(f"{rel}/{name}") is not _FOLDER for name in gone):
            raise _Lost

    def _group(self, rel: str) -> dict[str, Entry] | None:
        """The entries of the folder of a tree that holds ``rel`` (None: a tree itself); its
        stamps are worked out again."""
        tree, _, rest = rel.partition("/")
        if not rest:
            return None
        name = rest.partition("/")[0]
        self.stamps[tree].pop(name, None)
        return self.groups[tree].setdefault(name, {})

    def _put(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        group = self._group(rel)
        if group is not None:
            group[rel] = entry

    def _pop(self, rel: str) -> Entry | None:
        group = self._group(rel)
        if group is not None:
            group.pop(rel, None)
            if not group:
                del self.groups[rel.partition("/")[0]][rel.split("/", 2)[1]]
        return self.entries.pop(rel, None)

    def _changed(self) -> set[str]:
        """The folders named by the events queued since the last call."""
        changed: set[str] = set()
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return changed
            at = 0
            while at < len(data):
                wd, mask, _, size = _EVENT.unpack_from(data, at)
                at += _EVENT.size + size
                if mask & _START_OVER or (mask & _IN_ISDIR and mask & (
                        _IN_DELETE | _IN_MOVED_FROM | _IN_MOVED_TO)):
                    raise _Lost
                rel = self.folders.get(wd)
                if rel is not None:
                    changed.add(rel)

    def refresh(self) -> bool:
        """Read the events queued and list again the folders they name (or start over with a
        walk when they cannot tell what changed); False when the watcher stopped: a walk
        failed (``fd`` closed, ``error`` says why when the system refused)."""
        try:
            if self.fd < 0 or self._look_at_top() != self.trees:
                raise _Lost
            for rel in sorted(self._changed() | self.bad | self.linked):
                if rel in self.watches:
                    self._list(rel)
                else:
                    self.bad.discard(rel)
                    self._add(rel)
        except _Lost:
            try:
                self._walk()
            except _Lost as lost:
                self.close()
                self.error = lost.error
                return False
        return True

    def snapshot(self) -> Snapshot | None:
        """What ``inputs.snapshot(root)`` would give now (``refresh`` first)."""
        start = time.time_ns()
        if not self.refresh():
            return None
        if self.bad or not self.trusted:
            return None
        entries = {**self.entries, **self.top}
        young = start - int(RACY_SECONDS * 1e9)
        settled = all(e[2] < young for e in entries.values())
        for tree, known in self.stamps.items():
            for name, items in self.groups[tree].items():
                if name not in known:
                    known[name] = group_stamps(list(items.items()))
        return Snapshot.known(
            entries, settled, start, {tree: dict(known) for tree, known in self.stamps.items()},
            {tree: {name: len(items) for name, items in groups.items()}
             for tree, groups in self.groups.items()})
