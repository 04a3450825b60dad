"""``lmsctl codeowners [--check]``: the generated section, what is kept, --check, bad owners.

Golden files live in tests/golden/codeowners/; regenerate them after an intended change with
``LMSCTL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_codeowners.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.checks import codeowners
from lmsctl.cli import cli
from tests.conftest import MINIMAL_CONFIG, MINIMAL_COURSE, MINIMAL_LESSON

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "codeowners"
CO = ".github/CODEOWNERS"

PATH_YML = """\
title: Sales onboarding
summary: Your first 30 days in sales.
owners: ["@acme/sales-enablement"]
courses: [sales-basics]
"""


def second_course(owners: str = '["@mlopez", "@acme/learning-platform"]') -> str:
    return MINIMAL_COURSE.replace('owners: ["@jdoe"]', f"owners: {owners}").replace(
        "Sales basics", "Advanced negotiation")


def cli_run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["codeowners", "--repo", str(root), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LMSCTL_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"missing golden file {path}; run with LMSCTL_UPDATE_GOLDEN=1"
    assert actual == path.read_bytes().decode("utf-8")


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    """Two courses (one with a team), a path, and maintainers in lmsctl.yml."""
    return make_repo({
        "lmsctl.yml": MINIMAL_CONFIG + 'maintainers: ["@acme/learning-platform"]\n',
        "courses/advanced-negotiation/course.yml": second_course(),
        "courses/advanced-negotiation/lessons/01-anchors.md": MINIMAL_LESSON,
        "paths/sales-onboarding.yml": PATH_YML,
    })


def owners_of(text: str, path: str) -> tuple[str, ...]:
    """GitHub's rule: the owners on the LAST line whose pattern matches ``path``."""
    found: tuple[str, ...] = ()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        if codeowners.pattern_matches(pattern, path):
            found = tuple(owners)
    return found


# ------------------------------------------------------------------------------ golden files


def test_fresh_file_golden(repo: Path) -> None:
    code, out, err = cli_run(repo)
    assert code == 0, err
    assert "Wrote .github/CODEOWNERS (2 courses, 1 path)" in out
    golden("fresh.CODEOWNERS", (repo / CO).read_text(encoding="utf-8"))


def test_fresh_file_without_maintainers_golden(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"paths/sales-onboarding.yml": PATH_YML})
    code, _, err = cli_run(root)
    assert code == 0
    assert "lmsctl.yml names no maintainers" in err
    text = (root / CO).read_text(encoding="utf-8")
    golden("fresh-no-maintainers.CODEOWNERS", text)
    assert owners_of(text, "lmsctl/cli.py") == ()


@pytest.mark.parametrize("case", ["replace", "append", "crlf", "no-final-newline"])
def test_existing_file_golden(repo: Path, case: str) -> None:
    """Each case: tests/golden/codeowners/<case>.in is the file before, <case>.out after."""
    before = (GOLDEN / f"{case}.in").read_bytes()
    (repo / ".github").mkdir()
    (repo / CO).write_bytes(before)
    code, _, err = cli_run(repo)
    assert code == 0, err
    after = (repo / CO).read_bytes()
    golden(f"{case}.out", after.decode("utf-8"))
    # Running again changes nothing.
    code, out, _ = cli_run(repo)
    assert code == 0 and "already up to date" in out
    assert (repo / CO).read_bytes() == after


def test_this_repository_codeowners_is_current() -> None:
    """The committed .github/CODEOWNERS matches the sample courses (what CI checks)."""
    plan = codeowners.plan(ROOT)
    assert not plan.problems, plan.problems
    assert plan.up_to_date, plan.diff()


# ------------------------------------------------------------------- kept outside the markers


def test_text_outside_markers_is_byte_identical(repo: Path) -> None:
    head = ("# Hand-written, with odd spacing   \n\n*\t@acme/learning-platform\n"
            "/docs/   @acme/docs   # trailing\n\n")
    tail = "\n# After the section\n/README.md @acme/docs\n\n\n"
    stale = f"{codeowners.BEGIN}\n/courses/gone/ @nobody\n{codeowners.END}\n"
    (repo / ".github").mkdir()
    (repo / CO).write_text(head + stale + tail, encoding="utf-8")
    assert cli_run(repo)[0] == 0
    text = (repo / CO).read_text(encoding="utf-8")
    assert text.startswith(head)
    assert text.endswith(tail)
    section = text[len(head):len(text) - len(tail)]
    assert section == codeowners.render_section(codeowners.plan(repo).entries)
    assert "/courses/gone/" not in text
    assert "/courses/advanced-negotiation/ @mlopez @acme/learning-platform\n" in section


