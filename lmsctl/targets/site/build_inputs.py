"""What a build read, cheaply: the stamp that lets an unchanged build do nothing.

A build's output depends on the files of the repository, on git's ``HEAD`` (the history), on
lmsctl's code and the libraries' versions (``build_cache.code_fingerprint``), on the options
and translations, and on the day (freshness). ``scan`` takes all of that without reading the
files: the ``lmsctl.core.inputs`` snapshot of the whole repository (every file's type, size,
modification and change time, inode; except ``.git/``, lmsctl's cache, the output folder, a
site lmsctl published at the root and a build's temporary folders), the one the checks take,
under its one rule for files written just before (``RACY_SECONDS``: such a snapshot is not
``settled``, and a build that starts from it records nothing to replay), plus a key of
everything else.

A long-lived process that builds again and again (``lmsctl serve``) keeps that snapshot current
from the kernel's file-system events instead (``watch``: a ``core.watch.Watcher`` of what
``scan`` would walk) and hands it to ``scan``: the stamp is the same, and no folder is walked.

The build cache keeps the stamp of the last good build (one digest) with what it reported
(``BuildCache.commit``); a build whose stamp is the same, into an output folder that still holds
exactly what that build published, prints the same report and is done.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lmsctl.core import git
from lmsctl.core.cache import digest
from lmsctl.core.inputs import Snapshot, snapshot

if TYPE_CHECKING:
    from lmsctl.core.watch import Watcher

#: Folders at the repository's root that are never a build's input.
_SKIP_ROOT = frozenset({".git", ".lmsctl"})


@dataclass(frozen=True)
class Inputs:
    """A build's inputs: ``key`` (everything but the files) and ``files`` (the snapshot of the
    repository, None when it cannot be trusted: a symlink, an unreadable folder)."""

    key: str
    files: Snapshot | None
    #: what the history depends on in git (``HEAD``, a shallow clone, the prefix): with the
    #: ``.mailmap`` files, the key of the history the build cache keeps
    history: str = ""

    @property
    def usable(self) -> bool:
        """Whether a build from these inputs may be replayed: every file was written clearly
        before the snapshot (``core.inputs.RACY_SECONDS``)."""
        return self.files is not None and self.files.settled

    @property
    def digest(self) -> str:
        """The one digest that names these inputs (state.json keeps it)."""
        return digest(self.key, self.files.fingerprint if self.files is not None else "")

    def same_as(self, stored: object) -> bool:
        """Whether ``stored`` (the ``digest`` of an earlier, usable build) names these very
        inputs."""
        return self.files is not None and isinstance(stored, str) and stored == self.digest


def history_key(root: Path) -> str:
    """What the history depends on: ``HEAD``, whether the clone is shallow, where the
    repository sits in its git work tree (one git call through ``core.git``, as
    ``core.history`` makes it; no history is read)."""
    try:
        proc = git.run(root, ["rev-parse", "--is-shallow-repository", "--show-prefix", "HEAD"])
    except (OSError, subprocess.SubprocessError) as exc:  # GitNotFound is an OSError
        return f"git failed: {type(exc).__name__} {time.time_ns()}"  # never the same twice
    return digest(str(proc.returncode), proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def _where(root: Path, out: Path) -> str:
    """Where the site goes, relative to the repository when inside it (a copy of the
    repository with its site and cache is the same build)."""
    return out.relative_to(root).as_posix() if out.is_relative_to(root) else str(out)


def left_out(root: Path, out: Path) -> Callable[[str], bool]:
    """Which folders (repository-relative POSIX paths) of ``root`` a build into ``out`` does not
    take as inputs: its own output and temporary folders, ``.git/``, lmsctl's cache."""
    from lmsctl.targets.site import publish

    where = _where(root, out)  # (outside the repository: a path no folder of it is)

    def skip(rel: str) -> bool:
        return (rel in _SKIP_ROOT or rel == where
                or publish.TEMPORARY.match(os.path.basename(rel)) is not None
                # a site lmsctl published at the root (``site/`` while serve builds
                # elsewhere) is an output, never an input: not walked (17,500 entries at
                # 1,000 courses)
                or ("/" not in rel and os.path.lexists(os.path.join(root, rel,
                                                                   publish.MARKER))))

    return skip


def watch(root: Path, out: Path) -> Watcher | None:
    """A watcher whose ``snapshot()`` is the ``files`` of ``scan(root, out, ...)``, kept current
    by the kernel's events (None: no inotify here; OSError: the system's limits, or more
    folders than ``core.watch.watch_budget``)."""
    from lmsctl.core.watch import Watcher, watch_budget

    return Watcher.start(root, only=None, skip=left_out(root, out), budget=watch_budget())


def scan(root: Path, out: Path, settings: list[str], with_history: bool,
         files: Snapshot | None = None) -> Inputs:
    """The stamp of a build of ``root`` into ``out`` with ``settings`` (the options, the code
    fingerprint, the day: strings that change the output). ``files``: the snapshot of now of
    a watcher made by ``watch(root, out)`` (None: the folders are walked)."""
    history = history_key(root) if with_history else "no history"
    if files is None:
        files = snapshot(root, only=None, skip=left_out(root, out))
    return Inputs(key=digest(*settings, history, _where(root, out)), files=files,
                  history=history)


def mailmaps(root: Path) -> list[bytes]:
    """The ``.mailmap`` files git reads for the repository at ``root`` (its own and those of
    the folders up to its git work tree's top), each as its path and content."""
    found: list[bytes] = []
    for folder in (root, *root.parents):
        with contextlib.suppress(OSError):
            found.append(os.fsencode(folder) + b"\0" + (folder / ".mailmap").read_bytes())
        if (folder / ".git").exists():
            break
    return found
