"""The built sample site in real Chromium, served on 127.0.0.1 under a sub-path (the sample's
site URL ends in /lmsctl/): quizzes, progress kept across reloads, course completion on the
course, catalog and path pages, catalog filters, search, palettes. Every request is recorded
and any that leaves 127.0.0.1 fails the test, as does any console error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from lmsctl.content.loader import load_repository
from lmsctl.core.model import Course, Repository
from tests.browser_support import Watch, browser, open_page, static_server
from tests.site_support import build, copy_sample

expect = pytest.importorskip("playwright.sync_api", reason="pip install playwright").expect

pytestmark = pytest.mark.browser


@dataclass
class Served:
    base: str  # the site's URL, ending in /
    model: Repository
    chromium: Any


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("browser-site")
    repo = copy_sample(base / "repo")
    model, _ = load_repository(repo)
    sub_path = urlsplit(model.config.site_url).path.strip("/")
    assert sub_path, "the sample site URL has a sub-path; the site must work under it"
    www = base / "www"
    build(repo, www / sub_path)
    with browser() as chromium, static_server(www) as url:
        yield Served(f"{url}/{sub_path}/", model, chromium)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(served: Served, watch: Watch) -> Iterator[Any]:
    p = open_page(served.chromium, watch)
    yield p
    p.context.close()
    watch.assert_clean()


def course(served: Served, course_id: str) -> Course:
    found = served.model.course(course_id)
    assert found is not None
    return found


def answer(page: Any, fieldset: Any, choices: list[int]) -> None:
    for index in choices:
        fieldset.locator(f'input[value="{index}"]').check()
    fieldset.locator("[data-lmsctl-check]").click()


def correct_choices(fieldset: Any) -> list[int]:
    return [int(x) for x in fieldset.get_attribute("data-lmsctl-correct").split()]


def displayed(fieldset: Any) -> list[int]:
    """The authored indexes of a question's choices in the order the page shows them."""
    return [int(v) for v in fieldset.locator("input").evaluate_all(
        "els => els.map(e => e.value)")]


def test_choices_are_shuffled_per_learner_and_kept_on_reload(served: Served,
                                                               watch: Watch) -> None:
    """Each learner sees the choices in their own order, the same after a reload; ids and
    values stay the authored ones."""
    c = course(served, "sales-basics")
    url = f"{served.base}courses/{c.id}/{c.lessons[0].id}/"
    orders = []
    for _ in range(3):  # three learners: three fresh browser profiles
        p = open_page(served.chromium, watch)
        p.goto(url)
        questions = p.locator("[data-lmsctl-question]").all()
        first = [displayed(fs) for fs in questions]
        for fs, order in zip(questions, first, strict=True):
            n = len(order)
            assert sorted(order) == list(range(n))
            ids = fs.locator("[data-lmsctl-choice]").evaluate_all(
                "els => els.map(e => [Number(e.dataset.lmsctlChoice), e.dataset.lmsctlChoiceId])")
            assert all(cid == f"c{i + 1}" for i, cid in ids)
        p.reload()
        assert [displayed(fs) for fs in p.locator("[data-lmsctl-question]").all()] == first
        orders.append(first)
        p.context.close()
    watch.assert_clean()
    assert not [u for u in watch.requests if "xapi" in u]  # no analytics: no recorder loaded
    assert len({str(o) for o in orders}) > 1, "three learners saw the same order everywhere"


