"""The rule reference is generated from the registry; docs/rules.md must not drift from it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lmsctl.checks.registry import RULES, all_rules
from lmsctl.checks.rules.reference import reference_markdown

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "rules.md"


def test_docs_rules_md_is_the_generated_reference() -> None:
    expected = reference_markdown()
    if os.environ.get("LMSCTL_UPDATE_GOLDEN"):
        DOC.write_text(expected, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of date: run LMSCTL_UPDATE_GOLDEN=1 .venv/bin/pytest "
        "tests/test_rules_reference.py, or .venv/bin/python -c "
        "'from lmsctl.checks.rules.reference import "
        "reference_markdown as r; open(\"docs/rules.md\", \"w\").write(r())'")


def test_every_rule_has_an_anchored_section() -> None:
    text = reference_markdown()
    for rule in all_rules():
        heading = f"## {rule.id} — {rule.summary} {{#{rule.id.lower()}}}"
        assert heading in text.splitlines(), rule.id
    assert len(re.findall(r"^## LMS\d{3} — ", text, re.M)) == len(RULES)


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.stage == "lint"],
                         ids=lambda r: r.id)
def test_lint_rules_are_fully_documented(rule: object) -> None:
    from lmsctl.core.diagnostics import Rule

    assert isinstance(rule, Rule)
    assert re.fullmatch(r"LMS[3-9]\d\d", rule.id)
    assert rule.summary and not rule.summary.endswith(".") and len(rule.summary) <= 70
    for part in (rule.description, rule.bad, rule.good, rule.fix):
        assert part.strip(), rule.id
    assert rule.bad != rule.good


def test_examples_are_fenced_safely() -> None:
    text = reference_markdown()
    # the quiz examples contain ``` themselves, so their fence is longer
    section = text.split("## LMS401 — ")[1].split("\n## ")[0]
    assert "````\n```quiz" in section


QUIZ_RULES = [r for r in all_rules() if r.stage == "lint" and "```quiz" in r.bad + r.good]


@pytest.mark.parametrize("rule", QUIZ_RULES, ids=lambda r: r.id)
def test_quiz_examples_do_what_they_say(rule: object, tmp_path: Path) -> None:
    """Each quiz example is a real quiz: the bad one trips its rule, the good one does not."""
    from lmsctl.checks.lint import lint_repository
    from lmsctl.core.diagnostics import Rule
    from tests.conftest import build_tree
    from tests.test_lint_rules import BODY, LESSON, base_files, lesson

    assert isinstance(rule, Rule)
    for example, should_fire in ((rule.bad, True), (rule.good, False)):
        if "```quiz" not in example:
            continue
        root = build_tree(tmp_path / ("bad" if should_fire else "good"),
                          {**base_files(), LESSON: lesson(BODY, example + "\n")})
        _, report = lint_repository(root)
        rules = [d.rule for d in report.sorted()]
        assert (rule.id in rules) is should_fire, (example, rules)
        if not should_fire:
            assert rules == [], rules
