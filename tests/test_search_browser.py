"""Learners' search in real Chromium on a generated catalog (``benchmarks.synth``: 30 courses of
realistic text) served on 127.0.0.1 under a sub-path, with every request recorded (any that
leaves 127.0.0.1 fails): results name their course, the author guide is a scope of its own,
the keyboard alone finds and opens a result, the dialog has no axe-core violation in either
palette, and it fits a phone's screen. The sample site's search: tests/test_browser_site.py and
tests/test_accessibility.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from benchmarks.synth import generate
from tests.browser_support import Watch, browser, open_page, static_server
from tests.search_support import Index, read_index
from tests.site_support import build
from tests.test_accessibility import SIZES, axe, require_axe

pytestmark = pytest.mark.browser
SUB = "some/prefix"


@dataclass
class Catalog:
    base: str  # ends in /
    learn: Index
    authors: Index
    chromium: Any


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    folder = tmp_path_factory.mktemp("search-catalog")
    generate(folder / "repo", 30)
    www = folder / "www"
    build(folder / "repo", www / SUB)
    learn, authors = read_index(www / SUB), read_index(www / SUB, "authors")
    with browser() as chromium, static_server(www) as url:
        yield Catalog(f"{url}/{SUB}/", learn, authors, chromium)


@pytest.fixture
def watch() -> Iterator[Watch]:
    w = Watch()
    yield w
    w.assert_clean()


def rare_word(index: Index, lessons_only: bool = True) -> tuple[str, list[list[str]]]:
    """A word found in one to three documents (of lessons), and those documents."""
    for term in sorted(index.terms):
        docs = index.find(term)
        if (len(term) > 5 and 0 < len(docs) <= 3
                and (not lessons_only or all(d[3] for d in docs))):
            return term, docs
    raise AssertionError("no rare word in the index")


def results(page: Any) -> list[dict[str, str]]:
    page.locator(".lmsctl-search__result a, .lmsctl-search__status:text-is('No results')"
                 ).first.wait_for(timeout=30_000)
    return list(page.evaluate("""() => [...document.querySelectorAll('.lmsctl-search__result')]
      .map(li => ({href: li.querySelector('a').href,
                   course: (li.querySelector('.lmsctl-search__course') || {}).textContent}))"""))


def test_a_rare_word_finds_its_lessons_named_by_course(catalog: Catalog, watch: Watch) -> None:
    word, docs = rare_word(catalog.learn)
    page = open_page(catalog.chromium, watch)
    page.goto(catalog.base + "catalog/")
    page.keyboard.press("/")
    page.keyboard.type(word[:-1])  # a word not typed to its end finds it too
    found = results(page)
    expected = {catalog.base + d[0] for d in docs}
    assert expected <= {r["href"] for r in found}
    courses = {catalog.base + d[0]: f"Course: {d[3]}" for d in docs}
    assert all(r["course"] == courses[r["href"]] for r in found if r["href"] in courses)
    assert all(r["href"].startswith(catalog.base) for r in found)
    dialog = page.locator(".lmsctl-search")
    box = dialog.bounding_box()
    assert box
    page.mouse.click(box["x"] + 2, box["y"] + 2)  # on the dialog's own padding: stays open
    assert dialog.is_visible()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] / 2)  # on the backdrop: closes
    assert not dialog.is_visible()
    page.context.close()


def test_the_author_guide_is_a_scope_of_its_own(catalog: Catalog, watch: Watch) -> None:
    word, docs = next((t, catalog.authors.find(t)) for t in sorted(catalog.authors.terms)
                      if len(t) > 4 and t not in catalog.learn.terms)
    page = open_page(catalog.chromium, watch)
    page.goto(catalog.base)
    page.locator("[data-lmsctl-search-open]").click()
    page.keyboard.type(word)
    assert results(page) == []  # learners' results never hold the author guide
    page.get_by_label("Author guide").check()
    found = {r["href"] for r in results(page)}
    assert {catalog.base + d[0] for d in docs} <= found
    assert all(h.startswith(catalog.base + "contributing/") for h in found)

    page.goto(catalog.base + "contributing/rules/")  # there, the guide is the default scope
    page.keyboard.press("/")
    assert page.get_by_label("Author guide").is_checked()
    page.context.close()


def test_the_keyboard_alone_finds_and_opens_a_result(catalog: Catalog, watch: Watch) -> None:
    word, docs = rare_word(catalog.learn)
    page = open_page(catalog.chromium, watch)
    page.goto(catalog.base + "catalog/")
    page.keyboard.press("/")
    page.keyboard.type(word)
    results(page)
    page.keyboard.press("ArrowDown")
    target = page.evaluate("document.activeElement.href")
    assert target in {catalog.base + d[0] for d in docs}
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    page.keyboard.press("/")
    page.keyboard.press("Enter")  # Enter in the box opens the first result
    page.wait_for_url(target)
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_search_dialog_passes_axe(catalog: Catalog, watch: Watch, scheme: str,
                                      size: str) -> None:
    require_axe()
    page = open_page(catalog.chromium, watch, color_scheme=scheme, viewport=SIZES[size])
    page.goto(catalog.base + "catalog/")
    page.locator("[data-lmsctl-search-open]").click()
    page.keyboard.type("customer")
    results(page)
    assert page.locator(".lmsctl-search__result").count() == 10  # ten at a time
    page.locator("[data-lmsctl-search-more]").click()
    page.locator(".lmsctl-search__result").nth(10).wait_for()
    assert axe(page) == []
    page.context.close()


def test_the_dialog_fits_a_phone(catalog: Catalog, watch: Watch) -> None:
    page = open_page(catalog.chromium, watch, viewport=SIZES["mobile"], has_touch=True,
                     is_mobile=True)
    page.goto(catalog.base)
    page.locator("[data-lmsctl-search-open]").tap()
    page.keyboard.type("customer value")
    results(page)
    box = page.locator(".lmsctl-search").bounding_box()
    assert box and box["x"] >= 0 and box["width"] <= SIZES["mobile"]["width"]
    assert page.evaluate("document.querySelector('.lmsctl-search').scrollWidth "
                         "<= document.querySelector('.lmsctl-search').clientWidth")
    first = page.locator(".lmsctl-search__result a").first
    first_box = first.bounding_box()
    assert first_box and first_box["x"] + first_box["width"] <= SIZES["mobile"]["width"]
    page.locator("[data-lmsctl-search-close]").tap()
    assert not page.locator(".lmsctl-search").is_visible()
    page.context.close()
