"""The runtime's xAPI recorder in real Chromium against a real LRS (Ralph, through
``lmsctl lrs``): what the learner sees while records are sent (the thanks text, the opt-out
control), and statements that only the browser can make right: a Check on choices shown in
the learner's shuffled order reports the authored choice ids; "Flag as outdated" is recorded;
leaving the page sends ``experienced`` with ``fetch`` keepalive. The course-level end-to-end
(passing a course, an LRS that goes down, opting out) is tests/test_lrs_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lmsctl.core.ids import lesson_iri, question_iri
from tests.browser_support import Watch, open_page
from tests.ralph_support import RecordedSite, recorded_sample_site

pytestmark = pytest.mark.browser

FLAG = "http://activitystrea.ms/schema/1.0/flag-as-inappropriate"


Records = RecordedSite


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory, ralph_python: Path) -> Iterator[Records]:
    with recorded_sample_site(tmp_path_factory.mktemp("xapi-recorder"), ralph_python) as site:
        yield site


def statements(r: Records, page: Any, actor: str, wanted: set[str]) -> list[dict[str, Any]]:
    """The actor's statements once every verb in ``wanted`` is there. The page keeps running
    meanwhile: Playwright continues its routed requests only inside a Playwright call."""
    agent = {"objectType": "Agent", "account": {"homePage": r.model.config.site_url,
                                                "name": actor}}
    found: list[dict[str, Any]] = []
    for _ in range(120):
        found = r.lrs.all_statements(agent=agent, ascending=True)
        if wanted <= {s["verb"]["id"] for s in found}:
            return found
        page.wait_for_timeout(500)
    raise AssertionError(f"verbs missing after 60 s: {wanted}; got {[s['verb'] for s in found]}")


def test_shuffled_checks_votes_flags_and_leaving_reach_the_lrs(records: Records) -> None:
    r = records
    course = r.model.course("sales-basics")
    assert course is not None
    lesson = course.lessons[0]
    question = lesson.questions[0]
    watch = Watch()
    page = open_page(r.chromium, watch)
    page.goto(f"{r.base}courses/{course.id}/{lesson.id}/")

    # the opt-out control says "sending" at once, before the xAPI module has loaded
    assert page.locator("[data-lmsctl-optout]").get_attribute("aria-pressed") == "false"
    actor = page.evaluate("""() => JSON.parse(localStorage.getItem(
        Object.keys(localStorage).find(k => k.endsWith(':learner'))))""")
    fs = page.locator(f'[data-lmsctl-question="{question.key}"]')
    shown = [int(v) for v in fs.locator("input").evaluate_all("els => els.map(e => e.value)")]
    wrong = next(c.index for c in question.choices if not c.correct)
    fs.locator(f'input[value="{wrong}"]').check()
    fs.locator("[data-lmsctl-check]").click()
    assert fs.get_attribute("data-lmsctl-result") == "incorrect"

    page.click("[data-lmsctl-helpful-answer=yes]")
    thanks = page.locator("[data-lmsctl-helpful-thanks]").inner_text()
    assert "sent with your learning records" in thanks
    # "Flag as outdated" opens the repository's issue form in a new tab; this test keeps the
    # browser on 127.0.0.1, so the click is recorded and the navigation cancelled
    page.evaluate("""() => document.querySelector('[data-lmsctl-feedback-link=outdated]')
        .addEventListener('click', e => e.preventDefault())""")
    page.click("[data-lmsctl-feedback-link=outdated]")
    page.wait_for_timeout(1000)
    page.goto(f"{r.base}courses/{course.id}/{course.lessons[1].id}/")  # leaves: experienced

    adl = "http://adlnet.gov/expapi/verbs/"
    wanted = {adl + "answered", adl + "experienced", "http://id.tincanapi.com/verb/rated", FLAG}
    found = statements(r, page, actor, wanted)
    page.context.close()
    watch.console_errors = [e for e in watch.console_errors if str(r.lrs.port) not in e]
    watch.assert_clean()

    base = r.model.config.activity_base
    [answered] = [s for s in found if s["verb"]["id"] == adl + "answered"]
    assert answered["object"]["id"] == question_iri(base, course.id, lesson.id, question.key)
    definition = answered["object"]["definition"]
    assert [c["id"] for c in definition["choices"]] == [c.key for c in question.choices]
    assert answered["result"]["response"] == question.choices[wrong].key
    assert answered["result"]["success"] is False
    assert answered["context"]["extensions"][f"{base}xapi/ext/content-version"] == \
        question.version
    assert sorted(shown) == list(range(len(question.choices)))

    [flagged] = [s for s in found if s["verb"]["id"] == FLAG]
    assert flagged["object"]["id"] == lesson_iri(base, course.id, lesson.id)
    assert flagged["context"]["extensions"] == {
        f"{base}xapi/ext/flag-reason": "outdated",
        f"{base}xapi/ext/content-version": lesson.version}

    [rated] = [s for s in found if s["verb"]["id"].endswith("/rated")]
    assert rated["result"]["score"] == {"raw": 1, "min": -1, "max": 1}

    experienced = [s for s in found if s["verb"]["id"] == adl + "experienced"]
    assert [s["object"]["id"] for s in experienced] == [lesson_iri(base, course.id, lesson.id)]
    assert re.fullmatch(r"PT(\d+(\.\d+)?S)", experienced[0]["result"]["duration"])
    ids = [s["id"] for s in found]
    assert len(ids) == len(set(ids))


def test_leaving_a_page_sends_through_real_cors_with_keepalive(records: Records) -> None:
    """Without Playwright's request interception (which answers CORS itself), as a learner's
    browser does: the POST needs a CORS preflight to Ralph, and leaving the page sends the
    lesson's ``experienced`` statement with ``fetch`` keepalive."""
    r = records
    course = r.model.course("sales-basics")
    assert course is not None
    context = r.chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{r.base}courses/{course.id}/{course.lessons[2].id}/")
    page.wait_for_function("performance.getEntriesByName('lmsctl:records-ready').length")
    actor = page.evaluate("""() => JSON.parse(localStorage.getItem(
        Object.keys(localStorage).find(k => k.endsWith(':learner'))))""")
    page.wait_for_timeout(1200)
    page.goto(f"{r.base}catalog/")  # pagehide: the keepalive POST outlives the page
    agent = {"objectType": "Agent", "account": {"homePage": r.model.config.site_url,
                                                "name": actor}}
    found: list[dict[str, Any]] = []
    for _ in range(40):
        found = r.lrs.all_statements(agent=agent)
        if found:
            break
        page.wait_for_timeout(250)
    context.close()
    assert [s["verb"]["id"] for s in found] == ["http://adlnet.gov/expapi/verbs/experienced"]
    assert found[0]["object"]["id"] == lesson_iri(r.model.config.activity_base, course.id,
                                                  course.lessons[2].id)
    assert errors == []
