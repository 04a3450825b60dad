"""All-or-nothing writes that never replace an author's file.

New content is written into a staging folder beside its target (same file system), checked, and
then moved into place with one ``rename`` (a folder) or ``link`` (a file). Both refuse to replace
anything that appeared in the meantime, and the staging folder is removed whatever happens.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

STAGING_PREFIX = ".lmsctl-new-"
MODELINE_PREFIX = "# yaml-language-server: $schema="


class AlreadyExists(Exception):
    """The target appeared while the new content was being prepared."""


def with_modeline(text: str, schema_rel: str) -> str:
    """``text`` whose first line is the editor modeline pointing at ``schema_rel``."""
    modeline = f"{MODELINE_PREFIX}{schema_rel}"
    first, _, rest = text.partition("\n")
    if first.startswith("# yaml-language-server:"):
        return f"{modeline}\n{rest}"
    return f"{modeline}\n{text}"


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; returns those created, deepest first."""
    created: list[Path] = []
    current = folder
    while not current.exists():
        created.append(current)
        current = current.parent
    for path in reversed(created):
        path.mkdir()
    return created


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def staging(parent: Path, name: str) -> Iterator[Path]:
    """A fresh hidden folder inside ``parent`` (ignored by the loader), removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{name}-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_tree(folder: Path, files: Mapping[str, bytes], folders: tuple[str, ...] = ()) -> None:
    """Write ``files`` (relative path -> bytes) and empty ``folders`` under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for rel in folders:
        (folder / rel).mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as handle:
            handle.write(data)


def move_folder(staged: Path, target: Path) -> None:
    """Move a staged folder to ``target``; refuses when ``target`` exists."""
    if target.exists() or target.is_symlink():
        raise AlreadyExists(str(target))
    try:
        os.rename(staged, target)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise AlreadyExists(str(target)) from exc
        raise


def link_file(staged: Path, target: Path) -> None:
    """Put a staged file at ``target`` without ever replacing an existing file."""
    try:
        os.link(staged, target)
        return
    except FileExistsError as exc:
        raise AlreadyExists(str(target)) from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                             errno.ENOSYS):
            raise
    # File systems without hard links: exclusive create, removed again if the copy fails.
    try:
        handle = open(target, "xb")  # noqa: SIM115 - closed below, removed on failure
    except FileExistsError as exc:
        raise AlreadyExists(str(target)) from exc
    try:
        with handle:
            handle.write(staged.read_bytes())
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


def replace_file(path: Path, expected: bytes, new: bytes) -> None:
    """Replace ``path`` by ``new`` atomically, only if it still holds ``expected``."""
    with staging(path.parent, path.name) as folder:
        staged = folder / path.name
        staged.write_bytes(new)
        with contextlib.suppress(OSError):
            os.chmod(staged, path.stat().st_mode & 0o7777)
        if path.read_bytes() != expected:
            raise AlreadyExists(str(path))
        os.replace(staged, path)
