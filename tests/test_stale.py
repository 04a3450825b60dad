"""Freshness and ``lmsctl stale``: every boundary day, every format, shallow clones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmsctl.cli import cli
from lmsctl.content.freshness import Freshness, freshness
from lmsctl.content.loader import load_repository
from lmsctl.core.history import History, read_history
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON, minimal_files
from tests.gitrepo import BOB, GitRepo

D = dt.date
CREATED = D(2024, 1, 10)
EVERY = 180  # defaults.review_every in the minimal lmsctl.yml
DUE = CREATED + dt.timedelta(days=EVERY)
COURSE_YML = "courses/sales-basics/course.yml"


def stale(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["stale", "--repo", str(root), *args], env=env)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo.init(tmp_path / "repo", minimal_files())
    r.commit("Add sales basics", date=CREATED.isoformat())
    return r


def fresh_at(root: Path, today: dt.date, course_id: str = "sales-basics") -> Freshness:
    model, _ = load_repository(root)
    course = model.course(course_id)
    assert course is not None
    return freshness(course, model.config, read_history(model), today)


# -- the rule ------------------------------------------------------------------------------------


def test_due_date_is_last_change_plus_review_every(repo: GitRepo) -> None:
    assert D(2024, 7, 8) == DUE
    f = fresh_at(repo.root, DUE)
    assert f.due == DUE and f.last_change == CREATED and f.basis == "change"


@pytest.mark.parametrize(("offset", "stale_", "overdue", "left"),
                         [(-1, False, 0, 1), (0, False, 0, 0), (1, True, 1, 0),
                          (30, True, 30, 0)])
def test_each_boundary_day(repo: GitRepo, offset: int, stale_: bool, overdue: int,
                           left: int) -> None:
    f = fresh_at(repo.root, DUE + dt.timedelta(days=offset))
    assert (f.stale, f.days_overdue, f.days_left) == (stale_, overdue, left)


def test_a_later_review_moves_the_due_date(repo: GitRepo) -> None:
    reviewed = D(2024, 5, 1)
    repo.append(COURSE_YML, f"reviewed: {reviewed}\n")
    repo.commit("Review", date=reviewed.isoformat(), author=BOB)
    due = reviewed + dt.timedelta(days=EVERY)
    assert not fresh_at(repo.root, due).stale
    f = fresh_at(repo.root, due + dt.timedelta(days=1))
    assert f.stale and f.basis == "review" and f.reviewed == reviewed
    assert f.last_change == CREATED  # a review is not a change


def test_an_older_review_does_not_hide_a_newer_change(repo: GitRepo) -> None:
    repo.write({COURSE_YML: MINIMAL_COURSE + "reviewed: 2023-01-01\n"})
    repo.append("courses/sales-basics/lessons/01-discovery-questions.md", "\nmore\nlines\n")
    repo.commit("Update", date="2024-03-01")
    f = fresh_at(repo.root, D(2024, 3, 2))
    assert f.due == D(2024, 3, 1) + dt.timedelta(days=EVERY)
    assert f.basis == "change"


def test_course_review_every_overrides_the_default(repo: GitRepo) -> None:
    repo.write({COURSE_YML: MINIMAL_COURSE + "review_every: 30\n"})
    f = fresh_at(repo.root, CREATED + dt.timedelta(days=31))
    assert f.stale and f.review_every == 30


def test_a_review_date_in_the_future_or_impossible_is_ignored(repo: GitRepo) -> None:
    today = DUE + dt.timedelta(days=1)
    repo.write({COURSE_YML: MINIMAL_COURSE + "reviewed: 2099-01-01\n"})
    f = fresh_at(repo.root, today)
    assert f.stale and f.reviewed is None and "future" in f.problem
    repo.write({COURSE_YML: MINIMAL_COURSE + "reviewed: 2024-02-30\n"})
    f = fresh_at(repo.root, today)
    assert f.stale and "not a real date" in f.problem


def test_a_course_never_committed_counts_from_today(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    model, _ = load_repository(r.root)
    course = model.courses[0]
    today = D(2030, 1, 1)
    f = freshness(course, model.config, History(), today)
    assert not f.stale and f.basis == "new" and f.due == today + dt.timedelta(days=EVERY)
    f = freshness(course, model.config, History.unavailable("no git"), today)
    assert not f.stale and f.last_change is None


# -- the command ----------------------------------------------------------------------------------


def rows(output: str) -> list[dict[str, object]]:
    """The courses of ``lmsctl stale --format json``: each finding's facts (``data``)."""
    return [d["data"] for d in json.loads(output)["diagnostics"]]


