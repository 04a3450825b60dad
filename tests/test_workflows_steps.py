"""The pull-request workflow's shell steps, run locally as GitHub runs them (``bash -eo pipefail``)
in a real git checkout shaped like the one actions/checkout makes for a pull request: full
history, ``origin/main`` fetched, the contributor's change checked out.

Steps whose commands land with other issues (lint's github format, build) skip until then.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON

ROOT = Path(__file__).resolve().parent.parent
PR = ROOT / ".github/workflows/pr.yml"


def step(prefix: str) -> dict[str, Any]:
    data = yaml.safe_load(PR.read_text(encoding="utf-8"))
    found = [s for job in data["jobs"].values() for s in job["steps"]
             if str(s.get("name", "")).startswith(prefix)]
    assert len(found) == 1, prefix
    return dict(found[0])


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Jo Doe", "GIT_AUTHOR_EMAIL": "jo@example.org",
           "GIT_COMMITTER_NAME": "Jo Doe", "GIT_COMMITTER_EMAIL": "jo@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout


def run_step(name: str, checkout: Path, summary: Path,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run one step's ``run:`` with its ``env:`` (expressions replaced by what GitHub would
    put there for a pull request into main)."""
    s = step(name)
    expressions = {"${{ github.base_ref }}": "main"}
    step_env = {k: expressions.get(str(v), str(v)) for k, v in (s.get("env") or {}).items()}
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    base["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), base.get("PATH", "")])
    full = {**base, "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_STEP_SUMMARY": str(summary),
            "NO_COLOR": "1", **step_env, **(env or {})}
    script = checkout.parent / "step.sh"
    script.write_text(s["run"], encoding="utf-8")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=checkout, env=full, capture_output=True, text=True, check=False,
                          timeout=600)


