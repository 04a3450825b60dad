"""History read in one git pass: dates, authors, co-authors, .mailmap, bots, shallow clones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from lmsctl.content.loader import load_repository
from lmsctl.core.history import Person, read_history
from tests.conftest import MINIMAL_LESSON, minimal_files
from tests.gitrepo import ANN, BOB, BOT, CAT, GitRepo

D = dt.date
LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"
COURSE_YML = "courses/sales-basics/course.yml"


def second_course() -> dict[str, str | bytes | None]:
    files = minimal_files()
    return {
        "courses/pricing/course.yml": str(files["courses/sales-basics/course.yml"])
        .replace("Sales basics", "Pricing"),
        "courses/pricing/lessons/01-value.md": MINIMAL_LESSON,
        "courses/pricing/lessons/02-anchors.md": MINIMAL_LESSON,
    }


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """Three people, two courses, a bot, over five months."""
    r = GitRepo.init(tmp_path / "repo", minimal_files())
    r.commit("Add sales basics", date="2024-01-10", author=ANN, coauthors=[BOB])
    r.write(second_course())
    r.commit("Add pricing", date="2024-02-01", author=BOB)
    r.append(LESSON, "\nOne more line.\n")
    r.commit("Sharpen discovery", date="2024-03-05", author=CAT)
    r.append("courses/pricing/lessons/02-anchors.md", "\nBot edit.\n")
    r.commit("Bump links", date="2024-04-01", author=BOT)
    r.append("courses/pricing/lessons/01-value.md", "\nTogether.\n")
    r.commit("Pair on value", date="2024-05-02", author=CAT, coauthors=[ANN, BOT])
    return r


def test_dates_authors_and_coauthors(repo: GitRepo) -> None:
    history = read_history(repo.root)
    assert history.available and not history.shallow
    sales = history.course("sales-basics")
    assert sales.created == D(2024, 1, 10)
    assert sales.last_change == D(2024, 3, 5)
    assert [c.subject for c in sales.changes] == ["Sharpen discovery", "Add sales basics"]
    names = [p.name for p in sales.contributors]
    assert set(names) == {"Ann Author", "Bob Builder", "Cat Coder"}
    pricing = history.course("pricing")
    assert pricing.created == D(2024, 2, 1) and pricing.last_change == D(2024, 5, 2)
    first = sales.changes[-1]
    assert first.author == Person(*ANN) and first.coauthors == (Person(*BOB),)
    assert first.files == tuple(sorted(str(k) for k in minimal_files()))


def test_contributors_ranked_by_number_of_changes(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01", author=ANN)
    for i in range(3):
        r.append(LESSON, f"\nedit {i}\n")
        r.commit(f"Edit {i}", date=f"2024-02-0{i + 1}", author=CAT)
    r.append(LESSON, "\nlast\n")
    r.commit("Last", date="2024-03-01", author=BOB, coauthors=[CAT])
    people = read_history(r.root).course("sales-basics").contributors
    assert [p.name for p in people] == ["Cat Coder", "Ann Author", "Bob Builder"]


def test_bots_are_left_out_entirely(repo: GitRepo) -> None:
    history = read_history(repo.root)
    assert all(not p.is_bot for c in history.changes for p in c.people)
    assert "Bump links" not in [c.subject for c in history.changes]  # bot-only: no change
    pricing = history.course("pricing")
    # the bot co-author of a human change is dropped, the change stays
    pair = next(c for c in pricing.changes if c.subject == "Pair on value")
    assert pair.people == (Person(*CAT), Person(*ANN))
    assert history.lesson("pricing", "anchors").last_change == D(2024, 2, 1)


def test_mailmap_applies_to_authors_and_coauthors(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01", author=("ann", "ann@old.example"),
             coauthors=[("B. Builder", "bob@home.example")])
    r.append(LESSON, "\nmore\n")
    r.commit("Edit", date="2024-02-01", author=ANN)
    r.write({".mailmap": "Ann Author <ann@example.org> <ann@old.example>\n"
                         "Bob Builder <bob@example.org> <bob@home.example>\n"})
    r.commit("Add mailmap", date="2024-02-02", author=ANN)
    history = read_history(r.root)
    sales = history.course("sales-basics")
    assert sales.contributors == (Person(*ANN), Person(*BOB))
    first = sales.changes[-1]
    assert first.author == Person(*ANN) and first.coauthors == (Person(*BOB),)


def test_same_email_is_the_same_person_newest_name_wins(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01", author=("annie", "ANN@example.org"))
    r.append(LESSON, "\nmore\n")
    r.commit("Edit", date="2024-02-01", author=ANN)
    people = read_history(r.root).course("sales-basics").contributors
    assert people == (Person(*ANN),)


def test_committer_date_is_when_the_change_landed(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Written long ago, merged later", date="2023-06-01", committer=BOB,
             committer_date="2024-01-15")
    sales = read_history(r.root).course("sales-basics")
    assert sales.last_change == D(2024, 1, 15)
    assert sales.changes[0].author_date == D(2023, 6, 1)
    assert sales.contributors == (Person(*ANN),)  # the committer is not a contributor


def test_timezone_keeps_the_committers_local_day(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Late at night", date="2024-01-15T23:30:00-05:00")
    change = read_history(r.root).changes[0]
    assert change.date == D(2024, 1, 15)
    assert change.when is not None and change.when.utcoffset() == dt.timedelta(hours=-5)


def test_shallow_clone_is_detected(repo: GitRepo, tmp_path: Path) -> None:
    clone = repo.clone(tmp_path / "shallow", depth=1)
    history = read_history(clone.root)
    assert history.available and history.shallow
    full = repo.clone(tmp_path / "full")
    assert not read_history(full.root).shallow


def test_not_a_git_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    history = read_history(root)
    assert not history.available
    assert "git repository" in history.reason
    assert history.course("anything").changes == ()


def test_repository_without_commits(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    history = read_history(r.root)
    assert history.available and history.changes == ()
    assert history.course("sales-basics").last_change is None


def test_content_in_a_subfolder_of_the_git_repository(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "mono")
    r.write({f"learning/{k}": v for k, v in minimal_files().items()})
    r.write({"app/main.py": "print('hi')\n"})
    r.commit("Add learning content", date="2024-01-01")
    r.write({"app/main.py": "print('hello')\n"})
    r.commit("App only", date="2024-02-01")
    repo, _ = load_repository(r.root / "learning")
    history = read_history(repo)
    assert [c.subject for c in history.changes] == ["Add learning content"]
    files = history.changes[0].files
    assert "lmsctl.yml" in files and "courses/sales-basics/course.yml" in files
    assert history.course("sales-basics").created == D(2024, 1, 1)
    assert "app/main.py" not in history.changes[0].files


def test_odd_file_names_and_subjects(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    odd = "courses/sales-basics/lessons/02-café & \"quotes\"\tand tab.md"
    r.write({odd: MINIMAL_LESSON})
    r.commit("Ünïcode subject with \"quotes\" & <tags> %x00", date="2024-01-01")
    change = read_history(r.root).changes[0]
    assert odd in change.files
    assert change.subject == "Ünïcode subject with \"quotes\" & <tags> %x00"
    lesson = read_history(r.root).lesson("sales-basics", "café & \"quotes\"\tand tab")
    assert lesson.last_change == D(2024, 1, 1)


def test_lesson_history_follows_the_lesson_id_across_renumbering(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01", author=ANN)
    (r.root / LESSON).rename(r.root / "courses/sales-basics/lessons/02-discovery-questions.md")
    r.commit("Renumber", date="2024-02-01", author=BOB)
    lesson = read_history(r.root).lesson("sales-basics", "discovery-questions")
    assert lesson.created == D(2024, 1, 1) and lesson.last_change == D(2024, 2, 1)
    assert lesson.contributors == (Person(*ANN), Person(*BOB))


def test_review_edits_are_not_content_changes(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01", author=ANN)
    r.append(COURSE_YML, "reviewed: 2024-06-01\n")
    r.commit("Review sales-basics", date="2024-06-01", author=BOB)
    text = (r.root / COURSE_YML).read_text().replace("2024-06-01", "2024-09-01")
    r.write({COURSE_YML: text})
    r.commit("Review again", date="2024-09-01", author=CAT, coauthors=[ANN])
    sales = read_history(r.root).course("sales-basics")
    assert sales.last_change == D(2024, 1, 1) and sales.created == D(2024, 1, 1)
    assert [c.subject for c in sales.reviews] == ["Review again", "Review sales-basics"]
    assert sales.reviewers == (Person(*CAT), Person(*ANN), Person(*BOB))
    assert sales.contributors == (Person(*ANN),)
    assert [c.subject for c in sales.changes] == ["Create"]


def test_reviewed_by_trailers_credit_reviewers_of_a_content_change(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01", author=ANN)
    r.append(LESSON, "\nchecked\n")
    r.commit("Checked the examples", date="2024-10-01", author=CAT,
             trailers=[("Reviewed-by", "Bob Builder <bob@example.org>")])
    history = read_history(r.root)
    sales = history.course("sales-basics")
    assert sales.last_change == D(2024, 10, 1)
    assert [c.subject for c in sales.reviews] == ["Checked the examples"]
    assert sales.reviewers == (Person(*BOB),)
    assert sales.contributors == (Person(*ANN), Person(*CAT))  # a tie: who came first
    people = {c.person.name: c for c in history.contributions()}
    assert people["Bob Builder"].courses_reviewed == ("sales-basics",)
    assert people["Bob Builder"].lessons_improved == ()
    assert people["Cat Coder"].lessons_improved == (("sales-basics", "discovery-questions"),)


def test_a_one_line_change_with_a_lesson_is_content(tmp_path: Path) -> None:
    r = GitRepo.init(tmp_path / "r", minimal_files())
    r.commit("Create", date="2024-01-01")
    r.append(COURSE_YML, "tags: [x]\n")
    r.append(LESSON, "\nnew\n")
    r.commit("Tag and edit", date="2024-02-01", author=BOB)
    sales = read_history(r.root).course("sales-basics")
    assert sales.last_change == D(2024, 2, 1) and sales.reviews == ()


def test_contributions_authored_improved_reviewed_and_window(repo: GitRepo) -> None:
    repo.append(COURSE_YML, "reviewed: 2024-06-01\n")
    repo.commit("Review sales-basics", date="2024-06-01", author=BOB)
    history = read_history(repo.root)
    people = {c.person.name: c for c in history.contributions()}
    assert people["Ann Author"].courses_authored == ("sales-basics",)
    assert set(people["Bob Builder"].courses_authored) == {"sales-basics", "pricing"}
    assert people["Cat Coder"].courses_authored == ()
    assert set(people["Cat Coder"].lessons_improved) == {("sales-basics",
                                                          "discovery-questions"),
                                                         ("pricing", "value")}
    assert people["Ann Author"].lessons_improved == (("pricing", "value"),)
    assert people["Bob Builder"].courses_reviewed == ("sales-basics",)
    assert [c.person.name for c in history.contributions()][0] == "Bob Builder"
    recent = {c.person.name: c for c in history.contributions(since=D(2024, 4, 15))}
    assert set(recent) == {"Cat Coder", "Ann Author", "Bob Builder"}
    assert recent["Bob Builder"].courses_authored == ()
    assert recent["Bob Builder"].courses_reviewed == ("sales-basics",)
    only = history.contributions(course_ids=["pricing"])
    assert all(c.courses == ("pricing",) for c in only)


def test_one_git_log_for_the_whole_repository(repo: GitRepo,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts the real git commands (every one goes through lmsctl.core.git.run): one log, one
    rev-parse, one batched check-mailmap."""
    from lmsctl.core import git

    calls: list[list[str]] = []
    real = git.run

    def counting(root: Path, args: Any, timeout: float = git.DEFAULT_TIMEOUT) -> Any:
        calls.append(["git", *args])
        return real(root, args, timeout)

    monkeypatch.setattr(git, "run", counting)
    for i in range(5):
        repo.write({f"courses/c{i}/course.yml": "title: x\n"})
    history = read_history(repo.root)
    assert history.changes
    verbs = [next(a for a in args[1:] if not a.startswith("-") and "=" not in a)
             for args in calls]
    assert verbs.count("log") == 1
    assert len(calls) <= 3, calls
