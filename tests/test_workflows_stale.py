"""The stale-courses workflow, run locally: its shell step with the real ``lmsctl stale`` on a
real git repository, and .github/scripts/stale_issues.py against a fake ``gh``.

GitHub cannot be reached from the tests, so ``gh`` is a small fake on PATH that records its
arguments (and the body files it is given) and answers ``gh issue list`` / ``gh label list``
with canned JSON in the shape the real CLI prints for ``--json number,title,body`` and
``--json name``. These tests therefore check our script against that recorded CLI contract, not
against GitHub itself.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".github/scripts/stale_issues.py"
WORKFLOW = ROOT / ".github/workflows/stale.yml"

FAKE_GH = """\
import json, os, sys
args = sys.argv[1:]
record = {"args": args}
if "--body-file" in args:
    name = args[args.index("--body-file") + 1]
    record["body"] = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\\n")
fail = os.environ.get("FAKE_GH_FAIL")
if fail and " ".join(args).startswith(fail):
    print("HTTP 502: Bad Gateway (https://api.github.com/graphql)", file=sys.stderr)
    sys.exit(1)
if args[:2] == ["issue", "list"]:
    print(os.environ.get("FAKE_GH_ISSUES", "[]"))
elif args[:2] == ["label", "list"]:
    print(os.environ.get("FAKE_GH_LABELS", "[]"))
elif args[:2] == ["issue", "create"]:
    print("https://github.com/acme/lmsctl/issues/101")
