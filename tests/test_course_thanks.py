"""A course page thanks its reviewers (issue 15): the people of ``Reviewed-by:`` trailers and
review records, by name with their profile link, never a bot."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import minimal_files
from tests.gitrepo import ANN, BOB, BOT, CAT, GitRepo
from tests.site_support import build, page

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"


def test_course_page_thanks_reviewers_by_name_and_no_bot(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", minimal_files())
    repo.commit("Add the course", date="2024-01-01", author=ANN)
    repo.append(LESSON, "\nA clearer example.\n")
    repo.commit("Clearer example", date="2024-02-01", author=ANN,
                trailers=[("Reviewed-by", f"{BOB[0]} <{BOB[1]}>"),
                          ("Reviewed-by", "Jo Doe <123+jdoe@users.noreply.github.com>"),
                          ("Reviewed-by", f"{BOT[0]} <{BOT[1]}>")])
    repo.append(LESSON, "\nOne more line.\n")
    repo.commit("More", date="2024-03-01", author=CAT)
    build(repo.root, tmp_path / "site")
    html = page(tmp_path / "site", "courses/sales-basics/").html
    start = html.index("data-lmsctl-reviewers")
    thanks = html[start:html.index("</p>", start)]
    assert "Thanks to" in thanks and "for reviewing this course." in thanks
    assert "Bob Builder" in thanks and "Jo Doe" in thanks
    assert 'href="https://github.com/jdoe"' in thanks
    assert "dependabot" not in thanks and "Cat Coder" not in thanks
    assert "@jdoe</a>" in thanks  # the person's name, then the handle as a link
    assert not re.search(r"[\w.+-]@[\w-]+\.", thanks.replace("&#64;", "@"))  # no e-mail address


def test_no_thanks_without_reviews(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", minimal_files())
    repo.commit("Add the course", date="2024-01-01", author=ANN)
    build(repo.root, tmp_path / "site")
    assert "data-lmsctl-reviewers" not in page(tmp_path / "site", "courses/sales-basics/").html
