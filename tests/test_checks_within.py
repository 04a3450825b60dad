"""``lint`` of files within course folders (``lint courses/x/lessons/02-y.md``, what pre-commit
runs): it reads those course folders and the courses their lessons link to, no other course
(``checks.validate.validate_within``), and reports exactly what a full run reports there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lmsctl.checks import validate
from lmsctl.checks.lint import lint_repository
from lmsctl.checks.paths import course_files
from lmsctl.cli import cli
from lmsctl.core import inputs
from lmsctl.core.diagnostics import Diagnostic
from tests.test_checks_cache import (
    L1,
    L2,
    P1,
    PRICING,
    SALES,
    _edit,
    age,
    age_new,
    recorded,
)

ONBOARDING = "courses/first-week-onboarding"
REVIEW = "courses/giving-useful-peer-review"
WRITING = "courses/writing-your-first-course"
P2 = f"{PRICING}/lessons/02-acknowledge-clarify-respond.md"


def crossing(root: Path) -> None:
    """Links from sales-basics into four other courses, each way a link can go wrong: an
    anchor that no heading of another course's lesson has, a lesson gone, a draft course,
    absolute links to a lesson there and one not there, a course folder that is not a course,
    one with a course.yml that cannot be read, the templates; and a finding of its own."""
    _edit(root, f"{ONBOARDING}/course.yml", lambda t: t.replace("status: published",
                                                                 "status: draft"))
    broken = root / "courses" / "broken-course"
    (broken / "lessons").mkdir(parents=True)
    (broken / "course.yml").write_text("title: [unclosed\n", encoding="utf-8")
    (broken / "lessons" / "01-x.md").write_text("---\ntitle: X\n---\nText.\n", encoding="utf-8")
    _edit(root, L1, lambda t: t + (
        "\nSee [objections](../../handling-pricing-objections/lessons/"
        "01-why-customers-object.md#no-such-heading), [review](../../giving-useful-peer-review/"
        "lessons/09-gone.md), [onboarding](../../first-week-onboarding/), "
        "[first](/courses/writing-your-first-course/01-what-is-a-course/), "
        "[none](/courses/writing-your-first-course/99-none/), [typo](../../sales-basic/), "
        "[broken](../../broken-course/lessons/01-x.md), "
        "[templates](../../_templates/lessons/01-lesson.md) and "
        '<a href="../../handling-pricing-objections/lessons/02-acknowledge-clarify-respond.md'
        '#nowhere">this</a>.\n\nBare: https://example.org/bare\n'))


def _at(found: list[Diagnostic], paths: list[str]) -> list[Diagnostic]:
    return [d for d in found if any(d.path == p or d.path.startswith(p + "/") for p in paths)]


@pytest.fixture
def courses_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The course folders ``validate_within`` reads afresh."""
    return recorded(monkeypatch, validate, "load_course", lambda root, folder, *_: folder.name)


@pytest.mark.parametrize("few", [0, 100], ids=["linked-from-facts", "linked-read"])
@pytest.mark.parametrize("use_cache", [True, False])
def test_files_within_course_folders_are_reported_as_a_full_run_reports_them(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch, courses_read: list[str],
        few: int, use_cache: bool) -> None:
    monkeypatch.setattr(validate, "FEW_LINKED", few)
    crossing(sample_repo)
    age(sample_repo)
    repo, full = lint_repository(sample_repo, cache=False)
    found = full.sorted()
    mine = [(d.rule, d.message) for d in found if d.path == L1]
    for rule, url in (("LMS311", "#no-such-heading"), ("LMS214", "lessons/09-gone.md"),
                      ("LMS312", "../../first-week-onboarding/"), ("LMS214", "/99-none/"),
                      ("LMS214", "../../sales-basic/"), ("LMS214", "01-lesson.md"),
                      ("LMS214", "broken-course"), ("LMS311", "#nowhere"),
                      ("LMS313", "https://example.org/bare")):
        assert any(r == rule and url in m for r, m in mine), (rule, url, mine)
    lint_repository(sample_repo)  # keeps every course's facts
    for paths in ([L1], [L1, P1], [f"{SALES}/lessons"], [L2, f"{PRICING}/assets"]):
        courses_read.clear()
        _, some = lint_repository(sample_repo, paths, cache=use_cache)
        assert some.sorted() == _at(found, paths), paths
        assert some.files_checked == sum(1 for f in repo.files if any(
            f == p or f.startswith(p + "/") for p in paths)), paths
    # a lesson linked to changes: read again, whatever its course's facts said
    _edit(sample_repo, P1, lambda t: t + "\n## No such heading\n\nNow there is.\n")
    age_new(sample_repo)
    courses_read.clear()
    _, some = lint_repository(sample_repo, [L1], cache=use_cache)
    assert "handling-pricing-objections" in courses_read
    assert some.sorted() == _at(lint_repository(sample_repo, cache=False)[1].sorted(), [L1])
    assert not any("no-such-heading" in d.message for d in some.sorted())


