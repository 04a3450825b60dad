"""The HTML dashboard in real Chromium: every chart visible, sortable by "needs attention", no
request leaves 127.0.0.1 (also from file://), no console error, no learner's actor."""

# ruff: noqa: F811
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.browser_support import Watch, browser, open_page, static_server
from tests.test_analytics_insights import pull, statements
from tests.test_analytics_measures import C, repo_with  # noqa: F401

pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")

from lmsctl.cli import cli  # noqa: E402

pytestmark = pytest.mark.browser

SECOND_COURSE = {
    "courses/quiet-course/course.yml": (
        "title: A quiet course\nsummary: Nobody has taken it yet, so nothing to show.\n"
        "owners: [\"@amy\"]\nlevel: beginner\nobjectives:\n  - Wait\n"),
}


def dashboard(root: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["analytics", "report", "--format", "html", "--out",
                                      str(out), "--repo", str(root)])
    assert result.exit_code == 0, result.output
    return out


def test_dashboard_in_chromium(repo_with: Callable[..., Path], tmp_path: Path) -> None:
    root = repo_with(min_learners=5)
    quiet = root / "courses" / "quiet-course"
    (quiet / "lessons").mkdir(parents=True)
    (quiet / "course.yml").write_text(SECOND_COURSE["courses/quiet-course/course.yml"],
                                      encoding="utf-8")
    lesson = (root / f"courses/{C}/lessons/01-discovery-questions.md").read_text("utf-8")
    (quiet / "lessons" / "01-wait.md").write_text(lesson, encoding="utf-8")
    pull(root, statements(root))
    out = dashboard(root, tmp_path / "dash")
    pages = list(out.rglob("*.html"))
    assert {p.name for p in pages} == {"index.html", f"{C}.html", "quiet-course.html"}
    for page_file in pages:
        text = page_file.read_text(encoding="utf-8")
        assert "account" not in text and "l00" not in text  # no actor, no learner name
        assert "<script src" not in text and "http://pygal" not in text.split("-->")[-1]
    with browser() as chromium, static_server(out) as base:
        watch = Watch()
        page = open_page(chromium, watch)
        page.goto(f"{base}/index.html")
        names = page.locator("#courses tbody tr td:nth-child(2)").all_inner_texts()
        assert names == ["Sales basics", "A quiet course"]  # most attention first
        page.get_by_role("button", name="Needs attention").click()
        names = page.locator("#courses tbody tr td:nth-child(2)").all_inner_texts()
        assert names == ["Sales basics", "A quiet course"]  # descending on first click
        page.get_by_role("button", name="Needs attention").click()
        assert page.locator("#courses tbody tr td:nth-child(2)").all_inner_texts() == [
            "A quiet course", "Sales basics"]
        page.get_by_role("link", name="Sales basics").click()
        page.wait_for_load_state()
        charts = page.locator("figure[data-chart]")
        kinds = [charts.nth(i).get_attribute("data-chart") for i in range(charts.count())]
        assert kinds[:3] == ["funnel", "reaction", "facility"] and "distractors" in kinds
        for i in range(charts.count()):
            svg = charts.nth(i).locator("svg").first
            assert svg.is_visible()
            box = svg.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100
            assert svg.locator("text").count() > 3  # labels are text, not paths
        assert "LMS901" in page.content()
        page.goto(f"{base}/courses/quiet-course.html")
        assert page.locator("figure[data-chart]").count() == 0
        assert page.locator("figure[data-chart-withheld]").count() >= 3
        watch.assert_clean()
        # straight from the file system, too: nothing but file: is requested
        requests: list[str] = []
        errors: list[str] = []
        context = chromium.new_context()
        context.on("request", lambda r: requests.append(r.url))
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                      else r.abort())
        fpage = context.new_page()
        fpage.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        fpage.on("pageerror", lambda exc: errors.append(str(exc)))
        fpage.goto((out / "courses" / f"{C}.html").as_uri())
        assert fpage.locator("figure[data-chart] svg").first.is_visible()
        fpage.get_by_role("link", name="All courses").click()
        fpage.wait_for_load_state()
        assert fpage.locator("#courses tbody tr").count() == 2
        assert [u for u in requests if not u.startswith("file:")] == []
        assert errors == []
