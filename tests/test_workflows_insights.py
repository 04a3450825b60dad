"""The insight workflows: pr.yml's insights job (skipped on forks and without a key; the key
reaches only the base branch's lmsctl) and the weekly insights.yml with
.github/scripts/insight_issues.py against the recorded ``gh`` contract (the fake ``gh`` of
test_workflows_stale: GitHub cannot be reached from the tests), fed by a real
``lmsctl analytics report --format json``."""

# ruff: noqa: F811
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from lmsctl.cli import cli
from tests.test_analytics_insights import pull, statements
from tests.test_analytics_measures import C, repo_with  # noqa: F401
from tests.test_workflows import lmsctl_calls, triggers
from tests.test_workflows_stale import FakeGh, gh  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".github/scripts/insight_issues.py"
WEEKLY = ROOT / ".github/workflows/insights.yml"
PR = ROOT / ".github/workflows/pr.yml"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def step(job: dict[str, Any], prefix: str) -> dict[str, Any]:
    (found,) = [s for s in job["steps"] if str(s.get("name", "")).startswith(prefix)]
    return found


def report_json(root: Path) -> str:
    result = CliRunner().invoke(cli, ["analytics", "report", "--format", "json", "--repo",
                                      str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def run_script(tmp_path: Path, gh: FakeGh, report: str,  # noqa: F811
               *args: str) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "analytics.json"
    file.write_text(report, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(file), "--repo-url",
         "https://github.com/acme/lmsctl", *args],
        capture_output=True, text=True, env=gh.env(), cwd=tmp_path, check=False, timeout=60)


# ------------------------------------------------------------------------------- workflows


def test_weekly_workflow_shape() -> None:
    wf = load(WEEKLY)
    on = triggers(wf)
    assert "workflow_dispatch" in on
    (cron,) = [x["cron"] for x in on["schedule"]]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", cron), "weekly"
    job = wf["jobs"]["issues"]
    assert job["if"] == "${{ vars.LMSCTL_LRS_URL != '' }}"
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    pulling = step(job, "Pull statements")
    assert pulling["env"]["LMSCTL_LRS_AUTH"] == "${{ secrets.LMSCTL_LRS_READ_AUTH }}"
    assert lmsctl_calls(pulling["run"]) == [["analytics", "pull", "--lrs", "$LRS_URL"]]
    report = step(job, "Report every course")
    assert lmsctl_calls(report["run"]) == [["analytics", "report", "--format", "json"]]
    sync = step(job, "Open or update one issue")
    assert sync["run"].strip() == "python .github/scripts/insight_issues.py analytics.json"
    # the secret is given to the one step that needs it
    assert sum("secrets." in json.dumps(s) for s in job["steps"]) == 1


def test_pr_insights_job_is_skipped_on_forks_and_keeps_the_key_from_pr_code() -> None:
    wf = load(PR)
    job = wf["jobs"]["insights"]
    assert "vars.LMSCTL_LRS_URL != ''" in job["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert job["permissions"] == {"contents": "read"}
    install = step(job, "Trusted lmsctl")
    assert '"origin/$BASE_REF"' in install["run"] and "-e ." not in install["run"]
    assert sum("secrets." in json.dumps(s) for s in job["steps"]) == 1
    check = step(job, "Insights on the changed courses")
    assert lmsctl_calls(check["run"]) == [
        ["analytics", "check", "--changed-since", "origin/$BASE_REF", "--format", "github"]]
    assert "skip" in check["if"]
    # the content job (which runs the pull request's code) gets no secret
    assert "secrets." not in json.dumps(wf["jobs"]["content"])


def test_pull_step_skips_cleanly_without_a_key(tmp_path: Path) -> None:
    pulling = step(load(WEEKLY)["jobs"]["issues"], "Pull statements")
    script = tmp_path / "step.sh"
    script.write_text(pulling["run"], encoding="utf-8")
    output = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "LMSCTL_"))}
    env.update({"GITHUB_OUTPUT": str(output), "LRS_URL": "http://127.0.0.1:9/xAPI/",
                "LMSCTL_LRS_AUTH": ""})
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "insights skipped" in done.stdout
    assert output.read_text(encoding="utf-8").strip() == "skip=true"


# --------------------------------------------------------------------------------- script


def test_opens_an_issue_per_course_that_needs_attention(
        repo_with: Callable[..., Path], tmp_path: Path, gh: FakeGh) -> None:  # noqa: F811
    root = repo_with(min_learners=5)
    pull(root, statements(root))
    report = report_json(root)
    done = run_script(tmp_path, gh, report)
    assert done.returncode == 0, done.stderr
    (created,) = [c for c in gh.writes() if c["args"][:2] == ["issue", "create"]]
    assert created["args"][3] == f"Needs attention: {C}"
    assert created["args"][created["args"].index("--label") + 1] == "insights"
    body = created["body"]
    assert f"<!-- lmsctl-insights: {C} -->" in body and "@jdoe" in body
    assert "**LMS901**" in body and "**LMS905**" in body
    assert f"blob/HEAD/courses/{C}/lessons/01-discovery-questions.md#L" in body
    assert "l00" not in body and "account" not in body  # no learner


def test_updates_then_closes_when_the_course_recovers(tmp_path: Path,
                                                       gh: FakeGh) -> None:  # noqa: F811
    finding = {"rule": "LMS905", "severity": "warning", "path": "courses/a/lessons/01-x.md",
               "line": 2, "message": "lesson x: 40% stop"}
    course = {"id": "a", "title": "A", "owners": ["@amy"], "findings": [finding],
              "learners": {"value": 40, "learners": 40}}
    gh.issues = [{"number": 7, "title": "Needs attention: a",
                  "body": "<!-- lmsctl-insights: a -->\nold"},
                 {"number": 9, "title": "Needs attention: b",
                  "body": "<!-- lmsctl-insights: b -->\nold"},
                 {"number": 11, "title": "Someone else's", "body": "no marker"}]
    done = run_script(tmp_path, gh, json.dumps({"courses": [course, {"id": "b",
                                                                      "findings": []}]}))
    assert done.returncode == 0, done.stderr
    writes = [c["args"][:3] for c in gh.writes()]
    assert ["issue", "edit", "7"] in writes  # updated, not duplicated
    assert ["issue", "close", "9"] in writes  # b recovered
    assert not any(w[:2] == ["issue", "create"] for w in writes)
    assert not any("11" in w for w in writes)


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not JSON"), ('{"x": 1}', 'expected an object with a "courses" list'),
    ('{"courses": [{"id": "Bad Id"}]}', "is not a course id")])
def test_bad_input_exits_2(tmp_path: Path, gh: FakeGh, text: str,  # noqa: F811
                           message: str) -> None:
    done = run_script(tmp_path, gh, text)
    assert done.returncode == 2 and message in done.stderr
    assert gh.writes() == []
