"""The one way lmsctl runs git: a quiet, non-interactive ``git`` in the repository.

Every git call of lmsctl (history for dates and contributors, ``lint --changed-since``, the
check that an id was used before) goes through ``run``. git itself finds the repository from the
folder (worktrees and ``.git`` files included), with the variables a git hook sets for its own
repository (``GIT_DIR``, ``GIT_INDEX_FILE``... git's "local" variables) removed, and the
repository's own git dir, work tree and index are then passed explicitly: a hook's environment
never makes lmsctl read another repository; git never prompts, pages or colours. Plain
``subprocess``: importing GitPython cost about 0.3 s of every build that asks for ``HEAD``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

#: Seconds a git command may take before it is stopped.
DEFAULT_TIMEOUT = 600
_CONFIG = ("-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=never")
_QUIET = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "LC_ALL": "C",
          "GIT_OPTIONAL_LOCKS": "0"}
#: What ``git rev-parse --local-env-vars`` lists: the variables that name one repository (git
#: clears them itself when it works in another one, e.g. a submodule)
LOCAL_ENV = ("GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS",
             "GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE",
             "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
             "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
             "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR")


class GitNotFound(OSError):
    """git is not installed (or not on PATH)."""


def available() -> bool:
    return shutil.which("git") is not None


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in LOCAL_ENV} | _QUIET


def _execute(root: Path, command: list[str], env: dict[str, str], timeout: float
             ) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(command, cwd=root, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:  # stopped: a failed command, as git's own are
        said = f"\nerror: `{' '.join(command)}` in {root} did not finish in {timeout:g} s and " \
               "was stopped; check that the repository is not locked by another git " \
               "(a stale .git/index.lock), or run that command yourself to see why\n"
        return subprocess.CompletedProcess(command, -9, exc.stdout or b"",
                                           (exc.stderr or b"") + said.encode())


def _repository_env(root: Path, clean: dict[str, str], timeout: float) -> dict[str, str]:
    """The repository holding ``root``, named explicitly; empty when there is none (git then
    says so itself)."""
    found = _execute(root, ["git", "rev-parse", "--absolute-git-dir", "--show-toplevel"],
                     clean, timeout)
    lines = found.stdout.decode("utf-8", "surrogateescape").splitlines()
    if not lines:
        return {}
    git_dir = lines[0]
    env = {"GIT_DIR": git_dir, "GIT_INDEX_FILE": os.path.join(git_dir, "index")}
    if found.returncode == 0 and len(lines) > 1:  # else a bare repository: no work tree
        env["GIT_WORK_TREE"] = lines[1]
    return env


def run(root: Path, args: Sequence[str], timeout: float = DEFAULT_TIMEOUT
        ) -> subprocess.CompletedProcess[bytes]:
    """``git <args>`` in ``root``; never raises for a non-zero exit (check ``returncode``).
    Raises ``GitNotFound`` when git is missing and ``OSError`` when ``root`` is not a folder."""
    if not available():
        raise GitNotFound("git is not installed")
    if not root.is_dir():
        raise FileNotFoundError(f"no folder {root}")
    clean = _clean_env()
    env = {**clean, **_repository_env(root, clean, timeout)}
    if "GIT_DIR" not in env and "GIT_DIR" in os.environ:
        # not a repository, but a hook named one: git must not read the hook's repository
        env.update(GIT_DIR=str(root / ".git"), GIT_WORK_TREE=str(root),
                   GIT_INDEX_FILE=str(root / ".git" / "index"))
    return _execute(root, ["git", *_CONFIG, *args], env, timeout)


def run_text(root: Path, args: Sequence[str], timeout: float = DEFAULT_TIMEOUT
             ) -> subprocess.CompletedProcess[str]:
    """Like ``run``, with stdout and stderr decoded as UTF-8 (undecodable bytes replaced)."""
    done = run(root, args, timeout)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))