OUTSIDE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=200
).filter(lambda s: codeowners.BEGIN not in s and codeowners.END not in s)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=OUTSIDE, tail=OUTSIDE)
def test_merge_keeps_any_text_outside_markers(head: str, tail: str) -> None:
    items = [codeowners.Entry("/courses/a/", ("@a",), "courses/a/course.yml")]
    head = head if head.endswith("\n") or not head else head + "\n"
    current = head + f"{codeowners.BEGIN}\nold\n{codeowners.END}\n" + tail
    merged = codeowners.merge(current, items, ["@m"])
    assert merged.startswith(head)
    assert merged.endswith(tail)
    assert codeowners.merge(merged, items, ["@m"]) == merged


@settings(max_examples=100, deadline=None)
@given(text=OUTSIDE.filter(lambda s: s.strip() != ""))
def test_merge_appends_after_existing_text(text: str) -> None:
    items = [codeowners.Entry("/courses/a/", ("@a",), "courses/a/course.yml")]
    merged = codeowners.merge(text, items, ["@m"])
    assert merged.startswith(text)
    assert merged.endswith(codeowners.render_section(items))
    assert codeowners.merge(merged, items, ["@m"]) == merged


@pytest.mark.parametrize("broken", [
    f"{codeowners.BEGIN}\n/courses/a/ @a\n",  # no END
    f"/courses/a/ @a\n{codeowners.END}\n",  # no BEGIN
    f"{codeowners.END}\n{codeowners.BEGIN}\n",  # wrong order
    f"{codeowners.BEGIN}\n{codeowners.END}\n{codeowners.BEGIN}\n{codeowners.END}\n",  # twice
])
def test_broken_markers_refuse_and_leave_file(repo: Path, broken: str) -> None:
    (repo / ".github").mkdir()
    (repo / CO).write_text("* @keep\n" + broken, encoding="utf-8")
    before = (repo / CO).read_bytes()
    for args in ((), ("--check",)):
        code, _, err = cli_run(repo, *args)
        assert code == 1
        assert "error: .github/CODEOWNERS" in err
        assert "hint: Keep exactly one line" in err
        assert (repo / CO).read_bytes() == before


def test_not_utf8_refused(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / CO).write_bytes(b"* @caf\xe9\n")
    code, _, err = cli_run(repo)
    assert code == 1 and "not UTF-8" in err
    assert (repo / CO).read_bytes() == b"* @caf\xe9\n"


# --------------------------------------------------------------------------------- --check


def test_check_current_exits_0_and_writes_nothing(repo: Path) -> None:
    assert cli_run(repo)[0] == 0
    before = (repo / CO).stat()
    code, out, err = cli_run(repo, "--check")
    assert code == 0, err
    assert out == ".github/CODEOWNERS is up to date (2 courses, 1 path).\n"
    assert (repo / CO).stat().st_mtime_ns == before.st_mtime_ns


def test_check_stale_exits_1_with_diff_and_hint(repo: Path) -> None:
    assert cli_run(repo)[0] == 0
    before = (repo / CO).read_bytes()
    course = repo / "courses/advanced-negotiation/course.yml"
    course.write_text(second_course('["@mlopez", "@acme/sales-enablement"]'), encoding="utf-8")
    code, out, err = cli_run(repo, "--check")
    assert code == 1
    assert "--- a/.github/CODEOWNERS\n+++ b/.github/CODEOWNERS\n" in out
    assert "-/courses/advanced-negotiation/ @mlopez @acme/learning-platform\n" in out
    assert "+/courses/advanced-negotiation/ @mlopez @acme/sales-enablement\n" in out
    assert "error: .github/CODEOWNERS is out of date" in err
    assert "hint: run lmsctl codeowners, then commit .github/CODEOWNERS" in err
    assert (repo / CO).read_bytes() == before  # --check never writes
    # Without --check it is fixed, and --check passes again.
    assert cli_run(repo)[0] == 0
    assert cli_run(repo, "--check")[0] == 0


