"""Snapshot tests: the full lint output of a small broken course in each stable format.

Regenerate after a deliberate change with ``LMSCTL_UPDATE_GOLDEN=1 .venv/bin/pytest
tests/test_lint_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lmsctl.checks.lint import lint_repository
from lmsctl.checks.report_formats import FORMATTERS
from tests.test_formats import broken_repo

GOLDEN = Path(__file__).resolve().parent / "golden" / "lint"


@pytest.mark.parametrize(("fmt", "name"), [("text", "broken.txt"), ("json", "broken.json"),
                                           ("github", "broken.github"),
                                           ("gitlab", "broken.gitlab.json")])
def test_golden(fmt: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    _, report = lint_repository(broken_repo(tmp_path / "repo"))
    out = FORMATTERS[fmt](report, False)
    path = GOLDEN / name
    if os.environ.get("LMSCTL_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
