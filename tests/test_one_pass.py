"""All problems in one pass (#16): an error in course.yml does not hide its lessons' errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
BROKEN_LESSON = MINIMAL_LESSON.replace("      correct: true\n", "      correct: maybe\n")


@pytest.mark.parametrize("course_yml", [
    MINIMAL_COURSE.replace("owners: [\"@jdoe\"]", "owners: [\"@jdoe\""),  # YAML syntax error
    "- just\n- a list\n",  # not a mapping
    MINIMAL_COURSE.replace("level: beginner", "level: expert"),  # a schema error
])
@pytest.mark.parametrize("command", ["validate", "lint"])
def test_course_yml_error_does_not_hide_lesson_errors(make_repo: Callable[..., Path],
                                                      course_yml: str, command: str) -> None:
    root = make_repo({"courses/sales-basics/course.yml": course_yml, LESSON: BROKEN_LESSON})
    result = CliRunner().invoke(cli, [command, "--repo", str(root), "--format", "json"])
    assert result.exit_code == 1
    paths = {d["path"] for d in json.loads(result.stdout)["diagnostics"]
             if d["severity"] == "error"}
    assert paths >= {"courses/sales-basics/course.yml", LESSON}, paths
