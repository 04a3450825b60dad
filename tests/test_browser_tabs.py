"""Content tabs and collapsible blocks work in real Chromium as on a plain mkdocs-material
site (issue 10): Material's tab script attaches (it needs ``data-tabs``, which the sanitizer
keeps), ``#__tabbed_1_3`` links select that tab, and ``???+`` blocks start open."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from lmsctl.targets.site.pipeline import build_site
from tests.browser_support import Watch, browser, open_page, static_server
from tests.conftest import MINIMAL_LESSON

pytestmark = pytest.mark.browser

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
TABS = """
=== "Email"

    Write a short email.

=== "Phone"

    Call them.

=== "Meeting"

    Meet in person.

???+ tip "Open by default"
    You see this at once.

??? note "Closed by default"
    You see this after a click.

Jump to [the meeting tab](#__tabbed_1_3).
"""


def test_tabs_and_details_behave_as_on_material(make_repo: Callable[..., Path],
                                                tmp_path: Path) -> None:
    text = MINIMAL_LESSON.replace("Because the customer knows things you do not.\n",
                                  "Because the customer knows things you do not.\n" + TABS)
    root = make_repo({LESSON: text})
    www = tmp_path / "www"
    build_site(root, www, stdout=io.StringIO(), with_history=False)
    watch = Watch()
    with browser() as chromium, static_server(www) as url:
        page = open_page(chromium, watch)
        lesson_url = f"{url}/courses/sales-basics/discovery-questions/"
        page.goto(lesson_url)
        labels = page.locator(".tabbed-set .tabbed-labels")
        # Material's script attached: it draws the active-tab marker
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.tabbed-labels'))"
            ".getPropertyValue('--md-indicator-width').trim() !== ''")
        assert page.locator("#__tabbed_1_1").is_checked()
        assert page.get_by_text("Write a short email.").is_visible()
        assert not page.get_by_text("Meet in person.").is_visible()
        # a link to a tab selects it
        page.get_by_role("link", name="the meeting tab").click()
        page.wait_for_function("() => document.getElementById('__tabbed_1_3').checked")
        assert page.get_by_text("Meet in person.").is_visible()
        assert not page.get_by_text("Write a short email.").is_visible()
        # ... also when the page is opened at that address
        other = open_page(chromium, watch)
        other.goto(lesson_url + "#__tabbed_1_2")
        other.wait_for_function("() => document.getElementById('__tabbed_1_2').checked")
        assert other.get_by_text("Call them.").is_visible()
        # a click on a label moves the marker
        before = labels.evaluate("e => getComputedStyle(e).getPropertyValue('--md-indicator-x')")
        labels.get_by_text("Email").click()
        page.wait_for_function(
            "x => getComputedStyle(document.querySelector('.tabbed-labels'))"
            ".getPropertyValue('--md-indicator-x') !== x", arg=before)
        # ???+ starts open, ??? starts closed and opens on a click
        assert page.locator("details.tip").evaluate("d => d.open") is True
        assert page.get_by_text("You see this at once.").is_visible()
        closed = page.locator("details.note")
        assert closed.evaluate("d => d.open") is False
        closed.locator("summary").click()
        page.wait_for_function("() => document.querySelector('details.note').open")
        assert page.get_by_text("You see this after a click.").is_visible()
        other.context.close()
        page.context.close()
    watch.assert_clean()
