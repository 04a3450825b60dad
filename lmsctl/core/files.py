"""Files of the course repository: the repository is a boundary, and writes are atomic.

Every path lmsctl reads into the site or writes for an author is resolved (symlinks and ``..``
followed) and must stay inside the repository (``inside``, ``check_inside``). ``write_atomic``
writes through a temporary file beside the target that the next write into that folder removes
if a killed process left it behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from lmsctl.core.errors import OutsideRepository, RepositoryNotFound

#: Temporary files of ``write_atomic``: ``.<name>.lmsctl-<pid>-<random>.tmp``.
TMP_PATTERN = re.compile(r"^\..+\.lmsctl-(\d+)-[0-9a-f]+\.tmp$")


#: Folders already resolved in this reading of the repository (``one_reading``).
_RESOLVED: ContextVar[dict[str, str] | None] = ContextVar("lmsctl_resolved", default=None)


@contextlib.contextmanager
def one_reading() -> Iterator[None]:
    """Within this block ``inside`` resolves each folder once: a file that is not a symlink
    (one ``lstat``) is inside exactly when its folder is. Use it around one reading of the
    repository (thousands of files in a few hundred folders), not around a long-lived process:
    a folder replaced by a symlink later is seen again only by the next reading."""
    token = _RESOLVED.set({})
    try:
        yield
    finally:
        _RESOLVED.reset(token)


def _realpath(folder: str, memo: dict[str, str]) -> str:
    found = memo.get(folder)
    if found is None:
        found = memo[folder] = os.path.realpath(folder, strict=False)
    return found


def inside(root: Path, path: Path) -> bool:
    """True when ``path``, with every symlink and ``..`` resolved, is ``root`` or below it."""
    memo = _RESOLVED.get()
    if memo is not None:
        full = os.fspath(path)
        folder, name = os.path.split(full)
        try:
            mode = os.lstat(full).st_mode
        except OSError:
            mode = None
        if mode is not None and not stat.S_ISLNK(mode) and name not in ("", ".", ".."):
            try:
                base = _realpath(os.fspath(root), memo)
                folder = _realpath(folder or ".", memo)
            except (OSError, RuntimeError):
                return False
            # not a symlink: its real path is its folder's real path plus its name
            real = os.path.join(folder, name)
            return real == base or real.startswith(base if base.endswith(os.sep)
                                                   else base + os.sep)
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def check_inside(root: Path, path: Path, what: str = "") -> Path:
    """``path`` resolved, or ``OutsideRepository`` naming the path when it leaves ``root``."""
    if not inside(root, path):
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = str(path)
        target = os.path.realpath(path)
        raise OutsideRepository(
            f"{rel}: {what + ' ' if what else ''}leads outside the repository (to {target})",
            "lmsctl only reads and writes files inside the course repository. Replace the "
            "symlink by the file itself, or point it at a file inside the repository.")
    return path.resolve()


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists (ours or another user's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Remove ``write_atomic`` temporary files left in ``folder`` by processes that died."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = TMP_PATTERN.match(name)
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def write_atomic(path: Path, data: str | bytes, *, root: Path | None = None,
                 durable: bool = True) -> None:
    """Write ``data`` (text is UTF-8, newlines kept as given) to ``path`` through a temporary
    file in the same folder, flushed to disk, then a rename. Keeps the file's mode; a new file
    gets 0644 and its folder is created.

    ``durable=False`` skips the flush to disk, for a file that checks itself when it is read (a
    cache file with its checksum: one lost with the power is found damaged and made again; the
    flush of a cold build's check caches, 63 MB at 1,000 courses, took 0.4-0.8 s).

    With ``root``: the path, resolved, must stay inside ``root`` (``OutsideRepository``
    otherwise, nothing written). A symlink inside the repository is kept: its target is
    written, never the link replaced by a regular file."""
    if root is not None:
        check_inside(root, path.parent, "the folder")
        if path.is_symlink():
            check_inside(root, path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    raw = data.encode("utf-8") if isinstance(data, str) else data
    import secrets  # a run that writes nothing does without it (issue 14)

    tmp = path.parent / f".{path.name}.lmsctl-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder at or above ``start`` with ``lmsctl.yml`` (or,
    failing that, with a ``courses/`` folder)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "lmsctl.yml").is_file():
            return folder
    for folder in (start, *start.parents):
        if (folder / "courses").is_dir():
            return folder
    raise RepositoryNotFound(
        f"no course repository at or above {start}",
        "Run lmsctl inside a repository that has lmsctl.yml and courses/, or pass --repo DIR.",
    )
