"""``lmsctl.core.watch``: a watcher's snapshot is, after every kind of change, what a walk of the
repository (``inputs.snapshot``) gives. Real files, real inotify."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lmsctl.core.inputs import snapshot
from lmsctl.core.watch import Watcher

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")

SALES = "courses/sales-basics"
L1 = f"{SALES}/lessons/01-discovery-questions.md"


def _rename_over(root: Path) -> None:
    """What an editor's save does: a new file renamed over the old one."""
    new = root / SALES / "lessons" / ".01.swp"
    new.write_text((root / L1).read_text(encoding="utf-8") + "\nSaved.\n", encoding="utf-8")
    os.replace(new, root / L1)


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def _replace(folder: Path) -> None:
    """A folder replaced by a copy of itself (new inodes throughout)."""
    old = folder.with_name("old")
    folder.rename(old)
    shutil.copytree(old, folder)
    shutil.rmtree(old)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root,
                   check=True, capture_output=True)


def _checkout(root: Path) -> None:
    """A branch that changes lessons and deletes a course, checked out over the files."""
    _git(root, "checkout", "-q", "-b", "other")
    (root / L1).write_text("changed on a branch\n", encoding="utf-8")
    shutil.rmtree(root / "courses/handling-pricing-objections")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "other")
    _git(root, "checkout", "-q", "main")
    _git(root, "checkout", "-q", "other")


CHANGES: dict[str, Callable[[Path], None]] = {
    "written in place": lambda r: (r / L1).write_text("x", encoding="utf-8"),
    "appended": lambda r: _append(r / L1, "more"),
    "renamed over": _rename_over,
    "time stamps set back": lambda r: os.utime(r / L1, (1, 1)),
    "mode changed": lambda r: os.chmod(r / L1, 0o600),
    "file added": lambda r: (r / SALES / "lessons" / "09-new.md").write_text("n"),
    "file deleted": lambda r: (r / L1).unlink(),
    "file renamed": lambda r: (r / L1).rename(r / SALES / "lessons" / "01-renamed.md"),
    "folder made with files": lambda r: (r / SALES / "new" / "deeper").mkdir(parents=True)
    or (r / SALES / "new" / "deeper" / "a.md").write_text("a"),
    "course copied": lambda r: shutil.copytree(r / SALES, r / "courses" / "copy"),
    "course renamed": lambda r: (r / SALES).rename(r / "courses" / "renamed"),
    "course deleted": lambda r: shutil.rmtree(r / SALES),
    "courses replaced": lambda r: _replace(r / "courses"),
    "lmsctl.yml changed": lambda r: _append(r / "lmsctl.yml", "\n"),
    "lmsctl.yml deleted": lambda r: (r / "lmsctl.yml").unlink(),
    "paths added": lambda r: shutil.rmtree(r / "paths") or (r / "paths").mkdir()
    or (r / "paths" / "p.yml").write_text("p"),
    "symlink made": lambda r: (r / SALES / "link.md").symlink_to(r / L1),
    "git checkout": _checkout,
    "written through a hard link": lambda r: _append(r / "elsewhere.md", "through it"),
}


def _same(watcher: Watcher, root: Path) -> None:
    """The watcher's snapshot is the walk's, and so is what it worked out of its entries
    (its folders' entries, stamps and sizes, kept from one call to the next)."""
    walked, watched = snapshot(root), watcher.snapshot()
    assert watched == walked
    if walked is None:
        return
    assert watched is not None and watched.settled == walked.settled
    for tree in ("courses", "paths"):
        assert {name: sorted(items) for name, items in watched.groups(tree).items()} == \
            {name: sorted(items) for name, items in walked.groups(tree).items()}
        assert watched.folders(tree) == walked.folders(tree)
        for name in {*walked.groups(tree), *watched.groups(tree), "nowhere"}:
            assert watched.size(tree, name) == walked.size(tree, name)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_watcher_sees_what_a_walk_sees(change: str, sample_repo: Path) -> None:
    _git(sample_repo, "init", "-q", "-b", "main")
    _git(sample_repo, "add", "-A")
    _git(sample_repo, "commit", "-q", "-m", "start")
    os.link(sample_repo / L1, sample_repo / "elsewhere.md")  # (outside what is watched)
    watcher = Watcher.start(sample_repo)
    assert watcher is not None
    assert watcher.snapshot() == snapshot(sample_repo)
    CHANGES[change](sample_repo)
    assert watcher.refresh()  # (what the resident does on each wake-up of its fd)
    _same(watcher, sample_repo)
    # and the next change after it (the watcher may have started over)
    (sample_repo / "lmsctl.yml").write_text("changed: again\n", encoding="utf-8")
    (sample_repo / "courses" / "late.md").write_text("late", encoding="utf-8")
    _same(watcher, sample_repo)
    if change == "symlink made":  # a symlink: None, as a walk, until it is gone
        (sample_repo / SALES / "link.md").unlink()
        assert watcher.snapshot() == snapshot(sample_repo) is not None
    watcher.close()


_OUT_OF_INSTANCES = r"""
import os, resource, shutil, sys
from pathlib import Path
from lmsctl.commands.resident import _Repositories
from lmsctl.core.watch import Watcher

root = Path(sys.argv[1])
held = [os.open(os.devnull, os.O_RDONLY) for _ in range(40)]  # the watcher's fd comes after
repos = _Repositories()
repos.watch(root)
watcher = repos.watchers[root]
assert watcher is not None and watcher.fd > max(held)
shutil.rmtree(root / "courses" / "sales-basics")  # a folder deleted: the watcher starts over
# no lower file descriptor left: the watcher's next queue cannot be had (EMFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (watcher.fd, resource.getrlimit(
    resource.RLIMIT_NOFILE)[1]))
while True:
    try:
        held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        break
repos.ready([watcher.fd])
assert root not in repos.watchers, "a stopped watcher is let go"
repos.watch(Path(sys.argv[2]))  # another repository: no room for its queue either
for fd in held:
    os.close(fd)
repos.watch(root)  # a later run watches it again
assert repos.watchers[root] is not None
"""


def test_a_watcher_the_system_refuses_says_why_and_is_let_go(sample_repo: Path,
                                                             tmp_path: Path) -> None:
    """The system's limit of inotify instances reached (EMFILE): the resident says so and what
    mends it, on a start and on a start over (which lets the watcher go: a later run watches
    the repository again)."""
    other = tmp_path / "other"
    shutil.copytree(sample_repo, other)
    found = subprocess.run([sys.executable, "-c", _OUT_OF_INSTANCES, str(sample_repo),
                            str(other)], capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    lines = found.stderr.splitlines()
    assert lines[0].startswith(f"lmsctl resident: watching {sample_repo} (")
    assert lines[1].startswith(f"lmsctl resident: stopped watching {sample_repo} (")
    assert lines[2].startswith(f"lmsctl resident: cannot watch {other} (")
    for line in lines[1:3]:
        assert line.endswith("; raise fs.inotify.max_user_instances; each run walks its files)")
    assert lines[3].startswith(f"lmsctl resident: watching {sample_repo} (")
    assert len(lines) == 4
