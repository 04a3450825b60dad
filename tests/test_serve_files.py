"""``lmsctl serve`` builds from a watcher's snapshot of the repository (issue 14): the build's
stamp (``build_inputs.scan``) from ``build_inputs.watch`` is, after every kind of change, the
one a walk gives; a build from it is the walking build, byte for byte; and a preview served
that way shows every save, never a stale page. Real files, real inotify, real builds."""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lmsctl.core import watch
from lmsctl.core.inputs import Snapshot
from lmsctl.core.watch import Watcher, why
from lmsctl.targets.site import build_inputs, preview_server
from lmsctl.targets.site.publish import MARKER
from tests.conftest import MINIMAL_LESSON
from tests.site_support import build, copy_sample
from tests.test_site_cache import assert_same_tree
from tests.test_site_serve import get, serving, wait_for
from tests.test_watch import CHANGES, L1, SALES, _git

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")

EPOCH = "1767225600"
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
PAGE = "courses/sales-basics/discovery-questions/"
ADDED = "---\ntitle: An added lesson\nduration: 5\n---\nA lesson made while serving.\n"
SETTINGS = ["code", "version", "options", "day"]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


#: Changes outside ``courses/`` and ``paths/``: a build's stamp takes every file at the root,
#: but what it writes (a site lmsctl published, its temporary folders, its cache).
AT_THE_ROOT: dict[str, Callable[[Path], None]] = {
    "file made at the root": lambda r: _write(r / "README.md", "read me"),
    "file of a root folder changed": lambda r: _write(r / "docs" / "notes.md", "changed"),
    "file made in a new root folder": lambda r: _write(r / "overrides" / "a" / "b.html", "b"),
    "root folder deleted": lambda r: shutil.rmtree(r / "docs"),
    "root folder renamed": lambda r: (r / "docs").rename(r / "documents"),
    "hidden root folder made": lambda r: _write(r / ".github" / "workflows" / "ci.yml", "ci"),
    "published site changed": lambda r: _write(r / "site" / "extra.html", "not an input"),
    "published site lost its marker": lambda r: (r / "site" / MARKER).unlink(),
    "folder published at the root": lambda r: _write(r / "docs" / MARKER, "site"),
    "temporary folder of a build": lambda r: _write(r / ".site-12-ab12" / "index.html", "t"),
    "temporary folder in a course": lambda r: _write(r / SALES / ".site-12-ab12" / "x", "t"),
    "file in lmsctl's cache": lambda r: _write(r / ".lmsctl" / "cache" / "x", "cached"),
    "file in git's folder": lambda r: _write(r / ".git" / "x", "git"),
    "symlink made at the root": lambda r: (r / "link").symlink_to(r / "lmsctl.yml"),
    "schemas replaced": lambda r: shutil.rmtree(r / "schemas") or _write(r / "schemas", "f"),
}


@pytest.fixture
def watched(sample_repo: Path) -> Iterator[tuple[Path, Path, Watcher]]:
    """The sample in git, with a published site and another folder at its root, and a watcher
    of what a build of it into a serve-like folder under ``.lmsctl/`` takes as inputs."""
    root = sample_repo.resolve()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "start")
    os.link(root / L1, root / "elsewhere.md")
    _write(root / "docs" / "notes.md", "notes")
    _write(root / "site" / MARKER, "site")
    _write(root / "site" / "index.html", "a published page")
    out = root / ".lmsctl" / "serve-1" / "site"
    watcher = build_inputs.watch(root, out)
    assert watcher is not None
    yield root, out, watcher
    watcher.close()


