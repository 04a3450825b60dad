"""The README's quick start is exactly two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "Quick start has no ```sh block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()
            if line.strip()]


def test_quick_start_has_two_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "site" in commands[0] and "test" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines() if line.strip() and
             not line.strip().startswith("#")]
    assert lines[-1] == quick_start_commands()[1]


def test_makefile_targets_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in quick_start_commands():
        target = command.split()[1]
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_readme_lint_settings_example_is_valid(make_repo) -> None:  # type: ignore[no-untyped-def]
    from lmsctl.checks.validate import validate_repository
    from tests.conftest import MINIMAL_CONFIG

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n# lmsctl.yml\n(.*?)```", text, re.S)
    assert snippet
    root = make_repo({"lmsctl.yml": MINIMAL_CONFIG + snippet.group(1)})
    _, report = validate_repository(root)
    assert report.sorted() == []
