"""The GitHub side: workflows (hardening and content), templates, dependabot, the GitLab example.

The YAML is read with ``yaml.safe_load``; note that PyYAML reads the key ``on:`` as ``True``.
The workflows' shell steps are run locally where they can be (see also
tests/test_workflows_steps.py and tests/test_workflows_stale.py).
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from lmsctl.cli import cli
from lmsctl.content.loader import load_config

ROOT = Path(__file__).resolve().parent.parent
GH = ROOT / ".github"
WORKFLOWS = sorted((GH / "workflows").glob("*.yml"))
WORKFLOW_NAMES = [p.name for p in WORKFLOWS]

#: The only actions the workflows may use, at these commits (issue 6).
PINS = {
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "actions/setup-python": ("0b93645e9fea7318ecaed2b359559ac225c90a2b", "v5.3.0"),
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
    "actions/upload-artifact": ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    # issue 14: lmsctl's build cache
    "actions/cache/restore": ("5a3ec84eff668545956fd18022155c47e93e2684", "v4.2.3"),
    "actions/cache/save": ("5a3ec84eff668545956fd18022155c47e93e2684", "v4.2.3"),
}
#: Expressions whose value an outsider controls (pull request titles, branch names, ...).
UNTRUSTED = re.compile(r"github\.(event|head_ref)\b|inputs\.|\.body\b|\.title\b")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The ``on:`` block (PyYAML's safe loader turns the key ``on`` into True)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "workflow has no on: block"
    return on


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items()
            for step in job.get("steps", [])]


def step_named(workflow: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = [s for _, s in steps(workflow) if str(s.get("name", "")).startswith(prefix)]
    assert len(found) == 1, f"expected one step named {prefix!r}, found {len(found)}"
    return found[0]


def runs(workflow: dict[str, Any]) -> list[str]:
    return [str(s["run"]) for _, s in steps(workflow) if "run" in s]


def lmsctl_calls(script: str) -> list[list[str]]:
    """Each command line of a shell script that starts with ``lmsctl``, split like the shell
    would, without its redirections and ``||``/``&&`` continuations."""
    out = []
    for line in script.splitlines():
        line = line.strip()
        if not line.startswith("lmsctl "):
            continue
        command = re.split(r"\s(?:>|\|\||&&|\||;)\s?", line, maxsplit=1)[0]
        out.append(shlex.split(command)[1:])
    return out


def test_workflows_exist() -> None:
    assert {"pr.yml", "publish.yml", "stale.yml"} <= set(WORKFLOW_NAMES)


# ------------------------------------------------------------------------------ hardening


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_top_level_permissions_read_only(path: Path) -> None:
    assert load(path)["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_no_pull_request_target(path: Path) -> None:
    assert "pull_request_target" not in triggers(load(path))
    code = [x for x in path.read_text(encoding="utf-8").splitlines()
            if not x.lstrip().startswith("#")]
    assert not any("pull_request_target" in x for x in code)
    assert "workflow_run" not in triggers(load(path))  # the other way to get a write token


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_every_action_pinned_to_a_known_sha_with_version_comment(path: Path) -> None:
    workflow = load(path)
    used = [str(s["uses"]) for _, s in steps(workflow) if "uses" in s]
    used += [str(j["uses"]) for j in workflow["jobs"].values() if "uses" in j]
    assert used, "no actions used?"
    for ref in used:
        name, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{ref} is not pinned to a full commit SHA"
        assert name in PINS, f"{name} is not one of the reviewed actions"
        assert sha == PINS[name][0], f"{name} pinned to {sha}, expected {PINS[name][0]}"
    lines = [x for x in path.read_text(encoding="utf-8").splitlines()
             if re.match(r"\s*(-\s+)?uses:", x)]
    assert len(lines) == len(used)
    for line in lines:
        m = re.fullmatch(r"\s*(?:-\s+)?uses:\s*(\S+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)", line)
        assert m, f"expected 'uses: owner/action@<sha> # vX.Y.Z', got: {line.strip()}"
        assert m.group(3) == PINS[m.group(1)][1], line


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_no_expressions_inside_run(path: Path) -> None:
    """Values reach shell steps through env:, never spliced into the script."""
    workflow = load(path)
    for script in runs(workflow):
        assert "${{" not in script, f"expression inside run: {script!r}"
    # Untrusted values appear nowhere except in env: and if: (and with: of pinned actions).
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            for key in ("run", "name", "shell", "working-directory"):
                value = str(step.get(key, ""))
                for expr in re.findall(r"\$\{\{(.*?)\}\}", value):
                    assert not UNTRUSTED.search(expr), f"{key}: {value}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_checkout_without_credentials_and_with_full_history(path: Path) -> None:
    workflow = load(path)
    checkouts = [s for _, s in steps(workflow)
                 if str(s.get("uses", "")).startswith("actions/checkout@")]
    jobs_with_run = [j for j in workflow["jobs"].values()
                     if any("run" in s for s in j.get("steps", []))]
    assert len(checkouts) == len(jobs_with_run)
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False
        # Dates, authors and the base comparison come from git: fetch everything.
        assert step["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_write_permissions_only_where_needed(path: Path) -> None:
    allowed = {
        ("publish.yml", "deploy"): {"pages": "write", "id-token": "write"},
        ("stale.yml", "issues"): {"contents": "read", "issues": "write"},
        ("insights.yml", "issues"): {"contents": "read", "issues": "write"},
    }
    for job_id, job in load(path)["jobs"].items():
        perms = job.get("permissions")
        expected = allowed.get((path.name, job_id))
        if expected is None:
            assert perms is None or all(v in ("read", "none") for v in perms.values()), job_id
        else:
            assert perms == expected, job_id


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_python_and_pip_cache(path: Path) -> None:
    for _, step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/setup-python@"):
            assert step["with"]["python-version"] == "3.11"
            assert step["with"]["cache"] == "pip"


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_every_job_has_a_timeout(path: Path) -> None:
    for job_id, job in load(path)["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), job_id


@pytest.mark.parametrize("path", WORKFLOWS, ids=WORKFLOW_NAMES)
def test_lmsctl_commands_parse(path: Path) -> None:
    """Every lmsctl command line in a workflow is accepted by the real CLI's option parser."""
    calls = [c for script in runs(load(path)) for c in lmsctl_calls(script)]
    assert calls
    for words in calls:
        words = [w.replace("$BASE_REF", "main") for w in words]
        command = cli.commands[words[0]]  # KeyError: no such command
        command.make_context(words[0], words[1:])  # raises on unknown options or choices


