"""``lmsctl build``: the learning site, or a one-course preview, into --out (site/)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lmsctl.targets.site.pipeline import build_site


def _shown(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def run(root: Path, out: Path | None, strict: bool, course: str | None, drafts: bool,
        fmt: str = "text", use_cache: bool = True) -> int:
    # machine formats keep stdout for the report; the human summary goes to stderr
    result = build_site(root, out, strict=strict, course=course, drafts=drafts, fmt=fmt,
                        use_cache=use_cache)
    say = sys.stdout if fmt == "text" else sys.stderr
    where = _shown(result.out)
    courses = f"{result.courses} course" + ("" if result.courses == 1 else "s")
    what = (f"a preview of {course} ({courses}, {result.pages} pages)" if course
            else f"{courses}, {result.pages} pages")
    print(f"Built {what} into {where}/ in {result.seconds:.1f} s.", file=say)
    print(f"To look at it: `lmsctl serve{' --course ' + course if course else ''}` (live "
          f"preview on 127.0.0.1), or `python3 -m http.server -d {where} 8000` and open "
          "http://127.0.0.1:8000/ (it works under any path of any static web server).",
          file=say)
    return 0
