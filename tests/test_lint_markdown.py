"""Lint reads tricky Markdown the way the site renders it: no false findings on realistic
lessons, no missed ones. Where it matters, the site's own renderer (Python-Markdown with the
site's extensions) is the oracle."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.checks.lint import apply_edits, apply_fixes, lint_repository
from lmsctl.content.markdown import inline_text, read, render, toc_slug
from lmsctl.core.diagnostics import Diagnostic, Fix, Report, Severity, TextEdit
from lmsctl.targets.site.compile import MARKDOWN_EXTENSIONS
from tests.conftest import build_tree
from tests.test_lint_config import bare_view
from tests.test_lint_rules import BODY, LESSON, base_files, lesson, question, quiz


@pytest.fixture
def lint(tmp_path: Path) -> Callable[..., list[Diagnostic]]:
    counter = iter(range(1000))

    def run(changes: dict[str, str | bytes | None]) -> list[Diagnostic]:
        root = build_tree(tmp_path / f"r{next(counter)}", {**base_files(), **changes})
        return lint_repository(root)[1].sorted()

    return run


def site_markdown() -> markdown.Markdown:
    names: list[str] = []
    configs: dict[str, Any] = {}
    for ext in MARKDOWN_EXTENSIONS:
        if isinstance(ext, dict):
            ((name, config),) = ext.items()
            names.append(name)
            configs[name] = config
        else:
            names.append(ext)
    return markdown.Markdown(extensions=names, extension_configs=configs)


SITE_MD = site_markdown()


def heading_ids(body: str) -> list[str]:
    html, _ = render(body)
    return re.findall(r'<h[1-6] id="([^"]*)"', html)


def found(report: list[Diagnostic], rule: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in report if d.rule == rule]


# ------------------------------------------------------------------ anchors (LMS311)

WORDS = st.sampled_from([
    "Ask", "then", "listen", "snake_case_name", "__init__", "C++", "C#", "Éclair", "don't",
    "2.0", "&", "&amp;", "—", "`<video>`", "`course.yml`", "``a`b``", "*emph*", "**strong**",
    "_italic_", "[docs](x.md)", "![logo](a.png)", "<kbd>Ctrl</kbd>", "1\\.", "\\_", "a_b_",
    "Q&A:", "(draft)", "\"quoted\"", "50%", "e-mail", "x/y",
])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(WORDS, min_size=1, max_size=6))
def test_anchor_slugs_are_the_sites(words: list[str]) -> None:
    text = " ".join(words)
    ids = heading_ids(f"## {text}\n")
    assert ids, text
    # the checks see the id the page has (the same reading gives both)
    assert [h.id for h in read(f"## {text}\n").headings] == ids, text
    if ids[0] != "_1":  # a heading with no letters gets a numbered id
        assert toc_slug(inline_text(text)) == ids[0], text


def test_headings_inside_admonitions_tabs_and_lists_are_anchors(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = (BODY + "\n!!! note \"Box\"\n    ### Inside admonition\n\n    Text.\n\n"
            "=== \"Tab\"\n\n    ### Inside tab\n\n    Text.\n\n"
            "- Item\n\n    #### In a list\n\n## snake_case_name\n\n## The `<video>` element\n\n"
            "Go to [a](#inside-admonition), [b](#inside-tab), [c](#in-a-list), "
            "[d](#snake_case_name), [e](#the-video-element).\n")
    view = bare_view(body)
    assert set(heading_ids(body)) <= view.ids
    report = lint({LESSON: lesson(body)})
    # nested headings are anchors only: no outline finding for the #### inside the list
    assert [d for d in report if d.rule in ("LMS311", "LMS302", "LMS301")] == []
    bad = lint({LESSON: lesson(body.replace("(#inside-tab)", "(#inside-tabs)"))})
    assert [d.rule for d in bad if d.rule == "LMS311"] == ["LMS311"]


# ---------------------------------------------------------- code versus content

def test_indented_code_after_a_fence_that_ends_a_list(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = ("- Item\n\n```text\nhttps://example.org/in-a-fence\n```\n\n"
            "    indented code https://example.org/indented [click here](https://x.example)\n")
    report = lint({LESSON: lesson(body)})
    assert [d for d in report if d.rule in ("LMS313", "LMS502")] == []


def test_paragraphs_of_a_list_item_after_a_continuation_line_are_content(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = ("- Item line one\n  continued\n\n    Second paragraph: [click here](https://x.org) "
            "and https://example.org/bare\n")
    text = lesson(body)
    report = lint({LESSON: text})
    line = text.split("\n").index("    Second paragraph: [click here](https://x.org) and "
                                  "https://example.org/bare") + 1
    source = text.split("\n")[line - 1]
    assert found(report, "LMS502") == [(line, source.index("[click") + 1)]
    assert found(report, "LMS313") == [(line, source.index("https://example") + 1)]


# ------------------------------------------------------------------- links

def test_reference_links_shortcuts_and_wrapped_link_text(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = ("For more, [click here].\n\nOr [click\nhere](https://example.org/wrapped).\n\n"
            "Arrays [here][nope] stay text.\n\n![][funnel]\n\n"
            "[click here]: https://example.org/closing\n[funnel]: ../assets/funnel.svg\n")
    text = lesson(BODY + "\n" + body)
    lines = text.split("\n")
    report = lint({LESSON: text, "courses/sales-basics/assets/funnel.svg": "<svg/>"})
    shortcut = lines.index("For more, [click here].") + 1
    wrapped = lines.index("Or [click") + 1
    image = lines.index("![][funnel]") + 1
    assert found(report, "LMS502") == [(shortcut, 11), (wrapped, 4)]
    [alt] = [d for d in report if d.rule == "LMS501"]
    assert (alt.line, alt.column) == (image, 1)
    assert "funnel.svg" in alt.message and alt.hint is not None and "[funnel]" in alt.hint
    hints = [d.hint or "" for d in report if d.rule == "LMS502"]
    assert "(https://example.org/closing)" in hints[0]


def test_html_inside_link_text_is_checked(lint: Callable[..., list[Diagnostic]]) -> None:
    body = BODY + "\nSee [<img src=\"x.png\" onerror=\"alert(1)\">](https://x.org) and " \
                  "[the <script>x</script> guide](https://example.org/guide).\n"
    report = lint({LESSON: lesson(body)})
    assert {d.rule for d in report} >= {"LMS603", "LMS601"}
    # a URL in link text is linked, not bare
    assert found(lint({LESSON: lesson(BODY + "\n[https://example.org/x](https://example.org/x)"
                                            "\n")}), "LMS313") == []


@pytest.mark.parametrize("body", [
    "## Tips\n\n!!! tip \"Try it\"\n    Read [the pricing guide](https://example.org/p).\n",
    "=== \"macOS\"\n\n    ```bash\n    curl https://example.org/install  # click here\n"
    "    ```\n\n=== \"Windows\"\n\n    Download [the installer](https://example.org/w).\n",
    "- Step one:\n\n    | Field | Value |\n    | --- | --- |\n    | Owner | @jdoe |\n",
    "## Set up { #setup .wide }\n\nSee [set-up](#setup).\n",
    "Read the [guide][g].\n\n[g]: https://example.org/g \"The guide\"\n",
    "```text\nclick here: https://example.org/in-code\n```\n\nInline `https://x.org` code.\n",
])
def test_realistic_markdown_lints_clean(body: str, lint: Callable[..., list[Diagnostic]]
                                        ) -> None:
    assert lint({LESSON: lesson(BODY + "\n" + body)}) == []


# ------------------------------------------------------------------- quizzes

def test_quiz_rules_do_not_fire_on_real_answers_or_code(
        lint: Callable[..., list[Diagnostic]]) -> None:
    good = quiz(
        question("What does `NOT NULL` mean in a column definition?",
                 ("A value is required", True, "Right."), ("It defaults to zero", False, "No."),
                 ("It must be unique", False, "No.")),
        question("Where does the site keep quiz answers?",
                 ("All answers stay in the browser", True, "Right."),
                 ("On a server", False, "No."), ("In Git", False, "No.")),
        question("What does the catalog list?",
                 ("All options for filtering", True, "Right."), ("Nothing", False, "No."),
                 ("Drafts", False, "No.")),
    )
    report = lint({LESSON: lesson(BODY, good)})
    assert [d for d in report if d.rule in ("LMS404", "LMS405")] == []
    bad = quiz(
        question("Which statement is NOT true of `git log`?", ("A", True, "a"),
                 ("B", False, "b"), ("C", False, "c")),
        question("Which are open questions?", ("What now?", False, "Open."),
                 ("Why now?", False, "Open."), ("All of these are correct.", True, "Both.")),
        question("Which are closed?", ("Budget?", False, "Closed."),
                 ("Tuesday?", False, "Closed."), ("None of them", True, "Both are.")),
    )
    report = lint({LESSON: lesson(BODY, bad)})
    assert [d.rule for d in report if d.rule in ("LMS404", "LMS405")] == [
        "LMS405", "LMS404", "LMS404"]


# ------------------------------------------------------- code in containers, raw HTML, --fix

CODE_AND_HTML = """\
1. Run this:

        curl https://example.org/install.sh | sh

