"""Exported packages played in real Chromium with scorm-again (npm, pinned in package.json) as
the LMS runtime: a test page on 127.0.0.1 sets up scorm-again's Scorm12API / Scorm2004API on
window.API / window.API_1484_11 and plays the unzipped package in a frame. The learner answers
wrong, then right, leaves, and relaunches with the saved cmi data (suspend_data, location); the
test reads status, score and interactions back from scorm-again.

Needs node_modules (`npm ci --ignore-scripts`): fails under CI=true, skipped elsewhere."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from lmsctl.targets.scorm.export import export_courses
from tests.browser_support import Watch, browser, open_page, static_server
from tests.scorm_support import answer_all, content, package_data, unzip
from tests.site_support import ROOT, copy_sample

pytest.importorskip("playwright.sync_api", reason="pip install playwright")
pytestmark = pytest.mark.browser

COURSE = "handling-pricing-objections"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
NPM_HINT = "scorm-again is not installed: run `npm ci --ignore-scripts` in the repository"

LMS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>test LMS</title>
<script src="scorm12.min.js"></script><script src="scorm2004.min.js"></script></head>
<body>
<script>
  /* The test LMS: scorm-again's API on this window, the package in a frame. */
  window.launch = function (format, saved) {
    var settings = {autocommit: false, lmsCommitUrl: false, logLevel: 5};
    if (format === "scorm2004") {
      window.API_1484_11 = new Scorm2004API(settings);
      if (saved) { window.API_1484_11.loadFromJSON(saved, ""); }
    } else {
      window.API = new Scorm12API(settings);
      if (saved) { window.API.loadFromJSON(saved, ""); }
    }
    var frame = document.createElement("iframe");
    frame.id = "sco";
    frame.style.width = "1000px"; frame.style.height = "800px";
    frame.src = "pkg-" + format + "/index.html";
    document.body.appendChild(frame);
  };
  window.leave = function () { document.getElementById("sco").remove(); };
  window.cmi = function (format) {
    var api = format === "scorm2004" ? window.API_1484_11 : window.API;
    return JSON.parse(JSON.stringify(api.cmi));
  };
</script>
</body></html>
"""


@dataclass
class Lms:
    url: str
    chromium: Any
    data: dict[str, dict[str, Any]]  # format -> the package's course data


