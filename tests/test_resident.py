"""``lmsctl resident``: while it runs, the console script hands lint and validate to it. Real
processes: a resident started as a subprocess, the console script run as another, in a real
repository; the findings, exit codes and output are those of a run without the resident."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import build_tree
from tests.test_lint_rules import LESSON, base_files, lesson, other_course

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32",
                                reason="a resident needs Unix sockets and fork")

#: Runs the console script (``lmsctl.__main__``) and writes the modules it imported to argv[1].
DRIVER = """
import atexit, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write("\\n".join(sorted(sys.modules))))
sys.argv = ["lmsctl", *sys.argv[2:]]
from lmsctl.__main__ import main
main()
"""


def _env(run: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    return {**env, "TMPDIR": str(run), **more}


def _sockets(run: Path) -> list[Path]:
    return sorted(run.glob(f"lmsctl-{os.getuid()}/resident-*.sock"))


def _start(run: Path, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-m", "lmsctl", "resident"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _sockets(run):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the resident did not start"
        time.sleep(0.05)
    return proc


@pytest.fixture
def run() -> Iterator[Path]:
    """The folder of the resident's sockets (TMPDIR): a short path, as a Unix socket's must be
    (pytest's folders can be too long)."""
    folder = Path(tempfile.mkdtemp(prefix="lmsctl-t"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def resident(run: Path, tmp_path: Path) -> Iterator[Path]:
    """A running resident (its sockets' folder is ``run``)."""
    proc = _start(run, tmp_path, _env(run))
    try:
        yield run
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0 and not _sockets(run)  # SIGTERM: stopped, socket removed


def lmsctl(run: Path, modules: Path, *args: str, stdout: int | None = subprocess.PIPE,
           cwd: Path | None = None, **env: str) -> tuple[subprocess.CompletedProcess[str], bool]:
    """A console-script run, and whether a resident ran it (the script then imported none
    of the CLI)."""
    done = subprocess.run([sys.executable, "-c", DRIVER, str(modules), *args],
                          stdout=stdout, stderr=subprocess.PIPE, text=True, check=False,
                          env=_env(run, **env), cwd=cwd or run)
    return done, "lmsctl.cli" not in modules.read_text().split()


def test_a_resident_runs_lint_and_validate_as_the_script_would(resident: Path,
                                                                tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", {**base_files(), **other_course("published")})
    modules = tmp_path / "modules.txt"
    for args in (("validate",), ("lint",), ("lint", str(root / LESSON)),
                 ("lint", "--format", "json", str(root / LESSON))):
        here, served = lmsctl(resident, modules, *args, "--repo", str(root),
                              LMSCTL_RESIDENT="0")
        assert not served
        there, served = lmsctl(resident, modules, *args, "--repo", str(root))
        assert served, args
        assert (there.returncode, there.stdout, there.stderr) == \
            (here.returncode, here.stdout, here.stderr), args
    # findings, exit 1, the output into a file: the run writes to the script's own stdout
    (root / LESSON).write_text(lesson(body="# Title\n\nSee [here](nowhere.md).\n"),
                               encoding="utf-8")
    report = tmp_path / "report.txt"
    with report.open("w", encoding="utf-8") as out:
        there, served = lmsctl(resident, modules, "lint", str(root / LESSON), "--repo",
                               str(root), stdout=out.fileno())
    assert served and there.returncode == 1
    assert "LMS214" in report.read_text(encoding="utf-8")
    here, _ = lmsctl(resident, modules, "lint", str(root / LESSON), "--repo", str(root),
                     LMSCTL_RESIDENT="0")
    assert here.returncode == 1 and here.stdout == report.read_text(encoding="utf-8")
    # in the script's folder: a path relative to it, the repository found from it
    there, served = lmsctl(resident, modules, "lint", LESSON, cwd=root)
    assert served and (there.returncode, there.stdout) == (1, here.stdout)
    # a usage error exits 2 as ever
    there, served = lmsctl(resident, modules, "lint", "--format", "nope", "--repo", str(root))
    assert served and there.returncode == 2 and "nope" in there.stderr
    # other commands are never handed over
    there, served = lmsctl(resident, modules, "rules", "LMS214")
    assert not served and there.returncode == 0


def test_a_watching_resident_finds_what_a_fresh_run_without_cache_finds(
        run: Path, tmp_path: Path, sample_repo: Path) -> None:
    """The resident watches the repository of its runs (``lmsctl.core.watch``) and reads its
    facts ahead: after each kind of change (made as an author's tools make them, the files then
    dated back so that the caches and the facts are used), ``lint <file>``, ``lint`` and
    ``validate`` through it print what a fresh ``--no-cache`` run prints."""
    from tests.test_checks_cache import CHANGES, L1, age, age_new, seed
    from tests.test_watch import CHANGES as WATCHED

    root = seed(sample_repo)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "start")):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root,
                       check=True, capture_output=True)
    age(root)
    proc = _start(run, tmp_path, _env(run))
    modules = tmp_path / "modules.txt"
    steps = [("none", lambda r: None), *sorted(CHANGES.items()),
             *((name, WATCHED[name]) for name in ("renamed over", "course deleted",
                                                   "git checkout"))]
    try:
        for name, change in steps:
            with contextlib.suppress(FileNotFoundError):  # e.g. renaming a deleted lesson
                change(root)
            age_new(root)
            for args in (("lint", str(root / L1)), ("lint",), ("validate",)):
                if not (root / L1).exists():
                    continue
                here, served = lmsctl(run, modules, *args, "--no-cache", "--repo", str(root),
                                      LMSCTL_RESIDENT="0")
                assert not served
                for _ in range(2):  # (the second one remembered)
                    there, served = lmsctl(run, modules, *args, "--repo", str(root))
                    assert served, (name, args)
                    assert (there.returncode, there.stdout) == (here.returncode, here.stdout), \
                        (name, args)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"watching {root.resolve()}" in err


def test_a_resident_of_other_lmsctl_files_is_not_used_and_stops(run: Path,
                                                                tmp_path: Path) -> None:
    """A resident serves only the lmsctl files it loaded: once they change, a run is refused
    (the script runs it itself, with the same result) and the resident stops."""
    copy = tmp_path / "code"
    shutil.copytree(Path(__file__).resolve().parent.parent / "lmsctl", copy / "lmsctl",
                    ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    env = _env(run, PYTHONPATH=str(copy))
    proc = _start(run, copy, env)
    root = build_tree(tmp_path / "r", base_files())
    modules = tmp_path / "modules.txt"
    try:
        done, served = lmsctl(run, modules, "lint", "--repo", str(root), PYTHONPATH=str(copy))
        assert served and done.returncode == 0, done.stderr
        with (copy / "lmsctl" / "core" / "errors.py").open("a", encoding="utf-8") as f:
            f.write("\n# changed while the resident ran\n")
        done, served = lmsctl(run, modules, "lint", "--repo", str(root), PYTHONPATH=str(copy))
        assert not served and done.returncode == 0, done.stderr
        assert "All good" in done.stdout
        proc.wait(timeout=30)  # it stopped by itself
        assert not _sockets(run)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_socket_in_a_folder_others_may_enter_is_not_used(resident: Path,
                                                            tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", base_files())
    modules = tmp_path / "modules.txt"
    folder = resident / f"lmsctl-{os.getuid()}"
    folder.chmod(0o755)
    try:
        done, served = lmsctl(resident, modules, "lint", "--repo", str(root))
        assert not served and done.returncode == 0
    finally:
        folder.chmod(0o700)
    done, served = lmsctl(resident, modules, "lint", "--repo", str(root))
    assert served and done.returncode == 0


def test_a_socket_path_too_long_is_a_usage_error(tmp_path: Path) -> None:
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    deep.mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "lmsctl", "resident"], env=_env(deep),
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2 and "too long" in done.stderr and "Traceback" not in done.stderr


def test_a_run_writes_in_the_encoding_of_the_script_not_of_the_resident(
        run: Path, tmp_path: Path) -> None:
    """The resident was started with other stream settings (PYTHONIOENCODING=latin-1) than the
    console script's (UTF-8): a finding with non-ASCII text is written as the script would
    write it, byte for byte."""
    root = build_tree(tmp_path / "r", base_files())
    (root / LESSON).write_text(lesson(body="# Title\n\nSee [ici](nöwhere-ça.md).\n"),
                               encoding="utf-8")
    proc = _start(run, tmp_path, _env(run, PYTHONIOENCODING="latin-1"))
    modules = tmp_path / "modules.txt"
    try:
        outputs = []
        for resident in ("0", "1"):
            done = subprocess.run([sys.executable, "-c", DRIVER, str(modules), "lint",
                                   str(root / LESSON), "--repo", str(root)],
                                  capture_output=True, check=False, cwd=run,
                                  env=_env(run, PYTHONIOENCODING="utf-8",
                                           LMSCTL_RESIDENT=resident))
            served = "lmsctl.cli" not in modules.read_text().split()
            assert served == (resident == "1")
            outputs.append((done.returncode, done.stdout, done.stderr))
        assert outputs[0][0] == 1 and "nöwhere-ça".encode() in outputs[0][1]
        assert outputs[1] == outputs[0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _peer_pid(socket_path: Path) -> int:
    import socket
    import struct

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(socket_path))
        pid, _, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                        struct.calcsize("3i")))
    return int(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_PEERCRED: Linux")
def test_lmsctl_resident_auto_starts_one_for_the_next_runs(run: Path, tmp_path: Path) -> None:
    """``LMSCTL_RESIDENT=auto``: a run with none answering runs itself and starts a resident
    in the background; the next runs are handed to it, with the same output."""
    root = build_tree(tmp_path / "r", base_files())
    modules = tmp_path / "modules.txt"
    first, served = lmsctl(run, modules, "lint", "--repo", str(root), LMSCTL_RESIDENT="auto")
    assert not served and first.returncode == 0
    deadline = time.monotonic() + 60
    while not _sockets(run):
        assert time.monotonic() < deadline, "no resident was started"
        time.sleep(0.05)
    pid = _peer_pid(_sockets(run)[0])
    try:
        again, served = lmsctl(run, modules, "lint", "--repo", str(root), LMSCTL_RESIDENT="auto")
        assert served and (again.returncode, again.stdout) == (0, first.stdout)
    finally:
        os.kill(pid, 15)
    deadline = time.monotonic() + 30
    while _sockets(run):  # it stopped (SIGTERM) and removed its socket
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_resident_started_in_a_repository_watches_it_from_the_start(
        run: Path, tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", base_files())
    proc = _start(run, root, _env(run))
    modules = tmp_path / "modules.txt"
    try:
        done, served = lmsctl(run, modules, "lint", "--repo", str(root))
        assert served and done.returncode == 0
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert err.count(f"watching {root.resolve()}") == 1
    # started elsewhere: it watches a repository from its first run (as above)
    proc = _start(run, tmp_path, _env(run))
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert "watching" not in err
