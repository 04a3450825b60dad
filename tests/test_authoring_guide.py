"""The author's guide (CONTRIBUTING.md), editor settings and pre-commit hooks: what they tell
authors must be true of the tool."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lmsctl.authoring.course import course_questions
from lmsctl.checks.validate import validate_repository
from lmsctl.cli import cli
from tests.conftest import MINIMAL_CONFIG, build_tree

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "CONTRIBUTING.md").read_text("utf-8")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(info, content) of every top-level fenced block, indented ones (in lists) included."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^( *)(`{3,})(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3)
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        blocks.append((info, "\n".join(body) + "\n"))
        i += 1
    return blocks


def lint_json(root: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["lint", "--format", "json", "--repo", str(root)])
    diagnostics: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return diagnostics


@pytest.mark.parametrize("heading", [
    "## Request a course", "## Create a course on your computer",
    "## Create a course in the GitHub web editor (no install)", "## Write a good lesson",
    "## Write good quiz questions", "## Preview your course", "## Open a pull request",
    "## What reviewers check", "## Answer feedback and \"outdated\" flags",
    "## How review works", "### Who is asked to review", "### What CI checks",
    "### How to read a finding", "### Protect the main branch (for maintainers)",
    "## For developers",
])
def test_guide_has_the_sections(heading: str) -> None:
    assert f"\n{heading}\n" in GUIDE


def test_guide_says_what_review_needs() -> None:
    for words in ("Require review from Code Owners", "lmsctl codeowners", "site-preview",
                  "path:line:column: severity RULE message", "lmsctl rules LMS501",
                  "/contributing/rules/", "step", "annotations", "lmsctl build --strict",
                  "lmsctl codeowners --check", "lmsctl serve --course", "make test",
                  "One objective per lesson",
                  "Five to ten minutes", "real work"):
        assert words.lower() in GUIDE.lower(), words


def test_web_editor_example_validates_and_lints_clean(tmp_path: Path) -> None:
    blocks = fenced_blocks(GUIDE)
    course = next(c for i, c in blocks if i == "yaml" and c.startswith("# yaml-language"))
    lesson = next(c for i, c in blocks if i == "markdown" and c.startswith("---\ntitle:"))
    video = next(c for i, c in blocks if i == "html" and "<video" in c)
    root = build_tree(tmp_path / "repo", {
        "lmsctl.yml": MINIMAL_CONFIG,
        "courses/your-course-id/course.yml": course,
        "courses/your-course-id/lessons/01-plan-the-call.md": lesson,
        "courses/your-course-id/lessons/02-watch-it.md":
            "---\ntitle: Watch it\n---\nA short video of a good call.\n\n" + video
            + "\n## Transcript\n\nThe rep opens with the goal of the call.\n",
        "courses/your-course-id/assets/walkthrough.mp4": b"\x00\x00\x00\x18ftypmp42",
        "courses/your-course-id/assets/walkthrough.en.vtt": "WEBVTT\n\n00:00.000 --> 00:01.000"
                                                           "\nHello\n",
    })
    _, report = validate_repository(root)
    assert report.sorted() == []
    assert lint_json(root) == []


def test_quiz_example_in_the_guide_is_a_valid_quiz(make_repo: object) -> None:
    blocks = fenced_blocks(GUIDE)
    quiz = next(c for i, c in blocks if i == "yaml" and c.startswith("- question:"))
    data = yaml.safe_load(quiz)
    assert all(len(q["choices"]) >= 3 for q in data)
    assert all(c.get("explanation") for q in data for c in q["choices"])


def test_commands_in_the_guide_exist() -> None:
    commands = set(cli.commands)  # type: ignore[attr-defined]
    # Commands in `code` spans and in code blocks (not prose such as "lmsctl writes ...").
    code = "\n".join(c for _, c in fenced_blocks(GUIDE))
    used = set(re.findall(r"`lmsctl ([a-z][a-z-]+)", GUIDE))
    used |= set(re.findall(r"(?:^|\$ |&& )lmsctl ([a-z][a-z-]+)", code, re.MULTILINE))
    assert {"new-course", "new-lesson", "serve", "validate", "lint", "codeowners", "rules",
            "review", "stale"} <= used
    assert used <= commands, used - commands
    for command, option in re.findall(r"\blmsctl ([a-z-]+)[^`\n]*?(--[a-z-]+)", GUIDE):
        params = {o for p in cli.commands[command].params  # type: ignore[attr-defined]
                  for o in p.opts}
        assert option in params, f"lmsctl {command} has no {option}"


def test_prompts_shown_in_the_guide_are_the_real_ones(tmp_path: Path) -> None:
    session = GUIDE[GUIDE.index("$ lmsctl new-course\n"):]
    session = session[:session.index("```")]
    shown = [line.split(": ")[0].split(" [")[0] for line in session.splitlines()[1:]
             if "): " in line or "]: " in line or line.endswith("]:")]
    root = build_tree(tmp_path / "repo", {"lmsctl.yml": MINIMAL_CONFIG})
    real = [q.prompt for q in course_questions(root)]
    assert [p.split(" (")[0] for p in shown] == [p.split(" (")[0] for p in real]
    for line in shown:
        assert line in real


def test_guide_template_table_lists_the_built_in_templates() -> None:
    from lmsctl.authoring.templates import builtin_templates

    for template in builtin_templates():
        assert f"| `{template.name}` |" in GUIDE


# --- editor support -------------------------------------------------------------------------

def test_vscode_maps_the_schemas() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text("utf-8"))
    schemas: dict[str, list[str]] = settings["yaml.schemas"]
    by_file = {Path(k).name: v for k, v in schemas.items()}
    for key in schemas:
        assert (ROOT / key).is_file(), key
    samples = {
        "course.schema.json": [p.relative_to(ROOT).as_posix()
                               for p in (ROOT / "courses").glob("*/course.yml")],
        "path.schema.json": [p.relative_to(ROOT).as_posix()
                             for p in (ROOT / "paths").glob("*.yml")],
        "lmsctl.schema.json": ["lmsctl.yml"],
    }
    for schema, files in samples.items():
        assert files
        for file in files:
            assert any(fnmatch.fnmatch(file, g) for g in by_file[schema]), (schema, file)
    assert not any(fnmatch.fnmatch("courses/x/lessons/01-a.md", g)
                   for globs in schemas.values() for g in globs)


def test_vscode_recommends_the_yaml_extension() -> None:
    data = json.loads((ROOT / ".vscode" / "extensions.json").read_text("utf-8"))
    assert "redhat.vscode-yaml" in data["recommendations"]


# --- pre-commit -----------------------------------------------------------------------------

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
CONFIG = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))


def test_published_hooks() -> None:
    by_id = {h["id"]: h for h in HOOKS}
    assert {"lmsctl-validate", "lmsctl-lint"} <= set(by_id)
    assert by_id["lmsctl-validate"]["pass_filenames"] is False  # references span the repo
    assert by_id["lmsctl-lint"]["pass_filenames"] is True  # lint takes paths
    for hook in HOOKS:
        assert hook["language"] == "python"
        program, command = shlex.split(hook["entry"])[:2]
        assert program == "lmsctl" and command in cli.commands  # type: ignore[attr-defined]
        files = re.compile(hook["files"])
        assert files.search("courses/sales-basics/course.yml")
        assert not files.search("README.md") and not files.search("lmsctl/cli.py")
    lint_files = re.compile(by_id["lmsctl-lint"]["files"])
    assert lint_files.search("courses/sales-basics/lessons/01-a.md")
    assert lint_files.search("paths/sales-onboarding.yml") and lint_files.search("lmsctl.yml")


def test_this_repository_uses_the_same_hooks() -> None:
    local = {h["id"]: h for repo in CONFIG["repos"] for h in repo["hooks"]}
    for hook in HOOKS:
        mine = local[hook["id"]]
        for key in ("entry", "files", "pass_filenames"):
            assert mine[key] == hook[key], (hook["id"], key)


@pytest.mark.parametrize("hook_id", ["lmsctl-validate", "lmsctl-lint"])
def test_hook_entries_run_as_pre_commit_runs_them(sample_repo: Path, hook_id: str) -> None:
    """pre-commit runs `entry` plus (with pass_filenames) the staged files, from the root."""
    hook = next(h for h in HOOKS if h["id"] == hook_id)
    files = ["courses/sales-basics/course.yml", "courses/sales-basics/lessons/"
             "01-discovery-questions.md", "courses/sales-basics/assets/question-funnel.svg"]
    args = files if hook["pass_filenames"] else []
    argv = [sys.executable, "-m", "lmsctl.cli", *shlex.split(hook["entry"])[1:], *args]
    done = subprocess.run(argv, cwd=sample_repo, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = sample_repo / "courses/sales-basics/course.yml"
    broken.write_text(broken.read_text().replace("title:", "titel:"))
    done = subprocess.run(argv, cwd=sample_repo, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 1
    assert "courses/sales-basics/course.yml" in done.stdout


def test_template_readme_explains_the_filters() -> None:
    text = (ROOT / "courses" / "_templates" / "README.md").read_text("utf-8")
    for words in ("template.yml", "course.yml.j2", "| yaml", "| md", "--list-templates",
                  "lesson.md.j2"):
        assert words in text
    assert textwrap.dedent(text) == text


# --- the guide's examples are real output ---------------------------------------------------

def _guide_session_answers() -> list[str]:
    """The answers typed in the guide's `$ lmsctl new-course` session, one per prompt."""
    session = GUIDE[GUIDE.index("$ lmsctl new-course\n"):]
    session = session[:session.index("```")]
    answers = []
    for line in session.splitlines()[1:]:
        found = re.match(r"^.*?[)\]]:(?: (.*))?$", line)
        if found and not line.startswith(("Skills declared", "Templates:", "  ")):
            answers.append(found.group(1) or "")
    return answers


