"""Feedback links: prefilled issue forms and edit links, correctly encoded."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.content.loader import load_repository
from lmsctl.core.model import Config, Course, Lesson
from lmsctl.targets.site.feedback import course_links, issue_url, lesson_links, request_course_url

NASTY = 'Q&A: "Pricing" #1 – café & <b>100%</b> + more?'
PAGE = "https://example.org/learn/courses/sales-basics/discovery-questions/?a=1&b=2#quiz"


@pytest.fixture
def loaded(make_repo: Callable[..., Path]) -> tuple[Config, Course, Lesson]:
    repo, problems = load_repository(make_repo())
    assert not problems
    course = repo.courses[0]
    return repo.config, course, course.lessons[0]


def query(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.fragment == ""  # a # in a value would end the query
    return parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def test_outdated_link_prefills_the_issue_form(loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    links = lesson_links(config, course, lesson, PAGE)
    assert set(links) == {"outdated", "edit", "question"}
    url = links["outdated"]
    assert url.startswith("https://github.com/acme/learning/issues/new?")
    assert query(url) == {
        "template": ["outdated.yml"],
        "title": ["Outdated: Sales basics › Discovery questions"],
        "labels": ["outdated"],
        "course": ["sales-basics"], "lesson": ["discovery-questions"], "page": [PAGE]}
    q = query(links["question"])
    assert q["template"] == ["question.yml"] and q["page"] == [PAGE]
    assert q["lesson"] == ["discovery-questions"]


def test_edit_link_points_at_the_lesson_file(loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    url = lesson_links(config, course, lesson, PAGE)["edit"]
    assert url == ("https://github.com/acme/learning/edit/main/courses/sales-basics/lessons/"
                   "01-discovery-questions.md")


def test_edit_link_encodes_file_names_and_keeps_branch_slashes(
        loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    config = dataclasses.replace(config, branch="release/2024 q1")
    lesson = dataclasses.replace(lesson, file_name="02-café menu #2 & more?.md")
    url = lesson_links(config, course, lesson, PAGE)["edit"]
    path = urlsplit(url).path
    assert urlsplit(url).query == "" and urlsplit(url).fragment == ""
    assert path.startswith("/acme/learning/edit/release/2024%20q1/courses/")
    assert unquote(path).endswith("/lessons/02-café menu #2 & more?.md")


def test_titles_with_special_characters_arrive_intact(
        loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    course = dataclasses.replace(course, title=NASTY)
    lesson = dataclasses.replace(lesson, title="Ünïcode “quotes” 'single' ; / ?")
    url = lesson_links(config, course, lesson, PAGE)["outdated"]
    assert " " not in url and '"' not in url and "<" not in url and "#" not in url
    assert query(url)["title"] == [f"Outdated: {NASTY} › Ünïcode “quotes” 'single' ; / ?"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
       .filter(lambda t: t.split() != []))
def test_any_title_round_trips(title: str) -> None:
    config = Config(repo_url="https://github.com/acme/learning")
    made = issue_url(config, "outdated.yml", title, {"course": "c", "page": title})
    assert made is not None
    q = query(made)
    assert q["title"] == [" ".join(title.split())]
    assert q["page"] == [title]


def test_long_titles_are_shortened(loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    course = dataclasses.replace(course, title="x" * 500)
    title = query(lesson_links(config, course, lesson, PAGE)["outdated"])["title"][0]
    assert len(title) <= 200 and title.endswith("…")


def test_no_repository_no_links(loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    bare = dataclasses.replace(config, repo_url="")
    assert lesson_links(bare, course, lesson, PAGE) == {}
    assert course_links(bare, course, PAGE) == {}
    assert request_course_url(bare) is None


def test_request_a_course(loaded: tuple[Config, Course, Lesson]) -> None:
    config, _, _ = loaded
    url = request_course_url(config)
    assert url is not None
    q = query(url)
    assert q["template"] == ["request-course.yml"] and q["labels"] == ["course-request"]


def test_course_links(loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, _ = loaded
    links = course_links(config, course, "https://example.org/learn/courses/sales-basics/")
    assert query(links["outdated"])["course"] == ["sales-basics"]
    assert "lesson" not in query(links["outdated"])
    assert links["edit"].endswith("/edit/main/courses/sales-basics/course.yml")


def test_gitlab_repositories(loaded: tuple[Config, Course, Lesson]) -> None:
    config, course, lesson = loaded
    config = dataclasses.replace(config, repo_url="https://gitlab.example.com/acme/learning")
    course = dataclasses.replace(course, title=NASTY)
    links = lesson_links(config, course, lesson, PAGE)
    assert links["edit"] == ("https://gitlab.example.com/acme/learning/-/edit/main/courses/"
                             "sales-basics/lessons/01-discovery-questions.md")
    q = query(links["outdated"])
    assert urlsplit(links["outdated"]).path == "/acme/learning/-/issues/new"
    assert q["issue[title]"] == [f"Outdated: {NASTY} › Discovery questions"]
    description = q["issue[description]"][0]
    assert "sales-basics" in description and PAGE in description
