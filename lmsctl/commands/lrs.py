"""``lmsctl lrs``: run Ralph on 127.0.0.1 with lmsctl's file backend (extra ``lmsctl[lrs]``)."""

from __future__ import annotations

from pathlib import Path

from lmsctl.content.loader import find_root, load_config
from lmsctl.core.errors import RepositoryNotFound, UsageError
from lmsctl.lrs import server

#: Where ``lmsctl serve`` previews the site by default.
SERVE_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]


def run(repo: Path | None, data: Path | None, port: int, origins: list[str],
        python: str | None) -> int:
    if repo is not None and not repo.is_dir():
        raise UsageError(f"--repo {repo}: no such folder")
    try:
        root: Path | None = find_root(repo or Path.cwd())
    except RepositoryNotFound:
        if data is None:
            raise
        root = None
    allowed = list(SERVE_ORIGINS)
    if root is not None:
        config, _ = load_config(root)
        if config.site_url:
            allowed.insert(0, config.site_url)
    for origin in origins:
        if server.origin_of(origin) is None:
            raise UsageError(f"--origin {origin}: not a web address",
                             "Give the site's origin, e.g. --origin https://learn.example.com")
        allowed.append(origin)
    server.check_port(port)
    chosen = server.find_python(root, python)
    version = server.probe(chosen, root)
    if data is not None:
        folder = data
    else:
        assert root is not None  # find_root raised otherwise
        folder = root / ".lmsctl" / "lrs"
    launch = server.prepare(folder, port, allowed, chosen, version)
    print(server.usage(launch), flush=True)
    server.start(launch)
    return 0  # not reached: start() replaces this process with Ralph
