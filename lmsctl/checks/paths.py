"""Command-line paths as repository-relative paths (light: no rule is loaded for them)."""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Iterable
from pathlib import Path

from lmsctl.core.errors import UsageError


def closest_existing(path: Path, root: Path) -> Path | None:
    """The existing file or folder whose path is closest to ``path`` (a typo in one part):
    each missing part is matched against the names in the folder above it."""
    found = root
    parts = path.relative_to(root).parts
    for part in parts:
        if (found / part).exists():
            found = found / part
            continue
        try:
            names = sorted(x.name for x in found.iterdir() if not x.name.startswith("."))
        except OSError:
            return None
        close = difflib.get_close_matches(part, names, n=1, cutoff=0.6)
        if not close:
            return None
        found = found / close[0]
    return found if found != root else None


def rel_paths(root: Path, paths: Iterable[Path], cwd: Path | None = None) -> list[str]:
    """Command-line paths (relative to ``cwd``) as repository-relative POSIX paths."""
    base = (cwd or Path.cwd()).resolve()
    out: list[str] = []
    root = root.resolve()
    for p in paths:
        full = (p if p.is_absolute() else base / p).resolve()
        if not full.is_relative_to(root):
            raise UsageError(f"{p}: not inside the repository {root}",
                             "Give files or folders of this repository (or use --repo).")
        if not full.exists():
            near = closest_existing(full, root)
            shown = os.path.relpath(near, base) if near is not None else ""
            raise UsageError(f"{p}: no such file or folder",
                             (f"Did you mean {shown}? " if near is not None else "")
                             + "Give existing lesson files, course folders or path files.")
        rel = full.relative_to(root).as_posix()
        out.append("." if rel in ("", ".") else posixpath.normpath(rel))
    return out


def course_files(rels: list[str]) -> frozenset[str] | None:
    """The course folders (their names) that ``rels`` lie in, when each is a file or folder
    inside a course folder and none is the folder itself or its course.yml (``lint
    courses/x/lessons/02-y.md``): what a run reports of them depends on nothing but those
    folders and the courses their lessons link to (``checks.validate.validate_within``);
    findings that need every course (prerequisites and their cycles, paths, settings) are at
    course.yml, paths/ and lmsctl.yml. None otherwise."""
    folders: set[str] = set()
    for rel in rels:
        parts = rel.split("/")
        if (len(parts) < 3 or parts[0] != "courses" or parts[1].startswith(("_", "."))
                or parts[2:] == ["course.yml"] or any(p in ("", ".", "..") for p in parts)):
            return None
        folders.add(parts[1])
    return frozenset(folders) if folders else None
