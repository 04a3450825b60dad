"""Real git repositories for tests: commits with set dates, authors and trailers.

    repo = GitRepo.init(tmp_path / "repo", minimal_files())
    repo.commit("Add sales basics", date="2024-01-10", author=ANN, coauthors=[BOB])
    repo.write({"courses/sales-basics/lessons/01-x.md": "..."})
    repo.commit("Fix a typo", date="2024-03-01", author=("Cat", "cat@example.org"))
    shallow = repo.clone(tmp_path / "shallow", depth=1)
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

Contact = tuple[str, str]

ANN: Contact = ("Ann Author", "ann@example.org")
BOB: Contact = ("Bob Builder", "bob@example.org")
CAT: Contact = ("Cat Coder", "cat@example.org")
BOT: Contact = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    env.update(extra or {})
    return env


def git(root: Path, *args: str, env: Mapping[str, str] | None = None,
        input: bytes | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=root, env=_env(env), input=input,
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.decode()}")
    return proc.stdout.decode("utf-8", "replace")


def when(date: str) -> str:
    """``2024-01-10`` -> noon UTC that day; a full ISO timestamp is kept as it is."""
    return date if "T" in date else f"{date}T12:00:00+00:00"


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def init(cls, root: Path, files: Mapping[str, str | bytes | None] | None = None) -> GitRepo:
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.name", "Test Default")
        git(root, "config", "user.email", "default@example.org")
        git(root, "config", "commit.gpgsign", "false")
        repo = cls(root)
        if files:
            repo.write(files)
        return repo

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write files (text or bytes); ``None`` deletes the file."""
        for rel, content in files.items():
            path = self.root / rel
            if content is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))

    def append(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.write_bytes(path.read_bytes() + text.encode("utf-8"))

    def commit(self, message: str, *, date: str = "2024-01-10", author: Contact = ANN,
               committer: Contact | None = None, committer_date: str | None = None,
               coauthors: Iterable[Contact] = (), trailers: Iterable[tuple[str, str]] = (),
               allow_empty: bool = False) -> str:
        """Stage everything and commit; returns the commit id."""
        git(self.root, "add", "-A")
        lines = [message]
        extra = [f"Co-authored-by: {n} <{e}>" for n, e in coauthors]
        extra += [f"{k}: {v}" for k, v in trailers]
        if extra:
            lines += ["", *extra]
        committer = committer or author
        env = {
            "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": when(date),
            "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": when(committer_date or date),
        }
        args = ["commit", "-q", "--no-verify", "-F", "-"]
        if allow_empty:
            args.append("--allow-empty")
        git(self.root, *args, env=env, input="\n".join(lines).encode("utf-8") + b"\n")
        return git(self.root, "rev-parse", "HEAD").strip()

    def clone(self, dest: Path, depth: int | None = None) -> GitRepo:
        args = ["clone", "-q"]
        if depth is not None:
            args += ["--depth", str(depth)]
        git(self.root.parent, *args, self.root.resolve().as_uri(), str(dest))
        return GitRepo(dest)
