"""``lmsctl review``: stamps reviewed: and changes no other byte of course.yml."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.cli import cli
from lmsctl.content.freshness import StampError, stamp_reviewed
from lmsctl.core.yamlstrict import parse_yaml
from tests.conftest import MINIMAL_COURSE, minimal_files
from tests.gitrepo import BOB, GitRepo

COURSE_YML = "courses/sales-basics/course.yml"
DAY = "2024-06-03"


def review(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["review", "--repo", str(root), *args])


@pytest.fixture
def course_file(make_repo: Callable[..., Path]) -> Callable[[bytes], Path]:
    """Write course.yml with these exact bytes; returns its path."""

    def write(data: bytes) -> Path:
        root = make_repo()
        path = root / COURSE_YML
        path.write_bytes(data)
        return path

    return write


def stamped(course_file: Callable[[bytes], Path], data: bytes, *args: str) -> tuple[Result,
                                                                                     bytes]:
    path = course_file(data)
    result = review(path.parents[2], "sales-basics", "--date", DAY, *args)
    return result, path.read_bytes()


def test_replaces_the_value_keeping_comment_and_spacing(
        course_file: Callable[..., Path]) -> None:
    old = MINIMAL_COURSE.replace("level:", "reviewed:   2023-01-01   # by @jdoe\nlevel:")
    result, new = stamped(course_file, old.encode())
    assert result.exit_code == 0, result.output
    assert new == old.replace("2023-01-01", DAY).encode()
    assert "was 2023-01-01" in result.stdout and "git commit" in result.stdout


@pytest.mark.parametrize("quote", ["'", '"'])
def test_keeps_quotes(course_file: Callable[..., Path], quote: str) -> None:
    old = MINIMAL_COURSE + f"reviewed: {quote}2023-01-01{quote}\n"
    _, new = stamped(course_file, old.encode())
    assert new == old.replace("2023-01-01", DAY).encode()


def test_inserts_after_review_every(course_file: Callable[..., Path]) -> None:
    old = MINIMAL_COURSE.replace("level:", "review_every: 90  # days\nlevel:")
    _, new = stamped(course_file, old.encode())
    assert new == old.replace("# days\n", f"# days\nreviewed: {DAY}\n").encode()


def test_inserts_at_the_end_otherwise(course_file: Callable[..., Path]) -> None:
    old = MINIMAL_COURSE + "\n# trailing comment\n"
    _, new = stamped(course_file, old.encode())
    assert new == (old + f"reviewed: {DAY}\n").encode()


def test_crlf_line_endings_are_kept(course_file: Callable[..., Path]) -> None:
    old = MINIMAL_COURSE.replace("\n", "\r\n").encode()
    _, new = stamped(course_file, old)
    assert new == old + f"reviewed: {DAY}\r\n".encode()
    old2 = (MINIMAL_COURSE + "reviewed: 2020-02-02 # x\n").replace("\n", "\r\n").encode()
    _, new2 = stamped(course_file, old2)
    assert new2 == old2.replace(b"2020-02-02", DAY.encode())


def test_no_final_newline_stays_without_one(course_file: Callable[..., Path]) -> None:
    old = MINIMAL_COURSE.rstrip("\n")
    _, new = stamped(course_file, old.encode())
    assert new == (old + f"\nreviewed: {DAY}").encode()
    old2 = MINIMAL_COURSE + "reviewed: 2020-02-02"
    _, new2 = stamped(course_file, old2.encode())
    assert new2 == (MINIMAL_COURSE + f"reviewed: {DAY}").encode()
    crlf = MINIMAL_COURSE.replace("\n", "\r\n").rstrip("\r\n")
    _, new3 = stamped(course_file, crlf.encode())
    assert new3 == (crlf + f"\r\nreviewed: {DAY}").encode()


def test_byte_order_mark_and_non_ascii_are_kept(course_file: Callable[..., Path]) -> None:
    old = ("\ufeff" + MINIMAL_COURSE.replace("Sales basics", "Ventes – élémentaire"))
    result, new = stamped(course_file, old.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert new == (old + f"reviewed: {DAY}\n").encode("utf-8")


def test_file_mode_is_kept(course_file: Callable[..., Path]) -> None:
    path = course_file(MINIMAL_COURSE.encode())
    os.chmod(path, 0o640)
    assert review(path.parents[2], "sales-basics", "--date", DAY).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # no temporary file left behind
    assert sorted(p.name for p in path.parent.iterdir()) == ["course.yml", "lessons"]


def test_same_date_changes_nothing(course_file: Callable[..., Path]) -> None:
    old = (MINIMAL_COURSE + f"reviewed: {DAY}\n").encode()
    result, new = stamped(course_file, old)
    assert result.exit_code == 0 and new == old and "already reviewed" in result.stdout


@pytest.mark.parametrize("broken", [
    MINIMAL_COURSE.replace("level: beginner", "level: expert"),
    MINIMAL_COURSE + "title: again\n",
    MINIMAL_COURSE.replace("title: Sales basics", "title: 'Sales basics"),
    MINIMAL_COURSE + "reviewed: last week\n",
])
def test_refuses_a_course_file_that_does_not_validate(course_file: Callable[..., Path],
                                                      broken: str) -> None:
    result, new = stamped(course_file, broken.encode())
    assert result.exit_code == 1
    assert new == broken.encode()
    assert "was not changed" in result.stderr and "course.yml:" in result.stderr


def test_refuses_what_it_cannot_edit_safely(course_file: Callable[..., Path]) -> None:
    flow = ('{title: Sales basics, summary: "The first steps of a sales conversation.", '
            'owners: ["@jdoe"]}')
    result, new = stamped(course_file, flow.encode())
    assert result.exit_code == 1 and new == flow.encode()
    assert "reviewed: 2024-06-03" in result.stderr  # the hint says what to add by hand


def test_unknown_course_suggests_the_close_one(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    result = review(root, "sales-basic")
    assert result.exit_code == 1
    assert "no course 'sales-basic'" in result.stderr and "sales-basics" in result.stderr
    assert review(root, "../lmsctl").exit_code == 1


@pytest.mark.parametrize(("date", "message"), [("2024-13-01", "YYYY-MM-DD"),
                                               ("tomorrow", "YYYY-MM-DD"),
                                               ("2999-01-01", "future")])
def test_bad_dates_are_usage_errors(make_repo: Callable[..., Path], date: str,
                                    message: str) -> None:
    root = make_repo()
    before = (root / COURSE_YML).read_bytes()
    result = review(root, "sales-basics", "--date", date)
    assert result.exit_code == 2 and message in result.stderr
    assert (root / COURSE_YML).read_bytes() == before


def test_default_date_is_today(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    assert review(root, "sales-basics").exit_code == 0
    text = (root / COURSE_YML).read_text()
    assert text.endswith(f"reviewed: {dt.date.today().isoformat()}\n")


def test_review_then_commit_clears_the_stale_report(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", minimal_files())
    repo.commit("Add sales basics", date="2023-01-01")
    assert CliRunner().invoke(cli, ["stale", "--repo", str(repo.root), "--today",
                                    DAY]).exit_code == 1
    assert review(repo.root, "sales-basics", "--date", DAY).exit_code == 0
    repo.commit("Review sales-basics", date=DAY, author=BOB)
    result = CliRunner().invoke(cli, ["stale", "--repo", str(repo.root), "--format", "json",
                                      "--today", DAY])
    assert result.exit_code == 0 and json.loads(result.stdout)["diagnostics"] == []


# -- property: whatever the layout, exactly one line changes or is added ---------------------

comment = st.sampled_from(["", "  # a comment", " # reviewed: 1999-01-01"])
blank_or_comment = st.lists(st.sampled_from(["", "# note", "   ", "#"]), max_size=2)


@st.composite
def course_texts(draw: st.DrawFn) -> str:
    lines = [f"title: Sales basics{draw(comment)}",
             "summary: The first steps of a sales conversation.",
             "owners:", '  - "@jdoe"', "tags: [a, b]"]
    if draw(st.booleans()):
        lines.insert(draw(st.sampled_from([2, len(lines)])),
                     f"review_every: 120{draw(comment)}")
    if draw(st.booleans()):
        value = draw(st.sampled_from(["2020-01-02", "'2020-01-02'", '"2020-01-02"', ""]))
        lines.insert(draw(st.sampled_from([0, 1, len(lines)])),
                     f"reviewed:{' ' if value else ''}{value}{draw(comment)}")
    out: list[str] = []
    for line in lines:
        out += draw(blank_or_comment)
        out.append(line)
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    return nl.join(out) + (nl if draw(st.booleans()) else "")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(course_texts())
def test_stamp_changes_one_line_only(text: str) -> None:
    new = stamp_reviewed(text, DAY)
    nl = "\r\n" if "\r\n" in text else "\n"
    old_lines = (text if text.endswith(nl) else text + nl).splitlines(keepends=True)
    new_lines = (new if new.endswith(nl) else new + nl).splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(a=old_lines, b=new_lines,
                                                autojunk=False).get_opcodes()
           if op[0] != "equal"]
    assert len(ops) == 1
    tag, i1, i2, j1, j2 = ops[0]
    assert j2 - j1 == 1 and new_lines[j1].startswith("reviewed:")
    assert (tag, i2 - i1) in (("insert", 0), ("replace", 1))
    assert new.endswith(nl) == text.endswith(nl)
    doc, problems = parse_yaml(new, "course.yml")
    assert doc is not None and not problems and doc.data["reviewed"] == DAY


def test_stamp_refuses_duplicate_reviewed_lines() -> None:
    with pytest.raises(StampError):
        stamp_reviewed(MINIMAL_COURSE + "reviewed: 2020-01-01\nreviewed: 2020-01-02\n", DAY)


def test_a_symlinked_course_file_is_edited_in_place(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    real = root / "shared-course.yml"
    real.write_bytes((root / COURSE_YML).read_bytes())
    (root / COURSE_YML).unlink()
    (root / COURSE_YML).symlink_to(real)
    assert review(root, "sales-basics", "--date", DAY).exit_code == 0
    assert (root / COURSE_YML).is_symlink()
    assert real.read_text().endswith(f"reviewed: {DAY}\n")
