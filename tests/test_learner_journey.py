"""The learner's journey in real Chromium (issue 15): "Continue learning" on home, Start /
Continue on a path page, the last lesson's "Finish" leading to the course result and then to
the next course of the path the learner came from, the self-issued certificate (printed to PDF
on A4 and Letter: one page, the learner's name on it; never for a course not passed), and
axe-core on these pages in both palettes at desktop and phone sizes. Everything comes from the
progress kept in the browser: no request leaves 127.0.0.1.

The "done when" of the issue is ``test_a_learner_on_a_phone_finds_takes_passes_prints_and_goes_on``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import Watch, browser, open_page, static_server
from tests.gitrepo import GitRepo
from tests.site_support import build, copy_sample
from tests.test_accessibility import SIZES, axe, require_axe

pytestmark = pytest.mark.browser

SUB = "lmsctl"
PATH = "paths/sales-onboarding/"
FIRST, SECOND = "sales-basics", "handling-pricing-objections"
NAME = "Ada Lovelace-Byron"
#: A PDF's page objects (not the /Pages tree): Chromium writes one per printed page.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
PHONE: dict[str, Any] = {"viewport": SIZES["mobile"], "has_touch": True, "is_mobile": True}


@dataclass
class Site:
    base: str
    chromium: Any


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_axe()
    base = tmp_path_factory.mktemp("journey")
    repo = copy_sample(base / "repo")
    GitRepo.init(repo).commit("Add the sample courses", date="2025-01-10")
    build(repo, base / "www" / SUB)
    with browser() as chromium, static_server(base / "www") as url:
        yield Site(f"{url}/{SUB}/", chromium)


def answer(page: Any, right: bool = True) -> None:
    """Answer every question of the lesson page, all right or all wrong."""
    for fs in page.locator("[data-lmsctl-question]").all():
        correct = (fs.get_attribute("data-lmsctl-correct") or "").split()
        values = fs.locator("input").evaluate_all("els => els.map(e => e.value)")
        pick = correct if right else [v for v in values if v not in correct][:1]
        for value in pick:
            fs.locator(f'input[value="{value}"]').check()
        fs.locator("[data-lmsctl-check]").click()


def take_course(page: Any, right: bool = True) -> None:
    """From the course page: Start, answer each lesson, Next ... Finish (the course result)."""
    page.locator("[data-lmsctl-start]").click()
    for _ in range(20):
        page.wait_for_selector(".lmsctl-lesson-foot")
        answer(page, right)
        last = page.locator(".lmsctl-pager__next .lmsctl-pager__dir").inner_text() == "Finish"
        page.locator(".lmsctl-pager__next").click()
        if last:
            page.wait_for_url(re.compile(r".*/courses/[^/]+/(\?[^#]*)?#result$"))
            return
    pytest.fail("the course never finished")


def pdf_pages(data: bytes) -> int:
    return len(PDF_PAGE.findall(data))


def test_a_learner_on_a_phone_finds_takes_passes_prints_and_goes_on(site: Site) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, **PHONE)
    try:
        page.goto(site.base)
        # a new learner: no "Continue learning", the featured paths instead
        assert not page.locator("[data-lmsctl-continue]").is_visible()
        page.locator("#featured-paths").wait_for()
        page.locator(".lmsctl-card--path a", has_text="Sales onboarding").click()
        page.wait_for_url(f"**/{PATH}")
        start = page.locator("[data-lmsctl-path-action]")
        assert start.get_attribute("data-lmsctl-path-action") == "start"
        assert start.inner_text() == "Start: Sales basics"
        start.click()
        page.wait_for_url(f"**/courses/{FIRST}/?path=sales-onboarding")

        take_course(page)
        result = page.locator("[data-lmsctl-result]")
        assert result.is_visible() and result.get_attribute("data-lmsctl-state") == "complete"
        score = page.locator("[data-lmsctl-result-score]").inner_text()
        assert score.startswith("You passed: 6 of 6 questions right (100%)") and "80%" in score
        box = result.bounding_box()
        assert box is not None and box["y"] < SIZES["mobile"]["height"]  # scrolled into view

        # the certificate, printed
        page.locator("[data-lmsctl-certificate-link]").click()
        page.wait_for_url(f"**/certificate/?course={FIRST}")
        assert page.locator("[data-lmsctl-certificate]").get_attribute(
            "data-lmsctl-state") == "passed"
        page.locator("[data-lmsctl-cert-input]").fill(NAME)
        page.emulate_media(media="print")
        assert page.locator("[data-lmsctl-cert=name]").inner_text() == NAME
        assert page.locator("[data-lmsctl-cert=course]").inner_text() == "Sales basics"
        assert not page.locator("[data-lmsctl-cert-input]").is_visible()  # no form on paper
        assert "Self-issued" in page.locator(".lmsctl-certificate__issuer").inner_text()
        for paper in ("A4", "Letter"):
            assert pdf_pages(page.pdf(format=paper, print_background=True)) == 1, paper
        page.emulate_media(media="screen")
        page.go_back()

        # then on to the next course of the path the learner came from
        page.wait_for_url(f"**/courses/{FIRST}/**")
        nxt = page.locator("[data-lmsctl-result-next]")
        assert nxt.inner_text() == "Next course: Handling pricing objections"
        nxt.click()
        page.wait_for_url(f"**/courses/{SECOND}/?path=sales-onboarding")
        assert page.locator("h1").first.inner_text().startswith("Handling pricing objections")
    finally:
        page.context.close()
    watch.assert_clean()


def test_continue_learning_and_path_continue_from_local_progress(site: Site) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + f"courses/{FIRST}/")
        take_course(page)
        # start the second course: one lesson, wrong answers
        page.goto(site.base + f"courses/{SECOND}/")
        page.locator("[data-lmsctl-start]").click()
        page.wait_for_selector(".lmsctl-lesson-foot")
        answer(page, right=False)
        lesson_url = page.url

        page.goto(site.base)
        section = page.locator("[data-lmsctl-continue]")
        assert section.is_visible()
        items = section.locator("[data-lmsctl-course]")
        # the passed course is not "in progress"; the started one is, linked to its lesson
        assert items.evaluate_all("els => els.map(e => e.dataset.lmsctlCourse)") == [SECOND]
        items.first.locator("a").click()
        assert page.url == lesson_url

        page.goto(site.base + PATH)
        action = page.locator("[data-lmsctl-path-action]")
        assert action.get_attribute("data-lmsctl-path-action") == "continue"
        assert action.inner_text() == "Continue: Handling pricing objections"

        # an unfinished course has a result, but no certificate and no next course
        page.goto(site.base + f"courses/{SECOND}/#result")
        assert page.locator("[data-lmsctl-result]").get_attribute(
            "data-lmsctl-state") == "in-progress"
        assert page.locator("[data-lmsctl-result-score]").inner_text().startswith(
            "Not passed yet")
        assert not page.locator("[data-lmsctl-certificate-link]").is_visible()
        assert not page.locator("[data-lmsctl-result-next]").is_visible()
    finally:
        page.context.close()
    watch.assert_clean()


@pytest.mark.parametrize("course", [SECOND, "first-week-onboarding", "no-such-course", ""])
def test_never_a_certificate_for_a_course_not_passed(site: Site, course: str) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + f"courses/{FIRST}/")
        take_course(page)  # a passed course exists in this browser
        page.goto(site.base + f"courses/{SECOND}/")
        page.locator("[data-lmsctl-start]").click()
        page.wait_for_selector(".lmsctl-lesson-foot")
        answer(page, right=False)  # started, not passed
        page.goto(site.base + f"certificate/?course={course}")
        cert = page.locator("[data-lmsctl-certificate]")
        assert cert.get_attribute("data-lmsctl-state") == "none"
        assert not page.locator("[data-lmsctl-certificate-body]").is_visible()
        assert page.locator("[data-lmsctl-certificate-missing]").is_visible()
        assert "Sales basics" not in page.locator("main").inner_text()
    finally:
        page.context.close()
    watch.assert_clean()


def test_a_course_no_longer_passed_loses_its_certificate(site: Site) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + f"courses/{FIRST}/")
        take_course(page)
        page.goto(site.base + f"certificate/?course={FIRST}")
        assert page.locator("[data-lmsctl-certificate]").get_attribute(
            "data-lmsctl-state") == "passed"
        # answer the first lesson wrong again: 4 of 6 is below the pass mark of 80%
        page.goto(site.base + f"courses/{FIRST}/discovery-questions/")
        answer(page, right=False)
        page.goto(site.base + f"certificate/?course={FIRST}")
        assert page.locator("[data-lmsctl-certificate]").get_attribute(
            "data-lmsctl-state") == "none"
    finally:
        page.context.close()
    watch.assert_clean()


@pytest.fixture(scope="module")
def progress(site: Site) -> dict[str, Any]:
    """The browser state of a learner who passed the first course of the path and started
    the second (Playwright's storage state: localStorage per origin)."""
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + f"courses/{FIRST}/")
        take_course(page)
        page.goto(site.base + f"certificate/?course={FIRST}")
        page.locator("[data-lmsctl-cert-input]").fill(NAME)
        page.goto(site.base + f"courses/{SECOND}/")
        page.locator("[data-lmsctl-start]").click()
        page.wait_for_selector(".lmsctl-lesson-foot")
        answer(page, right=False)
        state: dict[str, Any] = page.context.storage_state()
    finally:
        page.context.close()
    watch.assert_clean()
    return state


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_journey_pages(site: Site, progress: dict[str, Any],
                                                 scheme: str, size: str) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, color_scheme=scheme, viewport=SIZES[size],
                     storage_state=progress)
    found: list[str] = []
    try:
        checks = [
            ("", "[data-lmsctl-continue]"),
            (PATH, "[data-lmsctl-path-action=continue]"),
            (f"courses/{FIRST}/?path=sales-onboarding#result", "[data-lmsctl-result-next]"),
            (f"courses/{SECOND}/#result", "[data-lmsctl-result]"),
            (f"certificate/?course={FIRST}", "[data-lmsctl-certificate-body]"),
            (f"certificate/?course={SECOND}", "[data-lmsctl-certificate-missing]"),
        ]
        for url, shown in checks:
            page.goto(site.base + url)
            page.locator(shown).wait_for(state="visible")
            page.mouse.move(0, 0)
            found += [f"{url or 'home'}: {v}" for v in axe(page)]
        # the learner's name is kept in the browser
        page.goto(site.base + f"certificate/?course={FIRST}")
        assert page.locator("[data-lmsctl-cert-input]").input_value() == NAME
    finally:
        page.context.close()
    assert found == [], "axe-core violations:\n" + "\n".join(found)
    watch.assert_clean()


def test_certificate_says_when_the_site_records_learning(tmp_path: Path) -> None:
    """With analytics (an LRS) configured the certificate does not claim to be the only
    record; without, it says plainly that it is self-issued (test above)."""
    repo = copy_sample(tmp_path / "repo")
    config = repo / "lmsctl.yml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "analytics:\n  xapi:\n    endpoint: https://lrs.example.org/xAPI/\n"
        "    auth: Basic eHg6eXk=\n"), encoding="utf-8")
    build(repo, tmp_path / "site")
    html = (tmp_path / "site" / "certificate" / "index.html").read_text(encoding="utf-8")
    assert 'data-lmsctl-issuer="records"' in html and "Self-issued" not in html
    assert "learning record store" in html


def test_pdf_page_count_counts_pages(site: Site) -> None:
    """The page counter above is not blind: a long page prints to several pages."""
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + "courses/handling-pricing-objections/discount-discipline/")
        assert pdf_pages(page.pdf(format="A4")) > 1
    finally:
        page.context.close()
    watch.assert_clean()
