"""Learning records end to end: the built sample site in real Chromium sends xAPI statements to
a real Ralph started by ``lmsctl lrs``; they are read back with xAPI ``GET /statements`` and
checked field by field against the profile (DESIGN section 8, docs/xapi-profile.md).

Needs the xAPI recorder of the runtime (lmsctl/runtime/recorders/xapi.js). The LRS is down for a
while in one test: every statement still arrives, once. Opted out, nothing is sent; without
``analytics:`` the pages make no request but to the site itself.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from lmsctl.content.loader import load_repository
from lmsctl.core.ids import course_iri, lesson_iri, path_iri, question_iri
from lmsctl.core.model import Course, Question, Repository
from tests.browser_support import Watch, open_page, static_server
from tests.ralph_support import RecordedSite, recorded_sample_site
from tests.site_support import build, copy_sample

expect = pytest.importorskip("playwright.sync_api", reason="pip install playwright").expect

pytestmark = pytest.mark.browser

ADL = "http://adlnet.gov/expapi/verbs/"
RATED = "http://id.tincanapi.com/verb/rated"


Site = RecordedSite


def build_into(repo: Path, out: Path, extra_config: str) -> Repository:
    if extra_config:
        with (repo / "lmsctl.yml").open("a", encoding="utf-8") as f:
            f.write(extra_config)
    model, _ = load_repository(repo)
    result, printed = build(repo, out)
    assert result.pages > 20, printed
    return model


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, ralph_python: Path) -> Iterator[Site]:
    with recorded_sample_site(tmp_path_factory.mktemp("records-site"), ralph_python) as found:
        yield found


def course(site: Site, course_id: str) -> Course:
    found = site.model.course(course_id)
    assert found is not None
    return found


def learner(page: Any) -> str:
    """The pseudonymous learner id the page keeps in localStorage."""
    found = page.evaluate("""() => Object.keys(localStorage)
        .filter(k => k.endsWith(':learner')).map(k => JSON.parse(localStorage.getItem(k)))""")
    assert len(found) == 1, found
    return str(found[0])


def answer(fieldset: Any, indexes: list[int]) -> None:
    for index in indexes:
        fieldset.locator(f'input[value="{index}"]').check()
    fieldset.locator("[data-lmsctl-check]").click()


def clear(fieldset: Any) -> None:
    """Undo the choices of a multiple-answer question (a radio group changes by itself)."""
    for box in fieldset.locator("input[type=checkbox]:checked").all():
        box.uncheck()


def correct_indexes(question: Question) -> list[int]:
    return [c.index for c in question.choices if c.correct]


def wrong_index(question: Question) -> int:
    return next(c.index for c in question.choices if not c.correct)


def statements_of(site: Site, page: Any, actor: str,
                  until: Callable[[list[dict[str, Any]]], bool],
                  timeout: float = 60) -> list[dict[str, Any]]:
    """The actor's statements in the LRS (oldest first), once ``until`` holds of them. Waits
    with the page (Playwright routes the page's requests only while Python waits on it)."""
    agent = {"objectType": "Agent", "account": {"homePage": site.model.config.site_url,
                                                "name": actor}}
    deadline = time.monotonic() + timeout
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = site.lrs.all_statements(agent=agent, ascending=True)
        if until(found):
            return found
        page.wait_for_timeout(500)
    raise AssertionError(f"the LRS did not get the statements in {timeout} s; it has: "
                         + json.dumps([(s["verb"]["id"], s["object"]["id"]) for s in found]))


def by_verb(statements: list[dict[str, Any]], verb: str) -> list[dict[str, Any]]:
    return [s for s in statements if s["verb"]["id"] == verb]


def lrs_requests(watch: Watch, site: Site) -> list[str]:
    return [u for u in watch.requests if u.startswith(site.lrs.endpoint)]


def quiet(watch: Watch, site: Site) -> None:
    """Chromium logs a refused connection to the LRS as a console error; nothing else may be."""
    port = f":{site.lrs.port}/"
    watch.console_errors = [e for e in watch.console_errors
                            if not (port in e or "ERR_CONNECTION_REFUSED" in e)]


def check_context(s: dict[str, Any], site: Site, c: Course, version: str,
                  parent: str) -> None:
    context = s["context"]
    assert context["platform"] == "lmsctl"
    assert context["language"] == (c.language or "en")
    assert [a["id"] for a in context["contextActivities"]["parent"]] == [parent]
    grouping = {a["id"] for a in context["contextActivities"]["grouping"]}
    paths = {path_iri(site.activity_base, p.id) for p in site.model.paths
             if any(m.id == c.id for m in p.courses)}
    assert grouping == {course_iri(site.activity_base, c.id)} | paths
    assert context["extensions"][f"{site.activity_base}xapi/ext/content-version"] == version


def test_a_course_taken_in_the_browser_arrives_as_the_profile_says(site: Site) -> None:
    c = course(site, "sales-basics")
    base = site.activity_base
    watch = Watch()
    page = open_page(site.chromium, watch)
    clicks: list[tuple[Question, list[int], int]] = []  # question, chosen indexes, attempt
    for i, lesson in enumerate(c.lessons):
        page.goto(f"{site.base}courses/{c.id}/{lesson.id}/")
        for question in lesson.questions:
            fs = page.locator(f'[data-lmsctl-question="{question.key}"]')
            if i == 0 and question.index == 0:  # one wrong first attempt
                answer(fs, [wrong_index(question)])
                assert fs.get_attribute("data-lmsctl-result") == "incorrect"
                clicks.append((question, [wrong_index(question)], 1))
                clear(fs)
                answer(fs, correct_indexes(question))
                clicks.append((question, correct_indexes(question), 2))
            else:
                answer(fs, correct_indexes(question))
                clicks.append((question, correct_indexes(question), 1))
            assert fs.get_attribute("data-lmsctl-result") == "correct"
        if i == 0:
            page.click("[data-lmsctl-helpful-answer=yes]")
            thanks = page.locator("[data-lmsctl-helpful-thanks]").inner_text()
            assert "learning records" in thanks  # the page says truthfully where it goes
    page.goto(f"{site.base}courses/{c.id}/")  # leaves the last lesson: experienced
    actor = learner(page)

    def complete(found: list[dict[str, Any]]) -> bool:
        lessons = {s["object"]["id"] for s in by_verb(found, ADL + "experienced")}
        return (len(by_verb(found, ADL + "answered")) >= len(clicks)
                and len(by_verb(found, ADL + "passed")) == 1 and len(by_verb(found, RATED)) == 1
                and len(lessons) == len(c.lessons))

    found = statements_of(site, page, actor, complete)
    page.context.close()
    watch.assert_clean()

    assert len({s["id"] for s in found}) == len(found)
    for s in found:
        assert s["actor"] == {"objectType": "Agent", "account": {
            "homePage": site.model.config.site_url, "name": actor}}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
                            s["timestamp"])
        assert s["authority"]["account"]["name"] == "lmsctl-site"  # the write-only account

    answered = by_verb(found, ADL + "answered")
    assert len(answered) == len(clicks)
    for s, (question, chosen, attempt) in zip(answered, clicks, strict=True):
        lesson = next(x for x in c.lessons if question in x.questions)
        assert s["object"]["id"] == question_iri(base, c.id, lesson.id, question.key)
        definition = s["object"]["definition"]
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert definition["interactionType"] == "choice"
        assert [ch["id"] for ch in definition["choices"]] == [ch.key for ch in question.choices]
        assert definition["correctResponsesPattern"] == [
            "[,]".join(ch.key for ch in question.choices if ch.correct)]
        result = s["result"]
        assert result["success"] is (sorted(chosen) == correct_indexes(question))
        # the ids chosen, in authored order whatever order the learner saw (shuffled per learner)
        assert result["response"] == "[,]".join(question.choices[i].key for i in sorted(chosen))
        assert result["extensions"][f"{base}xapi/ext/attempt"] == attempt
        check_context(s, site, c, question.version, lesson_iri(base, c.id, lesson.id))

    [passed] = by_verb(found, ADL + "passed")
    assert passed["object"]["id"] == course_iri(base, c.id)
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    total = len(c.questions)
    right: set[str] = set()
    for question, chosen, _ in clicks:  # passed when the score FIRST reaches the pass mark
        if sorted(chosen) == correct_indexes(question):
            right.add(question.key + str(id(question)))
        if len(right) * 100 >= c.pass_mark * total:
            break
    raw = len(right)
    assert raw < total  # the sample's pass mark is reached before the last question
    assert passed["result"]["score"] == {"raw": raw, "min": 0, "max": total,
                                         "scaled": pytest.approx(raw / total)}
    assert passed["result"]["success"] is True and passed["result"]["completion"] is True

    [rated] = by_verb(found, RATED)
    first = c.lessons[0]
    assert rated["object"]["id"] == lesson_iri(base, c.id, first.id)
    assert rated["result"]["score"] == {"raw": 1, "min": -1, "max": 1}
    check_context(rated, site, c, first.version, course_iri(base, c.id))

    for s in by_verb(found, ADL + "experienced"):
        lesson = next(x for x in c.lessons if lesson_iri(base, c.id, x.id) == s["object"]["id"])
        assert s["object"]["definition"]["type"] == \
            "http://adlnet.gov/expapi/activities/lesson"
        assert re.fullmatch(r"PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?", s["result"]["duration"])
        check_context(s, site, c, lesson.version, course_iri(base, c.id))


