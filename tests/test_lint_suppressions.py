"""Suppression comments: every form, unused ones reported, bad ones explained; the directive
parser and the range logic checked against a plain model with Hypothesis."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.checks.lint import lint_repository
from lmsctl.checks.registry import all_rules
from lmsctl.checks.suppressions import (
    Directive,
    FileSuppressions,
    parse_directive,
    yaml_directives,
)
from lmsctl.core.diagnostics import Diagnostic
from tests.conftest import build_tree
from tests.test_lint_rules import (
    BASE_COURSE,
    BODY,
    COURSE,
    LESSON,
    QUIZ,
    base_files,
    lesson,
    question,
    quiz,
)

all_rules()


@pytest.fixture
def lint(tmp_path: Path) -> Callable[[dict[str, str | bytes | None]], list[Diagnostic]]:
    counter = iter(range(1000))

    def run(changes: dict[str, str | bytes | None]) -> list[Diagnostic]:
        root = build_tree(tmp_path / f"r{next(counter)}", {**base_files(), **changes})
        _, report = lint_repository(root)
        return report.sorted()

    return run


def brief(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.rule, d.line, d.column) for d in found]


URL = "https://example.org/guide"


def test_disable_next_line_with_rule(lint: Callable[..., list[Diagnostic]]) -> None:
    body = f"<!-- lmsctl-disable-next-line LMS313 -->\nSee {URL}.\n\nAnd {URL} again."
    assert brief(lint({LESSON: lesson(body)})) == [("LMS313", 7, 5)]


def test_disable_next_line_without_rule_keeps_validation(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = "<!-- lmsctl-disable-next-line -->\n![](../assets/missing.png) " + URL
    found = brief(lint({LESSON: lesson(body)}))
    assert found == [("LMS207", 5, 1)]  # LMS501 and LMS313 silenced; validation is not


def test_disable_line_and_several_rules_with_reason(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = (f"[here]({URL}) {URL} <!-- lmsctl-disable-line LMS502, LMS313 -- quoted from "
            "the vendor -->")
    assert brief(lint({LESSON: lesson(body)})) == []


def test_disable_enable_range(lint: Callable[..., list[Diagnostic]]) -> None:
    body = (f"{URL}\n\n<!-- lmsctl-disable LMS313 -->\n{URL}\n\n{URL}\n"
            f"<!-- lmsctl-enable LMS313 -->\n\n{URL}")
    assert brief(lint({LESSON: lesson(body)})) == [("LMS313", 4, 1), ("LMS313", 12, 1)]


def test_disable_to_end_of_file_and_enable_one_rule(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = (f"<!-- lmsctl-disable -->\n[here]({URL})\n<!-- lmsctl-enable LMS502 -->\n"
            f"[here]({URL}) {URL}\n")
    assert brief(lint({LESSON: lesson(body)})) == [("LMS502", 7, 1)]


def test_disable_file(lint: Callable[..., list[Diagnostic]]) -> None:
    body = f"{URL}\n\n<!-- lmsctl-disable-file LMS313 -->\n\n{URL}"
    assert brief(lint({LESSON: lesson(body)})) == []


def test_yaml_trailing_comments(lint: Callable[..., list[Diagnostic]]) -> None:
    course = BASE_COURSE.replace(
        "summary: The first steps of a sales conversation, from discovery to next steps.",
        "summary: Sales.  # lmsctl-disable-line LMS306 -- a placeholder until June")
    q = quiz(question("Pick?", ("A", True, "Yes."), ("B", False, ""), ("C", False, "No.")))
    q = q.replace("    - text: B\n", "    - text: B  # lmsctl-disable-line LMS406\n")
    text = lesson(BODY, q).replace("title: Discovery questions",
                                   "title: Discovery questions  # lmsctl-disable-line LMS304")
    found = lint({COURSE: course, LESSON: text.replace(BODY, ("word " * 1600).strip())})
    assert brief(found) == []


def test_yaml_next_line_comment(lint: Callable[..., list[Diagnostic]]) -> None:
    course = BASE_COURSE.replace(
        "summary: The first",
        "# lmsctl-disable-next-line LMS306\nsummary: Sales.\n_: x").split("\n_: x")[0] + "\n"
    course += "owners: [\"@jdoe\", \"@acme/sales\"]\nskills: [discovery]\nobjectives: [Ask]\n"
    found = lint({COURSE: course})
    assert [d.rule for d in found] == []


def test_unused_suppressions_are_reported_at_the_comment(
        lint: Callable[..., list[Diagnostic]]) -> None:
    body = ("<!-- lmsctl-disable-next-line LMS313 -->\nNo URL.\n\n"
            "<!-- lmsctl-disable-next-line -->\nNothing.\n\n"
            "<!-- lmsctl-disable LMS502 -->\n<!-- lmsctl-enable LMS502 -->\n")
    course = BASE_COURSE.replace("level: beginner", "level: beginner  # lmsctl-disable-line "
                                                    "LMS306")
    found = lint({LESSON: lesson(body), COURSE: course})
    assert brief(found) == [("LMS790", 4, 18), ("LMS790", 4, 1), ("LMS790", 7, 1),
                            ("LMS790", 10, 1)]
    by_place = {(d.path, d.line): d for d in found}
    assert "LMS313" in by_place[(LESSON, 4)].message
    assert by_place[(LESSON, 4)].severity.value == "info"
    assert by_place[(COURSE, 4)].path == COURSE


def test_suppression_of_an_off_rule_is_unused(lint: Callable[..., list[Diagnostic]]) -> None:
    from tests.conftest import MINIMAL_CONFIG

    body = f"<!-- lmsctl-disable-next-line LMS313 -->\n{URL}"
    config = MINIMAL_CONFIG + "lint:\n  rules:\n    LMS313: off\n"
    assert brief(lint({LESSON: lesson(body), "lmsctl.yml": config})) == [("LMS790", 4, 1)]


def test_bad_directives_are_explained(lint: Callable[..., list[Diagnostic]]) -> None:
    body = ("<!-- lmsctl-disable-nextline LMS313 -->\nText.\n\n"
            "<!-- lmsctl-disable-next-line LMS207 -->\n![A](../assets/nope.png)\n\n"
            "<!-- lmsctl-disable-next-line LMS3l3 -->\nText.\n")
    found = lint({LESSON: lesson(body)})
    assert brief(found) == [("LMS791", 4, 1), ("LMS791", 7, 1), ("LMS207", 8, 1),
                            ("LMS791", 10, 1)]
    assert "lmsctl-disable-next-line" in found[0].hint
    assert "validation rule" in found[1].message
    assert "LMS3l3" in found[3].message


def test_directives_in_code_are_not_directives(lint: Callable[..., list[Diagnostic]]) -> None:
    body = ("```markdown\n<!-- lmsctl-disable-next-line LMS313 -->\n```\n\n"
            "`<!-- lmsctl-disable-file -->`\n\n" + URL)
    assert brief(lint({LESSON: lesson(body)})) == [("LMS313", 10, 1)]


def test_prose_mentioning_lmsctl_is_not_a_directive() -> None:
    d, problems = parse_directive(" lmsctl-disabled LMS313 ", "x.md", 1, 1, 1)
    assert d is None and [p.rule for p in problems] == ["LMS791"]  # a typo, explained
    assert "lmsctl-disable" in problems[0].hint
    d, problems = parse_directive(" a note about lmsctl-disable ", "x.md", 1, 1, 1)
    assert d is None and problems == []


def test_yaml_block_directives_are_refused() -> None:
    directives, problems = yaml_directives([(3, "# lmsctl-disable LMS306")], "c.yml")
    assert directives == [] and [p.rule for p in problems] == ["LMS791"]
    directives, problems = yaml_directives([(3, 'title: "# not a comment lmsctl-x"')], "c.yml")
    assert directives == []


# ------------------------------------------------------------------------- Hypothesis

LINT_RULES = ["LMS313", "LMS502", "LMS320"]
KIND = st.sampled_from(["disable-next-line", "disable-line", "disable", "enable",
                        "disable-file"])


@st.composite
def directive_texts(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    kind = draw(KIND)
    rules = draw(st.lists(st.sampled_from(LINT_RULES), max_size=3, unique=True))
    sep = draw(st.sampled_from([" ", ", ", "  ", ","]))
    reason = draw(st.sampled_from(["", " -- because", " -- a, b: c"]))
    pad = draw(st.sampled_from(["", " ", "\n", "  "]))
    text = f"{pad}lmsctl-{kind}" + ("" if not rules else " " + sep.join(
        r.lower() if draw(st.booleans()) else r for r in rules)) + reason + pad
    return text, kind, rules


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(directive_texts())
def test_parse_directive_round_trip(item: tuple[str, str, list[str]]) -> None:
    text, kind, rules = item
    d, problems = parse_directive(text, "x.md", 3, 1, 3 + text.count("\n"))
    assert problems == []
    assert d is not None and d.kind == kind and list(d.rules) == rules
    if kind == "disable-next-line":
        assert d.target == 4 + text.count("\n")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(max_size=80))
def test_parse_directive_never_crashes(text: str) -> None:
    d, problems = parse_directive(text, "x.md", 1, 1, 1)
    assert d is None or d.kind in ("disable-next-line", "disable-line", "disable", "enable",
                                   "disable-file")
    for p in problems:
        assert p.rule == "LMS791" and p.hint


def _model(events: list[tuple[int, str, tuple[str, ...]]], rule: str, line: int) -> bool:
    """The documented semantics, written plainly."""
    for at, kind, rules in events:
        applies = not rules or rule in rules
        if kind == "disable-file" and applies:
            return True
        if kind == "disable-line" and at == line and applies:
            return True
        if kind == "disable-next-line" and at + 1 == line and applies:
            return True
    every, exempt, specific = False, set(), set()
    for at, kind, rules in sorted(events, key=lambda e: e[0]):
        if at == line and kind == "disable" and (not rules or rule in rules):
            return True
        if at >= line:
            break
        if kind == "disable":
            if not rules:
                every, exempt = True, set()
            specific |= set(rules)
            exempt -= set(rules)
        elif kind == "enable":
            if not rules:
                every, exempt, specific = False, set(), set()
            specific -= set(rules)
            exempt |= set(rules)
    return rule in specific or (every and rule not in exempt)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.integers(1, 12), KIND,
                          st.lists(st.sampled_from(LINT_RULES), max_size=2, unique=True)
                          .map(tuple)), max_size=6, unique_by=lambda e: e[0]),
       st.sampled_from(LINT_RULES), st.integers(1, 14))
def test_suppression_matches_the_model(events: list[tuple[int, str, tuple[str, ...]]],
                                       rule: str, line: int) -> None:
    directives = [Directive(kind, rules, "x.md", at, 1, at + 1 if kind == "disable-next-line"
                            else at) for at, kind, rules in events]
    sup = FileSuppressions("x.md", directives)
    assert sup.suppresses(rule, line) == _model(events, rule, line)
    # whatever suppressed something is not reported as unused for that rule
    for d in directives:
        if d.used:
            assert all(u == "*" or u == rule for u in d.used)


def test_quiz_constant_is_valid() -> None:
    assert "```quiz" in QUIZ
