"""What a build read, cheaply: the stamp that lets an unchanged build do nothing.

A build's output depends on the files of the repository, on git's ``HEAD`` (the history), on
lmsctl's code and the libraries' versions (``build_cache.code_fingerprint``), on the options
and translations, and on the day (freshness). ``scan`` takes all of that without reading the
files: each file's size and modification time (as git's index does), found by walking the
repository (except ``.git/``, lmsctl's cache, the output folder and a build's temporary
folders). Stat data cannot tell a file that was changed twice within the file system's time
resolution, so, like git's "racy" entries, a file modified less than ``RACY_NS`` before the scan
is also hashed, and compared by content the next time.

The build cache keeps the stamp of the last good build with what it reported
(``BuildCache.commit``); a build whose stamp is the same, into an output folder that still holds
exactly what that build published, prints the same report and is done.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmsctl.core import git
from lmsctl.core.cache import digest

#: Files modified this recently before a scan are compared by content too (two seconds covers
#: file systems with coarse timestamps).
RACY_NS = 2_000_000_000
#: Folders at the repository's root that are never a build's input.
_SKIP_ROOT = frozenset({".git", ".lmsctl"})


@dataclass
class Inputs:
    """A build's inputs: ``key`` (everything but the files) and ``files`` (path -> [size,
    mtime_ns], with the SHA-256 of the content as a third member for racy files). ``usable`` is
    False when the tree holds something a stamp cannot follow (a symlinked folder)."""

    key: str
    files: dict[str, list[Any]] = field(default_factory=dict)
    usable: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "files": self.files}

    def same_as(self, stored: Any, root: Path) -> bool:
        """Whether ``stored`` (a ``to_json`` of an earlier build) names these very inputs."""
        if not self.usable or not isinstance(stored, dict) or stored.get("key") != self.key:
            return False
        files = stored.get("files")
        if not isinstance(files, dict) or len(files) != len(self.files):
            return False
        for rel, sig in files.items():
            now = self.files.get(rel)
            if not isinstance(sig, list) or now is None or sig[:2] != now[:2]:
                return False
            if len(sig) > 2 and sig[2] != (now[2] if len(now) > 2 else _sha(root / rel)):
                return False  # racy when stored: compared by content
        return True


def _sha(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""


def _history_key(root: Path) -> str:
    """What the history depends on: ``HEAD``, whether the clone is shallow, where the
    repository sits in its git work tree (one git call through ``core.git``, as
    ``core.history`` makes it; no history is read)."""
    try:
        proc = git.run(root, ["rev-parse", "--is-shallow-repository", "--show-prefix", "HEAD"])
    except (OSError, subprocess.SubprocessError) as exc:  # GitNotFound is an OSError
        return f"git failed: {type(exc).__name__} {time.time_ns()}"  # never the same twice
    return digest(str(proc.returncode), proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def scan(root: Path, out: Path, settings: list[str], with_history: bool) -> Inputs:
    """The stamp of a build of ``root`` into ``out`` with ``settings`` (the options, the code
    fingerprint, the day: strings that change the output)."""
    from lmsctl.targets.site import publish

    started = time.time_ns()
    history = _history_key(root) if with_history else "no history"
    # where the site goes, relative to the repository when inside it (a copy of the
    # repository with its site and cache is the same build)
    where = out.relative_to(root).as_posix() if out.is_relative_to(root) else str(out)
    inputs = Inputs(key=digest(*settings, history, where))
    skip = os.path.normcase(str(out))
    files = inputs.files

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                key = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if (not rel and entry.name in _SKIP_ROOT) \
                            or publish.TEMPORARY.match(entry.name) \
                            or os.path.normcase(entry.path) == skip:
                        continue
                    walk(entry.path, key + "/")
                    continue
                try:
                    st = entry.stat()  # a symlink: what it leads to
                except OSError:
                    continue  # a dangling symlink: the build cannot read it either
                if stat.S_ISDIR(st.st_mode):
                    inputs.usable = False  # a symlinked folder: what is behind it is not followed
                elif stat.S_ISREG(st.st_mode):
                    sig: list[Any] = [st.st_size, st.st_mtime_ns]
                    if st.st_mtime_ns >= started - RACY_NS:
                        sig.append(_sha(Path(entry.path)))
                    files[key] = sig

    walk(str(root), "")
    return inputs
