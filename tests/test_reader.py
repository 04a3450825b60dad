"""The one Markdown reader (issue 10): validate, lint and the page read a lesson the same way.

The cases come from real content (Material's docs, pymdown-extensions, Carpentries lessons):
each is reported where the page is broken, at its own line, and silent where the page works.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import helpers

from lmsctl.checks.lint import apply_fixes, lint_repository
from lmsctl.checks.validate import validate_repository
from lmsctl.content.markdown import _link_destination, read, render
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.errors import BuildError
from lmsctl.core.html_policy import sanitize
from lmsctl.targets.site.pipeline import build_site
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a40000000049454e44ae426082"
)
ANCHOR = "Because the customer knows things you do not.\n"


def lesson_with(extra: str) -> str:
    """The minimal lesson with ``extra`` Markdown after its first section."""
    return MINIMAL_LESSON.replace(ANCHOR, ANCHOR + "\n" + extra + "\n")


def at(text: str, needle: str) -> tuple[int, int]:
    """Line and column (1-based) where ``needle`` first occurs in ``text``."""
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def findings(report: list[Diagnostic], rule: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in report if d.rule == rule]


def validate(root: Path) -> list[Diagnostic]:
    return validate_repository(root)[1].sorted()


def lint(root: Path) -> list[Diagnostic]:
    return lint_repository(root)[1].sorted()


# ------------------------------------------------------------------ reported where broken


def test_missing_image_in_an_admonition_is_a_validate_error_at_its_line(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    text = lesson_with("!!! note\n    A diagram: ![d](../assets/missing.png)\n")
    root = make_repo({LESSON: text})
    report = validate(root)
    assert findings(report, "LMS207") == [at(text, "![d]")]
    # the build stops on it, and says where (not 1:1)
    printed = io.StringIO()
    with pytest.raises(BuildError):
        build_site(root, tmp_path / "site", stdout=printed, with_history=False)
    line, col = at(text, "![d]")
    assert f"{LESSON}:{line}:{col}: error LMS207" in printed.getvalue()


@pytest.mark.parametrize("url", ["/courses/expense-policy/", "../../expense-policy/",
                                 "../../expense-policy/lessons/01-intro.md"])
def test_link_to_a_course_that_does_not_exist_is_a_validate_error(
        make_repo: Callable[..., Path], url: str) -> None:
    text = lesson_with(f"- Also read\n\n    > the [expense policy]({url}) first.\n")
    report = validate(make_repo({LESSON: text}))
    assert findings(report, "LMS214") == [at(text, "[expense policy]")]
    assert next(d for d in report if d.rule == "LMS214").hint


def test_broken_relative_reference_definition_in_indented_content_is_reported(
        make_repo: Callable[..., Path]) -> None:
    text = lesson_with("- See [the picture][pic] and [the next lesson][next].\n\n"
                       "    [pic]: ../assets/nope.png\n\n"
                       "!!! note\n    [next]: 05-gone.md\n")
    report = validate(make_repo({LESSON: text}))
    line, _ = at(text, "[pic]:")
    assert [(d.line, d.column) for d in report if d.rule == "LMS207"] == [
        (line, at(text, "../assets/nope.png")[1])]
    assert findings(report, "LMS214") == [at(text, "[next]:")]


def test_page_md_slash_anchor_is_checked(make_repo: Callable[..., Path]) -> None:
    text = lesson_with("See [why](01-discovery-questions.md/#why-ask) and "
                       "[this](01-discovery-questions.md#why-not).\n")
    report = lint(make_repo({LESSON: text}))
    assert findings(report, "LMS214") == [at(text, "[why]")]
    assert findings(report, "LMS311") == [at(text, "[this]")]


def test_anchor_to_a_name_the_sanitizer_removes_is_dead(make_repo: Callable[..., Path]) -> None:
    text = lesson_with('<a name="old-place"></a><a id="new-place"></a>\n\n'
                       "Go to [the old place](#old-place) or [the new](#new-place).\n")
    report = lint(make_repo({LESSON: text}))
    assert findings(report, "LMS311") == [at(text, "[the old place]")]
    page = sanitize(render(text.split("---\n", 2)[2])[0])
    assert 'id="new-place"' in page and 'name="old-place"' not in page


def test_hash_dot_in_a_list_item_is_read_as_the_page_shows_it() -> None:
    body = "- Steps:\n\n    #. first\n    #. second\n\n#hashtag\n"
    document = read(body)
    html, toc = render(body)
    assert document.headings == () and toc == []
    assert "<h1" not in html and "#. first" in html


# ----------------------------------------------------------------- silent where it works


def test_real_content_that_works_gives_no_finding(make_repo: Callable[..., Path]) -> None:
    text = lesson_with(
        "![](../assets/fig.png){alt='A funnel: open questions first'}\n\n"
        "### Set by an attribute list {#custom-id}\n\n"
        "### Another one { id=other .wide }\n\n"
        "A paragraph with an id.\n{: #para }\n\n"
        "[](){#here} Go to [custom](#custom-id), [other](#other), [para](#para), "
        "[the spot](#here).\n\n"
        "!!! note\n    See [the guide][g].\n\n    [g]: https://example.org/guide\n")
    root = make_repo({LESSON: text, "courses/sales-basics/assets/fig.png": PNG})
    report = lint(root)
    noisy = [d for d in report if d.rule in ("LMS501", "LMS311", "LMS313", "LMS502",
                                             "LMS214", "LMS207")]
    assert noisy == []
    before = (root / LESSON).read_bytes()
    lint_report = lint_repository(root)[1]
    assert [f for f in apply_fixes(root, lint_report) if f.rule == "LMS313"] == []
    assert (root / LESSON).read_bytes() == before


def test_html_in_a_title_is_a_finding(make_repo: Callable[..., Path]) -> None:
    text = MINIMAL_LESSON.replace("title: Discovery questions",
                                  "title: Discovery <em>questions</em>")
    report = lint(make_repo({LESSON: text}))
    assert findings(report, "LMS308") == [at(text, "Discovery <em>")]


# ------------------------------------------------------------------- the built page


def test_tabs_details_and_warnings_in_indented_blocks(make_repo: Callable[..., Path],
                                                      tmp_path: Path) -> None:
    draft_lesson = "../../draft-course/lessons/01-intro.md"
    text = lesson_with(
        '=== "First"\n\n    One.\n\n=== "Second"\n\n    Two.\n\n'
        "???+ tip \"Open by default\"\n    Shown.\n\n"
        f"- A list item\n\n    > quoting [the draft]({draft_lesson}).\n")
    root = make_repo({
        LESSON: text,
        "courses/draft-course/course.yml": MINIMAL_COURSE + "status: draft\n",
        "courses/draft-course/lessons/01-intro.md": MINIMAL_LESSON,
    })
    printed = io.StringIO()
    result = build_site(root, tmp_path / "site", stdout=printed, with_history=False)
    line, col = at(text, "[the draft]")
    assert f"{LESSON}:{line}:{col}: warning LMS212 link '{draft_lesson}'" in printed.getvalue()
    assert result.warnings
    page = (tmp_path / "site/courses/sales-basics/discovery-questions/index.html").read_text()
    assert re.search(r'<div class="tabbed-set tabbed-alternate" data-tabs="1:2">', page)
    assert '<input checked="checked" id="__tabbed_1_1" name="__tabbed_1" type="radio">' in page
    assert '<details class="tip" open="open">' in page
    # the table of contents lists the lesson's headings
    assert 'href="#why-ask"' in page and "md-nav--secondary" in page


# ------------------------------------------------------------------------ linear time


def test_quadratic_input_for_python_markdown_is_read_in_linear_time(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    """``"[a](" * 8000`` makes Python-Markdown quadratic; here validate, lint and build of
    that lesson finish (a quadratic reader would take minutes; benchmarks/ has timings)."""
    text = lesson_with("[a](" * 8000)
    root = make_repo({LESSON: text})
    assert not [d for d in validate(root) if d.severity.value == "error"]
    assert not [d for d in lint(root) if d.severity.value == "error"]
    build_site(root, tmp_path / "site", stdout=io.StringIO(), with_history=False)
    assert (tmp_path / "site/courses/sales-basics/discovery-questions/index.html").is_file()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("a ()<>\\\n\t\x7f!")), max_size=60))
def test_fast_link_destination_is_markdown_its(text: str) -> None:
    for start in range(len(text)):
        ours = _link_destination(text, start, len(text))
        theirs = helpers.parseLinkDestination(text, start, len(text))
        assert (ours.ok, ours.pos, ours.str) == (theirs.ok, theirs.pos, theirs.str)