def test_wrong_answer_shows_its_explanation_right_answer_is_kept_on_reload(
        page: Any, served: Served) -> None:
    c = course(served, "sales-basics")
    lesson = c.lessons[0]
    question = lesson.questions[0]
    page.goto(f"{served.base}courses/{c.id}/{lesson.id}/")
    fs = page.locator(f'[data-lmsctl-question="{question.key}"]')
    right = correct_choices(fs)
    assert right == [i for i, ch in enumerate(question.choices) if ch.correct]
    wrong = next(i for i in range(len(question.choices)) if i not in right)

    answer(page, fs, [wrong])
    assert fs.get_attribute("data-lmsctl-result") == "incorrect"
    explanation = fs.locator(f'[data-lmsctl-explanation="{wrong}"]')
    assert explanation.is_visible()
    assert question.choices[wrong].explanation in explanation.inner_text()
    feedback = fs.locator("[data-lmsctl-feedback]")
    expect(feedback).to_contain_text("Not quite")
    # screen readers hear the explanation of the chosen answer in the live region too
    expect(feedback.locator("[data-lmsctl-spoken]")).to_contain_text(
        question.choices[wrong].explanation)
    assert not fs.locator(f'[data-lmsctl-explanation="{right[0]}"]').is_visible()

    answer(page, fs, right)
    assert fs.get_attribute("data-lmsctl-result") == "correct"
    expect(fs.locator("[data-lmsctl-feedback]")).to_contain_text("Correct")
    assert fs.locator(f'[data-lmsctl-explanation="{right[0]}"]').is_visible()
    assert not explanation.is_visible()

    page.reload()
    fs = page.locator(f'[data-lmsctl-question="{question.key}"]')
    assert fs.get_attribute("data-lmsctl-result") == "correct"
    assert fs.locator(f'input[value="{right[0]}"]').is_checked()
    assert fs.locator(f'[data-lmsctl-explanation="{right[0]}"]').is_visible()
    # Progress is stored under stable keys: course, lesson, question key.
    keys = page.evaluate("Object.keys(localStorage)")
    assert any(k.endswith(f":quiz:{c.id}/{lesson.id}/{question.key}") for k in keys)
    # The lesson is marked started in the course's own navigation.
    link = page.locator(f'.lmsctl-course-nav a[data-lmsctl-lesson="{lesson.id}"]')
    assert link.get_attribute("aria-current") == "page"
    assert link.get_attribute("data-lmsctl-state") in ("started", "done")


def test_a_changed_right_answer_regrades_the_kept_answer_everywhere(
        page: Any, served: Served) -> None:
    """An author fixes which choice is right: a learner's kept answer is graded again on the
    lesson, and the course's progress follows (it is not left counting the old grade)."""
    c = course(served, "sales-basics")
    lesson = c.lessons[0]
    question = lesson.questions[0]
    wrong = next(i for i, ch in enumerate(question.choices) if not ch.correct)
    scope = urlsplit(served.base).path
    key = f"lmsctl:{scope}:quiz:{c.id}/{lesson.id}/{question.key}"
    page.goto(f"{served.base}courses/{c.id}/")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [key, f'{{"choices": [{wrong}], "result": "correct"}}'])
    page.reload()
    assert "1 of " in page.locator(".lmsctl-course__status").inner_text()  # the old grade

    page.goto(f"{served.base}courses/{c.id}/{lesson.id}/")
    fs = page.locator(f'[data-lmsctl-question="{question.key}"]')
    assert fs.get_attribute("data-lmsctl-result") == "incorrect"
    page.goto(f"{served.base}courses/{c.id}/")
    assert "0 of " in page.locator(".lmsctl-course__status").inner_text()


def test_check_without_an_answer_asks_for_one(page: Any, served: Served) -> None:
    c = course(served, "sales-basics")
    page.goto(f"{served.base}courses/{c.id}/{c.lessons[0].id}/")
    fs = page.locator("[data-lmsctl-question]").first
    fs.locator("[data-lmsctl-check]").click()
    assert fs.get_attribute("data-lmsctl-result") is None
    expect(fs.locator("[data-lmsctl-feedback]")).to_contain_text("Choose")


