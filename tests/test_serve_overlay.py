"""Errors in the preview (#16): a failed rebuild shows its problems over every open page (the
same text as the terminal, as text) and the next good build clears them; the watch survives a
`git switch` that removes and re-creates the course folder, and editors that save by rename."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from lmsctl.targets.site.preview_server import STATUS_PATH
from tests.browser_support import Watch, browser, open_page
from tests.conftest import MINIMAL_LESSON, minimal_files
from tests.gitrepo import GitRepo, git
from tests.test_site_serve import get, serving, wait_for

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
#: A mistake whose message quotes the author's text, with HTML in it.
BROKEN = MINIMAL_LESSON.replace("correct: true", "correct: <b>maybe</b>")


def _origin(url: str) -> str:
    return url.split("/", 3)[0] + "//" + url.split("/", 3)[2]


def status(url: str) -> dict[str, object]:
    return dict(json.loads(get(_origin(url) + STATUS_PATH)))


@pytest.mark.browser
def test_a_failed_rebuild_shows_an_overlay_on_every_open_page(
        make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    with serving(repo) as (url, stream), browser() as b:
        watch = Watch()
        lesson_page = open_page(b, watch)
        lesson_page.goto(url + "courses/sales-basics/discovery-questions/")
        course_page = open_page(b, watch)
        course_page.goto(url + "courses/sales-basics/")
        assert lesson_page.locator("[data-lmsctl-build-errors]").count() == 0

        (repo / LESSON).write_text(BROKEN, encoding="utf-8")
        for page in (lesson_page, course_page):
            page.wait_for_selector("[data-lmsctl-build-errors]", timeout=30_000)
        shown = lesson_page.locator("[data-lmsctl-build-errors] pre").text_content()
        terminal = stream.getvalue()
        assert shown and shown in terminal  # the same text as the terminal
        assert f"{LESSON}:" in shown and "LMS104" in shown and "hint:" in shown
        assert "<b>maybe</b>" in shown  # shown as text...
        assert lesson_page.locator("[data-lmsctl-build-errors] b").count() == 0  # ...not HTML
        assert course_page.locator("[data-lmsctl-build-errors] pre").text_content() == shown
        # The last good build stays underneath.
        assert lesson_page.locator("[data-lmsctl-question]").count() == 1

        (repo / LESSON).write_text(MINIMAL_LESSON, encoding="utf-8")
        for page in (lesson_page, course_page):
            page.wait_for_selector("[data-lmsctl-build-errors]", state="detached",
                                   timeout=30_000)
        assert status(url) == {"failed": False, "text": ""}
        watch.assert_clean()


def test_the_status_endpoint_follows_the_builds(make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    with serving(repo) as (url, stream):
        assert status(url) == {"failed": False, "text": ""}
        assert "data-lmsctl-build-errors" in get(url + "courses/sales-basics/")  # injected
        (repo / LESSON).write_text(BROKEN, encoding="utf-8")
        assert wait_for(lambda: status(url)["failed"] is True), stream.getvalue()
        text = str(status(url)["text"])
        assert text.startswith(f"{LESSON}:") and text in stream.getvalue()
        (repo / LESSON).write_text(MINIMAL_LESSON, encoding="utf-8")
        assert wait_for(lambda: status(url)["failed"] is False), stream.getvalue()


def test_the_watch_survives_git_switch_away_and_back(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", minimal_files())
    repo.commit("Add sales basics")
    git(repo.root, "switch", "-q", "-c", "without-course")
    git(repo.root, "rm", "-r", "-q", "courses/sales-basics")
    repo.commit("Remove the course")
    git(repo.root, "switch", "-q", "main")
    page = "courses/sales-basics/discovery-questions/"
    with serving(repo.root, course="sales-basics") as (url, stream):
        assert "Because the customer knows things" in get(url + page)
        git(repo.root, "switch", "-q", "without-course")  # the folder disappears
        assert not (repo.root / "courses/sales-basics").exists()
        assert wait_for(lambda: status(url)["failed"] is True), stream.getvalue()
        assert "sales-basics" in str(status(url)["text"])
        git(repo.root, "switch", "-q", "main")  # ...and comes back
        assert wait_for(lambda: status(url)["failed"] is False), stream.getvalue()
        # Still watching the re-created folder: an edit there rebuilds.
        (repo.root / LESSON).write_text(MINIMAL_LESSON.replace(
            "Because the customer knows things", "Customers know things"), encoding="utf-8")
        assert wait_for(lambda: "Customers know things" in get(url + page)), stream.getvalue()


def test_the_watch_survives_folder_removal_and_save_by_rename(
        make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    page = "courses/sales-basics/discovery-questions/"
    with serving(repo, course="sales-basics") as (url, stream):
        lessons = repo / "courses/sales-basics/lessons"
        # An editor that saves by writing a temporary file and renaming it over the lesson.
        temp = lessons / ".01-discovery-questions.md.swp"
        temp.write_text(MINIMAL_LESSON.replace("Good discovery starts",
                                               "Saved by rename: discovery starts"),
                        encoding="utf-8")
        os.replace(temp, lessons / "01-discovery-questions.md")
        assert wait_for(lambda: "Saved by rename" in get(url + page)), stream.getvalue()
        # The lessons folder removed and re-created (as a branch switch does).
        saved = (lessons / "01-discovery-questions.md").read_text(encoding="utf-8")
        for file in lessons.iterdir():
            file.unlink()
        lessons.rmdir()
        assert wait_for(lambda: status(url)["failed"] is True), stream.getvalue()
        lessons.mkdir()
        (lessons / "01-discovery-questions.md").write_text(
            saved.replace("Saved by rename", "Re-created"), encoding="utf-8")
        assert wait_for(lambda: "Re-created" in get(url + page)), stream.getvalue()
