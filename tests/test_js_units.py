"""The runtime's JavaScript unit tests (tests/js/*.test.mjs) with Node's built-in runner, so
the Python suite runs them too. Without Node the test is skipped, saying how to install it,
and fails under CI=true."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = "Node.js is not installed: apt-get install -y nodejs (then: node --test tests/js/)"


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    return node


def test_node_unit_tests_pass() -> None:
    node = require_node()
    files = sorted((ROOT / "tests" / "js").glob("*.test.mjs"))
    assert files, "no JavaScript unit tests in tests/js/"
    done = subprocess.run([node, "--test", "tests/js/"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout, done.stdout[-2000:]


def test_activity_ids_agree_with_lmsctl_core_ids() -> None:
    """The runtime's activity ids are the ones the analytics and SCORM export compute."""
    from lmsctl.core import ids

    node = require_node()
    base = "https://learn.example.com/sub/"
    script = (
        "import('./lmsctl/runtime/xapi/statements.js').then((m) => console.log(JSON.stringify(["
        f"m.courseIri({base!r}, 'sales-basics'), m.lessonIri({base!r}, 'sales-basics', 'why'),"
        f"m.questionIri({base!r}, 'sales-basics', 'why', 'q2'), m.pathIri({base!r}, 'onboard')"
        "])))")
    done = subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == json.dumps([
        ids.course_iri(base, "sales-basics"), ids.lesson_iri(base, "sales-basics", "why"),
        ids.question_iri(base, "sales-basics", "why", "q2"), ids.path_iri(base, "onboard")],
        separators=(",", ":"))
