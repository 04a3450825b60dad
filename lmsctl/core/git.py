"""The one way lmsctl runs git (GitPython): a quiet, non-interactive ``git`` in the repository.

Every git call of lmsctl (history for dates and contributors, ``lint --changed-since``, the
check that an id was used before) goes through ``run``. GitPython finds the repository from the
folder (worktrees and ``.git`` files included), and the repository's own git dir, work tree and
index are passed explicitly, so a git hook's ``GIT_DIR``/``GIT_INDEX_FILE`` never make lmsctl
read another repository; git never prompts, pages or colours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: Seconds a git command may take before it is stopped.
DEFAULT_TIMEOUT = 600
_CONFIG = ("-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=never")
_QUIET = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "LC_ALL": "C",
          "GIT_OPTIONAL_LOCKS": "0"}


def _gitpython() -> ModuleType:
    """GitPython, imported when git is first needed (it starts git when imported)."""
    import git

    return git


class GitNotFound(OSError):
    """git is not installed (or not on PATH)."""


def available() -> bool:
    return shutil.which("git") is not None


def _repository_env(root: Path) -> dict[str, str]:
    """The repository holding ``root``, named explicitly; empty when there is none (git then
    says so itself)."""
    try:
        repo = _gitpython().Repo(root, search_parent_directories=True)
    except (_gitpython().InvalidGitRepositoryError, _gitpython().NoSuchPathError):
        return {}
    git_dir = str(repo.git_dir)
    env = {"GIT_DIR": git_dir, "GIT_INDEX_FILE": os.path.join(git_dir, "index")}
    if repo.working_tree_dir is not None:
        env["GIT_WORK_TREE"] = str(repo.working_tree_dir)
    return env


def run(root: Path, args: Sequence[str], timeout: float = DEFAULT_TIMEOUT
        ) -> subprocess.CompletedProcess[bytes]:
    """``git <args>`` in ``root``; never raises for a non-zero exit (check ``returncode``).
    Raises ``GitNotFound`` when git is missing and ``OSError`` when ``root`` is not a folder."""
    if not available():
        raise GitNotFound("git is not installed")
    if not root.is_dir():
        raise FileNotFoundError(f"no folder {root}")
    env = {**_QUIET, **_repository_env(root)}
    if "GIT_DIR" not in env and "GIT_DIR" in os.environ:
        # not a repository, but a hook named one: git must not read the hook's repository
        env.update(GIT_DIR=str(root / ".git"), GIT_WORK_TREE=str(root),
                   GIT_INDEX_FILE=str(root / ".git" / "index"))
    command = ["git", *_CONFIG, *args]
    status, out, err = _gitpython().Git(str(root)).execute(
        command, with_extended_output=True, with_exceptions=False, stdout_as_string=False,
        strip_newline_in_stdout=False, kill_after_timeout=timeout, env=env)
    return subprocess.CompletedProcess(command, int(status or 0), _bytes(out), _bytes(err))


def _bytes(value: str | bytes | None) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


def run_text(root: Path, args: Sequence[str], timeout: float = DEFAULT_TIMEOUT
             ) -> subprocess.CompletedProcess[str]:
    """Like ``run``, with stdout and stderr decoded as UTF-8 (undecodable bytes replaced)."""
    done = run(root, args, timeout)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))
