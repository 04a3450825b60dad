"""The validate/lint/rules command line: formats, exit codes, colour, where it runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.checks.registry import all_rules
from lmsctl.cli import cli
from tests.conftest import MINIMAL_COURSE

COURSE = "courses/sales-basics/course.yml"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def broken(make_repo: Callable[..., Path]) -> Path:
    return make_repo({COURSE: MINIMAL_COURSE.replace("title: Sales basics\n", "")
                      + "level: expert\n"})


def test_clean_repo_exits_0(make_repo: Callable[..., Path]) -> None:
    code, out, _ = run("validate", "--repo", str(make_repo()))
    assert code == 0
    assert out.startswith("All good")


def test_text_format(make_repo: Callable[..., Path]) -> None:
    code, out, _ = run("validate", "--repo", str(broken(make_repo)))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{COURSE}:1:1: error LMS102 'title' is required"
    assert lines[1].startswith("    hint: Add `title:`.")
    assert lines[2] == (f"{COURSE}:7:1: error LMS105 duplicate key 'level' "
                        "(first defined on line 3)")
    assert lines[-1] == "2 errors, 0 warnings, 0 infos in 3 files"
    assert "\033[" not in out  # not a terminal: no colour


def test_text_sorted_by_file_and_line(make_repo: Callable[..., Path]) -> None:
    root = make_repo({COURSE: MINIMAL_COURSE + "titel: x\n" + "tags: !!str x\n",
                      "paths/p.yml": 'title: P\nowners: ["@a"]\ncourses: [nope]\n'})
    _, out, _ = run("validate", "--repo", str(root))
    places = [line.split(": ")[0] for line in out.splitlines() if not line.startswith(" ")][:-1]
    keys = [(p.split(":")[0], int(p.split(":")[1]), int(p.split(":")[2])) for p in places]
    assert keys == sorted(keys)
    assert [k[0] for k in keys] == [COURSE, COURSE, "paths/p.yml"]


def test_json_format(make_repo: Callable[..., Path]) -> None:
    code, out, _ = run("validate", "--format", "json", "--repo", str(broken(make_repo)))
    assert code == 1
    payload = json.loads(out)
    assert payload["summary"] == {"errors": 2, "warnings": 0, "infos": 0, "files": 3}
    first = payload["diagnostics"][0]
    assert set(first) == {"rule", "severity", "path", "line", "column", "message", "hint"}
    assert first["path"] == COURSE and first["line"] == 1 and first["column"] == 1
    assert all("\\" not in d["path"] for d in payload["diagnostics"])


def test_runs_from_a_subfolder(make_repo: Callable[..., Path]) -> None:
    root = broken(make_repo)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "lmsctl.cli", "validate"],
                          cwd=root / "courses" / "sales-basics" / "lessons",
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{COURSE}:1:1: error LMS102")


def test_no_repository_is_usage_error(tmp_path: Path) -> None:
    code, _, err = run("validate", "--repo", str(tmp_path))
    assert code == 2
    assert "no course repository" in err and "hint:" in err


def test_missing_repo_folder_is_usage_error(tmp_path: Path) -> None:
    code, _, err = run("validate", "--repo", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err


def test_bad_format_is_usage_error(make_repo: Callable[..., Path]) -> None:
    code, _, err = run("validate", "--format", "xml", "--repo", str(make_repo()))
    assert code == 2 and "xml" in err


def test_colour_only_on_tty_and_no_color_honoured(make_repo: Callable[..., Path]) -> None:
    from lmsctl.checks.formatters import format_text, use_colour
    from lmsctl.checks.validate import validate_repository

    _, report = validate_repository(broken(make_repo))
    assert "\033[31merror" in format_text(report, colour=True)

    class Tty:
        def isatty(self) -> bool:
            return True

    tty = Tty()
    env = os.environ.copy()
    try:
        os.environ.pop("NO_COLOR", None)
        assert use_colour(tty) is True  # type: ignore[arg-type]
        os.environ["NO_COLOR"] = "1"
        assert use_colour(tty) is False  # type: ignore[arg-type]
    finally:
        os.environ.clear()
        os.environ.update(env)


def test_internal_error_exits_3_with_log(make_repo: Callable[..., Path], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import lmsctl.commands.validate as command

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "validate_repository", explode)
    code, _, err = run("validate", "--repo", str(make_repo()),
                       env={"LMSCTL_LOG_DIR": str(tmp_path)})
    assert code == 3
    assert "internal error: RuntimeError: boom" in err
    logs = list(tmp_path.glob("lmsctl-crash-*.log"))
    assert len(logs) == 1 and "RuntimeError: boom" in logs[0].read_text()


def test_lint_runs_validation(make_repo: Callable[..., Path]) -> None:
    code, out, _ = run("lint", "--repo", str(broken(make_repo)))
    assert code == 1 and "LMS102" in out


def test_rules_lists_every_rule() -> None:
    code, out, _ = run("rules")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  LMS")]
    assert listed == [r.id for r in all_rules()]
    assert re.search(r"LMS105\s+error\s+Duplicate key", out)


def test_rules_explains_one() -> None:
    code, out, _ = run("rules", "lms105")
    assert code == 0
    assert out.startswith("LMS105 (error") and "Duplicate key" in out.splitlines()[0]
    assert "Bad:" in out and "Good:" in out and "How to fix:" in out


def test_rules_unknown_is_usage_error() -> None:
    code, _, err = run("rules", "LMS999")
    assert code == 2 and "lmsctl rules" in err


def test_every_rule_is_documented() -> None:
    for rule in all_rules():
        assert rule.summary and rule.fix, rule.id


def test_output_into_a_closed_pipe_is_not_an_error(make_repo: Callable[..., Path]) -> None:
    root = broken(make_repo)
    for i in range(40):  # enough output to fill the pipe
        (root / f"courses/c{i}/course.yml").parent.mkdir(parents=True)
        (root / f"courses/c{i}/course.yml").write_text("title: [\n", encoding="utf-8")
    proc = subprocess.run(
        f"{sys.executable} -m lmsctl.cli validate --format json --repo {root} | head -c 10",
        shell=True, capture_output=True, text=True, check=False)
    assert proc.stdout == '{\n  "diagn'
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