def test_only_the_folders_and_the_courses_linked_to_are_read(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch, courses_read: list[str]) -> None:
    """A lesson linking nowhere else: its course alone; one linking to others: those too
    (few: read; more: from their facts, a changed one read)."""
    crossing(sample_repo)
    age(sample_repo)
    lint_repository(sample_repo)  # keeps every course's facts
    lint_repository(sample_repo, [f"{WRITING}/lessons/02-structuring-a-lesson.md"])
    assert courses_read == ["writing-your-first-course"]
    courses_read.clear()
    lint_repository(sample_repo, [L1])  # four courses linked: from their facts
    assert courses_read == ["sales-basics"]
    _edit(sample_repo, P2, lambda t: t + "\n## Nowhere\n")
    age_new(sample_repo)
    courses_read.clear()
    lint_repository(sample_repo, [L1])
    assert courses_read == ["sales-basics", "handling-pricing-objections"]
    monkeypatch.setattr(validate, "FEW_LINKED", 10)
    courses_read.clear()
    lint_repository(sample_repo, [L1])
    assert sorted(courses_read) == sorted(["sales-basics", "handling-pricing-objections",
                                           "giving-useful-peer-review", "first-week-onboarding",
                                           "writing-your-first-course", "broken-course"])


def test_lint_of_a_lesson_never_walks_the_repository(sample_repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The command: no snapshot of the whole repository (the key of a remembered run, or of
    every course's facts), nothing remembered; what it prints is what a run without the
    cache prints."""
    crossing(sample_repo)
    age(sample_repo)
    runner = CliRunner()
    runner.invoke(cli, ["lint", "--repo", str(sample_repo)])  # keeps every course's facts
    (sample_repo / ".lmsctl" / "cache" / "runs.bin").unlink()
    walks: list[tuple[str, ...] | None] = []
    original = inputs.snapshot

    def counting(root: Path, only: tuple[str, ...] | None = inputs.CHECKED,
                 skip: Any = None) -> Any:
        walks.append(only)
        return original(root, only, skip)

    monkeypatch.setattr(inputs, "snapshot", counting)
    monkeypatch.setattr(validate, "snapshot", counting)
    for lesson in (L1, P1):
        args = ["lint", str(sample_repo / lesson), "--repo", str(sample_repo)]
        done = runner.invoke(cli, args)
        assert "Traceback" not in done.stderr and "note:" not in done.stderr, done.stderr
        assert done.stdout == runner.invoke(cli, [*args, "--no-cache"]).stdout
        assert "LMS311" in done.stdout or lesson == P1
    assert inputs.CHECKED not in walks and None not in walks
    assert walks  # (L1 links to four courses: their facts, checked as current)
    assert not (sample_repo / ".lmsctl" / "cache" / "runs.bin").exists()


@pytest.mark.parametrize(("rels", "folders"), [
    ([L1], {"sales-basics"}),
    ([L1, P1, f"{SALES}/assets"], {"sales-basics", "handling-pricing-objections"}),
    ([f"{SALES}/lessons"], {"sales-basics"}),
    ([SALES], None),  # its course.yml: prerequisites, cycles, paths
    ([f"{SALES}/course.yml"], None),
    ([L1, "paths/sales-onboarding.yml"], None),
    (["lmsctl.yml"], None),
    (["courses/_templates/lessons/01-lesson.md"], None),
    (["."], None),
])
def test_which_runs_are_within_course_folders(rels: list[str],
                                              folders: set[str] | None) -> None:
    assert course_files(rels) == (frozenset(folders) if folders is not None else None)


def test_a_lesson_linking_to_known_courses_costs_no_key_and_no_look_at_other_folders(
        sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a run on one lesson does not need: no cache key (each hashes lmsctl's code
    first), no look at every course folder for the ids of those not read (only for a link to
    a course that is not there, whose hint names the closest one)."""
    from lmsctl.checks import references
    from lmsctl.core import cache

    keys = recorded(monkeypatch, cache.Namespace, "key", lambda self, *parts: parts)
    looked = recorded(monkeypatch, references, "is_course_folder", lambda folder: folder)
    _edit(sample_repo, P1, lambda t: t + "\nSee [BANT](../../sales-basics/lessons/"
                                         "02-qualifying-opportunities.md#bant).\n")
    _, some = lint_repository(sample_repo, [P1])
    assert keys == [] and looked == []
    assert any(d.rule == "LMS311" for d in some.sorted())
    _edit(sample_repo, P1, lambda t: t + "\nAnd [more](../../sales-basic/).\n")
    _, some = lint_repository(sample_repo, [P1])
    assert looked and any("Did you mean sales-basics?" in (d.hint or "") for d in some.sorted())


def test_insights_of_a_lesson_are_given_the_whole_repository(sample_repo: Path) -> None:
    """``lint --analytics <lesson>``: the insights (``extra``) work out their figures from
    the repository they are given; it is every course, not those a run on the lesson reads."""
    seen: list[int] = []
    lint_repository(sample_repo, [L1], extra=lambda repo: seen.append(len(repo.courses)) or [])
    assert seen == [5]
