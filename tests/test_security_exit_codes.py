"""Security (#17), exit codes: user and environment mistakes exit 2 (or 1) with a message and a
hint, never 3; the crash handler never crashes; Ctrl+C is "Aborted!" and 130 at any moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import _crash_log, cli
from tests.conftest import MINIMAL_CONFIG

LMSCTL = [sys.executable, "-m", "lmsctl"]


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LMSCTL, *args], cwd=cwd, env={**os.environ, **(env or {})},
                          stdout=stdout, stderr=subprocess.PIPE, text=True, check=False,
                          timeout=120)


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text, text


def test_stdout_on_a_full_device_exits_2_with_a_message(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*LMSCTL, "validate", "--format", "json", "--repo", str(root)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                              check=False)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write the output" in proc.stderr and "hint:" in proc.stderr
    no_traceback(proc.stderr)


def test_a_deleted_working_folder_exits_2(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    code = ("import os, sys, runpy; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
            "sys.argv = ['lmsctl', 'validate']; runpy.run_module('lmsctl', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code, str(gone)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "current folder no longer exists" in proc.stderr and "hint:" in proc.stderr
    no_traceback(proc.stderr)


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_serve_port_out_of_range_is_a_usage_error(make_repo: Callable[..., Path],
                                                   port: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--repo", str(make_repo()), "--port", port])
    assert result.exit_code == 2 and "--port" in result.output


@pytest.mark.parametrize("epoch", ["99999999999999999999", "1e9", "yesterday"])
def test_bad_source_date_epoch_is_a_usage_error(make_repo: Callable[..., Path], tmp_path: Path,
                                                 epoch: str) -> None:
    result = CliRunner().invoke(cli, ["build", "--repo", str(make_repo()), "--out",
                                      str(tmp_path / "out")], env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 2, result.output
    assert "SOURCE_DATE_EPOCH" in result.output and "hint:" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_out_is_a_usage_error(make_repo: Callable[..., Path],
                                         tmp_path: Path) -> None:  # pragma: no cover - root
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["build", "--repo", str(make_repo()), "--out",
                                          str(locked / "site")])
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2, result.output
    assert "cannot write there" in result.output


def test_out_under_a_read_only_file_system_path_is_a_usage_error(
        make_repo: Callable[..., Path]) -> None:
    """/proc is not writable even for root: the same message, exit 2."""
    result = CliRunner().invoke(cli, ["build", "--repo", str(make_repo()), "--out",
                                      "/proc/lmsctl-site"])
    assert result.exit_code == 2, result.output
    assert "--out /proc/lmsctl-site" in result.output and "hint:" in result.output


def test_crash_handler_survives_a_missing_or_unusable_log_dir(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    monkeypatch.setenv("LMSCTL_LOG_DIR", str(missing))
    log = _crash_log(ValueError("boom"))
    assert log is not None and log.parent == missing and "boom" in log.read_text()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("LMSCTL_LOG_DIR", str(blocker / "sub"))
    log = _crash_log(ValueError("boom"))
    assert log is not None and log.parent != blocker / "sub"  # fell back to the temp folder
    log.unlink()


def test_real_bug_still_exits_3_with_a_log(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    """A real bug (here: a lesson reader that raises) is exit 3 and a log in LMSCTL_LOG_DIR,
    even when that folder does not exist yet."""
    logs = tmp_path / "logs" / "new"
    code = ("import sys, runpy; import lmsctl.content.loader as l; "
            "l.read = lambda *a, **k: 1 / 0; sys.argv = ['lmsctl', 'validate', '--repo', "
            f"{str(make_repo())!r}]; runpy.run_module('lmsctl', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "LMSCTL_LOG_DIR": str(logs)}, timeout=120,
                          check=False)
    assert proc.returncode == 3, proc.stderr
    assert "internal error: ZeroDivisionError" in proc.stderr
    assert len(list(logs.glob("lmsctl-crash-*.log"))) == 1


@pytest.mark.parametrize("value", ["https://learn.example/?a=1", "https://learn.example/#top"])
def test_site_url_with_query_or_fragment_is_refused(make_repo: Callable[..., Path],
                                                    value: str) -> None:
    root = make_repo({"lmsctl.yml": MINIMAL_CONFIG.replace("https://example.org/learn/",
                                                            value)})
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root)])
    assert result.exit_code == 1
    assert "lmsctl.yml:3:8" in result.output and "query" in result.output


@pytest.mark.parametrize("glob, why", [("/courses/**", "can never match"),
                                       ("./courses/**", "can never match"),
                                       ("courses\\sales-basics\\**", "can never match"),
                                       ("courses/no-such-course/**", "matches no file")])
def test_lint_override_globs_that_never_match_are_findings(make_repo: Callable[..., Path],
                                                           glob: str, why: str) -> None:
    config = MINIMAL_CONFIG + ("lint:\n  overrides:\n    - paths: ['" + glob + "']\n"
                               "      rules: {LMS313: off}\n")
    root = make_repo({"lmsctl.yml": config})
    result = CliRunner().invoke(cli, ["lint", "--repo", str(root), "--format", "json"])
    assert "LMS791" in result.output and why in result.output, result.output
    good = make_repo({"lmsctl.yml": config.replace(glob, "courses/sales-basics/**")})
    result = CliRunner().invoke(cli, ["lint", "--repo", str(good), "--format", "json"])
    assert "LMS791" not in result.output


def _interrupt(args: list[str], delay: float) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen([*LMSCTL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_at_any_moment_is_aborted_and_130(sample_repo: Path, tmp_path: Path) -> None:
    """From the moment the interpreter runs lmsctl's code (imports, loading, rendering,
    publishing): "Aborted!", exit 130, no traceback, and no temporary folder left behind.
    (Before that, while Python itself starts, the signal ends the process as it would any
    program: the shell reports 130 too.)"""
    out = tmp_path / "site"
    args = ["build", "--repo", str(sample_repo), "--out", str(out)]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    interpreter = time.perf_counter() - start
    for delay in (interpreter + 0.05, interpreter + 0.15, 0.4, 0.8, 1.5):
        done = _interrupt(args, delay)
        if done.returncode == 0:  # the build finished first: nothing to interrupt any more
            continue
        assert done.returncode == 130, (delay, done.stderr)
        assert done.stderr.strip().endswith("Aborted!"), (delay, done.stderr)
        no_traceback(done.stderr)
        assert not [p for p in tmp_path.iterdir() if p.name.startswith((".site-", ".lmsctl"))]