def test_a_stopped_lrs_loses_nothing_and_stores_each_statement_once(site: Site) -> None:
    c = course(site, "handling-pricing-objections")
    watch = Watch()
    page = open_page(site.chromium, watch)
    first, second = c.lessons[0], c.lessons[1]
    page.goto(f"{site.base}courses/{c.id}/{first.id}/")
    q0 = first.questions[0]
    answer(page.locator(f'[data-lmsctl-question="{q0.key}"]'), correct_indexes(q0))
    actor = learner(page)
    statements_of(site, page, actor, lambda f: len(by_verb(f, ADL + "answered")) == 1)

    site.lrs.stop()  # killed mid-session
    before = len(lrs_requests(watch, site))
    try:
        expected = 1
        for lesson in (first, second):
            if lesson is second:
                page.goto(f"{site.base}courses/{c.id}/{lesson.id}/")
            for question in lesson.questions:
                if question is q0:
                    continue
                fs = page.locator(f'[data-lmsctl-question="{question.key}"]')
                answer(fs, [wrong_index(question)])
                clear(fs)
                answer(fs, correct_indexes(question))
                expected += 2
                assert fs.get_attribute("data-lmsctl-result") == "correct"  # nothing broke
        page.wait_for_timeout(1500)  # the page keeps trying meanwhile
        assert len(lrs_requests(watch, site)) > before, "the page tried while the LRS was down"
    finally:
        site.lrs.start()
    found = statements_of(site, page, actor,
                          lambda f: len(by_verb(f, ADL + "answered")) >= expected, timeout=90)
    page.context.close()
    quiet(watch, site)
    watch.assert_clean()

    answered = by_verb(found, ADL + "answered")
    assert len(answered) == expected
    keys = [(s["object"]["id"], s["result"]["extensions"][f"{site.activity_base}xapi/ext/attempt"])
            for s in answered]
    assert len(set(keys)) == expected  # every Check once, none twice
    lines = (site.lrs.data / "statements" / "statements.jsonl").read_text().splitlines()
    stored_ids = [json.loads(line)["id"] for line in lines]
    assert len(stored_ids) == len(set(stored_ids))