def _guide_block_after(words: str) -> str:
    rest = GUIDE[GUIDE.index(words):]
    return rest.split("```text\n", 1)[1].split("```", 1)[0]


@pytest.fixture
def guide_course(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The course of the guide's session, made by answering its prompts as it shows them, in
    a copy of this repository (with its CODEOWNERS); returns (root, stdout)."""
    (sample_repo / ".github").mkdir()
    (sample_repo / ".github" / "CODEOWNERS").write_bytes(
        (ROOT / ".github" / "CODEOWNERS").read_bytes())
    shutil.rmtree(sample_repo / "courses" / "customer-calls", ignore_errors=True)
    monkeypatch.chdir(sample_repo)
    answers = _guide_session_answers()
    assert answers[0] == "customer-calls" and len(answers) == 8, answers
    result = CliRunner().invoke(cli, ["new-course"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    return sample_repo, result.stdout


def test_new_course_output_in_the_guide_is_the_real_output(
        guide_course: tuple[Path, str]) -> None:
    _, stdout = guide_course
    shown = _guide_block_after("lmsctl writes the course and prints what to do next:")
    assert shown.strip() and shown in stdout


def test_preview_address_in_the_guide_is_what_serve_prints(
        guide_course: tuple[Path, str]) -> None:
    root, _ = guide_course
    preview = GUIDE[GUIDE.index("## Preview your course"):]
    command = re.search(r"```sh\n(lmsctl serve --course [a-z-]+)\n```", preview)
    address = re.search(r"<(http://127\.0\.0\.1:8000/[^>]*)>", preview)
    assert command and address
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [sys.executable, "-m", "lmsctl.cli", *shlex.split(command.group(1))[1:],
            "--port", str(port)]
    server = subprocess.Popen(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        assert server.stdout is not None
        printed = ""
        for line in server.stdout:
            if line.startswith("Serving"):
                printed = line
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    expected = address.group(1).replace(":8000/", f":{port}/")
    assert f" on {expected} " in printed, printed


def test_finding_example_in_the_guide_is_what_lint_prints(
        guide_course: tuple[Path, str]) -> None:
    root, _ = guide_course
    shown = _guide_block_after("each finding is one line plus a hint:")
    first = shown.splitlines()[0]
    found = re.match(r"^(\S+?):(\d+):(\d+): (\w+) (LMS\d+) ", first)
    assert found, first
    rel, line = found.group(1), int(found.group(2))
    image = re.search(r"\]\((\.\./assets/[^)]+)\)", shown)
    assert image
    lesson = root / rel
    head = ["---", "title: Key ideas", "---"]
    filler = [f"Paragraph {n} of the lesson." if n % 2 else "" for n in range(line - 5)]
    lesson.write_text("\n".join([*head, *filler, "", f"![]({image.group(1)})", ""]),
                      encoding="utf-8")
    assert lesson.read_text("utf-8").splitlines()[line - 1].startswith("![]")
    (lesson.parent / image.group(1)).write_bytes(b"\x89PNG\r\n\x1a\n")
    result = CliRunner().invoke(cli, ["lint", rel])
    assert shown in result.stdout, result.stdout


def test_ci_table_says_which_checks_wait_for_validate() -> None:
    pr = yaml.safe_load((ROOT / ".github" / "workflows" / "pr.yml").read_text("utf-8"))
    steps = pr["jobs"]["content"]["steps"]
    waiting = {str(s["name"]).split(" ")[0].lower() for s in steps
               if ("steps.validate.outcome" in str(s.get("if", ""))
                   or "steps.build.outcome" in str(s.get("if", "")))
               and not str(s.get("uses", "")).startswith("actions/cache/")}  # not a check
    assert waiting == {"build", "upload"}
    assert "only the build and the\npreview wait for `lmsctl validate` to pass" in GUIDE


def test_status_checks_named_in_the_guide_are_job_names() -> None:
    names = {str(job["name"]) for path in (ROOT / ".github" / "workflows").glob("*.yml")
             for job in yaml.safe_load(path.read_text("utf-8"))["jobs"].values()}
    section = GUIDE[GUIDE.index("### Protect the main branch"):GUIDE.index("## File formats")]
    checks = re.findall(r"\*\*([^*]+)\*\* check|and \*\*([^*]+)\*\*,", section)
    named = {a or b for a, b in checks}
    assert len(named) == 2 and named <= names, named - names
