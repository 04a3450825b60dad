"""Business goals: declared in lmsctl.yml, named by courses and paths, validated like skills
(LMS219 at the goal's line, with "did you mean"), and the report's usage errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from tests.conftest import MINIMAL_CONFIG, MINIMAL_COURSE

GOALS = ("goals:\n  faster-ramp: {title: New reps productive in 30 days, owner: \"@acme/leads\"}\n"
         "  fewer-escalations: {title: Fewer support escalations}\n")


def validate(root: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--repo", str(root)])
    data = json.loads(result.output)
    return list(data["diagnostics"] if isinstance(data, dict) else data)


def test_declared_goals_validate(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "lmsctl.yml": MINIMAL_CONFIG + GOALS,
        "courses/sales-basics/course.yml": MINIMAL_COURSE + "goals: [faster-ramp]\n",
        "paths/onboarding.yml": ("title: Onboarding\nowners: [\"@amy\"]\ngoals: "
                                 "[fewer-escalations, faster-ramp]\ncourses: [sales-basics]\n"),
    })
    assert validate(root) == []


def test_unknown_goal_is_an_error_at_its_line_with_did_you_mean(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "lmsctl.yml": MINIMAL_CONFIG + GOALS,
        "courses/sales-basics/course.yml": MINIMAL_COURSE + "goals: [faster-rampup]\n",
        "paths/onboarding.yml": ("title: Onboarding\nowners: [\"@amy\"]\n"
                                 "goals:\n  - faster-ramp\n  - world-peace\n"
                                 "courses: [sales-basics]\n"),
    })
    found = [d for d in validate(root) if d["rule"] == "LMS219"]
    course_line = MINIMAL_COURSE.count("\n") + 1
    assert [(d["path"], d["line"], d["column"]) for d in found] == [
        ("courses/sales-basics/course.yml", course_line, 9), ("paths/onboarding.yml", 5, 5)]
    assert "Did you mean 'faster-ramp'?" in str(found[0]["hint"])
    assert "world-peace" in str(found[1]["message"])
    assert "(faster-ramp, fewer-escalations)" in str(found[1]["hint"])
    assert "Did you mean" not in str(found[1]["hint"])


def test_goal_without_title_is_a_schema_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"lmsctl.yml": MINIMAL_CONFIG + "goals:\n  faster-ramp: {owner: \"@a\"}\n"})
    assert any(d["rule"] == "LMS102" for d in validate(root))


@pytest.mark.parametrize(("args", "message"), [
    (["--course", "nope"], "--course nope: no such course"),
    (["--path", "nope"], "--path nope: no such path"),
    (["--since", "last week"], "--since last week: not a date"),
])
def test_report_usage_errors(make_repo: Callable[..., Path], args: list[str],
                             message: str) -> None:
    pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")
    root = make_repo()
    result = CliRunner().invoke(cli, ["analytics", "report", "--repo", str(root), *args])
    assert result.exit_code == 2 and message in result.output
