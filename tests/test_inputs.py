"""``core.inputs.snapshot``: what it looks at (``only``, ``skip``), and what makes two
snapshots differ. Real files in a temporary folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

from lmsctl.core.inputs import snapshot


def _tree(root: Path) -> Path:
    for rel in ("lmsctl.yml", "README.md", "courses/a/course.yml", "paths/p.yml",
                ".git/HEAD", "site/index.html", "notes/todo.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    old = time.time_ns() - 60_000_000_000
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, ns=(old, old))
    return root


def test_the_checks_snapshot_looks_at_what_checks_read(tmp_path: Path) -> None:
    found = snapshot(_tree(tmp_path))
    assert found is not None and found.settled
    assert set(found.entries) == {"lmsctl.yml", "courses", "courses/a", "courses/a/course.yml",
                                  "paths", "paths/p.yml"}


def test_a_whole_repository_snapshot_skips_what_it_is_told(tmp_path: Path) -> None:
    found = snapshot(_tree(tmp_path), only=None, skip=lambda rel: rel in (".git", "site"))
    assert found is not None and found.settled
    assert set(found.entries) == {"lmsctl.yml", "README.md", "courses", "courses/a",
                                  "courses/a/course.yml", "paths", "paths/p.yml", "notes",
                                  "notes/todo.txt"}


def test_a_same_size_edit_with_its_time_set_back_differs(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    before = snapshot(root, only=None)
    path = root / "README.md"
    st = path.stat()
    path.write_text("README.mx", encoding="utf-8")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = snapshot(root, only=None)
    assert before is not None and after is not None
    assert after.entries["README.md"][:3] == before.entries["README.md"][:3]  # mode size mtime
    assert after != before and after.fingerprint != before.fingerprint  # the change time


def test_a_fresh_write_is_not_settled_and_a_symlink_is_not_trusted(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "notes/new.txt").write_text("now", encoding="utf-8")
    found = snapshot(root, only=None)
    assert found is not None and not found.settled
    assert snapshot(root) is not None and snapshot(root).settled  # type: ignore[union-attr]
    (root / "notes/link").symlink_to(root / "README.md")
    assert snapshot(root, only=None) is None
    assert snapshot(root) is not None  # not among what the checks read


def test_unchanged_looks_again_at_all_but_the_unread_folders(tmp_path: Path) -> None:
    """After a run that took course ``b`` from its record (``unread``), a change in ``b`` does
    not stop the run being remembered under the inputs from before (it is what the run saw);
    a change anywhere else, a course added or one of ``a``'s files removed, does."""
    from lmsctl.core.inputs import taken_before, unchanged, unread

    root = _tree(tmp_path)
    (root / "courses/b/lessons").mkdir(parents=True)
    (root / "courses/b/lessons/x.md").write_text("x", encoding="utf-8")
    (root / "courses/bb").mkdir()
    (root / "courses/bb/course.yml").write_text("bb", encoding="utf-8")
    old = time.time_ns() - 60_000_000_000
    for rel in ("courses/b/lessons/x.md", "courses/bb/course.yml"):
        os.utime(root / rel, ns=(old, old))
    before = snapshot(root)
    assert before is not None and before.settled
    with taken_before(root, before) as declared:
        unread(root, ["courses/b"])
    unread(root, ["courses/a"])  # outside the block: nothing
    assert declared == {"courses/b"}
    assert unchanged(root, before, declared)
    (root / "courses/b/lessons/x.md").write_text("y", encoding="utf-8")
    (root / "courses/b/new.md").write_text("new", encoding="utf-8")
    assert unchanged(root, before, declared)  # b was not read: its record is of ``before``
    assert not unchanged(root, before, set())  # a run that read b would not be remembered
    (root / "courses/bb/course.yml").write_text("changed", encoding="utf-8")  # not b's
    assert not unchanged(root, before, declared)
    (root / "courses/bb/course.yml").unlink()
    (root / "courses/bb").rmdir()
    assert unchanged(root, before, declared | {"courses/bb"})
    assert not unchanged(root, before, declared)
    (root / "courses/c").mkdir()
    assert not unchanged(root, before, declared | {"courses/bb"})
    (root / "courses/c").rmdir()
    (root / "courses/a/course.yml").unlink()
    assert not unchanged(root, before, declared | {"courses/bb"})
