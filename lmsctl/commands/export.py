"""``lmsctl export``: courses as packages for another LMS (SCORM 1.2, SCORM 2004, xAPI)."""

from __future__ import annotations

import sys
from pathlib import Path

from lmsctl.commands.build import _shown
from lmsctl.core.errors import UsageError
from lmsctl.targets.scorm.export import export_courses, path_courses


def run(root: Path, fmts: list[str], courses: list[str], path: str | None,
        out: Path | None, drafts: bool, report_format: str = "text", strict: bool = False) -> int:
    if courses and path:
        raise UsageError("--course and --path cannot be used together",
                         "Export the courses of a path with --path ID, or name courses with "
                         "--course ID (repeatable).")
    if not courses and not path:
        raise UsageError("nothing to export: pass --course ID (repeatable) or --path ID",
                         "For example: lmsctl export --format scorm12 --course COURSE-ID")
    ids = path_courses(root, path) if path else courses
    result = export_courses(root, ids, fmts, out or root / "dist", drafts=drafts,
                            report_format=report_format, strict=strict)
    # machine formats keep stdout for the report; the human summary goes to stderr
    say = sys.stdout if report_format == "text" else sys.stderr
    for package in result.packages:
        print(f"Exported {package.course} ({package.format}, {package.files} files, "
              f"{package.bytes / 1024:.0f} KiB) to {_shown(package.zip)}", file=say)
    print(f"{len(result.packages)} package(s) in {result.seconds:.1f} s. Import each zip into "
          "the LMS as a SCORM (or xAPI) package; see docs/export.md.", file=say)
    return 0
