"""A package opened from a folder (issue 13: "the zip opened locally"; SCORM 1.2, SCORM 2004,
and an xAPI package that no LMS launched): no LMS, no web server, the launch page opened with
file:// in real Chromium. The course must work with progress kept
in the browser's localStorage (the local recorder): the learner answers wrong, then right,
the course shows passed, and after a reload the progress is still there. Browsers refuse module
scripts on file:// (origin null), so this holds only because the runtime ships as classic
scripts (lmsctl/runtime/bundle/, scripts/bundle-runtime.mjs). Nothing may go to the network:
every request the pages make is a file:// URL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lmsctl.targets.scorm.export import export_courses
from tests.browser_support import browser
from tests.scorm_support import answer_all, content, package_data, unzip
from tests.site_support import copy_sample

pytest.importorskip("playwright.sync_api", reason="pip install playwright")
pytestmark = pytest.mark.browser

COURSE = "handling-pricing-objections"


@dataclass
class Opened:
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("file-packages")
    repo = copy_sample(base / "repo")
    result = export_courses(repo, [COURSE], ["scorm12", "scorm2004", "xapi"], base / "dist")
    return {p.format: unzip(p.zip, base / f"unzipped-{p.format}") for p in result.packages}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as b:
        yield b


def _open(chromium: Any, opened: Opened) -> Any:
    """A page in a fresh context (its own localStorage) recording every request and error;
    no routing, so that file:// requests are not touched."""
    context = chromium.new_context()
    context.on("request", lambda request: opened.requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    return page


def _course_state(frame: Any) -> str | None:
    state = frame.locator(f'[data-lmsctl-course="{COURSE}"][data-lmsctl-pass-mark]').first
    return state.get_attribute("data-lmsctl-state")  # type: ignore[no-any-return]


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004", "xapi"])
def test_a_package_opened_from_a_folder_works_and_keeps_progress_in_the_browser(
        chromium: Any, packages: dict[str, Path], fmt: str) -> None:
    folder = packages[fmt]
    data = package_data(folder)
    launch = (folder / "index.html").as_uri()
    opened = Opened()
    page = _open(chromium, opened)
    try:
        page.goto(launch)
        frame = content(page)
        frame.wait_for_load_state("load")
        assert frame.url.endswith(data["start"]), frame.url
        assert frame.url.startswith("file://")
        assert _course_state(frame) != "complete"

        answer_all(page, data, right=False)  # asserts each Check shows "incorrect"
        answer_all(page, data, right=True)  # ... then "correct"
        frame = content(page)
        course_page = frame.url.rsplit("/courses/", 1)[0] + "/" + data["start"]
        frame.goto(course_page)
        frame.wait_for_load_state("load")
        assert _course_state(frame) == "complete"  # passed, with the local recorder

        # reload the whole package: the progress is still there
        page.reload()
        frame = content(page)
        frame.wait_for_load_state("load")
        assert frame.url.endswith(data["start"])
        frame.wait_for_function(
            f"""() => {{ const el = document.querySelector(
                '[data-lmsctl-course="{COURSE}"][data-lmsctl-pass-mark]');
                return el && el.getAttribute("data-lmsctl-state") === "complete"; }}""")
        q = data["questions"][0]
        lesson = next(entry for entry in data["lessons"] if entry["id"] == q["lesson"])
        frame.goto(frame.url.rsplit("/courses/", 1)[0] + "/" + lesson["url"])
        frame.wait_for_load_state("load")
        answered = frame.locator(f'[data-lmsctl-lesson="{q["lesson"]}"]'
                                 f'[data-lmsctl-question="{q["question"]}"]')
        assert answered.get_attribute("data-lmsctl-result") == "correct"
        kept = frame.evaluate("() => Object.keys(localStorage).filter((k) => k.includes(':quiz:'))")
        assert len(kept) == len(data["questions"])
    finally:
        page.context.close()
    assert opened.errors == [], opened.errors
    assert opened.requests, "the page made no request at all: the check would mean nothing"
    assert [u for u in opened.requests if not u.startswith("file://")] == []
    # the runtime ran from the package: its classic script, never a module
    assert any(u.endswith("/assets/lmsctl/runtime/lmsctl.js") for u in opened.requests)
    assert any(u.endswith("/assets/lmsctl/package/launch.js") for u in opened.requests)
    # not launched by an LMS (no xAPI launch parameters): no recorder that sends statements
    assert not [u for u in opened.requests if u.endswith("/lmsctl-xapi.js")]
