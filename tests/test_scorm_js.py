"""The SCORM recorder's JavaScript: a Hypothesis round trip of learner state through
``cmi.suspend_data`` for any course of the sample's shape (up to 100 questions), within SCORM
1.2's 4,096 characters, through the recorder's real encoder in Node. (Its unit tests,
tests/js/scorm.test.mjs with scorm-again's runtimes, run with the others: test_js_units.py.)

Needs Node.js and node_modules (``npm ci --ignore-scripts``): fails under CI=true, skipped
elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.site_support import ROOT

JS = ROOT / "tests" / "js"
HINT = ("Node.js and the test packages are needed: apt-get install -y nodejs npm, then "
        "`npm ci --ignore-scripts` in the repository")


def node() -> str:
    found = shutil.which("node")
    if found is None or not (ROOT / "node_modules" / "scorm-again").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(HINT)
        pytest.skip(HINT)
    return found


@pytest.fixture(scope="module")
def bridge() -> Iterator[Any]:
    proc = subprocess.Popen([node(), str(JS / "scorm_roundtrip.mjs")], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def call(course: dict[str, Any], state: list[list[Any]]) -> dict[str, Any]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps({"course": course, "state": state}) + "\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())  # type: ignore[no-any-return]

    yield call
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=10)


SLUG = st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,4}", fullmatch=True)


@st.composite
def course_and_state(draw: st.DrawFn) -> tuple[dict[str, Any], list[list[Any]]]:
    """A course like the samples (lessons of 0..6 questions, 2..8 choices, ids as authors
    write them, up to 100 questions), and a learner's state on it."""
    lesson_ids = draw(st.lists(SLUG, min_size=1, max_size=25, unique=True))
    questions: list[dict[str, Any]] = []
    for lesson in lesson_ids:
        keys = draw(st.lists(st.one_of(st.builds(lambda n: f"q{n}", st.integers(1, 9)), SLUG),
                             max_size=6, unique=True))
        for key in keys:
            if len(questions) == 100:
                break
            choices = [f"c{i + 1}" for i in range(draw(st.integers(2, 8)))]
            questions.append({"key": f"{lesson}/{key}", "lesson": lesson, "question": key,
                              "choices": choices, "correct": [choices[0]]})
    course = {"course": draw(SLUG), "passMark": draw(st.integers(0, 100)),
              "lessons": [{"id": lesson} for lesson in lesson_ids], "questions": questions}
    state: list[list[Any]] = []
    cid = course["course"]
    for q in questions:
        if draw(st.booleans()):
            chosen = sorted(draw(st.sets(st.integers(0, len(q["choices"]) - 1), min_size=1)))
            result = draw(st.sampled_from(["correct", "incorrect"]))
            state.append([f"quiz:{cid}/{q['key']}", {"choices": chosen, "result": result}])
            attempts = draw(st.integers(1, 60))
            if attempts > 1:
                state.append([f"attempts:{cid}/{q['key']}", attempts])
    for lesson in lesson_ids:
        if draw(st.booleans()):
            state.append([f"visited:{cid}/{lesson}", True])
        helpful = draw(st.sampled_from([None, "yes", "no"]))
        if helpful:
            state.append([f"helpful:{cid}/{lesson}", helpful])
    return course, state


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(course_and_state())
def test_suspend_data_round_trips_within_the_scorm12_limit(
        bridge: Any, drawn: tuple[dict[str, Any], list[list[Any]]]) -> None:
    course, state = drawn
    out = bridge(course, state)
    assert len(out["text"]) < 4096
    assert sorted(map(json.dumps, out["back"])) == sorted(map(json.dumps, state))
