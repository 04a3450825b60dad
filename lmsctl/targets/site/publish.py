"""publish: build beside the output folder, then swap the new site in at once.

The staging folder (``.site-<pid>-<token>/``) and the private build folder
(``.lmsctl-build-<pid>-<token>/``) live beside ``--out`` so the final step is a rename on one file
system. Their names carry the process id: a build that was killed (and so could not clean up)
leaves folders that the next build in the same place removes, once their process is gone.
On Linux the swap is a single ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, undone if
the second fails. Both
temporary folders are removed whatever happens, so a failed build leaves the previous site
byte for byte as it was and nothing else behind. After a build that succeeded, with the build
cache, the old site and the build folder are moved into the cache's trash and deleted by a
background process (``discard``): the user does not wait for thousands of deletions; when the
new site was made of the cache's copy of the old one (``build_cache.assemble``), the old site
becomes the cache's copy instead (``swap_in(keep_old=True)``). The marker file is written as a
new file (the stage may share its files with the published site).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lmsctl.core.errors import OutsideRepository, UsageError
from lmsctl.core.files import inside, pid_alive

#: Written into every site lmsctl builds; a non-empty --out without it is never replaced.
MARKER = ".lmsctl-site"
_PROTECTED = ("courses", "paths", "schemas", "lmsctl", ".git", ".github", "tests")
#: Temporary folders of a build: ``.site-<pid>-<hex>``, ``.site-old-<pid>-<hex>``,
#: ``.lmsctl-build-<pid>-<hex>``, ``.site-<pid>-<hex>-fresh`` (``build_cache.assemble``)
#: (git-ignored, removed by the next build once <pid> is gone).
TEMPORARY = re.compile(r"^\.(?:site|site-old|lmsctl-build)-(\d+)-[0-9a-f]+(?:-fresh)?$")


@dataclass(frozen=True)
class Workspace:
    stage: Path  # the new site is rendered here
    work: Path  # docs tree, mkdocs.yml, manifest, extra render shards


def check_out(root: Path, out: Path) -> None:
    """Refuse an output folder whose replacement would lose someone's files."""
    root_r = root.resolve()
    out_abs = Path(os.path.abspath(out))
    out_r = out.resolve()
    hint = "Pass a new or empty folder with --out, or the folder of a previous lmsctl build."
    if out_abs.is_relative_to(root_r) and not inside(root_r, out_abs):
        raise OutsideRepository(
            f"--out {out} is inside the repository but leads outside it (to {out_r})",
            "Remove the symlink; to build elsewhere, pass that folder itself with --out.")
    if out_r == root_r or root_r.is_relative_to(out_r):
        raise UsageError(f"--out {out} holds the course repository; it cannot be replaced",
                         hint)
    for name in _PROTECTED:
        if out_r.is_relative_to(root_r / name):
            raise UsageError(f"--out {out} is inside {name}/ of the repository", hint)
    if out_r.exists():
        if not out_r.is_dir():
            raise UsageError(f"--out {out} is a file, not a folder", hint)
        if any(out_r.iterdir()) and not (out_r / MARKER).exists():
            raise UsageError(
                f"--out {out} is not empty and was not built by lmsctl; refusing to replace it",
                hint)


def remove_stale(parent: Path) -> list[Path]:
    """Remove the temporary folders that killed builds left in ``parent``; returns them."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = TEMPORARY.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))) \
                and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def unwritable(out: Path, exc: OSError) -> UsageError:
    return UsageError(f"--out {out}: cannot write there ({exc.strerror or exc})",
                      "Pass a folder you can write to with --out, or fix the permissions of "
                      "its parent folder.")


#: What a background process runs to empty a trash folder (``discard``), at low priority.
_EMPTY = ("import os, shutil, sys\n"
          "try:\n    os.nice(10)\nexcept (AttributeError, OSError):\n    pass\n"
          "for name in os.listdir(sys.argv[1]):\n"
          "    shutil.rmtree(os.path.join(sys.argv[1], name), ignore_errors=True)\n")


def empty_in_background(trash: Path) -> None:
    """Delete what ``trash`` holds in a process of its own (here, when none can start)."""
    try:
        subprocess.Popen([sys.executable, "-c", _EMPTY, str(trash)],  # noqa: S603
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        for entry in list(trash.iterdir()):
            shutil.rmtree(entry, ignore_errors=True)


def discard(folder: Path, trash: Path | None) -> None:
    """Remove ``folder`` without making the user wait for thousands of deletions: it is renamed
    into ``trash`` (a folder of the build cache) and deleted there in the background; the next
    build starts that again if it was stopped. Removed at once without a trash, or when it is
    on another file system."""
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            os.rename(folder, trash / secrets.token_hex(8))
        except OSError:
            pass
        else:
            empty_in_background(trash)
            return
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def workspace(out: Path, trash: Path | None = None) -> Iterator[Workspace]:
    """The build's temporary folders; with ``trash``, a build that succeeds leaves them to
    ``discard`` (a failed one removes them before it ends)."""
    parent = out.resolve().parent
    token = f"{os.getpid()}-{secrets.token_hex(6)}"
    space = Workspace(parent / f".site-{token}", parent / f".lmsctl-build-{token}")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale(parent)
        space.work.mkdir()
    except OSError as exc:
        raise unwritable(out, exc) from exc
    try:
        yield space
    except BaseException:
        for folder in (space.stage, space.work):
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
        raise
    for folder in (space.stage, space.work):
        if folder.exists():
            discard(folder, trash)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                     ctypes.c_uint]
    func.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return int(func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)) == 0


def swap_in(stage: Path, out: Path, trash: Path | None = None,
            keep_old: bool = False) -> Path | None:
    """Make ``stage`` the new ``out``; the old site is deleted afterwards (``discard``), or
    with ``keep_old`` left where this returns (None when there was none; the caller discards
    it when done)."""
    marker = stage / MARKER  # a new file: the stage may share its files with the old site
    fresh = stage / f".{MARKER}-{secrets.token_hex(4)}"
    try:
        fresh.write_text("Built by lmsctl; replaced as a whole by each build.\n",
                         encoding="utf-8")
        os.replace(fresh, marker)
        return _swap(stage, out.resolve(), trash, keep_old)
    except OSError as exc:
        raise unwritable(out, exc) from exc


def _swap(stage: Path, out: Path, trash: Path | None, keep_old: bool) -> Path | None:
    if not out.exists():
        os.rename(stage, out)
        return None
    if _exchange(stage, out):
        if keep_old:
            return stage  # now the old site
        discard(stage, trash)
        return None
    old = out.parent / f".site-old-{os.getpid()}-{secrets.token_hex(6)}"
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        os.rename(old, out)
        raise
    if keep_old:
        return old
    discard(old, trash)
    return None
