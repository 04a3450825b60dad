"""Pathological lessons finish: no regular expression may go quadratic on an author's text.

These guard against hangs (a bound of many seconds, far above normal), not against slowness:
speed is measured in benchmarks/.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_LESSON

LESSON = "courses/sales-basics/lessons/01-discovery-questions.md"

CASES = {
    "open-tags": "<a " * 20000,
    "open-quotes": '<a x="' * 20000,
    "open-images": "<img " * 20000,
    "open-comments": "<!--" * 20000,
    "backtick-runs": "".join("`" * k + "x" for k in range(1, 1000)),
    "long-backtick-run": "<a " + "`" * 200000,
    "brackets": "[" * 20000 + "](" * 20000,
    "images": "![" * 20000,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_lesson_finishes(make_repo: Callable[..., Path], name: str) -> None:
    root = make_repo({LESSON: MINIMAL_LESSON + "\n" + CASES[name] + "\n"})
    for command in ("validate", "lint"):
        proc = subprocess.run([sys.executable, "-m", "lmsctl.cli", command, "--repo", str(root)],
                              capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr
