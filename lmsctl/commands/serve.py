"""``lmsctl serve``: preview the site on 127.0.0.1 with live reload."""

from __future__ import annotations

import sys
from pathlib import Path

from lmsctl.targets.site.preview_server import serve


def run(root: Path, course: str | None, port: int, drafts: bool, poll: bool = False) -> int:
    def ready(url: str) -> None:
        what = f"a preview of {course}" if course else "the site"
        print(f"Serving {what} on {url} (rebuilds when you save a file; Ctrl+C stops).",
              flush=True)

    serve(root, course, port, drafts, sys.stdout, ready=ready, poll=poll)
    return 0
