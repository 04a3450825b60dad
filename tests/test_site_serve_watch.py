"""How ``lmsctl serve`` hears of changes (issue 14): the system tells it (inotify), on the top
of the repository and on courses/ and paths/, watched again when they are made anew; with
``--poll`` it looks at the files instead; open pages reload as soon as the new site is in
place, not when the build has also written its cache; a rebuild runs without the cyclic
garbage collector, which is on again after it."""

from __future__ import annotations

import gc
import shutil
import urllib.error
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MINIMAL_LESSON
from tests.test_serve_overlay import LESSON
from tests.test_site_serve import get, serving, wait_for

PAGE = "courses/sales-basics/discovery-questions/"
PATH = "title: Everything\nsummary: All of it.\nowners: ['@a']\ncourses: [sales-basics]\n"


def text(url: str) -> str:
    """The page, or "" while it is not there."""
    try:
        return get(url)
    except urllib.error.HTTPError:
        return ""


def test_polling_previews_edits_too(make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    with serving(repo, poll=True) as (url, stream):
        assert "note: looking at the files every 0.5 s for changes (--poll)." in \
            stream.getvalue()
        (repo / LESSON).write_text(MINIMAL_LESSON + "\nPolled words.\n", encoding="utf-8")
        assert wait_for(lambda: "Polled words" in get(url + PAGE)), stream.getvalue()


def test_a_paths_folder_made_while_serving_is_watched(make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    with serving(repo) as (url, stream):
        assert "note:" not in stream.getvalue()  # the system's watch, not polling
        (repo / "paths").mkdir()
        (repo / "paths/everything.yml").write_text(PATH, encoding="utf-8")
        page = url + "paths/everything/"
        assert wait_for(lambda: "Everything" in text(page)), stream.getvalue()
        # the new folder is watched itself: a change inside it rebuilds
        (repo / "paths/everything.yml").write_text(PATH.replace("title: Everything",
                                                                "title: All courses"),
                                                   encoding="utf-8")
        assert wait_for(lambda: "All courses" in text(page)), stream.getvalue()
        # the collector, off while a rebuild runs, is on again once it is over
        assert wait_for(gc.isenabled)


def test_the_courses_folder_removed_and_made_anew_is_watched_again(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo()
    with serving(repo) as (url, stream):
        kept = tmp_path / "kept"
        shutil.copytree(repo / "courses", kept)
        shutil.rmtree(repo / "courses")
        assert wait_for(lambda: text(url + PAGE) == ""), stream.getvalue()  # a site without
        shutil.copytree(kept, repo / "courses")
        assert wait_for(lambda: text(url + PAGE) != ""), stream.getvalue()
        (repo / LESSON).write_text(MINIMAL_LESSON + "\nWords in a new folder.\n",
                                   encoding="utf-8")
        assert wait_for(lambda: "Words in a new folder" in get(url + PAGE)), stream.getvalue()