"""


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stale_issues", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["stale_issues"] = module
    spec.loader.exec_module(module)
    return module


stale_issues = load_script()


def course(course_id: str = "sales-basics", **extra: Any) -> dict[str, Any]:
    data = {"id": course_id, "title": "Sales basics", "owners": ["@jdoe", "@acme/sales"],
            "last_change": "2024-01-10", "reviewed": None, "due": "2024-07-08",
            "days_overdue": 412}
    data.update(extra)
    return data


def issue(number: int, course_id: str | None, body_extra: str = "",
          title: str | None = None) -> dict[str, Any]:
    marker = f"<!-- lmsctl-stale: {course_id} -->\n" if course_id else ""
    return {"number": number, "title": title or f"Review due: {course_id}",
            "body": marker + "old text" + body_extra}


class FakeGh:
    def __init__(self, tmp: Path) -> None:
        self.bin = tmp / "bin"
        self.bin.mkdir()
        exe = self.bin / "gh"
        exe.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
        exe.chmod(0o755)
        self.log = tmp / "gh.log"
        self.issues: list[dict[str, Any]] = []
        self.labels: list[dict[str, str]] = [{"name": "stale"}]
        self.fail = ""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        env.update({
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "FAKE_GH_LOG": str(self.log),
            "FAKE_GH_ISSUES": json.dumps(self.issues),
            "FAKE_GH_LABELS": json.dumps(self.labels),
            "FAKE_GH_FAIL": self.fail,
        })
        return env

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(x) for x in self.log.read_text(encoding="utf-8").splitlines()]

    def writes(self) -> list[dict[str, Any]]:
        return [c for c in self.calls() if c["args"][1] not in ("list",)]


@pytest.fixture
def gh(tmp_path: Path) -> FakeGh:
    return FakeGh(tmp_path)


def findings(courses: list[dict[str, Any]]) -> str:
    """What ``lmsctl stale --format json`` prints for these courses: a finding each."""
    return json.dumps({"diagnostics": [
        {"rule": "LMS803" if c.get("stale", c.get("days_overdue", 0) > 0) else "LMS804",
         "severity": "warning",
         "path": c.get("path", "x"), "line": 1, "column": 1, "message": "m", "hint": "h",
         "data": c} for c in courses]})


def run_script(tmp_path: Path, gh: FakeGh, courses: list[dict[str, Any]] | str,
               *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    stale = tmp_path / "stale.json"
    stale.write_text(courses if isinstance(courses, str) else findings(courses),
                     encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(stale), "--site-url", "https://learn.example/",
         "--repo-url", "https://github.com/acme/lmsctl", *args],
        capture_output=True, text=True, env={**gh.env(), **(env or {})}, cwd=tmp_path,
        check=False, timeout=60,
    )


# ------------------------------------------------------------------- the script and fake gh


def test_opens_one_issue_per_stale_course(tmp_path: Path, gh: FakeGh) -> None:
    done = run_script(tmp_path, gh, [course(), course("pricing", title="Pricing", owners=[],
                                                      reviewed="2023-05-01", days_overdue=1)])
    assert done.returncode == 0, done.stderr
    listing = [c["args"] for c in gh.calls() if c["args"][:2] == ["issue", "list"]]
    assert listing == [["issue", "list", "--label", "stale", "--state", "open", "--limit",
                        "1000", "--json", "number,title,body"]]
    created = [c for c in gh.writes() if c["args"][:2] == ["issue", "create"]]
    assert [c["args"][:6] for c in created] == [
        ["issue", "create", "--title", "Review due: sales-basics", "--label", "stale"],
        ["issue", "create", "--title", "Review due: pricing", "--label", "stale"],
    ]
    body = created[0]["body"]
    assert body.startswith("<!-- lmsctl-stale: sales-basics -->\n")
    assert "Owners: @jdoe @acme/sales" in body
    assert "| Last change | 2024-01-10 |" in body
    assert "| Last review | never |" in body
    assert "| Days overdue | 412 |" in body
    assert "lmsctl review sales-basics" in body
    assert "https://learn.example/courses/sales-basics/" in body
    assert "https://github.com/acme/lmsctl/blob/HEAD/courses/sales-basics/course.yml" in body
    other = created[1]["body"]
    assert "| Last review | 2023-05-01 |" in other
    assert "(no owners listed in course.yml)" in other
    assert "1 day past" in other
    assert "opened: sales-basics, pricing" in done.stdout


def test_updates_instead_of_duplicating(tmp_path: Path, gh: FakeGh) -> None:
    gh.issues = [issue(7, "sales-basics")]
    done = run_script(tmp_path, gh, [course()])
    assert done.returncode == 0, done.stderr
    writes = gh.writes()
    assert [w["args"][:5] for w in writes] == [
        ["issue", "edit", "7", "--title", "Review due: sales-basics"]]
    assert "| Days overdue | 412 |" in writes[0]["body"]
    assert "updated: sales-basics #7" in done.stdout


def test_found_by_marker_even_when_renamed(tmp_path: Path, gh: FakeGh) -> None:
    gh.issues = [issue(8, "sales-basics", title="Please look at sales basics")]
    run_script(tmp_path, gh, [course()])
    assert [w["args"][:3] for w in gh.writes()] == [["issue", "edit", "8"]]


def test_unchanged_issue_is_not_touched(tmp_path: Path, gh: FakeGh) -> None:
    body = stale_issues.body_for(stale_issues.read_stale(findings([course()]))[0],
                                 "https://learn.example/", "https://github.com/acme/lmsctl")
    gh.issues = [{"number": 9, "title": "Review due: sales-basics",
                  "body": body.replace("\n", "\r\n")}]  # GitHub may hand back CRLF
    done = run_script(tmp_path, gh, [course()])
    assert done.returncode == 0
    assert gh.writes() == []
    assert "unchanged: sales-basics #9" in done.stdout


def test_closes_issues_of_courses_no_longer_stale(tmp_path: Path, gh: FakeGh) -> None:
    gh.issues = [issue(3, "reviewed-course"), issue(4, None, title="Stale docs, by a person")]
    done = run_script(tmp_path, gh, [])
    assert done.returncode == 0
    writes = gh.writes()
    assert [w["args"][:3] for w in writes] == [["issue", "close", "3"]]
    assert "no longer past its review date" in writes[0]["args"][4]
    assert "closed: reviewed-course #3" in done.stdout


def test_duplicates_closed_keeping_the_oldest(tmp_path: Path, gh: FakeGh) -> None:
    gh.issues = [issue(12, "sales-basics"), issue(5, "sales-basics")]
    run_script(tmp_path, gh, [course()])
    writes = [w["args"][:5] for w in gh.writes()]
    assert ["issue", "edit", "5", "--title", "Review due: sales-basics"] in writes
    assert ["issue", "close", "12", "--comment", "Duplicate of #5."] in writes
    assert not any(w[:2] == ["issue", "create"] for w in writes)


def test_label_created_when_missing(tmp_path: Path, gh: FakeGh) -> None:
    gh.labels = [{"name": "stale-ish"}]
    run_script(tmp_path, gh, [])
    assert [w["args"][:3] for w in gh.writes()] == [["label", "create", "stale"]]


def test_not_stale_entries_skipped(tmp_path: Path, gh: FakeGh) -> None:
    run_script(tmp_path, gh, [course(days_overdue=0), course("b", stale=False, days_overdue=3)])
    assert gh.writes() == []


def test_gh_failure_reported_and_others_still_done(tmp_path: Path, gh: FakeGh) -> None:
    gh.fail = "issue create --title Review due: a"
    done = run_script(tmp_path, gh, [course("a"), course("b")])
    assert done.returncode == 1
    assert "::error::gh issue create --title failed: HTTP 502" in done.stderr
    created = [w["args"][3] for w in gh.writes() if w["args"][:2] == ["issue", "create"]]
    assert created == ["Review due: a", "Review due: b"]
    assert "opened: b" in done.stdout


def test_listing_failure_stops_before_writing(tmp_path: Path, gh: FakeGh) -> None:
    gh.fail = "issue list"
    done = run_script(tmp_path, gh, [course()])
    assert done.returncode == 1
    assert gh.writes() == []


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not JSON"),
    ('{"courses": []}', 'expected an object with a "diagnostics" list'),
    ('{"diagnostics": [{"rule": "LMS803", "data": {"title": "x"}}]}',
     'diagnostics[0] has no "data" with an "id"'),
    ('{"diagnostics": [{"rule": "LMS803", "data": {"id": "../etc"}}]}', "is not a course id"),
])
def test_bad_input_exits_2(tmp_path: Path, gh: FakeGh, text: str, message: str) -> None:
    done = run_script(tmp_path, gh, text)
    assert done.returncode == 2
    assert message in done.stderr
    assert gh.calls() == []


def test_dry_run_writes_nothing(tmp_path: Path, gh: FakeGh) -> None:
    gh.issues = [issue(3, "gone")]
    done = run_script(tmp_path, gh, [course()], "--dry-run")
    assert done.returncode == 0
    assert gh.writes() == []
    assert "dry run: gh issue create --title Review due: sales-basics" in done.stdout
    assert "dry run: gh issue close 3" in done.stdout


def test_step_summary(tmp_path: Path, gh: FakeGh) -> None:
    summary = tmp_path / "summary.md"
    run_script(tmp_path, gh, [course()], env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### Stale courses: 1\n")
    assert "- opened: sales-basics" in text


def test_titles_cannot_inject_markup_or_mentions() -> None:
    [c] = stale_issues.read_stale(findings([
        course(title="<img src=x onerror=alert(1)> @everyone [x](http://evil)",
               owners=["@ok", "not a handle", "@x/y z"])]))
    body = stale_issues.body_for(c)
    assert "\\<img" in body and "<img" not in body.replace("\\<img", "")
    assert "\\@everyone" in body
    assert "\\[x\\]" in body
    assert "Owners: @ok\n" in body


def test_site_url_read_from_lmsctl_yml(tmp_path: Path) -> None:
    (tmp_path / "lmsctl.yml").write_text("site:\n  title: T\n  url: https://l.example/\n",
                                         encoding="utf-8")
    assert stale_issues.site_url_from_config(str(tmp_path / "lmsctl.yml")) == (
        "https://l.example/")


# --------------------------------------------- the workflow's steps, with the real lmsctl stale


def workflow_step(prefix: str) -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    for job in data["jobs"].values():
        for step in job["steps"]:
            if str(step.get("name", "")).startswith(prefix):
                return dict(step)
    raise AssertionError(prefix)


def run_step(step: dict[str, Any], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[
        str]:
    """Run a step's script the way GitHub runs ``shell: bash``."""
    script = cwd.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=300)


