"""LMS8xx: review dates that freshness cannot use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from lmsctl.checks.registry import RULES
from lmsctl.checks.rules.checks import Context
from lmsctl.checks.rules.freshness import reviewed_date
from lmsctl.content.loader import load_repository
from tests.conftest import MINIMAL_COURSE

COURSE_YML = "courses/sales-basics/course.yml"


def findings(make_repo: Callable[..., Path], extra: str) -> list[tuple[str, int, int, str]]:
    repo, _ = load_repository(make_repo({COURSE_YML: MINIMAL_COURSE + extra}))
    ctx = Context(repo)
    return [(d.rule, d.line, d.column, d.message)
            for course in repo.courses for d in reviewed_date(ctx, course)]


@pytest.mark.parametrize("day", ["2024-02-30", "2023-02-29", "2024-04-31"])
def test_impossible_dates(make_repo: Callable[..., Path], day: str) -> None:
    line = MINIMAL_COURSE.count("\n") + 1
    assert findings(make_repo, f"reviewed: {day}\n") == [
        ("LMS801", line, 11, f"reviewed: {day} is not a real date")]


def test_future_date(make_repo: Callable[..., Path]) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    [(rule, _, _, message)] = findings(make_repo, f"reviewed: '{tomorrow}'\n")
    assert rule == "LMS802" and "in the future" in message


@pytest.mark.parametrize("extra", ["", "reviewed: 2024-02-29\n",
                                   f"reviewed: {dt.date.today().isoformat()}\n"])
def test_good_dates(make_repo: Callable[..., Path], extra: str) -> None:
    assert findings(make_repo, extra) == []


def test_rules_are_documented() -> None:
    for rule_id in ("LMS801", "LMS802"):
        rule = RULES[rule_id]
        assert rule.stage == "lint" and rule.bad and rule.good and rule.fix
