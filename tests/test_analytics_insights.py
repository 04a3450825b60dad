"""Insights as findings: LMS901-LMS906 at the question's or lesson's own line, through
``lmsctl lint --analytics`` and ``lmsctl analytics check``, with thresholds from lmsctl.yml,
severities and suppressions like every rule (real DuckDB, real lint engine)."""

# ruff: noqa: F811
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_analytics_measures import L1, L2, C, repo_with, versions  # noqa: F401
from tests.xapi_support import BASE, Statements

pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")

from lmsctl.cli import cli  # noqa: E402
from lmsctl.content.loader import load_repository  # noqa: E402


def statements(root: Path) -> Statements:
    """30 learners: L1 q1 right first time for 5 (facility 0.167 < 0.2), every wrong first
    attempt picks c2 (c3 never picked); 30 reach L1, 10 reach L2 and L3 (drop-off 67%); L1
    gets 4 yes and 6 no (reaction -20 over 10 ratings); an older version of L1 q1 nobody got
    right."""
    repo, _ = load_repository(root)
    v = versions(repo)
    s = Statements(BASE)
    for i in range(30):
        name = f"l{i:02d}"
        s.experienced(name, C, L1, 60)
        if i < 10:
            s.experienced(name, C, L2, 60)
            s.experienced(name, C, "wrap-up", 60)
            s.rated(name, C, L1, 1 if i < 4 else -1)
        right = i < 5
        s.answered(name, C, L1, "q1", v[(L1, "q1")], ["c1" if right else "c2"], right)
        s.answered(name, C, L1, "q1", "0ldversion00", ["c2"], False)
    return s


def pull(root: Path, s: Statements) -> None:
    file = s.write_ndjson(root / "s.ndjson")
    result = CliRunner().invoke(cli, ["analytics", "pull", "--from", str(file), "--repo",
                                      str(root)])
    assert result.exit_code == 0, result.output


def lint_json(root: Path, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["lint", "--format", "json", "--repo", str(root), *args])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    found = data["diagnostics"] if isinstance(data, dict) else data
    return [d for d in found if str(d["rule"]).startswith("LMS9")]


def lines_of(root: Path, rel: str, needle: str) -> int:
    text = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(text, start=1) if needle in line)


def test_lint_analytics_reports_at_the_lines(repo_with: Callable[..., Path]) -> None:
    root = repo_with(min_learners=5)
    pull(root, statements(root))
    found = lint_json(root, "--analytics")
    by_rule = {str(d["rule"]): d for d in found}
    lesson1 = f"courses/{C}/lessons/01-{L1}.md"
    assert set(by_rule) == {"LMS901", "LMS904", "LMS905", "LMS906"}, found
    q_line = lines_of(root, lesson1, "- question: Which question is open?")
    assert (by_rule["LMS901"]["path"], by_rule["LMS901"]["line"]) == (lesson1, q_line)
    assert "facility 0.17 over 30 learners" in str(by_rule["LMS901"]["message"])
    assert "c3" in str(by_rule["LMS904"]["message"])
    title_line = lines_of(root, lesson1, "title: Discovery questions")
    assert (by_rule["LMS905"]["line"], by_rule["LMS906"]["line"]) == (title_line, title_line)
    assert "67% of the 30 learners" in str(by_rule["LMS905"]["message"])
    assert "reaction score -20 over 10 ratings" in str(by_rule["LMS906"]["message"])
    # the older version (facility 0 over 30) is not shown against the current question
    assert sum(1 for d in found if d["rule"] == "LMS901") == 1
    assert "0ldversion00" not in json.dumps(found)
    # plain lint has no statements: no insight
    assert lint_json(root) == []


def test_thresholds_severities_and_suppressions(repo_with: Callable[..., Path]) -> None:
    root = repo_with(min_learners=5, extra=(
        "  insights: {facility_low: 0.1, dropoff: 0.7, reaction_ratings: 11}\n"
        "lint:\n  rules: {LMS904: error}\n"))
    pull(root, statements(root))
    lesson1 = root / f"courses/{C}/lessons/01-{L1}.md"
    found = lint_json(root, "--analytics")
    assert {str(d["rule"]): d["severity"] for d in found} == {"LMS904": "error"}
    text = lesson1.read_text(encoding="utf-8").replace(
        "- question: Which question is open?",
        "- question: Which question is open?  # lmsctl-disable-line LMS904")
    lesson1.write_text(text, encoding="utf-8")
    assert lint_json(root, "--analytics") == []
    # without --analytics the suppression is not reported as unused (LMS790)
    result = CliRunner().invoke(cli, ["lint", "--format", "json", "--repo", str(root)])
    assert "LMS790" not in result.output


def test_analytics_check_formats(repo_with: Callable[..., Path]) -> None:
    root = repo_with(min_learners=5)
    pull(root, statements(root))
    result = CliRunner().invoke(cli, ["analytics", "check", "--format", "github", "--repo",
                                      str(root)])
    assert result.exit_code == 0, result.output  # warnings only
    assert f"file=courses/{C}/lessons/01-{L1}.md" in result.output
    assert "LMS901" in result.output
    sarif = CliRunner().invoke(cli, ["analytics", "check", "--format", "sarif", "--repo",
                                     str(root)])
    rules = {r["ruleId"] for r in json.loads(sarif.output)["runs"][0]["results"]}
    assert rules == {"LMS901", "LMS904", "LMS905", "LMS906"}


def test_check_without_a_store_says_what_to_do(repo_with: Callable[..., Path]) -> None:
    root = repo_with()
    result = CliRunner().invoke(cli, ["analytics", "check", "--repo", str(root)])
    assert result.exit_code == 2
    assert "lmsctl analytics pull" in result.output
    assert "Traceback" not in result.output


def test_too_few_learners_make_no_finding(repo_with: Callable[..., Path]) -> None:
    root = repo_with(min_learners=40)  # every figure over 30 learners is withheld
    pull(root, statements(root))
    assert lint_json(root, "--analytics") == []


def test_rules_are_listed_and_explained() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["rules"])
    assert "Insights:" in listed.output and "LMS905" in listed.output
    one = runner.invoke(cli, ["rules", "LMS901"])
    assert one.exit_code == 0 and "facility" in one.output.lower()