def test_a_quiz_works_with_the_keyboard_alone(page: Any, served: Served) -> None:
    c = course(served, "handling-pricing-objections")
    page.goto(f"{served.base}courses/{c.id}/{c.lessons[0].id}/")
    fs = page.locator("[data-lmsctl-question]").first
    right = correct_choices(fs)[0]
    shown = displayed(fs)  # choices are shown in the learner's own order
    first_input = fs.locator("input").first
    first_input.focus()
    for _ in range(shown.index(right)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert fs.locator(f'input[value="{right}"]').is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-lmsctl-check')")
    page.keyboard.press("Enter")
    assert fs.get_attribute("data-lmsctl-result") == "correct"


def test_completing_a_course_shows_on_course_catalog_and_path_pages(
        page: Any, served: Served) -> None:
    c = course(served, "sales-basics")
    path = served.model.path("sales-onboarding")
    assert path is not None and c.id in [m.id for m in path.courses]
    page.goto(f"{served.base}paths/{path.id}/")
    step = page.locator(f'.lmsctl-step[data-lmsctl-course="{c.id}"]')
    assert step.get_attribute("data-lmsctl-state") == "not-started"

    for lesson in c.lessons:
        page.goto(f"{served.base}courses/{c.id}/{lesson.id}/")
        for fs in page.locator("[data-lmsctl-question]").all():
            answer(page, fs, correct_choices(fs))
            assert fs.get_attribute("data-lmsctl-result") == "correct"
    marks = page.locator(".lmsctl-course-nav a[data-lmsctl-lesson]")
    assert [m.get_attribute("data-lmsctl-state") for m in marks.all()] == ["done"] * len(
        c.lessons)

    page.goto(f"{served.base}courses/{c.id}/")
    box = page.locator(".lmsctl-course")
    assert box.get_attribute("data-lmsctl-state") == "complete"
    assert "Complete" in page.locator(".lmsctl-course__status").inner_text()
    assert page.locator("[data-lmsctl-start]").inner_text() == "Review the course"

    page.goto(f"{served.base}paths/{path.id}/")
    step = page.locator(f'.lmsctl-step[data-lmsctl-course="{c.id}"]')
    assert step.get_attribute("data-lmsctl-state") == "complete"
    required = [m for m in path.courses if not m.optional]
    bar = page.locator(".lmsctl-path__progress [role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "1"
    assert bar.get_attribute("aria-valuemax") == str(len(required))
    summary = page.locator(".lmsctl-path [data-lmsctl-path-summary]").inner_text()
    assert summary.startswith(f"1 of {len(required)} required course")

    page.goto(f"{served.base}catalog/?progress=complete")
    visible = page.locator("[data-lmsctl-card]:visible")
    assert [v.get_attribute("data-lmsctl-course") for v in visible.all()] == [c.id]
    assert "Complete" in visible.first.inner_text()


def test_a_score_below_the_pass_mark_does_not_complete_the_course(
        page: Any, served: Served) -> None:
    c = course(served, "handling-pricing-objections")
    total = len(c.questions)
    allowed_wrong = total - -(-c.pass_mark * total // 100)  # questions one may miss
    lesson = c.lessons[0]
    page.goto(f"{served.base}courses/{c.id}/{lesson.id}/")
    for fs in page.locator("[data-lmsctl-question]").all():
        answer(page, fs, correct_choices(fs))
    page.goto(f"{served.base}courses/{c.id}/")
    assert allowed_wrong < total - len(lesson.questions)
    assert page.locator(".lmsctl-course").get_attribute("data-lmsctl-state") == "in-progress"
    assert page.locator("[data-lmsctl-start]").inner_text() == "Continue the course"
    href = page.locator("[data-lmsctl-start]").get_attribute("href")
    assert href == f"{c.lessons[1].id}/"


def test_catalog_filters_work_without_a_server(page: Any, served: Served) -> None:
    listed = [c for c in served.model.courses if c.status == "published"]
    page.goto(f"{served.base}catalog/")
    cards = page.locator("[data-lmsctl-card]")
    assert cards.count() == len(listed)
    page.select_option("[data-lmsctl-filter=skill]", "negotiation")
    expected = sorted(c.id for c in listed if "negotiation" in c.skills)
    visible = page.locator("[data-lmsctl-card]:visible")
    assert sorted(v.get_attribute("data-lmsctl-course") for v in visible.all()) == expected
    assert page.url.endswith("catalog/?skill=negotiation")
    assert f"{len(expected)} of {len(listed)}" in page.locator("[data-lmsctl-count]").inner_text()

    page.select_option("[data-lmsctl-filter=skill]", "")
    page.select_option("[data-lmsctl-filter=level]", "beginner")
    page.select_option("[data-lmsctl-filter=role]", "sales")
    expected = sorted(c.id for c in listed if c.level == "beginner" and "sales" in c.audience)
    visible = page.locator("[data-lmsctl-card]:visible")
    assert sorted(v.get_attribute("data-lmsctl-course") for v in visible.all()) == expected

    page.select_option("[data-lmsctl-filter=duration]", "0-29")
    expected = sorted(c.id for c in listed if c.level == "beginner" and "sales" in c.audience
                      and c.duration < 30)
    visible = page.locator("[data-lmsctl-card]:visible")
    assert sorted(v.get_attribute("data-lmsctl-course") for v in visible.all()) == expected

    page.reload()  # the filters live in the URL
    assert page.locator("[data-lmsctl-filter=level]").input_value() == "beginner"
    assert page.locator("[data-lmsctl-card]:visible").count() == len(expected)
    page.click("[data-lmsctl-clear]")
    assert page.locator("[data-lmsctl-card]:visible").count() == len(listed)

    page.goto(f"{served.base}skills/")
    page.click("a[href$='catalog/?skill=negotiation']")
    page.wait_for_url("**/catalog/?skill=negotiation")
    page.wait_for_load_state("load")
    assert page.locator("[data-lmsctl-filter=skill]").input_value() == "negotiation"


def test_search_finds_lessons_offline_under_the_sub_path(page: Any, served: Served) -> None:
    page.goto(f"{served.base}")
    page.locator("[data-lmsctl-search-open]").click()  # the button in the header
    box = page.locator("input.lmsctl-search__input")
    assert box.evaluate("e => e === document.activeElement")
    box.press_sequentially("discount")
    results = page.locator(".lmsctl-search__result a")
    results.first.wait_for(timeout=30_000)
    hrefs = [r.get_attribute("href") or "" for r in results.all()]
    assert any(h.endswith("/lmsctl/courses/handling-pricing-objections/discount-discipline/")
               for h in hrefs)
    assert all(h.startswith(served.base) for h in hrefs)  # under the site's sub-path
    course = page.locator(".lmsctl-search__result").first.locator(".lmsctl-search__course")
    assert course.inner_text() == "Course: Handling pricing objections"
    box.fill("discount xyzzynothing")
    expect(page.locator(".lmsctl-search__status")).to_have_text("No results")
    assert page.locator(".lmsctl-search__result").count() == 0


@pytest.mark.parametrize(("scheme", "expected"), [("light", "default"), ("dark", "slate")])
def test_light_and_dark_palettes(served: Served, watch: Watch, scheme: str,
                                 expected: str) -> None:
    p = open_page(served.chromium, watch, color_scheme=scheme)
    try:
        c = course(served, "sales-basics")
        p.goto(f"{served.base}courses/{c.id}/{c.lessons[0].id}/")
        assert p.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        fs = p.locator("[data-lmsctl-question]").first
        answer(p, fs, correct_choices(fs))
        colour = p.evaluate(
            "getComputedStyle(document.querySelector('[data-lmsctl-feedback]')).color")
        background = p.evaluate("getComputedStyle(document.body).backgroundColor")
        assert colour != background
    finally:
        p.context.close()
    watch.assert_clean()


# WCAG contrast of a text element against what is painted behind it (background layers and
# opacities composited), as a browser sees it.
CONTRAST_JS = """(selectors) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) { return [0, 0, 0, 0]; }
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const lum = (c) => {
    const f = v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height || !el.textContent.trim()) { continue; }
      const layers = [];
      let opacity = 1;
      for (let e = el; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        opacity *= Number(style.opacity);
        const c = parse(style.backgroundColor);
        const covered = layers.length > 0 && layers[layers.length - 1][3] >= 1;
        if (c[3] > 0 && !covered) { layers.push(c); }
      }
      let bg = [255, 255, 255];
      for (let i = layers.length - 1; i >= 0; i--) { bg = over(layers[i], bg); }
      const fg0 = parse(getComputedStyle(el).color);
      const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacity], bg);
      const a = lum(fg), b = lum(bg);
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      out.push([sel, el.textContent.trim().slice(0, 40), ratio]);
    }
  }
  return out;
}"""
#: lmsctl's own text and controls (Material's theme is Material's).
OWN_TEXT = [".md-typeset .md-button", ".lmsctl-pager__dir", ".lmsctl-badge", ".lmsctl-meta",
            ".lmsctl-card__meta", ".lmsctl-card__owners", ".lmsctl-question__number",
            ".lmsctl-question__hint", ".lmsctl-feedback", ".lmsctl-explanation__verdict",
            ".lmsctl-step__title a", ".lmsctl-crumbs", ".lmsctl-chip", ".lmsctl-lead",
            ".lmsctl-course-nav__progress", ".lmsctl-course__status", ".lmsctl-card__progress",
            ".lmsctl-filter label", ".lmsctl-count", ".lmsctl-gap"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_own_text_and_buttons_are_readable_in_both_palettes(served: Served, watch: Watch,
                                                            scheme: str) -> None:
    """WCAG AA: 4.5:1 for text, buttons included, in the light and the dark palette (after a
    quiz has been checked, so that feedback colours are measured too)."""
    p = open_page(served.chromium, watch, color_scheme=scheme)
    c = course(served, "sales-basics")
    low: list[tuple[str, str, str, float]] = []
    try:
        for url in ("", "catalog/", f"courses/{c.id}/", "paths/sales-onboarding/", "paths/",
                    "skills/", f"courses/{c.id}/{c.lessons[0].id}/"):
            p.goto(f"{served.base}{url}")
            if url.endswith(f"{c.lessons[0].id}/"):
                first, second = p.locator("[data-lmsctl-question]").all()[:2]
                right = correct_choices(first)
                answer(p, first, [next(i for i in range(9) if i not in right)])
                answer(p, second, correct_choices(second))
                p.click("[data-lmsctl-helpful-answer=yes]")
                p.evaluate("document.activeElement.blur()")
                p.mouse.move(0, 0)
                p.wait_for_timeout(400)  # Material's colour transitions
                low += [(url, sel, text, round(ratio, 2))
                        for sel, text, ratio in p.evaluate(CONTRAST_JS, OWN_TEXT) if ratio < 4.5]
                for button in ("[data-lmsctl-check]", "[data-lmsctl-helpful-answer=no]"):
                    p.locator(button).first.focus()  # focused (and hovered) buttons too
                    p.locator(button).first.hover()
                    p.wait_for_timeout(400)
                    low += [(url, f"{button}:focus", text, round(ratio, 2)) for _, text, ratio
                            in p.evaluate(CONTRAST_JS, [button]) if ratio < 4.5]
                continue
            low += [(url, sel, text, round(ratio, 2))
                    for sel, text, ratio in p.evaluate(CONTRAST_JS, OWN_TEXT) if ratio < 4.5]
    finally:
        p.context.close()
    assert low == []
    watch.assert_clean()


def test_was_this_helpful_is_kept(page: Any, served: Served) -> None:
    c = course(served, "writing-your-first-course")
    url = f"{served.base}courses/{c.id}/{c.lessons[1].id}/"
    page.goto(url)
    page.click("[data-lmsctl-helpful-answer=no]")
    assert page.get_attribute("[data-lmsctl-helpful-answer=no]", "aria-pressed") == "true"
    thanks = page.locator("[data-lmsctl-helpful-thanks]")
    assert "Thanks" in thanks.inner_text()
    assert thanks.locator("a").get_attribute("href").startswith("https://github.com/")
    page.reload()
    assert page.get_attribute("[data-lmsctl-helpful-answer=no]", "aria-pressed") == "true"
    assert page.get_attribute("[data-lmsctl-helpful-answer=yes]", "aria-pressed") == "false"


def test_every_top_page_loads_cleanly(page: Any, served: Served) -> None:
    for url in ("", "catalog/", "paths/", "skills/", "contributors/", "whats-new/",
                "contributing/", "contributing/rules/", "courses/"):
        response = page.goto(f"{served.base}{url}")
        assert response is not None and response.ok, url
    page.wait_for_url("**/catalog/")  # /courses/ sends learners to the catalog
    assert Path(urlsplit(page.url).path).parts[1] == urlsplit(served.base).path.strip("/")