def test_opted_out_nothing_is_sent(site: Site) -> None:
    c = course(site, "sales-basics")
    lesson = c.lessons[0]
    watch = Watch()
    page = open_page(site.chromium, watch)
    page.goto(f"{site.base}courses/{c.id}/{lesson.id}/")
    optout = page.locator("[data-lmsctl-optout]")
    assert "Learning records" in page.locator("[data-lmsctl-records]").inner_text()
    expect(optout).to_have_attribute("aria-pressed", "false")  # wired up by the recorder
    optout.click()
    expect(optout).to_have_attribute("aria-pressed", "true")
    for question in lesson.questions:
        answer(page.locator(f'[data-lmsctl-question="{question.key}"]'),
               correct_indexes(question))
    page.click("[data-lmsctl-helpful-answer=no]")
    actor = learner(page)
    page.goto(f"{site.base}courses/{c.id}/{c.lessons[1].id}/")  # the opt-out is kept
    expect(page.locator("[data-lmsctl-optout]")).to_have_attribute("aria-pressed", "true")
    page.goto(f"{site.base}courses/{c.id}/")
    page.wait_for_timeout(2000)
    page.context.close()
    watch.assert_clean()
    assert lrs_requests(watch, site) == []
    agent = {"objectType": "Agent", "account": {"homePage": site.model.config.site_url,
                                                "name": actor}}
    assert site.lrs.all_statements(agent=agent) == []