@pytest.fixture
def checkout(sample_repo: Path, tmp_path: Path) -> Path:
    """The sample repository on main (with its CODEOWNERS) pushed to an 'origin', and a pull
    request branch that edits one course and adds nothing else."""
    shutil.copytree(ROOT / ".github", sample_repo / ".github")
    git(sample_repo, "init", "-q", "-b", "main")
    git(sample_repo, "add", "-A")
    git(sample_repo, "commit", "-q", "-m", "Sample courses")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(sample_repo), str(origin))
    git(sample_repo, "remote", "add", "origin", str(origin))
    git(sample_repo, "fetch", "-q", "origin")
    git(sample_repo, "checkout", "-q", "-b", "improve-sales-basics")
    lesson = next((sample_repo / "courses/sales-basics/lessons").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more paragraph.\n", "utf-8")
    git(sample_repo, "commit", "-q", "-am", "Sales basics: one more paragraph")
    assert git(sample_repo, "rev-parse", "--verify", "origin/main")
    return sample_repo


def test_validate_and_codeowners_steps_pass(checkout: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    for name in ("Validate", "CODEOWNERS matches"):
        done = run_step(name, checkout, summary)
        assert done.returncode == 0, (name, done.stdout, done.stderr)


def test_codeowners_step_fails_for_a_new_course_without_codeowners(checkout: Path,
                                                                   tmp_path: Path) -> None:
    (checkout / "courses/new-course/lessons").mkdir(parents=True)
    (checkout / "courses/new-course/course.yml").write_text(
        MINIMAL_COURSE.replace('"@jdoe"', '"@newbie"').replace("skills: [discovery]",
                                                               "skills: [negotiation]"), "utf-8")
    (checkout / "courses/new-course/lessons/01-a.md").write_text(MINIMAL_LESSON, "utf-8")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "New course")
    done = run_step("CODEOWNERS matches", checkout, tmp_path / "summary.md")
    assert done.returncode == 1
    assert "+/courses/new-course/ @newbie" in done.stdout
    assert "::error file=.github/CODEOWNERS,title=CODEOWNERS is out of date::" in done.stdout
    assert "hint: run lmsctl codeowners" in done.stderr


def run_lint_step(checkout: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    """The lint step, or a skip while lint's github format has not landed (issue 5)."""
    if importlib.util.find_spec("lmsctl.checks.report_formats") is None:
        pytest.skip("lmsctl lint --format github lands with issue 5 (lmsctl.checks.report_formats)")
    done = run_step("Lint the changed courses", checkout, summary)
    if done.returncode == 2 and "not available yet" in done.stderr:
        pytest.skip("lmsctl lint does not offer --format github yet (issue 5)")
    return done


def test_lint_step_annotates_and_summarises_the_changed_course(checkout: Path,
                                                               tmp_path: Path) -> None:
    """The PR breaks one course: annotations for it on stdout, and a step summary naming the
    changed course and its owners (the github format is lint's, issue 5)."""
    course = checkout / "courses/sales-basics/course.yml"
    course.write_text(course.read_text(encoding="utf-8").replace(
        "skills: [", "skills: [no-such-skill, ", 1), encoding="utf-8")
    git(checkout, "commit", "-q", "-am", "Sales basics: a skill that does not exist")
    summary = tmp_path / "summary.md"
    done = run_lint_step(checkout, summary)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=courses/sales-basics/course.yml,line=" in done.stdout
    assert "no-such-skill" in done.stdout
    text = summary.read_text(encoding="utf-8")
    assert "sales-basics" in text
    assert "@jdoe" in text  # the owners who must review


def test_lint_step_passes_for_a_clean_change(checkout: Path, tmp_path: Path) -> None:
    done = run_lint_step(checkout, tmp_path / "summary.md")
    assert "::error" not in done.stdout, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr


def test_build_step_makes_a_preview_with_drafts(checkout: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("lmsctl.commands.build") is None:
        pytest.skip("lmsctl build lands with issue 4")
    course = checkout / "courses/sales-basics/course.yml"
    text = course.read_text(encoding="utf-8")
    text = (text.replace("status: published", "status: draft") if "status:" in text
            else text + "status: draft\n")
    course.write_text(text, encoding="utf-8")
    done = run_step("Build the preview", checkout, tmp_path / "summary.md")
    assert done.returncode == 0, done.stdout + done.stderr
    preview = checkout / "site-preview"
    assert (preview / "index.html").is_file()
    assert (preview / "courses/sales-basics/index.html").is_file()  # the draft is in the preview


def test_preview_summary_step(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("## Lint\n\nearlier content\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    url = "https://github.com/acme/lmsctl/actions/runs/1/artifacts/2"
    done = run_step("Link the preview in the summary", work, summary, {"ARTIFACT_URL": url})
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Lint\n\nearlier content\n### Site preview\n")  # appended
    assert f"[site-preview]({url})" in text
    assert "python3 -m http.server --directory site-preview 8000" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_preview_instructions_work_on_the_downloaded_zip(tmp_path: Path) -> None:
    """Follow the summary's commands on a zip shaped like the one GitHub serves: upload-artifact
    given one folder (``path: site-preview/``) stores its files at the top of the zip."""
    if shutil.which("unzip") is None:
        pytest.skip("needs the unzip command (apt-get install -y unzip)")
    upload = step("Upload the preview")
    assert upload["with"]["path"] == "site-preview/"
    assert "--out site-preview" in step("Build the preview")["run"]
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    with zipfile.ZipFile(downloads / "site-preview.zip", "w") as archive:
        archive.writestr("index.html", "<p>the preview home page</p>")
        archive.writestr("courses/sales-basics/index.html", "<p>a course</p>")
    summary = tmp_path / "summary.md"
    (tmp_path / "work").mkdir()
    done = run_step("Link the preview in the summary", tmp_path / "work", summary,
                    {"ARTIFACT_URL": "https://example.org/a"})
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    unzip, serve = block
    subprocess.run(["bash", "-c", unzip], cwd=downloads, check=True, capture_output=True)
    port = _free_port()
    assert serve.endswith(" 8000") and "<http://127.0.0.1:8000/>" in text
    argv = serve.removesuffix(" 8000").split() + ["--bind", "127.0.0.1", str(port)]
    argv[0] = sys.executable
    server = subprocess.Popen(argv, cwd=downloads, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert "the preview home page" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