def _same_stamp(root: Path, out: Path, watcher: Watcher, symlink: bool = False) -> None:
    """The stamp from the watcher's snapshot is the walk's (key, files, history; and so its
    digest and whether it may be replayed), and so are what a build reads of its files
    beyond the entries: each root folder's stamps and sizes, and whether all are settled.
    Not None unless a symlink is there (then None, as the walk's)."""
    walked = build_inputs.scan(root, out, SETTINGS, True)
    given = build_inputs.scan(root, out, SETTINGS, True, files=watcher.snapshot())
    assert given == walked
    assert (given.digest, given.usable) == (walked.digest, walked.usable)
    if symlink:
        return
    assert given.files is not None and walked.files is not None
    assert given.files.settled == walked.files.settled
    trees = {rel for rel in walked.files.entries if "/" not in rel
             and walked.files.entries[rel] == (stat.S_IFDIR, 0, 0, 0, 0)}
    assert {"courses", "paths"} <= trees
    for tree in trees:
        assert given.files.stamps(tree) == walked.files.stamps(tree), tree
        for name in walked.files.stamps(tree):
            assert given.files.size(tree, name) == walked.files.size(tree, name), (tree, name)


@pytest.mark.parametrize("change", sorted({**CHANGES, **AT_THE_ROOT}))
def test_the_stamp_from_a_watcher_is_the_walks(
        change: str, watched: tuple[Path, Path, Watcher]) -> None:
    root, out, watcher = watched
    _same_stamp(root, out, watcher)
    assert "site/index.html" not in watcher.snapshot().entries  # type: ignore[union-attr]
    assert "docs/notes.md" in watcher.snapshot().entries  # type: ignore[union-attr]
    {**CHANGES, **AT_THE_ROOT}[change](root)
    _same_stamp(root, out, watcher, symlink="symlink" in change)
    # and the next change after it (the watcher may have started over)
    _write(root / SALES / "lessons" / "late.md", "late")
    _write(root / "TODO.txt", "late too")
    _same_stamp(root, out, watcher, symlink="symlink" in change)


def test_a_build_from_a_watchers_snapshot_is_the_walking_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte for byte the site of a build that walks (and of one without the cache), after a
    first build, an edit, a lesson added, renamed, deleted; and an unchanged repository is
    replayed from the watcher's snapshot as from a walk."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_sample(tmp_path / "repo").resolve()
    out = root / ".lmsctl" / "serve-1" / "site"
    watcher = build_inputs.watch(root, out)
    assert watcher is not None
    try:
        lessons = root / SALES / "lessons"
        edits: list[Callable[[], object]] = [
            lambda: None,
            lambda: (root / L1).write_text(MINIMAL_LESSON + "\nEdited words.\n", "utf-8"),
            lambda: (lessons / "04-added.md").write_text(ADDED, "utf-8"),
            lambda: (lessons / "04-added.md").rename(lessons / "05-renamed.md"),
            lambda: (lessons / "05-renamed.md").unlink(),
        ]
        for n, edit in enumerate(edits):
            edit()
            files = watcher.snapshot()
            assert files is not None and files == build_inputs.scan(
                root, out, SETTINGS, False).files
            result, _ = build(root, out, files=files, with_history=False, drafts=True)
            walked, _ = build(root, tmp_path / f"walked{n}", with_history=False, drafts=True)
            cold, _ = build(root, tmp_path / f"cold{n}", with_history=False, drafts=True,
                            use_cache=False)
            assert result.pages == walked.pages == cold.pages
            assert_same_tree(out, tmp_path / f"walked{n}")
            assert_same_tree(out, tmp_path / f"cold{n}")
            if n == 1:
                assert "Edited words" in (out / PAGE / "index.html").read_text("utf-8")
        # settled files: the record of a build from the watcher's snapshot is replayed by
        # the next (nothing validated, compiled or rendered), as a walking build's is
        old = time.time() - 60
        for folder, _, names in os.walk(root / "courses"):
            for name in names:
                os.utime(Path(folder) / name, (old, old))
        build(root, out, files=watcher.snapshot(), with_history=False, drafts=True)
        again, _ = build(root, out, files=watcher.snapshot(), with_history=False, drafts=True)
        assert set(again.timings) == {"inputs"}
        (root / SALES / "course.yml").write_text(
            (root / SALES / "course.yml").read_text("utf-8") + "\n", "utf-8")
        changed, _ = build(root, out, files=watcher.snapshot(), with_history=False,
                           drafts=True)
        assert "validate" in changed.timings
    finally:
        watcher.close()


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[Snapshot | None]:
    """What serve hands each build as its files (the build itself runs as ever)."""
    given: list[Snapshot | None] = []
    real = preview_server.build_site

    def record(*args: object, **kwargs: object) -> object:
        given.append(kwargs.get("files"))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(preview_server, "build_site", record)
    return given