def test_the_certificate_of_a_learner_who_opted_out_does_not_point_at_the_lrs(site: Site) -> None:
    """On a site that records, the certificate names the LRS as the official record; once the
    learner stops sending records in this browser, it says the LRS may hold nothing instead."""
    c = course(site, "sales-basics")
    watch = Watch()
    page = open_page(site.chromium, watch)
    try:
        for lesson in c.lessons:  # pass the course, records on
            page.goto(f"{site.base}courses/{c.id}/{lesson.id}/")
            for question in lesson.questions:
                answer(page.locator(f'[data-lmsctl-question="{question.key}"]'),
                       correct_indexes(question))
        issuer = page.locator(".lmsctl-certificate__issuer")
        shown: dict[str, str] = {}
        for state in ("records", "stopped"):
            if state == "stopped":
                page.goto(f"{site.base}courses/{c.id}/{c.lessons[0].id}/")
                page.locator("[data-lmsctl-optout]").click()
                expect(page.locator("[data-lmsctl-optout]")).to_have_attribute(
                    "aria-pressed", "true")
            page.goto(f"{site.base}certificate/?course={c.id}")
            expect(page.locator("[data-lmsctl-certificate]")).to_have_attribute(
                "data-lmsctl-state", "passed")
            expect(issuer).to_have_attribute("data-lmsctl-issuer", state)
            shown[state] = issuer.inner_text()
        assert "that record, not this page, is the official one" in shown["records"]
        assert "You stopped" not in shown["records"]
        assert "You stopped sending learning records" in shown["stopped"]
        assert "official one" not in shown["stopped"]
    finally:
        page.context.close()
    watch.assert_clean()


def test_without_analytics_the_pages_make_no_request_but_to_the_site(
        tmp_path: Path, site: Site) -> None:
    repo = copy_sample(tmp_path / "repo", contributing=False)
    sub_path = urlsplit(site.model.config.site_url).path.strip("/")
    www = tmp_path / "www"
    model = build_into(repo, www / sub_path, "")
    assert not model.config.analytics.recording
    c = model.course("sales-basics")
    assert c is not None
    with static_server(www) as url:
        watch = Watch()
        page = open_page(site.chromium, watch)
        lesson = c.lessons[0]
        page.goto(f"{url}/{sub_path}/courses/{c.id}/{lesson.id}/")
        for question in lesson.questions:
            answer(page.locator(f'[data-lmsctl-question="{question.key}"]'),
                   correct_indexes(question))
        page.click("[data-lmsctl-helpful-answer=yes]")
        assert page.locator("[data-lmsctl-optout]").count() == 0
        page.goto(f"{url}/{sub_path}/courses/{c.id}/")
        page.wait_for_timeout(1000)
        page.context.close()
    watch.assert_clean()
    assert watch.requests
    assert [u for u in watch.requests if not u.startswith(url + "/")] == []
    assert [u for u in watch.requests if "xapi" in u.lower()] == []