def test_check_missing_file(repo: Path) -> None:
    code, out, err = cli_run(repo, "--check")
    assert code == 1
    assert out.startswith("--- /dev/null\n+++ b/.github/CODEOWNERS\n")
    assert "is missing" in err
    assert not (repo / CO).exists()


def test_check_new_course_is_stale(repo: Path) -> None:
    assert cli_run(repo)[0] == 0
    (repo / "courses/zz-new/lessons").mkdir(parents=True)
    (repo / "courses/zz-new/course.yml").write_text(second_course('["@newbie"]'), "utf-8")
    (repo / "courses/zz-new/lessons/01-a.md").write_text(MINIMAL_LESSON, "utf-8")
    code, out, _ = cli_run(repo, "--check")
    assert code == 1
    assert "+/courses/zz-new/ @newbie\n" in out


def test_check_annotation_in_github_actions(repo: Path) -> None:
    code, out, _ = cli_run(repo, "--check", env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert "::error file=.github/CODEOWNERS,title=CODEOWNERS is missing::" in out
    code, out, _ = cli_run(repo, "--check", env={"GITHUB_ACTIONS": ""})
    assert "::error" not in out


# ---------------------------------------------------------------------------- invalid owners


@pytest.mark.parametrize(("owners", "line", "col", "message", "hint"), [
    ('["jdoe"]', 3, 10, "owner 'jdoe' is not a GitHub user", 'Add the @: "@jdoe"'),
    ('["@jdoe", "@-bad"]', 3, 19, "owner '@-bad' is not a GitHub user", "in quotes"),
    ("[]", 3, 9, "`owners` must be a list of at least one", 'owners: ["@jdoe"'),
    ('"@jdoe"', 3, 9, "`owners` must be a list", 'owners: ["@jdoe"'),
    ("[42]", 3, 10, "owner '42' is not a GitHub user", "in quotes"),
])
def test_invalid_owners_reported_and_nothing_written(
    repo: Path, owners: str, line: int, col: int, message: str, hint: str
) -> None:
    rel = "courses/advanced-negotiation/course.yml"
    (repo / rel).write_text(second_course(owners), encoding="utf-8")
    code, out, err = cli_run(repo)
    assert code == 1
    assert f"{rel}:{line}:{col}: error LMS104 {message}" in err
    assert hint in err
    assert "error: .github/CODEOWNERS not written" in err
    assert not (repo / CO).exists()
    # And --check refuses too, rather than claiming the file is fine.
    code, _, err = cli_run(repo, "--check")
    assert code == 1 and "not checked" in err


def test_missing_owners_and_existing_file_untouched(repo: Path) -> None:
    assert cli_run(repo)[0] == 0
    before = (repo / CO).read_bytes()
    rel = "courses/advanced-negotiation/course.yml"
    text = second_course().replace('owners: ["@mlopez", "@acme/learning-platform"]\n', "")
    (repo / rel).write_text(text, encoding="utf-8")
    code, _, err = cli_run(repo)
    assert code == 1
    assert f"{rel}:1:1: error LMS102 `owners` is missing" in err
    assert (repo / CO).read_bytes() == before


def test_unreadable_course_yml_blocks(repo: Path) -> None:
    """A course.yml that does not parse would silently lose its owners: refuse instead."""
    rel = "courses/advanced-negotiation/course.yml"
    (repo / rel).write_text("title: 'unclosed\nowners: [\"@a\"]\n", encoding="utf-8")
    code, _, err = cli_run(repo)
    assert code == 1
    assert f"{rel}:" in err and "LMS100" in err
    assert not (repo / CO).exists()


@pytest.mark.parametrize(("extra", "rule"), [
    ('owners: ["@other"]\n', "LMS105"),  # which owners? YAML would silently take one
    ('x: &o ["@a"]\n', "LMS106"),
])
def test_doubtful_yaml_blocks(repo: Path, extra: str, rule: str) -> None:
    rel = "courses/advanced-negotiation/course.yml"
    (repo / rel).write_text(second_course() + extra, encoding="utf-8")
    code, _, err = cli_run(repo)
    assert code == 1
    assert f"error {rule}" in err and rel in err
    assert not (repo / CO).exists()


def test_invalid_id_blocks(repo: Path) -> None:
    (repo / "paths/Sales Onboarding.yml").write_text(PATH_YML, encoding="utf-8")
    code, _, err = cli_run(repo)
    assert code == 1
    assert "LMS200" in err and "not a valid id" in err
    assert not (repo / CO).exists()


def test_invalid_maintainers_block_only_a_fresh_file(repo: Path) -> None:
    (repo / "lmsctl.yml").write_text(MINIMAL_CONFIG + 'maintainers: ["learning"]\n', "utf-8")
    code, _, err = cli_run(repo)
    assert code == 1
    assert "lmsctl.yml:" in err and "maintainer 'learning'" in err
    assert not (repo / CO).exists()
    # Once the file exists its header is the humans'; maintainers are not used any more.
    (repo / ".github").mkdir()
    (repo / CO).write_text("* @acme/learning-platform\n", encoding="utf-8")
    assert cli_run(repo)[0] == 0


def test_errors_elsewhere_do_not_block(repo: Path) -> None:
    """A lesson with a broken quiz has nothing to do with ownership."""
    lesson = repo / "courses/sales-basics/lessons/01-discovery-questions.md"
    lesson.write_text(MINIMAL_LESSON.replace("correct: true", "correct: maybe"), "utf-8")
    code, _, err = cli_run(repo)
    assert code == 0, err


# ---------------------------------------------------------------------- ordering semantics


def test_course_section_comes_after_catch_alls_and_wins(repo: Path) -> None:
    """GitHub uses the last matching line: a PR editing one course asks exactly its owners."""
    assert cli_run(repo)[0] == 0
    text = (repo / CO).read_text(encoding="utf-8")
    lines = text.splitlines()
    catch_all = lines.index("* @acme/learning-platform")
    assert catch_all < lines.index(codeowners.BEGIN) < lines.index(codeowners.END)
    assert lines[-1] == codeowners.END  # nothing after the section in a fresh file
    assert owners_of(text, "courses/advanced-negotiation/lessons/01-anchors.md") == (
        "@mlopez", "@acme/learning-platform")
    assert owners_of(text, "courses/advanced-negotiation/assets/chart.png") == (
        "@mlopez", "@acme/learning-platform")
    assert owners_of(text, "courses/sales-basics/course.yml") == ("@jdoe",)
    assert owners_of(text, "paths/sales-onboarding.yml") == ("@acme/sales-enablement",)
    for toolchain in ("lmsctl/cli.py", "schemas/course.schema.json", ".github/CODEOWNERS",
                      "lmsctl.yml", "README.md", "courses/_templates/basic/course.yml"):
        assert owners_of(text, toolchain) == ("@acme/learning-platform",), toolchain


def test_sorted_by_path(repo: Path) -> None:
    assert cli_run(repo)[0] == 0
    text = (repo / CO).read_text(encoding="utf-8")
    start = text.index(codeowners.BEGIN)
    rules = [x for x in text[start:].splitlines() if x.startswith("/")]
    assert rules == sorted(rules)
    assert rules == ["/courses/advanced-negotiation/ @mlopez @acme/learning-platform",
                     "/courses/sales-basics/ @jdoe",
                     "/paths/sales-onboarding.yml @acme/sales-enablement"]


def test_owners_deduplicated_case_insensitively_in_order(repo: Path) -> None:
    rel = "courses/advanced-negotiation/course.yml"
    (repo / rel).write_text(second_course('["@b", "@A", "@a", "@b"]'), "utf-8")
    assert cli_run(repo)[0] == 0
    assert "/courses/advanced-negotiation/ @b @A\n" in (repo / CO).read_text("utf-8")


def test_yaml_extension_path(repo: Path) -> None:
    (repo / "paths/sales-onboarding.yml").rename(repo / "paths/sales-onboarding.yaml")
    assert cli_run(repo)[0] == 0
    assert "/paths/sales-onboarding.yaml @acme/sales-enablement\n" in (repo / CO).read_text()


def test_rule_after_section_warns(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / CO).write_text(f"{codeowners.BEGIN}\n{codeowners.END}\n/docs/ @docs\n"
                           "*.md @writers\n", "utf-8")
    code, _, err = cli_run(repo)
    assert code == 0  # a warning: the lines are the humans' to keep
    assert ".github/CODEOWNERS:9: `*.md @writers` comes after the generated section" in err
    assert "courses/advanced-negotiation/course.yml" in err
    assert "/docs/" not in err


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("*", "courses/a/course.yml", True),
    ("/courses/a/", "courses/a/lessons/01-x.md", True),
    ("/courses/a/", "courses/ab/course.yml", False),
    ("/courses/a/", "other/courses/a/x", False),
    ("courses/", "nested/courses/x.md", True),
    ("*.md", "courses/a/lessons/01-x.md", True),
    ("*.md", "courses/a/course.yml", False),
    ("docs/*", "docs/a.md", True),
    ("docs/*", "docs/sub/b.md", False),
    ("/docs/**", "docs/sub/b.md", True),
    ("**/logs", "a/b/logs/x.log", True),
    ("/lmsctl.yml", "lmsctl.yml", True),
    ("/lmsctl.yml", "courses/x/lmsctl.yml", False),
    ("apps/", "apps/x/y", True),
    ("/paths/a.yml", "paths/a.yml", True),
    ("/paths/a.yml", "paths/a.yml.bak", False),
])
def test_pattern_matches(pattern: str, path: str, expected: bool) -> None:
    assert codeowners.pattern_matches(pattern, path) is expected


