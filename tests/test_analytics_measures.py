"""The measures of DESIGN section 9 against statements whose expected figures are worked out by
hand here (real DuckDB, real repository loading; nothing mocked)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_CONFIG, MINIMAL_LESSON
from tests.xapi_support import BASE, Statements

pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")

from lmsctl.analytics.measures import Figures  # noqa: E402
from lmsctl.analytics.pull import pull_file  # noqa: E402
from lmsctl.analytics.run import figures  # noqa: E402
from lmsctl.analytics.store import connect, store_path  # noqa: E402
from lmsctl.content.loader import load_repository  # noqa: E402
from lmsctl.core.model import Repository  # noqa: E402

C = "sales-basics"
L1, L2, L3 = "discovery-questions", "next-steps", "wrap-up"

LESSON_2 = """\
---
title: Next steps
---
Agree on a next step before you hang up.

```quiz
- question: When do you agree the next step?
  choices:
    - text: Before the call ends
      correct: true
    - text: In a follow-up email a week later
- question: Who proposes the next step?
  choices:
    - text: Always the buyer
    - text: You, with a date
      correct: true
    - text: Nobody
```
"""

LESSON_3 = """\
---
title: Wrap-up
---
What you learned.

```quiz
- question: What opens a discovery call?
  choices:
    - text: An open question
      correct: true
    - text: The price list
```
"""

PATH = """\
title: Sales onboarding
summary: The first weeks in sales.
owners: ["@acme/sales"]
goals: [faster-ramp]
courses:
  - sales-basics
