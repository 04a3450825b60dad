"""``inside`` within ``one_reading`` (each folder resolved once) says exactly what the plain
``inside`` says, for every kind of path that can leave or stay in the repository."""

from __future__ import annotations

import os
from pathlib import Path

from lmsctl.core.files import inside, one_reading


def _tree(tmp_path: Path) -> tuple[Path, list[Path]]:
    root = tmp_path / "repo"
    lessons = root / "courses" / "a" / "lessons"
    lessons.mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("x")
    (lessons / "01-plain.md").write_text("x")
    (lessons / "02-link-in.md").symlink_to(lessons / "01-plain.md")
    (lessons / "03-link-out.md").symlink_to(outside / "secret.md")
    (lessons / "04-loop.md").symlink_to(lessons / "04-loop.md")
    (root / "courses" / "b").symlink_to(outside)  # a course folder that leaves
    (root / "courses" / "c").symlink_to(root / "courses" / "a")  # one that stays
    (root / "courses" / "loop").symlink_to(root / "courses" / "loop")
    paths = [
        root, root / "courses", lessons, lessons / "01-plain.md", lessons / "02-link-in.md",
        lessons / "03-link-out.md", lessons / "04-loop.md", lessons / "missing.md",
        root / "courses" / "b" / "secret.md", root / "courses" / "b",
        root / "courses" / "c" / "lessons" / "01-plain.md",
        root / "courses" / "loop" / "x.md", lessons / ".." / ".." / ".." / ".." / "elsewhere",
        lessons / ".." / "lessons" / "01-plain.md", tmp_path / "elsewhere" / "secret.md",
        Path(os.path.relpath(lessons / "01-plain.md")),
    ]
    return root, paths


def test_one_reading_agrees_with_resolving_every_path(tmp_path: Path) -> None:
    root, paths = _tree(tmp_path)
    plain = [inside(root, p) for p in paths]
    with one_reading():
        cached = [inside(root, p) for p in paths]
        again = [inside(root, p) for p in paths]  # the folders now come from the memo
    assert cached == plain == again
    assert plain[3] and plain[4] and not plain[5] and not plain[8] and not plain[14]


def test_a_folder_swapped_for_a_symlink_is_seen_by_the_next_reading(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    folder = root / "courses" / "d"
    folder.mkdir()
    (folder / "x.md").write_text("x")
    with one_reading():
        assert inside(root, folder / "x.md")
    folder.rename(tmp_path / "moved")
    folder.symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "x.md").write_text("x")
    with one_reading():
        assert not inside(root, folder / "x.md")