# --------------------------------------------------------------------------- atomic writing


def test_failed_rename_leaves_old_file_and_no_temp(repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".github").mkdir()
    (repo / CO).write_text("* @old\n", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(codeowners.os, "replace", boom)
    with pytest.raises(OSError):
        codeowners.write_atomic(repo / CO, "* @new\n")
    assert (repo / CO).read_text(encoding="utf-8") == "* @old\n"
    assert sorted(p.name for p in (repo / ".github").iterdir()) == ["CODEOWNERS"]


def test_failed_write_leaves_no_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(codeowners.os, "fsync", boom)
    with pytest.raises(OSError):
        codeowners.write_atomic(repo / CO, "* @new\n")
    assert not (repo / CO).exists()
    assert list((repo / ".github").iterdir()) == []


def test_write_keeps_mode_and_newlines(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / CO).write_bytes(b"* @old\r\n")
    os.chmod(repo / CO, 0o600)
    assert cli_run(repo)[0] == 0
    assert stat.S_IMODE((repo / CO).stat().st_mode) == 0o600
    raw = (repo / CO).read_bytes()
    assert raw.startswith(b"* @old\r\n\r\n# BEGIN")
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_symlink_outside_repository_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.write_text("* @x\n", encoding="utf-8")
    (repo / ".github").mkdir()
    (repo / CO).symlink_to(outside)
    code, _, err = cli_run(repo)
    assert code == 1 and "outside the repository" in err
    assert outside.read_text(encoding="utf-8") == "* @x\n"


# --------------------------------------------------------------------------------- details


def test_other_codeowners_location_noted(repo: Path) -> None:
    (repo / "CODEOWNERS").write_text("* @root\n", encoding="utf-8")
    code, _, err = cli_run(repo)
    assert code == 0
    assert "note: CODEOWNERS exists too; GitHub reads .github/CODEOWNERS first" in err
    assert (repo / "CODEOWNERS").read_text(encoding="utf-8") == "* @root\n"


def test_handle_pattern_matches_schema() -> None:
    for name in ("course", "path"):
        schema = json.loads((ROOT / "lmsctl/schemas" / f"{name}.schema.json").read_text())
        assert schema["properties"]["owners"]["items"]["pattern"] == codeowners.HANDLE.pattern
    config = json.loads((ROOT / "lmsctl/schemas/lmsctl.schema.json").read_text())
    assert config["properties"]["maintainers"]["items"]["pattern"] == codeowners.HANDLE.pattern


def test_works_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "courses/sales-basics/lessons")
    result = CliRunner().invoke(cli, ["codeowners"])
    assert result.exit_code == 0, result.output
    assert (repo / CO).is_file()
