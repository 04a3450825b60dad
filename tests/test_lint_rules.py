"""Every lint rule: a failing snippet (asserting rule, file, line and column) and a passing one.

Each case writes a small repository: a clean base course plus the files of the case. Positions
are given either as (line, column) or as a needle: the place where that text first occurs in
the file, so the tests read like the snippet and still pin the exact column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lmsctl.checks.lint import lint_repository
from lmsctl.checks.registry import RULES, all_rules
from lmsctl.core.diagnostics import Diagnostic
from tests.conftest import MINIMAL_CONFIG, build_tree

COURSE = "courses/sales-basics/course.yml"
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
SECOND = "courses/sales-basics/lessons/02-second.md"
OTHER = "courses/other-course/course.yml"
PATH = "paths/onboarding.yml"

BASE_COURSE = """\
title: Sales basics
summary: The first steps of a sales conversation, from discovery to next steps.
owners: ["@jdoe", "@acme/sales"]
level: beginner
skills: [discovery]
objectives:
  - Ask open discovery questions
"""

QUIZ = """\
```quiz
- question: Which question is open?
  choices:
    - text: What made you look at this now?
      correct: true
      explanation: It invites a story, not a yes or no.
    - text: Do you have a budget?
      explanation: A closed question; useful later, not to open.
    - text: Is Tuesday good?
      explanation: Scheduling, not discovery.
```
"""

BODY = """\
Good discovery starts with open questions.

## Why ask

