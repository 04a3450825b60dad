"""Lint settings in lmsctl.yml: severities per rule and per glob, off, numeric limits; scope
(paths) and the lesson scanner the rules share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.checks.lint import glob_regex, lint_repository
from lmsctl.content.loader import load_lesson
from lmsctl.content.markdown import inline_text, read, toc_slug
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.document import LessonDocument as LessonView
from tests.conftest import MINIMAL_CONFIG, build_tree
from tests.test_lint_rules import BODY, LESSON, base_files, lesson, other_course

URL = "https://example.org/guide"
LEGACY = "courses/other-course/lessons/01-intro.md"


@pytest.fixture
def lint(tmp_path: Path) -> Callable[..., list[Diagnostic]]:
    counter = iter(range(1000))

    def run(changes: dict[str, str | bytes | None], **kwargs: object) -> list[Diagnostic]:
        root = build_tree(tmp_path / f"r{next(counter)}", {**base_files(), **changes})
        _, report = lint_repository(root, **kwargs)  # type: ignore[arg-type]
        return report.sorted()

    return run


def two_courses_with_urls(config: str) -> dict[str, str | bytes | None]:
    return {**other_course("published"), "lmsctl.yml": MINIMAL_CONFIG + config,
            LESSON: lesson(f"See {URL}."), LEGACY: lesson(f"See {URL}.")}


def test_severity_per_rule(lint: Callable[..., list[Diagnostic]]) -> None:
    found = lint(two_courses_with_urls("lint:\n  rules:\n    LMS313: error\n"))
    assert [(d.path, d.rule, d.severity.value) for d in found] == [
        (LEGACY, "LMS313", "error"), (LESSON, "LMS313", "error")]


def test_rule_off(lint: Callable[..., list[Diagnostic]]) -> None:
    assert lint(two_courses_with_urls("lint:\n  rules:\n    LMS313: 'off'\n")) == []


def test_overrides_per_glob_later_wins(lint: Callable[..., list[Diagnostic]]) -> None:
    config = ("lint:\n  rules:\n    LMS313: error\n  overrides:\n"
              "    - paths: [\"courses/other-*/**\"]\n      rules: {LMS313: info}\n"
              "    - paths: [\"**/01-intro.md\"]\n      rules: {LMS313: 'off'}\n"
              "    - paths: [courses/sales-basics]\n      rules: {LMS313: warning}\n")
    found = lint(two_courses_with_urls(config))
    assert [(d.path, d.severity.value) for d in found] == [(LESSON, "warning")]


def test_unknown_and_validation_rules_in_settings(lint: Callable[..., list[Diagnostic]]
                                                  ) -> None:
    config = ("lint:\n  rules:\n    LMS999: warning\n  overrides:\n    - paths: ['**']\n"
              "      rules: {LMS101: info}\n")
    found = lint({"lmsctl.yml": MINIMAL_CONFIG + config})
    assert [(d.rule, d.path, d.line, d.column) for d in found] == [
        ("LMS791", "lmsctl.yml", 14, 5), ("LMS791", "lmsctl.yml", 17, 15)]


def test_validation_findings_keep_their_severity(lint: Callable[..., list[Diagnostic]]
                                                 ) -> None:
    config = "lint:\n  rules:\n    LMS207: 'off'\n"
    found = lint({"lmsctl.yml": MINIMAL_CONFIG + config,
                  LESSON: lesson(BODY + "\n![A chart](../assets/none.png)\n")})
    assert [(d.rule, d.severity.value) for d in found] == [("LMS207", "error"),
                                                           ("LMS791", "warning")]


def test_paths_limit_findings(lint: Callable[..., list[Diagnostic]]) -> None:
    files = two_courses_with_urls("")
    assert [d.path for d in lint(files, paths=["courses/other-course"])] == [LEGACY]
    assert [d.path for d in lint(files, paths=[LESSON])] == [LESSON]
    assert len(lint(files, paths=["."])) == 2
    assert len(lint(files, paths=["courses"])) == 2


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("courses/legacy-*/**", "courses/legacy-a/lessons/01-x.md", True),
    ("courses/legacy-*/**", "courses/new/lessons/01-x.md", False),
    ("courses/*.md", "courses/a/b.md", False),
    ("**/*.md", "courses/a/lessons/b.md", True),
    ("**/*.md", "top.md", True),
    ("courses/a", "courses/a/course.yml", True),
    ("courses/a/", "courses/a/course.yml", True),
    ("courses/a", "courses/ab/course.yml", False),
    ("courses/[ab]/*.yml", "courses/b/course.yml", True),
    ("./paths/*.yml", "paths/p.yml", True),
])
def test_globs(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(pattern).match(path)) is matches


# ------------------------------------------------------------------------- the scanner


def view_of(tmp_path: Path, body: str) -> LessonView:
    path = build_tree(tmp_path, {"courses/c/lessons/01-x.md": lesson(body)})
    found, _ = load_lesson(path, path / "courses/c/lessons/01-x.md", "c")
    assert found is not None
    return found.document


def bare_view(body: str) -> LessonView:
    """The scanner alone (the loader's own scan is not under test here)."""
    text = lesson(body)
    return read(text.split("\n", 3)[3], 4)


def test_view_reads_markdown_like_the_site(tmp_path: Path) -> None:
    body = """\
## A `code` heading {#explicit}

    indented code: https://example.org/in-code <script>

!!! tip "Try it"
    Inside an admonition: [the guide](https://example.org).

    Second paragraph of the tip, ![A dot](../assets/dot.png).

- item

    continued item with <kbd>Ctrl</kbd>

Setext heading
--------------

[![Logo](../assets/logo.png)](https://example.org)
<!-- a comment with https://example.org/hidden and [a](b.md) -->
\\[not a link\\](x.md) ``code with ` tick`` and <https://auto.example.org>.
"""
    v = view_of(tmp_path, body)
    assert [(h.level, h.text, h.line, h.column, h.id) for h in v.headings] == [
        (2, "A `code` heading", 4, 1, "explicit"), (2, "Setext heading", 17, 1, "setext-heading")]
    assert [(link.url, link.line, link.column, link.image) for link in v.links] == [
        ("https://example.org", 9, 27, False), ("../assets/dot.png", 11, 34, True),
        ("https://example.org", 20, 1, False), ("../assets/logo.png", 20, 2, True),
        ("https://auto.example.org", 22, 47, False)]  # an autolink is a link on the page
    assert [(t.name, t.line) for t in v.tags] == [("kbd", 15), ("kbd", 15)]
    assert v.bare_urls == ()
    assert [(c.line, c.column) for c in v.comments] == [(21, 1)]
    assert v.code_blocks == 1
    assert {"explicit", "setext-heading"} <= v.ids


def test_view_positions_of_multiline_tags_and_tables(tmp_path: Path) -> None:
    body = "Text <a\n  href=\"https://x.org\"\n  onclick=\"go()\">the x</a>\n\n| A | B |\n|:-|-:|\n"
    v = view_of(tmp_path, body)
    tag = v.tags[0]
    assert (tag.name, tag.line, tag.column, tag.attr("onclick")) == ("a", 4, 6, "go()")
    assert [(t.line, t.column, t.header) for t in v.tables] == [(8, 1, ("A", "B"))]


def test_toc_slugs() -> None:
    assert toc_slug("Ask, then listen!") == "ask-then-listen"
    assert toc_slug("The `course.yml` file") == "the-courseyml-file"
    assert toc_slug(inline_text("Éclair & [links](x.md)")) == "eclair-links"


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(alphabet=st.sampled_from(list("ab #-|`<>[]()!:/\\\n=*_\"'hts.p")),
               max_size=300))