def _save_by_rename(path: Path, text: str) -> None:
    """What many editors do: write a new file, rename it over the old one."""
    new = path.with_name(".saving.tmp")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def _settle(root: Path) -> None:
    """Every file's time an hour back (as ``cp -p``, ``rsync -t`` or unpacking leave them):
    the builds' stamps are settled, so an unchanged build is replayed and an unchanged course
    stands in for itself; only a snapshot that missed a change could then show a stale page."""
    old = time.time() - 3600
    for folder, _, names in os.walk(root):
        if "/." not in folder[len(str(root)):]:
            for name in names:
                os.utime(Path(folder) / name, (old, old))


def test_serve_builds_from_the_watcher_and_shows_every_save(
        make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole site: every save, however made (in place, renamed over, the same size as the
    last, a lesson deleted and made again, each with its time set an hour back), is on the page
    once built; each rebuild was handed a snapshot (no walk)."""
    repo = make_repo()
    _settle(repo)
    given = _recording(monkeypatch)
    lesson = repo / LESSON
    saves: list[Callable[[str], object]] = [
        lambda text: lesson.write_text(text, encoding="utf-8"),
        lambda text: _save_by_rename(lesson, text),
        lambda text: lesson.write_text(text, encoding="utf-8"),
        lambda text: lesson.unlink() or lesson.write_text(text, encoding="utf-8"),
    ]
    with serving(repo) as (url, stream):
        for n, save in enumerate(saves):
            words = f"Saved words number {n}."  # the same size each time
            save(f"{MINIMAL_LESSON}\n{words}\n")
            _settle(repo)
            assert wait_for(lambda w=words: w in get(url + PAGE)), stream.getvalue()
            # a build of the settled files (recorded, then replayed by an unchanged build)
            time.sleep(0.5)
            assert words in get(url + PAGE)
        assert "Saved words number 2" not in get(url + PAGE)
    # the first build walked (the watcher starts after it, in the background); no rebuild did
    assert given[0] is None and len(given) >= 1 + len(saves)
    assert all(isinstance(files, Snapshot) for files in given[1:]), given


def test_serve_polling_never_builds_from_a_watcher(make_repo: Callable[..., Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``--poll``: the kernel may not hear of the changes, so the builds walk."""
    repo = make_repo()
    given = _recording(monkeypatch)
    with serving(repo, poll=True) as (url, stream):
        (repo / LESSON).write_text(MINIMAL_LESSON + "\nPolled words.\n", encoding="utf-8")
        assert wait_for(lambda: "Polled words" in get(url + PAGE)), stream.getvalue()
    assert len(given) >= 2 and all(files is None for files in given)


def _files(tmp_path: Path) -> tuple[Path, io.StringIO, preview_server._Files]:
    """What serve holds of a repository's files, telling ``stream``."""
    root = copy_sample(tmp_path / "repo").resolve()
    stream = io.StringIO()
    return root, stream, preview_server._Files(root, root / ".lmsctl" / "serve-1" / "site",
                                               stream)


def test_a_watcher_that_fails_is_let_go_and_the_builds_walk(tmp_path: Path) -> None:
    """A fault of the watcher's own (here its queue gives a torn event) does not cost the
    save its build: that build walks, and so do the next, after one note."""
    root, stream, files = _files(tmp_path)
    files.start(polling=False)
    assert files.now(polling=False) is not None
    assert files.watcher is not None
    torn, writer = os.pipe()
    os.write(writer, b"torn")
    os.dup2(torn, files.watcher.fd)  # what the kernel queued is not an event
    os.close(torn)
    try:
        assert files.now(polling=False) is None
        assert files.watcher is None
        assert files.now(polling=False) is None
    finally:
        os.close(writer)
    notes = stream.getvalue().splitlines()
    assert len(notes) == 1 and notes[0].startswith("note: the watch of the files for the "
                                                    "builds stopped (error: "), notes
    assert notes[0].endswith("the builds walk the folders.")


def test_no_watcher_is_started_once_serve_is_closing(tmp_path: Path) -> None:
    """Ctrl+C: ``close`` first, and a ``start`` after it (on the way out) walks nothing."""
    _, stream, files = _files(tmp_path)
    files.close()
    files.start(polling=False)
    assert files.starting is None
    assert files.now(polling=False) is None and files.watcher is None
    assert stream.getvalue() == ""


def test_a_watcher_stops_past_its_budget_of_folders(tmp_path: Path) -> None:
    """More folders than its budget: refused at the start, and stopped (saying why) when
    they grow past it; the system's watches are left to the others."""
    root = copy_sample(tmp_path / "repo").resolve()
    out = root / ".lmsctl" / "serve-1" / "site"
    skip = build_inputs.left_out(root, out)
    folders = sum(1 + sum(len(dirs) for _, dirs, _ in os.walk(root / tree))
                  for tree in ("courses", "paths", "schemas") if (root / tree).is_dir())
    with pytest.raises(OSError, match=f"more than {folders - 1} folders to watch"):
        Watcher.start(root, only=None, skip=skip, budget=folders - 1)
    watcher = Watcher.start(root, only=None, skip=skip, budget=folders)
    assert watcher is not None
    try:
        assert watcher.snapshot() is not None
        _write(root / SALES / "lessons" / "more" / "x.md", "one folder more")
        assert watcher.snapshot() is None
        assert watcher.fd < 0 and watcher.error is not None
        assert f"more than {folders} folders" in why(watcher.error)
    finally:
        watcher.close()


def test_serve_says_when_its_files_are_too_many_to_watch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the budget the builds walk, after one note saying why and what would mend it:
    (at ``MOST_WATCHES``, however high the system's limit) fewer folders."""
    monkeypatch.setattr(watch, "MOST_WATCHES", 2)
    _, stream, files = _files(tmp_path)
    files.start(polling=False)
    assert files.now(polling=False) is None
    assert files.now(polling=False) is None
    assert stream.getvalue() == (
        "note: the files cannot be watched for the builds (more than 2 folders to watch; move "
        "the large folders lmsctl does not read (node_modules/, copies of a site) out of the "
        "repository); the builds walk the folders.\n")


def test_serve_says_to_raise_the_limit_that_made_its_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget the system's limit made (a quarter of it) grows with it: the note says how."""
    limit = tmp_path / "max_user_watches"
    limit.write_text("8\n", encoding="ascii")
    monkeypatch.setattr(watch, "_MAX_USER_WATCHES", str(limit))
    _, stream, files = _files(tmp_path)
    files.start(polling=False)
    assert files.now(polling=False) is None
    assert stream.getvalue() == (
        "note: the files cannot be watched for the builds (more than 2 folders to watch; raise "
        "fs.inotify.max_user_watches (serve takes a quarter of it: sudo sysctl "
        "fs.inotify.max_user_watches=524288) or move the large folders lmsctl does not read "
        "(node_modules/, copies of a site) out of the repository); the builds walk the "
        "folders.\n")


def test_the_budget_is_a_quarter_of_the_users_watches() -> None:
    limit = Path("/proc/sys/fs/inotify/max_user_watches")
    expected = min(watch.MOST_WATCHES, int(limit.read_text()) // 4) if limit.exists() \
        else watch.MOST_WATCHES
    assert watch.watch_budget() == expected