def test_no_extra_marker_files_in_workflows() -> None:
    for path in (GH / "workflows").iterdir():
        assert path.suffix == ".yml", f"{path.name}: use .yml like the others"


# -------------------------------------------------------------------------------- pr.yml


def test_pr_workflow() -> None:
    wf = load(GH / "workflows/pr.yml")
    assert set(triggers(wf)) == {"pull_request"}
    assert wf["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in wf["concurrency"]["group"]
    content = wf["jobs"]["content"]
    scripts = [str(s.get("run", "")) for s in content["steps"]]
    calls = [c for s in scripts for c in lmsctl_calls(s)]
    assert calls == [
        ["validate"],
        ["lint", "--changed-since", "origin/$BASE_REF", "--format", "github"],
        ["codeowners", "--check"],
        ["build", "--strict", "--drafts", "--out", "site-preview"],
    ]
    lint = step_named(wf, "Lint the changed courses")
    assert lint["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    install = step_named(wf, "Install lmsctl")
    assert re.search(r"pip install .*-e \.$", install["run"].strip())
    upload = step_named(wf, "Upload the preview")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"].rstrip("/") == "site-preview"
    assert upload["with"]["if-no-files-found"] == "error"
    # Later checks still run after a failed one, so an author sees every problem at once.
    assert step_named(wf, "CODEOWNERS matches")["if"] == "${{ !cancelled() }}"
    assert "steps.build.outcome == 'success'" in upload["if"]


def _cache_steps(job: dict[str, Any]) -> tuple[int, dict[str, Any], int, dict[str, Any]]:
    """The restore and save steps of lmsctl's cache in ``job``, with their positions."""
    found = {str(s.get("uses", "")).split("@")[0]: (i, s) for i, s in enumerate(job["steps"])}
    (ri, restore), (si, save) = found["actions/cache/restore"], found["actions/cache/save"]
    assert restore["with"]["path"] == save["with"]["path"] == ".lmsctl/cache"
    return ri, restore, si, save


def _build_index(job: dict[str, Any]) -> int:
    return next(i for i, s in enumerate(job["steps"])
                if [c[0] for c in lmsctl_calls(str(s.get("run", "")))][:1] == ["build"])


def test_caches_from_pull_requests_never_reach_mains_publish_job() -> None:
    """Pull requests save under their own prefix (and GitHub scopes those caches to the pull
    request); the publish job restores main's prefix only, and both save after a build that
    succeeded, with keys unique per run (cache keys cannot be overwritten)."""
    pr = load(GH / "workflows/pr.yml")["jobs"]["content"]
    ri, restore, si, save = _cache_steps(pr)
    assert ri < _build_index(pr) < si
    assert ri < next(i for i, s in enumerate(pr["steps"]) if "lmsctl validate" in
                     str(s.get("run", "")))
    prefix = "lmsctl-pr-${{ github.event.pull_request.number }}-"
    assert save["with"]["key"].startswith(prefix)
    assert "steps.build.outcome == 'success'" in save["if"]
    assert restore["with"]["restore-keys"].strip().splitlines() == [prefix, "lmsctl-main-"]

    publish = load(GH / "workflows/publish.yml")["jobs"]["build"]
    ri, restore, si, save = _cache_steps(publish)
    assert ri < _build_index(publish) < si
    assert "if" not in save  # steps run only when the build succeeded
    for key in (restore["with"]["key"], save["with"]["key"], restore["with"]["restore-keys"]):
        assert key.startswith("lmsctl-main-") and "pull_request" not in key
    assert save["with"]["key"] != restore["with"]["key"]
    assert "github.run_attempt" in save["with"]["key"]


def test_pr_toolchain_job_runs_the_readme_test_command() -> None:
    wf = load(GH / "workflows/pr.yml")
    scripts = [str(s.get("run", "")) for s in wf["jobs"]["toolchain"]["steps"]]
    assert "bash .ci/run" in scripts
    assert (ROOT / ".ci/run").is_file()


# --------------------------------------------------------------------------- publish.yml


def test_publish_workflow() -> None:
    wf = load(GH / "workflows/publish.yml")
    on = triggers(wf)
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [s["id"] for s in deploy["steps"]] == ["deployment"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    uses = [str(s.get("uses", "")).split("@")[0] for s in build["steps"]]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    calls = [c for s in build["steps"] for c in lmsctl_calls(str(s.get("run", "")))]
    assert calls == [["build", "--strict", "--out", "site"]]  # no --drafts when publishing
    upload = step_named(wf, "Upload the site for Pages")
    assert upload["with"]["path"] == "site"
    # The branch published is the one lmsctl.yml names (edit links point at it).
    config, _ = load_config(ROOT)
    assert on["push"]["branches"] == [config.branch]


# ----------------------------------------------------------------------------- stale.yml


def test_stale_workflow() -> None:
    wf = load(GH / "workflows/stale.yml")
    on = triggers(wf)
    assert "workflow_dispatch" in on
    (cron,) = [x["cron"] for x in on["schedule"]]
    minute, hour, dom, month, dow = cron.split()
    assert (dom, month) == ("*", "*") and re.fullmatch(r"[0-6]", dow), "weekly"
    job = wf["jobs"]["issues"]
    assert job["permissions"]["issues"] == "write"
    listing = step_named(wf, "List stale courses")
    assert lmsctl_calls(listing["run"]) == [["stale", "--format", "json"]]
    assert "> stale.json" in listing["run"]
    sync = step_named(wf, "Open or update one issue per stale course")
    assert sync["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert sync["run"].strip() == "python .github/scripts/stale_issues.py stale.json"
    assert (GH / "scripts/stale_issues.py").is_file()


# ------------------------------------------------------------------------------- templates


def issue_form(name: str) -> dict[str, Any]:
    form = load(GH / "ISSUE_TEMPLATE" / name)
    ids = [el["id"] for el in form["body"] if el["type"] != "markdown"]
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
    for el in form["body"]:
        assert el["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if el["type"] != "markdown":
            assert re.fullmatch(r"[A-Za-z0-9_-]+", el["id"])
            assert el["attributes"]["label"]
    return form


def field_ids(form: dict[str, Any]) -> dict[str, bool]:
    """Field id -> required."""
    return {el["id"]: bool(el.get("validations", {}).get("required"))
            for el in form["body"] if el["type"] != "markdown"}


def test_outdated_form_matches_the_sites_prefill() -> None:
    form = issue_form("outdated.yml")
    assert "outdated" in form["labels"]
    ids = field_ids(form)
    assert ids["course"] is True and ids["what"] is True
    assert {"course", "lesson", "page", "what"} <= set(ids)


def test_request_course_form() -> None:
    form = issue_form("request-course.yml")
    ids = field_ids(form)
    assert ids["topic"] and ids["who"] and ids["why"]
    assert "owner" in ids and not ids["owner"]


def test_question_form() -> None:
    ids = field_ids(issue_form("question.yml"))
    assert ids["question"] is True
    assert {"course", "lesson"} <= set(ids)


def test_site_feedback_links_fill_the_forms() -> None:
    """The site's "Flag as outdated" and "Ask a question" links name a form of ours, only its
    field ids, and its labels (GitHub silently ignores parameters that match no field)."""
    feedback = pytest.importorskip("lmsctl.targets.site.feedback")
    from urllib.parse import parse_qsl, urlsplit

    from lmsctl.content.loader import load_repository

    repo, _ = load_repository(ROOT)
    course = repo.courses[0]
    pages = [feedback.lesson_links(repo.config, course, course.lessons[0], "https://x/y/"),
             feedback.course_links(repo.config, course, "https://x/")]
    checked = 0
    for links in pages:
        for key in ("outdated", "question"):
            if key not in links:
                continue
            url = urlsplit(links[key])
            params = dict(parse_qsl(url.query))
            form = issue_form(params.pop("template"))
            params.pop("title")
            assert set(params.pop("labels").split(",")) <= set(form["labels"])
            assert params and set(params) <= set(field_ids(form)), (key, params)
            checked += 1
    assert checked == 3
    for name in (feedback.OUTDATED_TEMPLATE, feedback.QUESTION_TEMPLATE,
                 feedback.REQUEST_TEMPLATE):
        assert (GH / "ISSUE_TEMPLATE" / name).is_file()


def test_issue_config_links_to_the_site() -> None:
    data = load(GH / "ISSUE_TEMPLATE/config.yml")
    assert data["blank_issues_enabled"] is False
    config, _ = load_config(ROOT)
    urls = [link["url"] for link in data["contact_links"]]
    assert config.site_url in urls
    assert f"{config.repo_url}/blob/{config.branch}/CONTRIBUTING.md" in urls


def test_pr_template_checklist_and_ci_notes() -> None:
    text = (GH / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] \*\*(.+?)\*\*", text, flags=re.M)
    for topic in ("Objectives are clear", "Content is accurate and current",
                  "The quiz checks the objectives", "Accessible", "Sources are cited"):
        assert topic in boxes
    for word in ("alt text", "link text", "captions"):
        assert word in text
    # Every lmsctl command the PR workflow runs is explained in the template.
    wf = load(GH / "workflows/pr.yml")
    for script in runs(wf):
        for call in lmsctl_calls(script):
            assert f"`lmsctl {call[0]}" in text, call


def test_dependabot() -> None:
    data = load(GH / "dependabot.yml")
    assert data["version"] == 2
    by = {u["package-ecosystem"]: u for u in data["updates"]}
    assert set(by) == {"pip", "github-actions"}
    for update in by.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "weekly"


# ------------------------------------------------------------------------------- GitLab


def test_gitlab_example() -> None:
    data = load(ROOT / "examples/gitlab-ci.yml")
    lint = data["lint"]
    assert "lmsctl lint --format gitlab > gl-code-quality-report.json" in lint["script"]
    assert lint["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert lint["artifacts"]["when"] == "always"
    assert "lmsctl validate" in data["validate"]["script"]
    pages = data["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert "lmsctl build --strict --out public" in pages["script"]
    assert data["variables"]["GIT_DEPTH"] == "0"
    for job in data.values():
        if isinstance(job, dict):
            for line in job.get("script", []):
                for call in lmsctl_calls(line):
                    cli.commands[call[0]].make_context(call[0], call[1:])


# ---------------------------------------------- schemas of GitHub and GitLab (vendored, offline)


SCHEMA_CHECKS = [
    ("github-workflows.json", [p.relative_to(ROOT).as_posix() for p in WORKFLOWS]),
    ("github-issue-forms.json", [".github/ISSUE_TEMPLATE/request-course.yml",
                                 ".github/ISSUE_TEMPLATE/outdated.yml",
                                 ".github/ISSUE_TEMPLATE/question.yml"]),
    ("github-issue-config.json", [".github/ISSUE_TEMPLATE/config.yml"]),
    ("dependabot.json", [".github/dependabot.yml"]),
    ("gitlab-ci.json", ["examples/gitlab-ci.yml"]),
]


@pytest.mark.parametrize(("schema", "files"), SCHEMA_CHECKS, ids=[s for s, _ in SCHEMA_CHECKS])
def test_files_match_the_published_schemas(schema: str, files: list[str]) -> None:
    """SchemaStore's schemas, as vendored (offline) by the check-jsonschema package."""
    pytest.importorskip("check_jsonschema", reason="pip install check-jsonschema")
    import jsonschema

    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    spec = json.loads(vendor.joinpath(schema).read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(spec)
    validator = validator_cls(spec)
    for rel in files:
        data = yaml.safe_load((ROOT / rel).read_text(encoding="utf-8"))
        if True in data:  # undo PyYAML's on: -> True for the workflow schema
            data["on"] = data.pop(True)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(data)]
        assert not errors, f"{rel}: {errors[:5]}"


def test_zizmor_finds_nothing() -> None:
    """zizmor (static analysis for GitHub Actions), offline, with its most pedantic persona."""
    # Installed with the test extras into the interpreter's own bin folder, which is not on
    # PATH when the tests run as `.venv/bin/python -m pytest`.
    beside = Path(sys.executable).parent / "zizmor"
    exe = str(beside) if beside.is_file() else shutil.which("zizmor")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zizmor is missing: make install-test (pip install -e '.[test]')")
        pytest.skip("pip install zizmor (make install-test)")
    done = subprocess.run([exe, "--offline", "--persona=pedantic", "--no-progress",
                           str(GH / "workflows")], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