def test_view_never_crashes_and_positions_are_in_the_file(body: str) -> None:
    v = bare_view(body)
    lines = lesson(body).split("\n")
    for item in [*v.headings, *v.links, *v.tags, *v.comments, *v.bare_urls,
                 *v.trailing_space, *v.tables]:
        assert 1 <= item.line <= len(lines)
        assert 1 <= item.column <= len(lines[item.line - 1]) + 1


def test_pathological_input_is_scanned() -> None:
    # unclosed tags, brackets and backtick runs: a backtracking regex would never finish
    body = "<a " + "b=c " * 3000 + "\n" + "<" * 5000 + "[" * 3000 + "`" * 2000
    v = bare_view(body)
    assert v.tags == () and v.links == ()


FRAGMENTS = st.sampled_from([
    "# H1", "## H2", "#### H4", "Text with https://example.org/x.", "[here](02-x.md)",
    "[a](#nope)", "![](../assets/a.png)", "<img src=x>", "<script>x</script>", "| a | b |",
    "|---|---|", "| | |", "```", "```quiz", "- question: Q?", "  choices:", "    - text: A",
    "      correct: true", "<!-- lmsctl-disable-next-line LMS313 -->", "<!-- lmsctl-disable",
    "-->", "<!-- lmsctl-enable -->", "    indented", "!!! tip", "- item", "===", "---", "",
    "trailing  ", "<video src=v.mp4>", "<a href='javascript:x'>y</a>", "[x][r]", "[r]: 03.md",
    "`code https://example.org`", "<https://example.org>", "\t",
])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(FRAGMENTS, max_size=25))
def test_lint_never_crashes_and_reports_inside_the_file(tmp_path_factory: pytest.TempPathFactory,
                                                        fragments: list[str]) -> None:
    root = build_tree(tmp_path_factory.mktemp("fuzz"),
                      {**base_files(), LESSON: lesson("\n".join(fragments))})
    _, report = lint_repository(root)
    text = (root / LESSON).read_text(encoding="utf-8").split("\n")
    for d in report.sorted():
        assert d.message and d.hint is not None
        if d.path == LESSON:
            assert 1 <= d.line <= len(text), d
            assert 1 <= d.column <= len(text[d.line - 1]) + 1, d