def test_json_on_each_boundary_day(repo: GitRepo) -> None:
    before = stale(repo.root, "--format", "json", "--today", str(DUE - dt.timedelta(days=1)))
    assert before.exit_code == 0, before.output
    assert rows(before.stdout) == []
    on = stale(repo.root, "--format", "json", "--today", str(DUE), "--within", "0")
    assert on.exit_code == 0
    [row] = rows(on.stdout)
    assert row["due"] == str(DUE) and row["stale"] is False and row["days_overdue"] == 0
    after = stale(repo.root, "--format", "json", "--today", str(DUE + dt.timedelta(days=1)))
    assert after.exit_code == 1
    [row] = rows(after.stdout)
    assert {k: row[k] for k in ("id", "title", "owners", "last_change", "reviewed", "due",
                                "days_overdue", "stale")} == {
        "id": "sales-basics", "title": "Sales basics", "owners": ["@jdoe"],
        "last_change": str(CREATED), "reviewed": None, "due": str(DUE), "days_overdue": 1,
        "stale": True}


def test_within_lists_courses_due_soon_without_failing(repo: GitRepo) -> None:
    today = DUE - dt.timedelta(days=10)
    assert rows(stale(repo.root, "--format", "json", "--today", str(today),
                      "--within", "9").stdout) == []
    result = stale(repo.root, "--format", "json", "--today", str(today), "--within", "10")
    assert result.exit_code == 0
    assert [r["days_left"] for r in rows(result.stdout)] == [10]
    [finding] = json.loads(result.stdout)["diagnostics"]
    assert finding["rule"] == "LMS804" and finding["severity"] == "info"


def test_text_lists_owners_dates_and_what_to_do(repo: GitRepo) -> None:
    result = stale(repo.root, "--today", str(DUE + dt.timedelta(days=5)))
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("courses/sales-basics/course.yml:1:1: warning LMS803 Sales basics "
                          "is 5 days past its review date")
    assert "@jdoe" in out
    assert f"last change {CREATED}" in out and "last review never" in out
    assert "hint: An owner checks the course and either updates it or runs `lmsctl review " \
           "sales-basics`" in out
    assert f"Today is {DUE + dt.timedelta(days=5)}." in out
    ok = stale(repo.root, "--today", str(CREATED))
    assert ok.exit_code == 0 and "All good: no problems in 1 file" in ok.stdout


def test_most_overdue_first_and_drafts_left_out(repo: GitRepo) -> None:
    files = minimal_files()
    repo.write({
        "courses/pricing/course.yml": MINIMAL_COURSE.replace("Sales basics", "Pricing"),
        "courses/pricing/lessons/01-a.md": MINIMAL_LESSON,
        "courses/draft-one/course.yml": str(files[COURSE_YML]) + "status: draft\n",
        "courses/draft-one/lessons/01-a.md": MINIMAL_LESSON,
    })
    repo.commit("Add pricing and a draft", date="2024-02-10")
    result = stale(repo.root, "--format", "json", "--today", "2025-01-01")
    assert [r["id"] for r in rows(result.stdout)] == ["sales-basics", "pricing"]


def test_github_annotations_point_at_the_course_file(repo: GitRepo, tmp_path: Path) -> None:
    repo.write({COURSE_YML: MINIMAL_COURSE + "# checked\nreviewed: 2024-01-01\n"})
    repo.commit("Review", date="2024-01-11")
    summary = tmp_path / "summary.md"
    result = stale(repo.root, "--format", "github", "--today", "2025-01-01",
                   env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    line = MINIMAL_COURSE.count("\n") + 2
    warnings = [x for x in result.stdout.splitlines() if x.startswith("::warning ")]
    assert warnings == [warnings[0]] and warnings[0].startswith(
        f"::warning file=courses/sales-basics/course.yml,line={line},col=1,title=LMS803::"
        "Sales basics is 176 days past its review date")
    assert "@jdoe" in warnings[0]
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("## lmsctl stale")
    assert "courses/sales-basics/course.yml" in table and "LMS803" in table


def test_shallow_clone_is_an_error_that_says_how_to_fix_it(repo: GitRepo,
                                                           tmp_path: Path) -> None:
    clone = repo.clone(tmp_path / "shallow", depth=1)
    result = stale(clone.root, "--today", "2025-01-01")
    assert result.exit_code == 2
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr
    gh = stale(clone.root, "--format", "github", "--today", "2025-01-01")
    assert gh.exit_code == 2 and gh.stdout.startswith(
        "::error file=lmsctl.yml,line=1,col=1,title=LMS805::lmsctl stale needs the full git "
        "history")


def test_not_a_git_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    for rel, text in minimal_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(str(text), encoding="utf-8")
    result = stale(root)
    assert result.exit_code == 1
    assert "cannot read the git history" in result.stderr and "git clone" in result.stderr


def test_bad_today_is_a_usage_error(repo: GitRepo) -> None:
    result = stale(repo.root, "--today", "2024-02-30")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


def test_unreadable_course_files_are_named(repo: GitRepo) -> None:
    repo.write({"courses/broken/course.yml": "title: [unclosed\n",
                "courses/broken/lessons/01-a.md": MINIMAL_LESSON})
    repo.commit("Add a broken course", date="2024-02-01")
    result = stale(repo.root, "--today", str(CREATED))
    assert result.exit_code == 0
    assert "courses/broken/course.yml" in result.stderr and "lmsctl validate" in result.stderr
