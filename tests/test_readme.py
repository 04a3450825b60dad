"""The README's quick start is exactly two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def _shell_lines(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, re.S)
    spans = re.findall(r"`([^`\n]+)`", text)
    return [line for block in blocks for line in block.splitlines()] + spans


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md"])
def test_no_bare_python_or_pip_outside_the_venv(name: str) -> None:
    """A stock Debian or Ubuntu has no `python` and refuses `pip install` outside a venv."""
    for line in _shell_lines(name):
        assert not re.search(r"(^|[\s(;&|])python(\s|$)", line), (name, line)
        assert not re.search(r"(^|[\s(;&|])(python3? -m )?pip3? install\s+\S", line), (name, line)


def test_contributing_installs_like_the_readme() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Create a course on your computer", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block and block.group(1).splitlines()[0] == quick_start_commands()[0]
    dev = text.split("## For developers", 1)[1]
    assert quick_start_commands()[1] in dev


def test_makefile_uses_its_own_venv_and_python3() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PYTHON \?= python3$", makefile, re.M)
    assert "-m venv $(VENV)" in makefile and re.search(r"^VENV \?= \.venv$", makefile, re.M)
    # Only the venv-creating rule runs $(PYTHON); everything else runs .venv/bin/python.
    recipes = [line.strip() for line in makefile.splitlines() if line.startswith("\t")]
    assert [r for r in recipes if r.startswith("$(PYTHON)")] == ["$(PYTHON) -m venv $(VENV)"]
    assert ".venv/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_ci_installs_what_the_tests_need() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("chromium", "nodejs", "npm", "python3-venv"):
        assert re.search(rf"need\+=\(.*\b{package}\b", ci), package
    assert "apt-get install" in ci


@pytest.mark.parametrize(("tests", "code", "says"), [
    ({}, 0, "no JavaScript tests in tests/js/"),
    ({"tests/js/a/ok.test.mjs": "import test from 'node:test';\ntest('ok', () => {});\n"}, 0,
     "node --test tests/js/a/ok.test.mjs"),
    ({"tests/js/ok.test.mjs": "import test from 'node:test';\ntest('ok', () => {});\n",
      "tests/js/bad.test.mjs": "import test from 'node:test';\nimport assert from "
                               "'node:assert';\ntest('bad', () => assert.equal(1, 2));\n"}, 2,
     "node --test tests/js/bad.test.mjs tests/js/ok.test.mjs"),
])
def test_make_runs_every_js_test(tmp_path: Path, tests: dict[str, str], code: int,
                                 says: str) -> None:
    """`make test` runs tests/js/**/*.test.mjs with node --test (and passes when there are
    none); the npm install step is taken as done here (-o), the install test runs it."""
    import shutil
    import subprocess

    if shutil.which("node") is None or shutil.which("make") is None:
        pytest.skip("needs node and make: apt-get install -y nodejs make")
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    for rel, text in tests.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    done = subprocess.run(["make", "-s", "js-test", "-o", "node_modules/.lmsctl-installed"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == code, done.stdout + done.stderr
    assert says in done.stdout