"""


def config(min_learners: int = 2, extra: str = "") -> str:
    return (MINIMAL_CONFIG + "goals:\n  faster-ramp: {title: New reps productive in 30 days, "
            "owner: \"@acme/sales-leads\"}\n"
            f"analytics:\n  min_learners: {min_learners}\n{extra}")


def course_yml(goals: str = "[faster-ramp]") -> str:
    return ("title: Sales basics\nsummary: The first steps of a sales conversation.\n"
            f"owners: [\"@jdoe\"]\nlevel: beginner\nskills: [discovery]\ngoals: {goals}\n"
            "objectives:\n  - Ask open discovery questions\n")


@pytest.fixture
def repo_with(make_repo: Callable[..., Path]) -> Callable[..., Path]:
    def make(min_learners: int = 2, extra: str = "") -> Path:
        return make_repo({
            "lmsctl.yml": config(min_learners, extra),
            f"courses/{C}/course.yml": course_yml(),
            f"courses/{C}/lessons/01-{L1}.md": MINIMAL_LESSON,
            f"courses/{C}/lessons/02-{L2}.md": LESSON_2,
            f"courses/{C}/lessons/03-{L3}.md": LESSON_3,
            "paths/sales-onboarding.yml": PATH,
        })

    return make


def versions(repo: Repository) -> dict[tuple[str, str], str]:
    course = repo.course(C)
    assert course is not None
    return {(lesson.id, q.key): q.version for lesson in course.lessons
            for q in lesson.questions}


def load_and_pull(root: Path, s: Statements) -> tuple[Repository, Figures]:
    file = s.write_ndjson(root / "statements.ndjson")
    con = connect(store_path(root))
    try:
        result = pull_file(con, file)
    finally:
        con.close()
    assert result.malformed == 0, result.problems
    repo, problems = load_repository(root)
    figs, _ = figures(repo)
    return repo, figs


def scenario(repo: Repository) -> Statements:
    """Five learners on a three-lesson course (figures worked out in the tests below)."""
    v = versions(repo)
    s = Statements(BASE)
    # experienced (seconds): ann 100+200+60=360, bob 50+70=120, cid 300+100+20=420 (L1 twice),
    # dan 30, eve 90 and then she opted out: no statement of hers after that
    for name, lesson, secs in [("ann", L1, 100), ("ann", L2, 200), ("ann", L3, 60),
                               ("bob", L1, 50), ("bob", L2, 70), ("cid", L1, 300),
                               ("cid", L1, 100), ("cid", L2, 20), ("dan", L1, 30),
                               ("eve", L1, 90)]:
        s.experienced(name, C, lesson, secs)
    q = v[(L1, "q1")]
    # first attempts at L1 q1 (current version): ann wrong (c2) then right, bob right, cid
    # wrong (c3), dan right and right again -> facility 2/4, c2 1/4, c3 1/4
    s.answered("ann", C, L1, "q1", q, ["c2"], False, attempt=1)
    s.answered("ann", C, L1, "q1", q, ["c1"], True, attempt=2)
    s.answered("bob", C, L1, "q1", q, ["c1"], True, attempt=1)
    s.answered("cid", C, L1, "q1", q, ["c3"], False, attempt=1)
    s.answered("dan", C, L1, "q1", q, ["c1"], True, attempt=1)
    s.answered("dan", C, L1, "q1", q, ["c1"], True, attempt=2)
    # an older content version of the same question: eve and ann right -> its own item
    s.answered("eve", C, L1, "q1", "0ldversion00", ["c1"], True, attempt=1)
    s.answered("ann", C, L1, "q1", "0ldversion00", ["c1"], True, attempt=1)
    # passed: ann (twice), cid; bob's pass is voided
    s.passed("ann", C, paths=["sales-onboarding"])
    s.passed("ann", C)
    s.passed("cid", C, paths=["sales-onboarding"])
    voided = s.passed("bob", C)
    s.items.append({"id": "6f1c2f3a-1111-4111-8111-111111111111",
                    "actor": {"mbox": "mailto:admin@example.org"},
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                    "object": {"objectType": "StatementRef", "id": voided["id"]},
                    "timestamp": "2026-03-03T00:00:00Z", "stored": "2026-03-03T00:00:00Z"})
    s.completed("ann", "sales-onboarding")
    # ratings: L1 yes ann bob dan, no cid -> 100*(3-1)/4 = 50; L2 no ann bob -> -100
    for name, lesson, value in [("ann", L1, 1), ("bob", L1, 1), ("cid", L1, -1),
                                ("dan", L1, 1), ("ann", L2, -1), ("bob", L2, -1)]:
        s.rated(name, C, lesson, value)
    # a statement about an activity that is not ours: kept, not counted
    s._add("zed", "http://adlnet.gov/expapi/verbs/experienced", "https://other.example/x/")
    return s


def test_course_figures_by_hand(repo_with: Callable[..., Path]) -> None:
    root = repo_with()
    repo, _ = load_repository(root)
    repo, figs = load_and_pull(root, scenario(repo))
    (course,) = figs.courses
    assert course.learners.value == 5  # ann bob cid dan eve; zed's statement is not ours
    assert course.pass_rate.value == pytest.approx(2 / 5)  # ann, cid; bob's pass was voided
    assert course.time.value == pytest.approx(120)  # median of 30, 90, 120, 360, 420
    reached = [lesson.reached.value for lesson in course.lessons]
    assert reached == pytest.approx([5 / 5, 3 / 5, 1 / 5])
    assert course.lessons[0].dropoff is not None and course.lessons[1].dropoff is not None
    assert course.lessons[0].dropoff.value == pytest.approx(1 - 3 / 5)
    assert course.lessons[1].dropoff.value == pytest.approx(1 - 1 / 3)
    assert course.lessons[2].dropoff is None  # nothing comes after the last lesson
    assert course.lessons[0].reaction.value == pytest.approx(50)
    assert course.lessons[0].ratings == 4
    assert course.lessons[1].reaction.value == pytest.approx(-100)
    assert course.lessons[2].reaction.withheld  # nobody rated it
    assert course.reaction.value == pytest.approx(0)  # 3 yes, 3 no
    assert figs.statements == len(scenario(repo).items)


def test_item_analysis_first_attempts_and_versions(repo_with: Callable[..., Path]) -> None:
    root = repo_with()
    repo, _ = load_repository(root)
    repo, figs = load_and_pull(root, scenario(repo))
    v = versions(repo)
    items = {(i.lesson, i.question, i.version): i for i in figs.courses[0].items}
    current = items[(L1, "q1", v[(L1, "q1")])]
    assert current.current and current.learners == 4
    assert current.facility.value == pytest.approx(2 / 4)  # ann's retry does not count
    assert {k: f.value for k, f in current.distractors.items()} == {"c2": 0.25, "c3": 0.25}
    assert current.discrimination.withheld == "withheld: shown from 30 learners"
    older = items[(L1, "q1", "0ldversion00")]
    assert not older.current and older.learners == 2
    assert older.facility.value == 1.0
    assert {k: f.value for k, f in older.distractors.items()} == {"c2": 0, "c3": 0}


def test_paths_and_goals(repo_with: Callable[..., Path]) -> None:
    root = repo_with()
    repo, _ = load_repository(root)
    repo, figs = load_and_pull(root, scenario(repo))
    (path,) = figs.paths
    assert path.learners.value == 2  # ann and cid have statements grouped in the path
    assert path.completions.value == pytest.approx(1 / 2)  # ann completed it
    (goal,) = figs.goals
    assert goal.courses == (C,)
    assert goal.learners.value == 5
    assert goal.pass_rate.value == pytest.approx(2 / 5)
    assert goal.time.value == pytest.approx(120)


def test_single_learner_and_ties_in_time(repo_with: Callable[..., Path]) -> None:
    root = repo_with(min_learners=1)
    s = Statements(BASE)
    s.experienced("solo", C, L1, 42)
    s.experienced("solo", C, L2, 8)
    repo, figs = load_and_pull(root, s)
    course = figs.courses[0]
    assert course.learners.value == 1 and course.time.value == pytest.approx(50)
    assert course.pass_rate.value == 0
    root2 = repo_with(min_learners=1)
    s.experienced("two", C, L1, 50)  # ties: 50, 50 -> 50
    s.experienced("six", C, L1, 10)  # 10, 50, 50, (even count below) median of middle two
    s.experienced("ten", C, L1, 90)
    repo, figs = load_and_pull(root2, s)
    assert figs.courses[0].time.value == pytest.approx(statistics.median([50, 50, 10, 90]))
    assert figs.courses[0].time.value == pytest.approx(50)


def test_discrimination_is_pearson_over_first_attempts(repo_with: Callable[..., Path]) -> None:
    root = repo_with()
    repo, _ = load_repository(root)
    v = versions(repo)
    s = Statements(BASE)
    x, y = [], []
    for i in range(30):
        name = f"l{i:02d}"
        a, b = int(i % 2 == 0), int(i < 15)
        item = int(i % 3 != 0)
        s.answered(name, C, L1, "q1", v[(L1, "q1")], ["c1" if item else "c2"], bool(item))
        if not item:  # a right retry changes nothing: first attempts only
            s.answered(name, C, L1, "q1", v[(L1, "q1")], ["c1"], True, attempt=2)
        s.answered(name, C, L2, "q1", v[(L2, "q1")], ["c1" if a else "c2"], bool(a))
        s.answered(name, C, L2, "q2", v[(L2, "q2")], ["c2" if b else "c1"], bool(b),
                   correct=["c2"])
        x.append(item)
        y.append((a + b) / 2)
    repo, figs = load_and_pull(root, s)
    items = {(i.lesson, i.question): i for i in figs.courses[0].items}
    item = items[(L1, "q1")]
    assert item.discrimination.n == 30
    assert item.discrimination.value == pytest.approx(statistics.correlation(x, y))
    # L2 q1 against the share right on L1 q1 and L2 q2
    xs = [int(i % 2 == 0) for i in range(30)]
    ys = [(int(i % 3 != 0) + int(i < 15)) / 2 for i in range(30)]
    assert items[(L2, "q1")].discrimination.value == pytest.approx(
        statistics.correlation(xs, ys))


def test_discrimination_withheld_under_30_learners(repo_with: Callable[..., Path]) -> None:
    root = repo_with()
    repo, _ = load_repository(root)
    v = versions(repo)
    s = Statements(BASE)
    for i in range(29):
        s.answered(f"l{i}", C, L1, "q1", v[(L1, "q1")], ["c1"], i % 2 == 0)
        s.answered(f"l{i}", C, L2, "q1", v[(L2, "q1")], ["c1"], i % 3 == 0)
    repo, figs = load_and_pull(root, s)
    item = next(i for i in figs.courses[0].items if i.lesson == L1)
    assert item.discrimination.value is None
    assert item.discrimination.withheld == "withheld: shown from 30 learners"
    assert item.facility.value == pytest.approx(15 / 29)


def test_min_learners_withholds_in_every_format(repo_with: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lmsctl.cli import cli

    root = repo_with(min_learners=5)
    repo, _ = load_repository(root)
    v = versions(repo)
    s = Statements(BASE)
    for name, secs in [("ann", 111), ("bob", 222), ("cid", 333)]:
        s.experienced(name, C, L1, secs)
        s.answered(name, C, L1, "q1", v[(L1, "q1")], ["c1"], True)
        s.passed(name, C)
    s.write_ndjson(root / "s.ndjson")
    runner = CliRunner()
    pulled = runner.invoke(cli, ["analytics", "pull", "--from", str(root / "s.ndjson"),
                                 "--repo", str(root)])
    assert pulled.exit_code == 0, pulled.output
    why = "withheld: fewer than 5 learners"
    outputs = {}
    for fmt in ("text", "json", "csv"):
        result = runner.invoke(cli, ["analytics", "report", "--format", fmt, "--repo",
                                     str(root)])
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.output
        assert why in result.output
        for secret in ("ann", "bob", "cid", "111", "222", "333", "1.85", "3.7"):
            assert secret not in result.output.replace(BASE, ""), (fmt, secret)
    data = json.loads(outputs["json"])
    course = data["courses"][0]
    assert course["learners"] == {"value": None, "withheld": why}
    assert course["pass_rate"] == {"value": None, "withheld": why}
    assert "learners" not in course["questions"][0]["facility"]  # not even the count
    html_out = tmp_path / "dash"
    result = runner.invoke(cli, ["analytics", "report", "--format", "html", "--out",
                                 str(html_out), "--repo", str(root)])
    assert result.exit_code == 0, result.output
    pages = [p.read_text(encoding="utf-8") for p in html_out.rglob("*.html")]
    assert len(pages) == 2 and all(why in p for p in pages)
    for page in pages:
        for secret in ("ann", "bob", "cid", "account"):
            assert secret not in page


def test_since_counts_only_later_statements(repo_with: Callable[..., Path]) -> None:
    import datetime as dt

    root = repo_with(min_learners=1)
    s = Statements(BASE)
    s.experienced("old", C, L1, 10, at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    s.experienced("new", C, L1, 20, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    repo, figs = load_and_pull(root, s)
    assert figs.courses[0].learners.value == 2
    later, _ = figures(repo, since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert later.courses[0].learners.value == 1
    assert later.courses[0].time.value == 20
