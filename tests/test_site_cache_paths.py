"""``compile.real_folder``: a course folder's real path, its parent resolved once per build
(issue 14: ``os.path.realpath`` took one ``lstat`` per part of the path, for every course on
every build); the same path ``os.path.realpath`` gives, symlinks or not."""

from __future__ import annotations

import os
from pathlib import Path

from lmsctl.targets.site.compile import real_folder


def test_a_course_folder_is_resolved_as_realpath_resolves_it(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    (real / "courses/plain").mkdir(parents=True)
    (real / "target").mkdir()
    (real / "courses/linked").symlink_to(real / "target")
    (tmp_path / "repo").symlink_to(real)  # the repository is reached through a symlink
    parents: dict[str, str] = {}
    for name in ("plain", "linked", "missing"):
        path = os.path.join(tmp_path, "repo", "courses", name)
        assert real_folder(path, parents) == os.path.realpath(path)
    assert parents == {os.path.join(tmp_path, "repo", "courses"): str(real / "courses")}


def test_the_parent_known_is_not_resolved_again(tmp_path: Path) -> None:
    (tmp_path / "courses/a").mkdir(parents=True)
    parents = {str(tmp_path / "courses"): "/known"}
    assert real_folder(str(tmp_path / "courses/a"), parents) == "/known/a"