2. Then this, with a nested list:

    - Nested item

        Nested paragraph with https://example.org/nested-bare.

!!! tip
    Example:

        wget https://example.org/tip

Inline <code>https://example.org/inline-code</code> and <kbd>https://example.org/k</kbd>.

<pre>
curl https://example.org/pre
</pre>

<details>
<summary>More</summary>
See https://example.org/details
</details>
"""


def test_code_inside_lists_and_admonitions_and_html_is_left_alone(tmp_path: Path) -> None:
    text = lesson(BODY + "\n" + CODE_AND_HTML)
    lines = text.split("\n")
    root = build_tree(tmp_path / "repo", {**base_files(), LESSON: text})
    report = lint_repository(root)[1]
    bare = {(d.line, d.column): d for d in report.sorted() if d.rule == "LMS313"}
    nested = next(i for i, x in enumerate(lines) if "nested-bare" in x) + 1
    details = lines.index("See https://example.org/details") + 1
    assert sorted(bare) == [(nested, lines[nested - 1].index("https") + 1), (details, 5)]
    assert "<a href=" in (bare[(details, 5)].hint or "")
    applied = apply_fixes(root, report)
    after = (root / LESSON).read_text(encoding="utf-8").split("\n")
    # only the Markdown paragraph's URL is wrapped; code and raw HTML keep every byte
    assert [(f.line, f.rule) for f in applied] == [(nested, "LMS313")]
    assert after[nested - 1] == lines[nested - 1].replace(
        "https://example.org/nested-bare", "<https://example.org/nested-bare>")
    assert [x for i, x in enumerate(after) if i != nested - 1] == [
        x for i, x in enumerate(lines) if i != nested - 1]


# -- fixes are text edits attached by the rule ----------------------------------------------------


def _d(rule: str, line: int, column: int, fix: Fix) -> tuple[Diagnostic, Fix]:
    return (Diagnostic(rule, Severity.INFO, "x.md", line, column, "m", "h", fix=fix), fix)


def test_edits_apply_from_the_end_and_skip_overlaps() -> None:
    text = "see https://a.example/x and more  \nline two\n"
    wrap = Fix("wrap", (TextEdit(1, 5, 1, 5 + len("https://a.example/x"),
                                 "<https://a.example/x>"),))
    trim = Fix("trim", (TextEdit(1, 33, 1, 35, ""),))
    clash = Fix("clash", (TextEdit(1, 10, 1, 12, "!!"),))  # inside the wrapped URL
    out, applied = apply_edits(text, [_d("LMS313", 1, 5, wrap), _d("LMS320", 1, 33, trim),
                                      _d("LMS999", 1, 10, clash)])
    assert out == "see <https://a.example/x> and more\nline two\n"
    assert [fix.title for _, fix in applied] == ["wrap", "trim"]


def test_edits_outside_the_text_are_skipped() -> None:
    text = "a\n"
    far = Fix("far", (TextEdit(9, 1, 9, 1, "x"),))
    past_end = Fix("past", (TextEdit(1, 5, 1, 5, "x"),))
    end = Fix("end", (TextEdit(2, 1, 2, 1, "b\n"),))
    out, applied = apply_edits(text, [_d("R", 9, 1, far), _d("R", 1, 5, past_end),
                                      _d("R", 2, 1, end)])
    assert out == "a\nb\n" and [f.title for _, f in applied] == ["end"]


def test_fix_applies_edits_not_message_text(tmp_path: Path) -> None:
    """--fix applies what a rule attached; a finding without a fix is never 'fixed' from its
    wording, however much it looks like a fixable one."""
    lesson = tmp_path / "l.md"
    lesson.write_text("see https://a.example/x\n", encoding="utf-8")
    worded = Diagnostic("LMS313", Severity.WARNING, "l.md", 1, 5,
                        "bare URL https://a.example/x is not a link on the site",
                        "Write [what it is](https://a.example/x), or at least "
                        "<https://a.example/x> (lmsctl lint --fix does that).")
    assert apply_fixes(tmp_path, Report([worded])) == []
    assert lesson.read_text(encoding="utf-8") == "see https://a.example/x\n"
