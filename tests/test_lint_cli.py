"""``lmsctl lint`` end to end: the sample content, exit codes, paths, --changed-since on a real
git repository, --fix; ``lmsctl rules``."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.checks.lint import lint_repository
from lmsctl.cli import cli
from tests.conftest import build_tree
from tests.test_lint_rules import (
    BASE_COURSE,
    BODY,
    COURSE,
    LESSON,
    base_files,
    lesson,
    other_course,
    question,
    quiz,
)

OTHER_LESSON = "courses/other-course/lessons/01-intro.md"


def invoke(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
           ) -> tuple[int, str, str]:
    runner = CliRunner()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), env=env)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                         check=True, env={"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@x.org",
                                          "GIT_COMMITTER_NAME": "T",
                                          "GIT_COMMITTER_EMAIL": "t@x.org",
                                          "PATH": "/usr/bin:/bin:/usr/local/bin",
                                          "HOME": str(root)})
    return out.stdout


def test_sample_content_lints_clean(sample_repo: Path) -> None:
    _, report = lint_repository(sample_repo)
    assert report.sorted() == []
    code, out, _ = invoke("lint", "--repo", str(sample_repo))
    assert code == 0 and out.startswith("All good")


def test_exit_codes(tmp_path: Path) -> None:
    warn = build_tree(tmp_path / "w", {**base_files(), LESSON: lesson("See https://x.org/a.")})
    code, out, _ = invoke("lint", "--repo", str(warn))
    assert code == 0 and "LMS313" in out
    err = build_tree(tmp_path / "e", {**base_files(), LESSON: lesson("# Title\n\nText.")})
    code, out, _ = invoke("lint", "--repo", str(err), "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert [d["rule"] for d in payload["diagnostics"]] == ["LMS301"]


def test_paths_are_relative_to_the_current_folder(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", {**base_files(), **other_course("published"),
                                       LESSON: lesson("# Title\n\nText."),
                                       OTHER_LESSON: lesson("See https://x.org/a.")})
    code, out, _ = invoke("lint", "lessons/01-intro.md", cwd=root / "courses/other-course")
    assert code == 0 and "LMS313" in out and "LMS301" not in out
    code, out, _ = invoke("lint", "courses/sales-basics", cwd=root)
    assert code == 1 and "LMS301" in out and "LMS313" not in out
    code, _, err = invoke("lint", "courses/nope", cwd=root)
    assert code == 2 and "no such file or folder" in err
    code, _, err = invoke("lint", str(tmp_path), cwd=root)
    assert code == 2 and "not inside the repository" in err


# ------------------------------------------------------------------------ changed-since


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    root = build_tree(tmp_path / "repo", {
        **base_files(), **other_course("draft"),
        LESSON: lesson("Old text with https://example.org/old."),
        "paths/sales.yml": "title: Sales\nsummary: Everything a new account executive needs "
                           "in the first month.\nowners: [\"@acme/x\"]\nstatus: draft\n"
                           "courses: [sales-basics, other-course]\n",
    })
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "switch", "-q", "-c", "feature")
    return root


def test_changed_since_lints_only_changed_courses(git_repo: Path) -> None:
    other_yml = git_repo / "courses/other-course/course.yml"
    other_yml.write_text(other_yml.read_text().replace("status: draft", "status: published"))
    (git_repo / OTHER_LESSON).write_text(lesson("New text, [click here](../../sales-basics/)."))
    git(git_repo, "commit", "-q", "-am", "publish other-course")
    (git_repo / "courses/other-course/lessons/02-new.md").write_text(  # untracked
        lesson("More at https://example.org/new."))
    code, out, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main")
    assert code == 0
    paths = {line.split(":")[0] for line in out.splitlines() if ": warning" in line}
    assert paths == {OTHER_LESSON, "courses/other-course/lessons/02-new.md"}
    assert LESSON not in out  # unchanged course: its old bare URL is not reported
    code, out, _ = invoke("lint", "--repo", str(git_repo))
    assert LESSON in out


def test_changed_since_github_summary_per_course(git_repo: Path, tmp_path: Path) -> None:
    other_yml = git_repo / "courses/other-course/course.yml"
    other_yml.write_text(other_yml.read_text().replace("status: draft", "status: published"))
    (git_repo / OTHER_LESSON).write_text(lesson("New text, [click here](../../sales-basics/)."))
    summary = tmp_path / "summary.md"
    code, out, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main",
                          "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 0
    assert out.startswith("::warning file=courses/other-course/lessons/01-intro.md,line=4,")
    text = summary.read_text(encoding="utf-8")
    assert "#### Other course (`other-course`)" in text
    assert "**Status:** draft -&gt; published" in text
    assert "**Owners who must review:** @acme/sales" in text
    assert "[LMS502](https://example.org/learn/contributing/rules/#lms502)" in text


def test_changed_since_new_course(git_repo: Path, tmp_path: Path) -> None:
    build_tree(git_repo, {"courses/new-course/course.yml": BASE_COURSE.replace(
        "Sales basics", "New course"), "courses/new-course/lessons/01-a.md": lesson()})
    summary = tmp_path / "s.md"
    code, _, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main",
                        "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 0
    assert "**Status:** new course (published)" in summary.read_text(encoding="utf-8")


def test_changed_since_ignores_template_folders(git_repo: Path, tmp_path: Path) -> None:
    build_tree(git_repo, {"courses/_templates/webinar/course.yml.j2": "title: {{ title }}\n"})
    summary = tmp_path / "s.md"
    code, _, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main",
                        "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 0
    assert "_templates" not in summary.read_text(encoding="utf-8")


def test_changed_since_keeps_validation_errors_everywhere(git_repo: Path) -> None:
    git(git_repo, "rm", "-q", "-r", "courses/other-course")
    code, out, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main")
    assert code == 1 and "paths/sales.yml" in out and "LMS203" in out


def test_changed_since_bad_ref_and_no_git(git_repo: Path, tmp_path: Path) -> None:
    code, _, err = invoke("lint", "--repo", str(git_repo), "--changed-since", "nope/branch")
    assert code == 2 and "no such branch" in err and "fetch-depth: 0" in err
    code, _, err = invoke("lint", "--repo", str(git_repo), "--changed-since", "--all")
    assert code == 2
    plain = build_tree(tmp_path / "plain", base_files())
    code, _, err = invoke("lint", "--repo", str(plain), "--changed-since", "main")
    assert code == 2 and "not inside a git repository" in err


def test_done_when_three_annotations_on_the_right_lines(git_repo: Path) -> None:
    """The issue's acceptance test: a pull request adds a lesson with a missing alt text, a
    "click here" link and a quiz whose answer is "all of the above"."""
    text = lesson(
        BODY + "\n![](../assets/a.png)\n\nSee [click here](01-discovery-questions.md).\n",
        quiz(question("Which are open questions?", ("What made you look now?", False,
                                                    "Open, it asks for a story."),
                      ("How do you decide?", False, "Open, it asks how."),
                      ("All of the above", True, "Both are open."))))
    new = "courses/sales-basics/lessons/02-new.md"
    build_tree(git_repo, {new: text, "courses/sales-basics/assets/a.png": b"\x89PNG"})
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-q", "-m", "new lesson")
    code, out, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main",
                          "--format", "github")
    lines = [x for x in out.splitlines() if x.startswith("::") and f"file={new}" in x]
    found = [(re.search(r"title=(\w+)", x).group(1),  # type: ignore[union-attr]
              int(re.search(r"line=(\d+)", x).group(1))) for x in lines]  # type: ignore[union-attr]
    text_lines = text.splitlines()
    assert found == [("LMS501", text_lines.index("![](../assets/a.png)") + 1),
                     ("LMS502", text_lines.index(
                         "See [click here](01-discovery-questions.md).") + 1),
                     ("LMS404", text_lines.index("    - text: All of the above") + 1)]
    for line in lines:
        assert "https://example.org/learn/contributing/rules/#lms" in line
    assert code == 1  # the missing alt text is an error


# ------------------------------------------------------------------------------------ fix


def test_fix_wraps_bare_urls_and_trims_whitespace(tmp_path: Path) -> None:
    body = ("See https://example.org/a, and (https://example.org/b). \t\n"
            "Keep this hard break  \nand `https://example.org/code` and "
            "[x](https://example.org/c).")
    text = lesson(body).rstrip("\n") + "\n```"
    root = build_tree(tmp_path / "r", {**base_files(), LESSON: text.rstrip("\n")})
    code, out, err = invoke("lint", "--repo", str(root), "--fix")
    assert code == 0
    fixed = (root / LESSON).read_text(encoding="utf-8")
    assert fixed.splitlines()[3] == ("See <https://example.org/a>, and "
                                     "(<https://example.org/b>).")
    assert "Keep this hard break  \n" in fixed
    assert "`https://example.org/code`" in fixed and "[x](https://example.org/c)" in fixed
    assert fixed.endswith("```\n") and fixed.count("\n") == text.rstrip("\n").count("\n") + 1
    assert "LMS313" in err and "wrapped bare URL" in err and "final newline" in err
    assert "All good" in out
    code, _, err = invoke("lint", "--repo", str(root), "--fix")
    assert "Nothing to fix" in err and (root / LESSON).read_text(encoding="utf-8") == fixed


def test_fix_respects_suppressions_and_scope(tmp_path: Path) -> None:
    body = "<!-- lmsctl-disable-next-line LMS313 -->\nhttps://example.org/keep"
    root = build_tree(tmp_path / "r", {**base_files(), **other_course("published"),
                                       LESSON: lesson(body),
                                       OTHER_LESSON: lesson("https://example.org/other")})
    before = (root / OTHER_LESSON).read_text()
    invoke("lint", "--repo", str(root), "--fix", str(root / LESSON))
    assert (root / LESSON).read_text() == lesson(body)
    assert (root / OTHER_LESSON).read_text() == before


def test_fix_keeps_crlf(tmp_path: Path) -> None:
    text = lesson("See https://example.org/a.  ").replace("\n", "\r\n")
    root = build_tree(tmp_path / "r", base_files())
    (root / LESSON).write_bytes(text.encode())
    invoke("lint", "--repo", str(root), "--fix")
    fixed = (root / LESSON).read_bytes().decode()
    assert "See <https://example.org/a>.\r\n" in fixed
    assert fixed.count("\r\n") == text.count("\r\n") and "\n" not in fixed.replace("\r\n", "")


# ---------------------------------------------------------------------------------- rules


def test_rules_lists_and_explains() -> None:
    code, out, _ = invoke("rules")
    assert code == 0 and "LMS401" in out and "Accessibility:" in out
    code, out, _ = invoke("rules", "lms404")
    assert code == 0 and out.startswith("LMS404 (warning, checked by lint)")
    assert "Bad:" in out and "Good:" in out and "How to fix:" in out
    code, _, err = invoke("rules", "LMS40")
    assert code == 2 and "Did you mean" in err


def test_course_yml_unchanged_by_lint(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", base_files())
    before = (root / COURSE).read_bytes()
    invoke("lint", "--repo", str(root), "--fix")
    assert (root / COURSE).read_bytes() == before


def test_changed_since_deleted_course_names_its_former_owners(git_repo: Path,
                                                              tmp_path: Path) -> None:
    path = git_repo / "paths/sales.yml"
    path.write_text(path.read_text().replace(", other-course", ""))
    git(git_repo, "rm", "-q", "-r", "courses/other-course")
    summary = tmp_path / "s.md"
    code, _, _ = invoke("lint", "--repo", str(git_repo), "--changed-since", "main",
                        "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert code == 0
    assert "#### Other course (`other-course`)" in text
    assert "**Status:** deleted (was draft)" in text
    assert "**Owners who must review:** @acme/sales" in text


def test_changed_since_in_a_sub_folder_of_the_checkout(tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    build_tree(mono, {"README.md": "Monorepo.\n", "app/main.py": "print()\n"})
    root = build_tree(mono / "learning", {**base_files(), **other_course("published")})
    git(mono, "init", "-q", "-b", "main")
    git(mono, "add", ".")
    git(mono, "commit", "-q", "-m", "base")
    (mono / "app/main.py").write_text("print(1)\n")
    (root / OTHER_LESSON).write_text(lesson("See https://example.org/x."))
    code, out, _ = invoke("lint", "--repo", str(root), "--changed-since", "HEAD",
                          "--format", "github", env={"GITHUB_WORKSPACE": str(mono)})
    assert code == 0
    assert out.startswith(f"::warning file=learning/{OTHER_LESSON},line=4,col=5,title=LMS313::")


def test_fix_leaves_urls_in_raw_html_alone(tmp_path: Path) -> None:
    text = lesson("<p>See https://example.org/a in raw HTML.</p>\n\n_https://example.org/b_")
    root = build_tree(tmp_path / "r", {**base_files(), LESSON: text})
    code, _, err = invoke("lint", "--repo", str(root), "--fix")
    fixed = (root / LESSON).read_text(encoding="utf-8")
    assert "<p>See https://example.org/a in raw HTML.</p>" in fixed
    assert "_<https://example.org/b>_" in fixed
    assert err.count("wrapped bare URL") == 1


def test_check_runs_leave_the_garbage_collector_as_they_found_it(tmp_path: Path) -> None:
    """validate and lint tune the collector for their run only (many commands run in one
    process here, and in any program that calls them): nothing stays frozen, the thresholds
    come back (--fix, which lints twice, too), and a file given to lint is counted alone."""
    import gc

    root = build_tree(tmp_path / "r", {**base_files(), LESSON: lesson("See https://x.org/a.")})
    before = gc.get_threshold()
    for args in (("validate",), ("lint",), ("lint", str(root / LESSON)), ("lint", "--fix")):
        code, out, err = invoke(*args, "--repo", str(root))
        assert code in (0, 1), (args, out)
        assert gc.get_freeze_count() == 0, args
        assert gc.get_threshold() == before, args
    assert "wrapped bare URL" in err  # the --fix run linted again
    _, out, _ = invoke("lint", "--no-cache", str(root / LESSON), "--repo", str(root))
    assert out.rstrip().endswith("in 1 file"), out
