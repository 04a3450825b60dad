"""The author's guide (CONTRIBUTING.md), editor settings and pre-commit hooks: what they tell
authors must be true of the tool."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lmsctl.authoring.course import course_questions
from lmsctl.cli import cli
from lmsctl.validate import validate_repository
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