def git(repo: Path, *args: str, date: str = "2020-01-15T12:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_AUTHOR_NAME": "Jo Doe", "GIT_AUTHOR_EMAIL": "jo@example.org",
           "GIT_COMMITTER_NAME": "Jo Doe", "GIT_COMMITTER_EMAIL": "jo@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def lmsctl_env(extra_path: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(
        [*([str(extra_path)] if extra_path else []), bindir, env.get("PATH", "")])
    return env


def test_stale_steps_end_to_end(make_repo: Callable[..., Path], gh: FakeGh) -> None:
    """lmsctl stale on a repository last changed in 2020, then the issue step with fake gh."""
    pytest.importorskip("lmsctl.commands.stale", reason="lmsctl stale lands with issue 7")
    repo = make_repo()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "First course")
    env = {**lmsctl_env(gh.bin), **{k: v for k, v in gh.env().items() if k.startswith("FAKE")}}
    listed = run_step(workflow_step("List stale courses"), repo, env)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "lmsctl stale exited 1" in listed.stdout  # stale found: tolerated
    data = json.loads((repo / "stale.json").read_text(encoding="utf-8"))
    assert [d["data"]["id"] for d in data["diagnostics"]] == ["sales-basics"]
    # The next step runs the script from the checkout; use this repository's copy.
    (repo / ".github/scripts").mkdir(parents=True)
    (repo / ".github/scripts/stale_issues.py").write_bytes(SCRIPT.read_bytes())
    synced = run_step(workflow_step("Open or update one issue"), repo, env)
    assert synced.returncode == 0, synced.stderr
    [created] = [c for c in gh.writes() if c["args"][:2] == ["issue", "create"]]
    assert created["args"][3] == "Review due: sales-basics"
    assert "@jdoe" in created["body"]
    assert "| Last change | 2020-01-15 |" in created["body"]


def test_stale_step_fails_on_a_real_error(tmp_path: Path) -> None:
    """Exit 1 (stale found) is fine; exit 2 (here: no repository) fails the step."""
    empty = tmp_path / "not-a-repo"
    empty.mkdir()
    done = run_step(workflow_step("List stale courses"), empty, lmsctl_env())
    assert done.returncode == 2, done.stdout + done.stderr
    assert "::error::lmsctl stale failed with exit code 2" in done.stdout