@pytest.fixture(scope="module")
def lms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lms]:
    if not (SCORM_AGAIN / "scorm12.min.js").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(NPM_HINT)
        pytest.skip(NPM_HINT)
    base = tmp_path_factory.mktemp("scorm-lms")
    repo = copy_sample(base / "repo")
    www = base / "www"
    www.mkdir()
    data = {}
    result = export_courses(repo, [COURSE], ["scorm12", "scorm2004", "xapi"], base / "dist")
    for package in result.packages:
        fmt = package.format
        data[fmt] = package_data(unzip(package.zip, www / f"pkg-{fmt}"))
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(SCORM_AGAIN / name, www / name)
    (www / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    with browser() as chromium, static_server(www) as url:
        yield Lms(url, chromium, data)


def play(lms: Lms, fmt: str, watch: Watch) -> None:
    page = open_page(lms.chromium, watch)
    data = lms.data[fmt]
    try:
        page.goto(f"{lms.url}/lms.html")
        page.evaluate("f => window.launch(f, null)", fmt)
        answer_all(page, data, right=False)
        after_wrong = page.evaluate("f => window.cmi(f)", fmt)
        answer_all(page, data, right=True)
        # the learner ends on the last lesson with a quiz: the bookmark
        last = [lesson["id"] for lesson in data["lessons"]
                if any(q["lesson"] == lesson["id"] for q in data["questions"])][-1]
        page.evaluate("() => window.leave()")
        page.wait_for_timeout(200)
        saved = page.evaluate("f => window.cmi(f)", fmt)
        total = len(data["questions"])
        if fmt == "scorm12":
            core = after_wrong["core"]
            assert core["lesson_status"] == "failed"
            assert float(core["score"]["raw"]) == 0
            core = saved["core"]
            assert core["lesson_status"] == "passed"
            assert (float(core["score"]["raw"]), float(core["score"]["min"]),
                    float(core["score"]["max"])) == (100, 0, 100)
            assert core["lesson_location"] == last
            assert core["exit"] == "suspend"
            assert core["session_time"].count(":") == 2  # HHHH:MM:SS.SS
            suspend = saved["suspend_data"]
        else:
            assert after_wrong["success_status"] == "failed"
            assert after_wrong["completion_status"] == "completed"
            assert saved["success_status"] == "passed"
            assert saved["completion_status"] == "completed"
            assert float(saved["score"]["scaled"]) == 1
            assert float(saved["score"]["raw"]) == 100
            assert saved["location"] == last
            assert saved["exit"] == "suspend"
            assert saved["session_time"].startswith("PT")
            found = saved["interactions"]  # scorm-again's JSON: {"0": {...}, "1": {...}}
            interactions = [found[str(n)] for n in range(len(found))]
            assert len(interactions) == 2 * total  # one per answered question (each Check)
            first = {q["key"]: q for q in data["questions"]}
            wrong, right = interactions[:total], interactions[total:]
            for item in wrong:
                assert item["type"] == "choice" and item["result"] == "incorrect"
            for item, q in zip(right, data["questions"], strict=True):
                assert item["result"] == "correct"
                assert item["id"].endswith(f'{q["lesson"]}/#{q["question"]}')
                assert item["learner_response"] == "[,]".join(q["correct"])
                pattern = item["correct_responses"]["0"]["pattern"]
                assert pattern == "[,]".join(first[q["key"]]["correct"])
                assert item["timestamp"]
            suspend = saved["suspend_data"]
        assert suspend.startswith("1|")
    finally:
        page.context.close()
    watch.assert_clean()

    # relaunch with what the LMS kept: the answers and the bookmark come back
    watch2 = Watch()
    page = open_page(lms.chromium, watch2)
    try:
        page.goto(f"{lms.url}/lms.html")
        if fmt == "scorm12":
            resume = {"suspend_data": suspend, "core": {
                "lesson_location": saved["core"]["lesson_location"], "entry": "resume"}}
        else:
            resume = {"suspend_data": suspend, "location": saved["location"],
                      "entry": "resume"}
        page.evaluate("([f, s]) => window.launch(f, s)", [fmt, resume])
        frame = content(page)
        frame.wait_for_load_state("load")
        assert frame.url.endswith(f"/{last}/index.html"), frame.url
        results = frame.locator("[data-lmsctl-question]")
        assert results.count() > 0
        for i in range(results.count()):
            assert results.nth(i).get_attribute("data-lmsctl-result") == "correct"
        status = page.evaluate("f => window.cmi(f)", fmt)
        if fmt == "scorm12":
            assert status["core"]["lesson_status"] != "failed"
        # the course page shows the course complete, from the LMS's data alone
        frame.goto(frame.url.rsplit("/", 2)[0] + "/index.html")
        frame.wait_for_load_state("load")
        state = frame.locator(f'[data-lmsctl-course="{COURSE}"][data-lmsctl-pass-mark]').first
        assert state.get_attribute("data-lmsctl-state") == "complete"
    finally:
        page.context.close()
    watch2.assert_clean()


def test_scorm12_in_scorm_again(lms: Lms) -> None:
    play(lms, "scorm12", Watch())


def test_scorm2004_in_scorm_again(lms: Lms) -> None:
    play(lms, "scorm2004", Watch())


def test_without_an_lms_the_course_works_with_progress_in_the_browser(lms: Lms) -> None:
    """The package served without any SCORM API: the launch page shows the course, a Check is
    kept in localStorage across a reload, and nothing fails."""
    watch = Watch()
    page = open_page(lms.chromium, watch)
    data = lms.data["scorm12"]
    try:
        page.goto(f"{lms.url}/pkg-scorm12/index.html")
        frame = content(page)
        frame.wait_for_load_state("load")
        assert frame.url.endswith(data["start"])
        q = data["questions"][0]
        lesson = next(entry for entry in data["lessons"] if entry["id"] == q["lesson"])
        frame.goto(f"{lms.url}/pkg-scorm12/{lesson['url']}")
        fs = frame.locator(f'[data-lmsctl-question="{q["question"]}"]')
        fs.locator(f'input[value="{q["choices"].index(q["correct"][0])}"]').click()
        fs.locator("[data-lmsctl-check]").click()
        assert fs.get_attribute("data-lmsctl-result") == "correct"
        frame.goto(frame.url)
        frame.wait_for_load_state("load")
        fs = frame.locator(f'[data-lmsctl-question="{q["question"]}"]')
        assert fs.get_attribute("data-lmsctl-result") == "correct"
    finally:
        page.context.close()
    watch.assert_clean()


def test_xapi_package_reports_with_the_launch_endpoint_actor_and_registration(lms: Lms) -> None:
    """The LMS launches index.html with the TinCan parameters; the runtime's xAPI recorder on
    the course's pages takes them: the statements it queues carry the launched actor and
    registration (the endpoint here accepts nothing, so they stay queued)."""
    watch = Watch()
    page = open_page(lms.chromium, watch)
    data = lms.data["xapi"]
    actor = json.dumps({"objectType": "Agent", "account": {"homePage": "https://lms.example",
                                                           "name": "learner-7"}})
    registration = "8f1c6a52-6d1f-4b8e-9d7b-2c1f0e3a4b5c"
    try:
        from urllib.parse import urlencode

        query = urlencode({"endpoint": f"{lms.url}/lrs/xAPI/", "auth": "Basic dGVzdDp0ZXN0",
                           "actor": actor, "registration": registration})
        page.goto(f"{lms.url}/pkg-xapi/index.html?{query}")
        frame = content(page)
        frame.wait_for_load_state("load")
        q = data["questions"][0]
        lesson = next(entry for entry in data["lessons"] if entry["id"] == q["lesson"])
        frame.goto(f"{lms.url}/pkg-xapi/{lesson['url']}")
        frame.wait_for_load_state("load")
        launch = frame.evaluate("() => window.lmsctlLaunch")
        assert launch["endpoint"] == f"{lms.url}/lrs/xAPI/"
        assert launch["actor"]["account"]["name"] == "learner-7"
        fs = frame.locator(f'[data-lmsctl-question="{q["question"]}"]')
        fs.locator(f'input[value="{q["choices"].index(q["correct"][0])}"]').click()
        fs.locator("[data-lmsctl-check]").click()
        queued = frame.evaluate("""() => Object.keys(localStorage)
            .filter((k) => k.endsWith(":xapi:queue"))
            .map((k) => JSON.parse(localStorage.getItem(k)))""")
        statements = [json.dumps(item) for queue in queued for item in
                      (queue if isinstance(queue, list) else queue.get("items", []))]
        answered = [s for s in statements if "answered" in s]
        assert answered, statements[:3]
        assert "learner-7" in answered[0] and registration in answered[0]
    finally:
        page.context.close()
    assert watch.external() == [] and watch.page_errors == []