Because the customer knows things you do not.
"""

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a40000000049454e44ae426082"
)


def lesson(body: str = BODY, quiz: str = QUIZ, title: str = "Discovery questions") -> str:
    """A lesson file: front matter on lines 1-3, the body from line 4, then the quiz."""
    return f"---\ntitle: {title}\n---\n{body}\n{quiz}"


def quiz(*questions: str) -> str:
    return "```quiz\n" + "".join(questions) + "```\n"


def question(text: str, *choices: tuple[str, bool, str]) -> str:
    out = f"- question: {text}\n  choices:\n"
    for choice, correct, explanation in choices:
        out += f"    - text: {choice}\n"
        if correct:
            out += "      correct: true\n"
        if explanation:
            out += f"      explanation: {explanation}\n"
    return out


OTHER_COURSE = {
    OTHER: "title: Other course\nsummary: Another course about asking good questions in "
           "discovery calls.\nowners: [\"@acme/sales\"]\nobjectives: [Ask]\nstatus: {status}\n",
    "courses/other-course/lessons/01-intro.md": lesson(),
}


def other_course(status: str) -> dict[str, str | bytes | None]:
    return {k: v.replace("{status}", status) if isinstance(v, str) else v
            for k, v in OTHER_COURSE.items()}


def base_files() -> dict[str, str | bytes | None]:
    return {
        "lmsctl.yml": MINIMAL_CONFIG,
        COURSE: BASE_COURSE,
        LESSON: lesson(),
    }


def run_lint(root: Path, **kwargs: object) -> list[Diagnostic]:
    _, report = lint_repository(root, **kwargs)  # type: ignore[arg-type]
    return report.sorted()


@pytest.fixture
def repo(tmp_path: Path) -> Callable[[dict[str, str | bytes | None]], Path]:
    counter = iter(range(1000))

    def make(changes: dict[str, str | bytes | None]) -> Path:
        files = base_files()
        for rel, content in changes.items():
            if content == "<delete>":
                files.pop(rel, None)
            else:
                files[rel] = content
        return build_tree(tmp_path / f"repo{next(counter)}", files)

    return make


def where(files: dict[str, str | bytes | None], path: str, needle: str | tuple[int, int],
          nth: int = 1) -> tuple[int, int]:
    if isinstance(needle, tuple):
        return needle
    text = files.get(path)
    if text is None:
        text = base_files()[path]
    assert isinstance(text, str), path
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass
class Case:
    rule: str
    bad: dict[str, str | bytes | None]
    at: list[tuple[str, str | tuple[int, int]]]  # (path, needle or (line, col))
    good: dict[str, str | bytes | None] = field(default_factory=dict)
    name: str = ""


def L(body: str, q: str = QUIZ, title: str = "Discovery questions") -> dict[str, str | bytes | None]:  # noqa: E501
    return {LESSON: lesson(body, q, title)}


ONE_CHOICE = quiz(question("Pick one?", ("Only one", True, "Yes.")))
CASES = [
    Case("LMS301", L("# Discovery questions\n\nText."), [(LESSON, "# Discovery")],
         L("## Discovery questions\n\nText."), "h1"),
    Case("LMS301", L("#hashtag at the start of a line is text, as on the page\n\nText."), [],
         L("Text."), "hashtag-is-text"),
    Case("LMS301", L("Title\n=====\n\nText."), [(LESSON, "Title")],
         L("Title\n-----\n\nText."), "setext"),
    Case("LMS302", L("## A\n\nText.\n\n#### B\n\nText."), [(LESSON, "#### B")],
         L("## A\n\nText.\n\n### B\n\nText."), "skip"),
    Case("LMS302", L("### First\n\nText."), [(LESSON, "### First")],
         L("## First\n\nText.\n\n```md\n#### not a heading\n```"), "first"),
    Case("LMS303", {SECOND: "---\ntitle: Later\n---\n\n<!-- to do -->\n## Soon\n"},
         [(SECOND, "title")], {SECOND: "---\ntitle: Later\n---\nNow written.\n"}),
    Case("LMS304", L("word " * 1501), [(LESSON, "title")], L("word " * 1400), "default"),
    Case("LMS304", {**L("word " * 120), "lmsctl.yml": MINIMAL_CONFIG
                    + "lint:\n  max_lesson_words: 100\n"}, [(LESSON, "title")],
         {**L("word " * 90), "lmsctl.yml": MINIMAL_CONFIG + "lint:\n  max_lesson_words: 100\n"},
         "configured"),
    Case("LMS305", {COURSE: BASE_COURSE.split("objectives")[0]}, [(COURSE, "title")],
         {}, "missing"),
    Case("LMS305", {COURSE: BASE_COURSE.split("objectives")[0] + "objectives: []\n"},
         [(COURSE, "objectives")], {}, "empty"),
    Case("LMS306", {COURSE: BASE_COURSE.replace("The first steps of a sales conversation, "
                                                "from discovery to next steps.", "Sales.")},
         [(COURSE, "Sales.")], {}, "course"),
    Case("LMS306", {PATH: "title: P\nsummary: Short.\nowners: [\"@acme/x\"]\n"
                          "courses: [sales-basics]\n"}, [(PATH, "Short.")],
         {PATH: "title: P\nsummary: Everything a new account executive needs in the first "
                "month.\nowners: [\"@acme/x\"]\ncourses: [sales-basics]\n"}, "path"),
    Case("LMS307", {COURSE: BASE_COURSE.replace("The first", "The " + "very " * 45 + "first")},
         [(COURSE, "The very")], {}),
    Case("LMS308", {SECOND: lesson(title="Pricing <em>without</em> discounts")},
         [(SECOND, "Pricing <em>")], {SECOND: lesson(title="Pricing without discounts")},
         "lesson"),
    Case("LMS308", {COURSE: BASE_COURSE.replace("title: Sales basics",
                                                "title: Sales &amp; basics")},
         [(COURSE, "Sales &amp;")], {COURSE: BASE_COURSE.replace("title: Sales basics",
                                                                  "title: Sales and basics")},
         "course"),
    Case("LMS214", {SECOND: lesson("See [the next one](03-nope.md).")}, [(SECOND, "[the next")],
         {SECOND: lesson("See [discovery](01-discovery-questions.md).")}, "lesson"),
    Case("LMS214", {SECOND: lesson("See [that course](../../nope/).")}, [(SECOND, "[that")],
         {**other_course("published"),
          SECOND: lesson("See [that course](../../other-course/).")}, "course"),
    Case("LMS310", {SECOND: lesson("See [it](/courses/sales-basics/).")}, [(SECOND, "[it]")],
         {SECOND: lesson("See [it](../../sales-basics/).")}, "absolute"),
    Case("LMS214", {SECOND: lesson("Go [there][ref].\n\n[ref]: 05-gone.md")},
         [(SECOND, "[ref]:")],
         {SECOND: lesson("Go [there][ref].\n\n[ref]: 01-discovery-questions.md")},
         "reference"),
    Case("LMS311", {SECOND: lesson("See [why](01-discovery-questions.md#why-not).")},
         [(SECOND, "[why]")],
         {SECOND: lesson("See [why](01-discovery-questions.md#why-ask).")}, "other"),
    Case("LMS311", L(BODY + "\nBack to [the top](#why-asking).\n"), [(LESSON, "[the top]")],
         L(BODY + "\nBack to [the top](#why-ask).\n"), "same-page"),
    Case("LMS311", L(BODY + "\n[x](#custom)\n"), [(LESSON, "[x]")],
         L(BODY + "\n## Other {#custom}\n\n[x](#custom)\n"), "attr-list"),
    Case("LMS312", {**other_course("draft"), SECOND: lesson("See [o](../../other-course/).")},
         [(SECOND, "[o]")],
         {**other_course("published"), SECOND: lesson("See [o](../../other-course/).")},
         "link"),
    Case("LMS314", {**other_course("archived"),
                    SECOND: lesson("See [o](../../other-course/lessons/01-intro.md).")},
         [(SECOND, "[o]")], {}, "link"),
    Case("LMS312", {**other_course("draft"),
                    COURSE: BASE_COURSE + "prerequisites: [other-course]\n"},
         [(COURSE, "other-course]")], {}, "prerequisite"),
    Case("LMS314", {**other_course("archived"),
                    COURSE: BASE_COURSE + "prerequisites: [other-course]\n"},
         [(COURSE, "other-course]")],
         {**other_course("published"), COURSE: BASE_COURSE + "prerequisites: [other-course]\n"},
         "prerequisite"),
    Case("LMS313", L("See https://example.org/guide. Then go."), [(LESSON, "https")],
         L("See <https://example.org/guide>, [the guide](https://example.org/guide) and "
           "`https://example.org/code`.\n\n<!-- https://example.org/comment -->")),
    Case("LMS320", L("Some text. \nMore.\t\n\nEnd.  \n"), [(LESSON, (4, 11)), (LESSON, (5, 6)),
                                                          (LESSON, (7, 5))],
         L("Line one  \nline two, after a deliberate line break."), "trailing"),
    Case("LMS320", {LESSON: lesson().rstrip("\n")},
         [(LESSON, (lesson().count("\n"), len("```") + 1))], {}, "final-newline"),
    Case("LMS401", L(BODY, ""), [(COURSE, "title")], {}),
    Case("LMS402", L(BODY, ONE_CHOICE), [(LESSON, "question: Pick")],
         L(BODY, quiz(question("Pick one?", ("One", True, "Yes."), ("Two", False, "No."),
                               ("Three", False, "No."))))),
    Case("LMS403", L(BODY, quiz(question("Pick?", ("One", True, "Yes."), ("Two", False, "No."))
                                )), [(LESSON, "question: Pick")], {}),
    Case("LMS404", L(BODY, quiz(question("Which are open?", ("What now?", False, "Open."),
                                         ("Why now?", False, "Open."),
                                         ("All of the above", True, "Both.")))),
         [(LESSON, "text: All")], {}),
    Case("LMS405", L(BODY, quiz(question("Which is NOT an open question?",
                                         ("What now?", False, "Open."),
                                         ("Why now?", False, "Open."),
                                         ("Budget?", True, "Closed.")))),
         [(LESSON, "NOT")],
         L(BODY, quiz(question("Why is that not a problem here?", ("A", True, "a"),
                               ("B", False, "b"), ("C", False, "c"))))),
    Case("LMS405", L(BODY, quiz(question("Which of these is not an open question?",
                                         ("What now?", False, "Open."),
                                         ("Why now?", False, "Open."),
                                         ("Budget?", True, "Closed.")))),
         [(LESSON, "Which of these")], {}, "lowercase"),
    Case("LMS406", L(BODY, quiz(question("Which?", ("A", True, "Right."), ("B", False, ""),
                                         ("C", False, "Wrong.")))),
         [(LESSON, "text: B")], {}),
    Case("LMS407", L(BODY, quiz(question("Which?", ("Ask why", True, "Right."),
                                         ("ask  WHY.", False, "Same."),
                                         ("C", False, "Wrong.")))),
         [(LESSON, "text: ask")], {}),
    Case("LMS408", L(BODY, quiz(question(
        "Which?", ("Acknowledge the concern, then ask what they compare the price with", True,
                   "Right."), ("Offer a discount", False, "No."), ("Repeat features", False,
                                                                   "No.")))),
         [(LESSON, "text: Acknowledge")], {}),
    Case("LMS409", L(BODY, quiz(question("Which?", ("A", True, "a"), ("B", True, "b"),
                                         ("C", True, "c")))),
         [(LESSON, "question: Which?")], {}),
    Case("LMS501", {**L(BODY + "\n![](../assets/a.png)\n"),
                    "courses/sales-basics/assets/a.png": PNG}, [(LESSON, "![](")],
         {**L(BODY + "\n![A funnel of questions](../assets/a.png)\n"),
          "courses/sales-basics/assets/a.png": PNG}, "markdown"),
    Case("LMS501", {**L(BODY + "\n<img src=\"../assets/a.png\">\n"),
                    "courses/sales-basics/assets/a.png": PNG}, [(LESSON, "<img")],
         {**L(BODY + "\n<img src=\"../assets/a.png\" alt=\"\">\n"),
          "courses/sales-basics/assets/a.png": PNG}, "html"),
    Case("LMS502", L(BODY + "\nFor more, [click here](01-discovery-questions.md#why-ask).\n"),
         [(LESSON, "[click")],
         L(BODY + "\nFor more, see [why we ask](01-discovery-questions.md#why-ask).\n"),
         "markdown"),
    Case("LMS502", L(BODY + "\nSee <a href=\"https://example.org\">here</a>.\n"),
         [(LESSON, "<a href")],
         L(BODY + "\nSee <a href=\"https://example.org\">the example site</a>.\n"), "html"),
    Case("LMS502", L(BODY + "\nSee [](https://example.org).\n"), [(LESSON, "[](")], {},
         "empty"),
    Case("LMS503", {**L(BODY + "\n<video src=\"../assets/v.mp4\" controls></video>\n"),
                    "courses/sales-basics/assets/v.mp4": b"\0"}, [(LESSON, "<video")],
         {**L(BODY + "\n<video src=\"../assets/v.mp4\" controls>\n<track kind=\"captions\" "
                     "src=\"../assets/v.vtt\">\n</video>\n"),
          "courses/sales-basics/assets/v.mp4": b"\0", "courses/sales-basics/assets/v.vtt":
              "WEBVTT\n"}, "video"),
    Case("LMS503", {**L(BODY + "\n[Listen](../assets/a.mp3)\n"),
                    "courses/sales-basics/assets/a.mp3": b"\0"}, [(LESSON, "[Listen]")],
         {**L(BODY + "\n[Listen](../assets/a.mp3)\n\n## Transcript\n\nHello.\n"),
          "courses/sales-basics/assets/a.mp3": b"\0"}, "audio"),
    Case("LMS504", L(BODY + "\n|   |   |\n|---|---|\n| a | b |\n"), [(LESSON, "|   |")],
         L(BODY + "\n| Step | Owner |\n|---|---|\n| a | b |\n"), "pipe"),
    Case("LMS504", L(BODY + "\n<table><tr><td>a</td></tr></table>\n"), [(LESSON, "<table")],
         L(BODY + "\n<table><tr><th>Step</th></tr><tr><td>a</td></tr></table>\n"), "html"),
    Case("LMS505", {**L(BODY + "\n![diagram](../assets/a.png)\n"),
                    "courses/sales-basics/assets/a.png": PNG}, [(LESSON, "![diagram")],
         {**L(BODY + "\n![A funnel](../assets/a.png)\n"),
          "courses/sales-basics/assets/a.png": PNG}),
    Case("LMS601", L(BODY + "\n<script>alert(1)</script>\n"), [(LESSON, "<script")],
         L(BODY + "\n```html\n<script>alert(1)</script>\n```\n\nAnd `<script>` inline.\n")),
    Case("LMS602", L(BODY + "\n<marquee>New</marquee>\n"), [(LESSON, "<marquee")],
         L(BODY + "\n<kbd>Ctrl</kbd> and <details><summary>More</summary>x</details>\n")),
    Case("LMS603", L(BODY + "\n<span onclick=\"x()\">x</span>\n"), [(LESSON, "<span")], {}),
    Case("LMS604", L(BODY + "\n[Open](javascript:alert(1))\n"), [(LESSON, "[Open]")],
         L(BODY + "\n![Dot](data:image/png;base64,iVBORw0KGgo=)\n"), "markdown"),
    Case("LMS604", L(BODY + "\n<a href=\"jav&#x09;ascript:alert(1)\">the x</a>\n"),
         [(LESSON, "<a href")], {}, "html-entity"),
    Case("LMS604", L(BODY + "\n<a href=\"data:text/html,hi\">the page</a>\n"),
         [(LESSON, "<a href")], {}, "data"),
    Case("LMS605", L(BODY + "\n<span style=\"color: red\">x</span>\n"), [(LESSON, "<span")],
         L(BODY + "\n<div markdown class=\"grid\">x</div>\n")),
    Case("LMS606", L(BODY + "\n![Funnel](https://cdn.example.com/f.png)\n"),
         [(LESSON, "![Funnel]")],
         L(BODY + "\nSee [the funnel guide](https://example.com/funnel).\n"), "markdown"),
    Case("LMS606", L(BODY + "\n<video controls src=\"//cdn.example.com/v.mp4\"></video>\n"),
         [(LESSON, "<video")], {}, "html"),
    Case("LMS701", {COURSE: BASE_COURSE.replace('"@jdoe"', '"@jdoe-"')}, [(COURSE, '"@jdoe-"')],
         {}, "trailing-hyphen"),
    Case("LMS701", {COURSE: BASE_COURSE.replace('"@jdoe"', '"@j--doe"')}, [(COURSE, '"@j--')],
         {}, "double-hyphen"),
    Case("LMS702", {COURSE: BASE_COURSE.replace('"@jdoe",', '"@jdoe", "@JDoe",')},
         [(COURSE, '"@JDoe"')], {}),
    Case("LMS703", {**other_course("draft"), PATH: "title: P\nsummary: Everything a new "
                    "account executive needs in month one.\nowners: [\"@acme/x\"]\ncourses:\n"
                    "  - sales-basics\n  - other-course\n"}, [(PATH, "other-course")],
         {**other_course("draft"), PATH: "title: P\nsummary: Everything a new account "
          "executive needs in month one.\nowners: [\"@acme/x\"]\nstatus: draft\ncourses:\n"
          "  - sales-basics\n  - other-course\n"}),
    Case("LMS704", {"lmsctl.yml": MINIMAL_CONFIG + "lint:\n  max_file_kb: 1\n",
                    **L(BODY + "\n[Handbook](../assets/handbook.pdf)\n"),
                    "courses/sales-basics/assets/handbook.pdf": b"%PDF" + b"x" * 2048},
         [("courses/sales-basics/assets/handbook.pdf", (1, 1))],
         {"lmsctl.yml": MINIMAL_CONFIG + "lint:\n  max_file_kb: 4\n",
          **L(BODY + "\n[Handbook](../assets/handbook.pdf)\n"),
          "courses/sales-basics/assets/handbook.pdf": b"%PDF" + b"x" * 2048}),
    Case("LMS705", {"lmsctl.yml": MINIMAL_CONFIG + "lint:\n  max_media_mb: 1\n",
                    **L(BODY + "\n![A big photo](../assets/big.png)\n"),
                    "courses/sales-basics/assets/big.png": PNG + b"\0" * (1024 * 1024)},
         [("courses/sales-basics/assets/big.png", (1, 1))],
         {"lmsctl.yml": MINIMAL_CONFIG + "lint:\n  max_media_mb: 1\n",
          ".gitattributes": "*.png filter=lfs diff=lfs merge=lfs -text\n",
          **L(BODY + "\n![A big photo](../assets/big.png)\n"),
          "courses/sales-basics/assets/big.png": PNG + b"\0" * (1024 * 1024)}),
    Case("LMS706", {"courses/sales-basics/assets/old.png": PNG},
         [("courses/sales-basics/assets/old.png", (1, 1))],
         {"courses/sales-basics/assets/old.png": PNG,
          **L(BODY + "\n<img src=\"../assets/old.png\" alt=\"An old funnel\">\n")}),
    Case("LMS707", {"courses/sales-basics/assets/My Funnel.png": PNG,
                    **L(BODY + "\n![A funnel](<../assets/My Funnel.png>)\n")},
         [("courses/sales-basics/assets/My Funnel.png", (1, 1))],
         {"courses/sales-basics/assets/my-funnel.png": PNG,
          "courses/sales-basics/README.md": "Notes for maintainers.\n",
          **L(BODY + "\n![A funnel](../assets/my-funnel.png)\n")}),
    Case("LMS708", {COURSE: BASE_COURSE.replace(', "@acme/sales"', "")}, [(COURSE, "owners")],
         {}),
    Case("LMS790", L("<!-- lmsctl-disable-next-line LMS313 -->\nNo URL here."),
         [(LESSON, "<!--")],
         L("<!-- lmsctl-disable-next-line LMS313 -->\nA URL: https://example.org/x")),
    Case("LMS791", L("<!-- lmsctl-disable-next-line LMS999 -->\nText."), [(LESSON, "<!--")],
         {}, "unknown-rule"),
    Case("LMS791", {"lmsctl.yml": MINIMAL_CONFIG + "lint:\n  rules:\n    LMS207: warning\n"},
         [("lmsctl.yml", "LMS207")], {"lmsctl.yml": MINIMAL_CONFIG + "lint:\n  rules:\n"
                                                    "    LMS313: info\n"}, "validation-rule"),
]


def test_base_repository_lints_clean(repo: Callable[..., Path]) -> None:
    assert run_lint(repo({})) == []


def test_every_lint_rule_has_a_case() -> None:
    all_rules()
    lint_rules = {r.id for r in RULES.values() if r.stage == "lint" and not r.id.startswith(
        "LMS8")}
    assert lint_rules == {c.rule for c in CASES if RULES[c.rule].stage == "lint"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.name}" if c.name else c.rule
                                             for c in CASES])
def test_rule(case: Case, repo: Callable[..., Path]) -> None:
    found = [d for d in run_lint(repo(case.bad)) if d.rule == case.rule]
    files = {**base_files(), **case.bad}
    expected = [(path, *where(files, path, needle)) for path, needle in case.at]
    assert [(d.path, d.line, d.column) for d in found] == expected, found
    for d in found:
        assert d.severity is RULES[case.rule].severity
        assert d.message and d.hint, d  # what is wrong, and how to fix it
    if case.good:
        good = run_lint(repo(case.good))
        assert [d for d in good if d.rule == case.rule] == []
        assert not [d for d in good if d.severity.value == "error"], good
