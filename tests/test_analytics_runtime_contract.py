"""The contract between the site's xAPI recorder and analytics: statements built by the real
runtime (lmsctl/runtime/xapi/statements.js, run in Node) for the sample events are stored with
the columns the measures need, and counted for the right course, lesson, question and path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from tests.test_analytics_measures import L1, C, repo_with, versions  # noqa: F401

pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://example.org/learn/"

SCRIPT = """
import { buildStatement } from "%s";
const events = JSON.parse(process.argv[2]);
let n = 0;
for (const [who, event] of events) {
  n += 1;
  const ctx = { id: "00000000-0000-4000-8000-" + String(n).padStart(12, "0"),
                timestamp: "2026-03-0" + (1 + (n %% 5)) + "T10:00:00.000Z", base: "%s",
                actor: { objectType: "Agent", account: { homePage: "%s", name: who } },
                language: "en", paths: ["sales-onboarding"] };
  console.log(JSON.stringify(buildStatement(event, ctx)));
}
"""


def node() -> str:
    found = shutil.which("node")
    if not found:
        message = "Node.js is not installed: apt-get install -y nodejs"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_runtime_statements_are_read_by_analytics(
        repo_with: Callable[..., Path], tmp_path: Path) -> None:  # noqa: F811
    root = repo_with(min_learners=2)
    from lmsctl.content.loader import load_repository

    repo, _ = load_repository(root)
    v = versions(repo)
    q1 = v[(L1, "q1")]
    events: list[tuple[str, dict[str, object]]] = []
    for who, right in (("ann", True), ("bob", False), ("cid", True)):
        events.append((who, {"verb": "experienced", "course": C, "lesson": L1,
                             "durationMs": 61500, "version": "lessonv1"}))
        events.append((who, {"verb": "answered", "course": C, "lesson": L1, "question": "q1",
                             "version": q1, "choices": [{"id": "c1", "text": "a"},
                                                        {"id": "c2", "text": "b"},
                                                        {"id": "c3", "text": "c"}],
                             "correct": ["c1"], "response": ["c1"] if right else ["c3"],
                             "success": right, "attempt": 1}))
        events.append((who, {"verb": "rated", "course": C, "lesson": L1, "version": "lessonv1",
                             "value": 1 if right else -1}))
    events.append(("ann", {"verb": "passed", "course": C,
                           "score": {"raw": 1, "min": 0, "max": 1, "scaled": 1},
                           "passMark": 80}))
    events.append(("ann", {"verb": "completed", "path": "sales-onboarding"}))
    module = tmp_path / "emit.mjs"
    target = (ROOT / "lmsctl/runtime/xapi/statements.js").as_uri()
    module.write_text(SCRIPT % (target, BASE, BASE), encoding="utf-8")
    done = subprocess.run([node(), str(module), json.dumps(events)], capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    file = tmp_path / "runtime.ndjson"
    file.write_text(done.stdout, encoding="utf-8")
    runner = CliRunner()
    pulled = runner.invoke(cli, ["analytics", "pull", "--from", str(file), "--repo", str(root)])
    assert f"{len(events)} statements read, {len(events)} new, 0 malformed" in pulled.output
    report = runner.invoke(cli, ["analytics", "report", "--format", "json", "--repo",
                                 str(root)])
    data = json.loads(report.output)
    course = data["courses"][0]
    assert course["learners"]["value"] == 3
    assert course["pass_rate"]["value"] == pytest.approx(1 / 3, abs=1e-4)
    assert course["median_time_seconds"]["value"] == pytest.approx(61.5, abs=1e-4)
    assert course["lessons"][0]["reached"]["value"] == 1
    assert course["lessons"][0]["reaction"]["value"] == pytest.approx(100 / 3, abs=1e-4)
    (item,) = [q for q in course["questions"] if q["current"]]
    assert item["facility"]["value"] == pytest.approx(2 / 3, abs=1e-4)
    assert item["distractors"]["c3"]["value"] == pytest.approx(1 / 3, abs=1e-4)
    assert item["distractors"]["c2"]["value"] == 0
    (path,) = data["paths"]
    assert path["learners"]["value"] == 3  # every statement is grouped in the path
    assert path["completions"]["value"] == pytest.approx(1 / 3, abs=1e-4)
