"""WCAG 2.2 AA on every page type, measured with axe-core (npm, pinned in package.json;
``node_modules/axe-core/axe.min.js`` is injected into pages served from 127.0.0.1), in both
palettes at desktop (1280x800) and mobile (390x844) sizes; focus visible on every tab stop; the
404 page styled and linked both under the site's sub-path and at ``/`` (issue 15).

The pages: home, catalog, course, a lesson with a quiz before and after checking answers (a
wrong answer, so explanations show), a path, paths, skills, contributors, what's new,
contributing, 404, and the search dialog open with results. The certificate, the course result,
home with "Continue learning" and a path with Continue: tests/test_learner_journey.py.

Mobile, on the same pages: no sideways scrolling and no word broken mid-word at 320 px; at
390x844 in both palettes, element boxes (links, buttons, controls, badges) measured in Chromium
neither overflow the viewport nor overlap (no pixel goldens); the pager stacks "Previous" and
"Next" with whole-word titles; the catalog filters fold behind one "Filters" button on small
screens; the "press /" hint shows only where there is a keyboard. Keyboard alone: search
("/", type, arrow to a result, Enter) and lesson navigation (Tab to "Next", Enter); the quiz
with the keyboard is in tests/test_browser_site.py, the filters in the folding test here.
"""

from __future__ import annotations

import http.server
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import Watch, browser, open_page, static_server
from tests.gitrepo import GitRepo
from tests.site_support import build, copy_sample

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_HINT = "axe-core is not installed: npm ci --ignore-scripts"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 390, "height": 844}}
SUB = "lmsctl"  # the sample's site URL path
PAGES = ["", "catalog/", "courses/sales-basics/", "paths/", "paths/sales-onboarding/",
         "skills/", "contributors/", "whats-new/", "contributing/", "no-such-page/"]
LESSON = "courses/sales-basics/discovery-questions/"
AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 4).map(
    n => n.target.join(' ') + ' -- ' + (n.failureSummary || '').split('\\n').slice(1, 2)
      .join(' ').trim()).join(' | '));
}"""


def require_axe() -> Path:
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(AXE_HINT)
        pytest.skip(AXE_HINT)
    return AXE


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that answers a missing page with the site's 404.html, as GitHub Pages
    and most static hosts do."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        root = Path(self.directory)
        first = self.path.lstrip("/").split("/", 1)[0]
        page = next((p for p in (root / first / "404.html", root / "404.html")
                     if first and p.is_file() or p == root / "404.html"), root / "404.html")
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Site:
    base: str  # the site under its sub-path, ending in /
    root: str  # the same site served at /, ending in /
    chromium: Any


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_axe()
    base = tmp_path_factory.mktemp("a11y")
    repo = copy_sample(base / "repo")
    git = GitRepo.init(repo)
    git.commit("Add the sample courses", date="2025-01-10")
    git.append("courses/sales-basics/lessons/01-discovery-questions.md", "\nOne more line.\n")
    git.commit("Clarify discovery questions", date="2025-02-01",
               trailers=[("Reviewed-by", "Rev Reviewer <rev@example.org>")])
    www = base / "www"
    build(repo, www / SUB)
    with (browser() as chromium, static_server(www, _SiteHandler) as url,
          static_server(www / SUB, _SiteHandler) as at_root):
        yield Site(f"{url}/{SUB}/", f"{at_root}/", chromium)


def _not_found(watch: Watch) -> None:
    """The 404 page's own status is logged as a console error; nothing else may be."""
    watch.console_errors = [e for e in watch.console_errors
                            if "status of 404" not in e]


def axe(page: Any) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return list(page.evaluate(AXE_RUN, TAGS))


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page_type(site: Site, scheme: str, size: str) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, color_scheme=scheme, viewport=SIZES[size])
    found: list[str] = []
    try:
        for url in PAGES:
            page.goto(site.base + url)
            page.wait_for_load_state("load")
            found += [f"{url or 'home'}: {v}" for v in axe(page)]
        page.goto(site.base + LESSON)
        found += [f"lesson before checking: {v}" for v in axe(page)]
        for fieldset in page.locator("[data-lmsctl-question]").all():
            wrong = [int(x) for x in fieldset.locator("input").evaluate_all(
                "els => els.map(e => e.value)")
                if x not in fieldset.get_attribute("data-lmsctl-correct").split()]
            fieldset.locator(f'input[value="{wrong[0]}"]').check()
            fieldset.locator("[data-lmsctl-check]").click()
        assert page.locator(".lmsctl-explanation:not([hidden])").count() > 0
        page.mouse.move(0, 0)  # no hover state, and the buttons' colour transitions are over
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.wait_for_timeout(300)
        found += [f"lesson after checking: {v}" for v in axe(page)]
        page.locator("[data-lmsctl-search-open]").click()  # the search dialog, with results
        page.locator(".lmsctl-search__input").fill("discount")
        page.locator(".lmsctl-search__result a").first.wait_for(timeout=30_000)
        page.locator("[data-lmsctl-search-more]").wait_for(state="attached")
        found += [f"search dialog: {v}" for v in axe(page)]
    finally:
        page.context.close()
    assert found == [], "axe-core violations:\n" + "\n".join(found)
    _not_found(watch)
    watch.assert_clean()


FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return null; }
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const box = e.getBoundingClientRect();
  return [e.tagName + '.' + (e.className || '') + ' ' + (e.textContent || '').trim().slice(0, 30),
          outline || shadow, box.width > 0 && box.height > 0];
}"""


@pytest.mark.parametrize("url", ["", "catalog/", LESSON])
def test_focus_is_visible_on_every_tab_stop(site: Site, url: str) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + url)
        seen: list[Any] = []
        for _ in range(40):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_JS)
            if state is None:
                continue
            seen.append(state)
        hidden = [s[0] for s in seen if s[2] and not s[1]]
    finally:
        page.context.close()
    assert len(seen) >= 20
    assert hidden == [], f"tab stops without a visible focus indicator: {hidden}"
    watch.assert_clean()


@pytest.mark.parametrize("where", ["sub-path", "root"])
def test_404_page_is_styled_and_links_work_wherever_the_site_is_served(
        site: Site, where: str) -> None:
    base = site.base if where == "sub-path" else site.root
    watch = Watch()
    page = open_page(site.chromium, watch)
    try:
        response = page.goto(base + "no/such/page/")
        assert response is not None and response.status == 404
        assert page.locator("h1").first.inner_text().strip() == "404 - Not found"
        header = page.evaluate(
            "getComputedStyle(document.querySelector('.md-header')).position")
        assert header == "sticky"  # Material's stylesheet is loaded
        assert page.evaluate("!!document.querySelector('link[href$=\"lmsctl.css\"]').sheet")
        catalog = page.locator(".md-tabs__link", has_text="Catalog").first
        assert catalog.evaluate("a => a.href") == base + "catalog/"
        catalog.click()
        page.wait_for_url(base + "catalog/")
        assert page.locator("[data-lmsctl-catalog]").count() == 1
    finally:
        page.context.close()
    _not_found(watch)
    watch.assert_clean()


# Boxes as Chromium lays them out: sideways scrolling, words split over two lines (a break
# after a hyphen or slash is a normal line break, not a broken word), and overlapping boxes of
# links, buttons, controls and badges in the page's main area (each line box of a wrapped
# inline counts separately).
LAYOUT_JS = r"""() => {
  const out = {scroll: null, broken: [], overlaps: []};
  const se = document.scrollingElement;
  if (se.scrollWidth > se.clientWidth + 1) { out.scroll = [se.scrollWidth, se.clientWidth]; }
  const root = document.querySelector('.md-main') || document.body;
  const shown = (e) => e.checkVisibility({visibilityProperty: true});
  const skip = 'pre, code, script, style, [hidden], .lmsctl-visually-hidden, .md-search';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !shown(el)) { continue; }
    const words = /[^\s\-\/–—]+/g;
    let m;
    while ((m = words.exec(n.data))) {
      if (m[0].length < 2) { continue; }
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (rects.length > 1 && Math.abs(rects[0].top - rects[rects.length - 1].top) > 2) {
        out.broken.push(m[0] + ' in ' + el.className);
      }
    }
  }
  const boxed = 'a, button, select, input, .lmsctl-badge, .lmsctl-chip, .md-button, label[for]';
  const outside = '.md-sidebar, [hidden], .lmsctl-visually-hidden, .md-search, .md-header, '
    + '.md-tabs';
  const items = [...root.querySelectorAll(boxed)].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && shown(e) && !e.closest(outside);
  });
  const boxes = items.map(
    e => [...e.getClientRects()].filter(r => r.width > 0 && r.height > 0));
  const name = (e) => e.textContent.trim().slice(0, 25) || e.tagName;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (items[i].contains(items[j]) || items[j].contains(items[i])) { continue; }
      const hit = boxes[i].some(a => boxes[j].some(b =>
        Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1));
      if (hit) { out.overlaps.push(name(items[i]) + ' / ' + name(items[j])); }
    }
  }
  return out;
}"""
PHONE_PAGES = [*PAGES[:-1], "courses/handling-pricing-objections/why-customers-object/",
               "courses/handling-pricing-objections/discount-discipline/", LESSON]


def _layout_problems(page: Any, base: str) -> list[str]:
    problems: list[str] = []
    for url in PHONE_PAGES:
        page.goto(base + url)
        found = page.evaluate(LAYOUT_JS)
        if found["scroll"]:
            problems.append(f"{url or 'home'}: scrolls sideways {found['scroll']}")
        problems += [f"{url or 'home'}: word broken: {w}" for w in found["broken"]]
        problems += [f"{url or 'home'}: boxes overlap: {o}" for o in found["overlaps"]]
    return problems


def _assert_layout(site: Site, **context: Any) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, **context)
    try:
        problems = _layout_problems(page, site.base)
    finally:
        page.context.close()
    assert problems == []
    watch.assert_clean()


def test_no_sideways_scrolling_or_broken_word_at_320_px(site: Site) -> None:
    _assert_layout(site, viewport={"width": 320, "height": 640})


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_boxes_neither_overflow_nor_overlap_on_a_phone(site: Site, scheme: str) -> None:
    _assert_layout(site, viewport=SIZES["mobile"], color_scheme=scheme, has_touch=True,
                   is_mobile=True)


def test_pager_stacks_previous_and_next_on_a_phone(site: Site) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["mobile"])
    try:
        page.goto(site.base + "courses/handling-pricing-objections/why-customers-object/")
        prev = page.locator(".lmsctl-pager__prev")
        nxt = page.locator(".lmsctl-pager__next")
        assert nxt.locator(".lmsctl-pager__dir").inner_text() == "Next"
        assert "Acknowledge, clarify, respond" in " ".join(nxt.inner_text().split())
        p, n = prev.bounding_box(), nxt.bounding_box()
        assert p is not None and n is not None
        assert n["y"] >= p["y"] + p["height"] - 1  # one above the other
        assert abs(n["width"] - p["width"]) < 1 and n["width"] > 300
    finally:
        page.context.close()
    watch.assert_clean()


def test_catalog_filters_fold_behind_one_button_on_small_screens(site: Site) -> None:
    watch = Watch()
    phone = open_page(site.chromium, watch, viewport=SIZES["mobile"])
    desk = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        phone.goto(site.base + "catalog/")
        toggle = phone.locator(".lmsctl-filterbox > summary")
        level = phone.locator("#lmsctl-filter-level")
        assert toggle.is_visible() and toggle.inner_text().strip().endswith("Filters")
        assert not level.is_visible()
        first_card = phone.locator("[data-lmsctl-card]").first.bounding_box()
        assert first_card is not None and first_card["y"] < SIZES["mobile"]["height"]
        toggle.focus()
        phone.keyboard.press("Enter")  # a keyboard opens it too
        assert level.is_visible()
        level.focus()
        level.select_option(level.locator("option").nth(1).get_attribute("value"))
        phone.keyboard.press("Tab")
        shown = phone.locator("[data-lmsctl-card]:not([hidden])").count()
        assert 0 < shown < phone.locator("[data-lmsctl-card]").count()

        desk.goto(site.base + "catalog/")
        assert not desk.locator(".lmsctl-filterbox > summary").is_visible()
        assert desk.locator("#lmsctl-filter-level").is_visible()
    finally:
        phone.context.close()
        desk.context.close()
    watch.assert_clean()


def test_key_hint_only_where_there_is_a_keyboard(site: Site) -> None:
    watch = Watch()
    touch = open_page(site.chromium, watch, viewport=SIZES["mobile"], has_touch=True,
                      is_mobile=True)
    desk = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        touch.goto(site.base + "catalog/")
        desk.goto(site.base + "catalog/")
        assert touch.locator(".lmsctl-key-hint").count() == 1
        assert not touch.locator(".lmsctl-key-hint").is_visible()
        assert desk.locator(".lmsctl-key-hint").is_visible()
        assert desk.locator(".lmsctl-key-hint kbd").inner_text() == "/"
    finally:
        touch.context.close()
        desk.context.close()
    watch.assert_clean()


def test_search_and_lesson_navigation_with_the_keyboard_alone(site: Site) -> None:
    watch = Watch()
    page = open_page(site.chromium, watch, viewport=SIZES["desktop"])
    try:
        page.goto(site.base + "catalog/")
        page.keyboard.press("/")  # opens lmsctl's search and focuses its box
        assert page.evaluate("document.activeElement.classList.contains('lmsctl-search__input')")
        page.keyboard.type("discount")
        page.locator(".lmsctl-search__result a").first.wait_for(timeout=30_000)
        page.keyboard.press("ArrowDown")  # the first result
        page.keyboard.press("ArrowDown")  # the second
        page.keyboard.press("ArrowUp")  # the first again
        first = page.locator(".lmsctl-search__result a").first.get_attribute("href")
        href = page.evaluate("document.activeElement.getAttribute('href')") or ""
        assert href == first and "courses/" in href
        page.keyboard.press("Escape")  # closes the dialog, focus back where it was
        assert not page.locator(".lmsctl-search").is_visible()
        page.keyboard.press("/")  # the query and its results are still there
        page.keyboard.press("Tab")  # Tab reaches the results too (after the scope choice)
        for _ in range(5):
            if page.evaluate("document.activeElement.classList.contains('lmsctl-search__link')"):
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == first
        page.keyboard.press("Enter")
        page.wait_for_url("**/courses/**")

        page.goto(site.base + LESSON)
        for _ in range(200):  # Tab along the page until the "Next" button of the pager
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.hasAttribute('data-lmsctl-next')"):
                break
        else:
            pytest.fail("the pager's Next button was never reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/courses/sales-basics/qualifying-opportunities/")
    finally:
        page.context.close()
    watch.assert_clean()
