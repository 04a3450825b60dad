"""The page configuration (``#lmsctl-config``) and the learning-records notice in built sites."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from lmsctl.content.loader import load_repository
from lmsctl.core.ids import content_version
from lmsctl.targets.site import analytics_config
from tests.site_support import build, copy_sample

AUTH = "Basic bG1zY3RsLXNpdGU6c2VjcmV0"
ANALYTICS = f"""
analytics:
  xapi:
    endpoint: https://lrs.acme-learning.test/xAPI/
    auth: "{AUTH}"
"""
CONFIG = re.compile(r'<script type="application/json" id="lmsctl-config">(.*?)</script>', re.S)


def page_config(html: str) -> dict[str, Any]:
    found = CONFIG.findall(html)
    assert len(found) == 1, "every page has exactly one configuration element"
    data: dict[str, Any] = json.loads(found[0])
    return data


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("records")
    on = copy_sample(base / "on", contributing=False)
    with (on / "lmsctl.yml").open("a", encoding="utf-8") as f:
        f.write(ANALYTICS)
    off = copy_sample(base / "off", contributing=False)
    for repo in (on, off):
        result, printed = build(repo, repo / "site")
        assert result.pages > 20, printed
    return {"on": on, "off": off}


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("index.html")]


def test_every_page_says_where_records_go(sites: dict[str, Path]) -> None:
    pages = html_pages(sites["on"] / "site")
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue
        data = page_config(html)
        assert data["analytics"] == {
            "endpoint": "https://lrs.acme-learning.test/xAPI/", "auth": AUTH,
            "activityBase": "https://acme.github.io/lmsctl/",
            "siteUrl": "https://acme.github.io/lmsctl/"}, page
        notice = re.findall(r'<p class="lmsctl-records"[^>]*>(.*?)</p>', html, re.S)
        assert len(notice) == 1, page
        assert "sent to lrs.acme-learning.test" in notice[0]
        assert re.search(r'<button type="button"[^>]*data-lmsctl-optout', notice[0])


def test_the_404_page_has_the_site_scope_and_the_notice(sites: dict[str, Path]) -> None:
    html = (sites["on"] / "site" / "404.html").read_text(encoding="utf-8")
    data = page_config(html)
    assert data["scope"] == "/lmsctl/"  # served at any URL: the site's path from site.url
    assert data["analytics"]["endpoint"] == "https://lrs.acme-learning.test/xAPI/"
    assert "data-lmsctl-optout" in html
    off = page_config((sites["off"] / "site" / "404.html").read_text(encoding="utf-8"))
    assert off == {"scope": "/lmsctl/"}


def test_lesson_page_configuration_matches_the_model(sites: dict[str, Path]) -> None:
    repo, _ = load_repository(sites["on"])
    paths_of = {c.id: [{"id": p.id, "courses": [m.id for m in p.courses if not m.optional]}
                       for p in repo.paths if any(m.id == c.id for m in p.courses)]
                for c in repo.courses}
    checked = 0
    for course in repo.courses:
        if course.status != "published":
            continue
        for lesson in course.lessons:
            page = sites["on"] / "site" / "courses" / course.id / lesson.id / "index.html"
            data = page_config(page.read_text(encoding="utf-8"))
            assert data["scope"] == "../../../"
            assert data["course"] == course.id and data["lesson"] == lesson.id
            assert data["lessonVersion"] == lesson.version == content_version(lesson.text)
            assert data["language"] == (course.language or "en")
            assert data["paths"] == paths_of[course.id]
            checked += 1
        course_page = sites["on"] / "site" / "courses" / course.id / "index.html"
        data = page_config(course_page.read_text(encoding="utf-8"))
        assert data["course"] == course.id and "lesson" not in data
        assert data["scope"] == "../../"
    assert checked > 5
    home = page_config((sites["on"] / "site" / "index.html").read_text(encoding="utf-8"))
    assert home["scope"] == "./" and "course" not in home


def test_without_analytics_no_page_carries_any_of_it(sites: dict[str, Path]) -> None:
    for page in (sites["off"] / "site").rglob("*"):
        if not page.is_file() or page.suffix not in (".html", ".js", ".json", ".css"):
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "lrs.acme-learning.test" not in text and AUTH not in text, page
        if page.name == "index.html" and 'http-equiv="refresh"' not in text:
            assert "analytics" not in page_config(text), page
            assert "data-lmsctl-optout" not in text and "lmsctl-records\"" not in text, page


def test_configuration_cannot_close_its_script_element() -> None:
    text = analytics_config.config_script({"scope": "./", "course": "</script><b>&"})
    assert text.count("</script>") == 1
    inner = CONFIG.findall(text)[0]
    assert json.loads(inner)["course"] == "</script><b>&"


@pytest.mark.parametrize("url, scope", [("", "./"), ("catalog/", "../"),
                                         ("courses/a/b/", "../../../")])
def test_scope_is_the_site_root_relative_to_the_page(url: str, scope: str) -> None:
    assert analytics_config.page_config({}, url, None, None) == {"scope": scope}
