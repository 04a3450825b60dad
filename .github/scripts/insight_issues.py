#!/usr/bin/env python3
"""Open or update one GitHub issue per course that needs attention, from
``lmsctl analytics report --format json``.

Used by .github/workflows/insights.yml; runs anywhere with Python 3.11 and the GitHub CLI
(``gh``, authenticated through GH_TOKEN):

    lmsctl analytics report --format json > analytics.json
    python .github/scripts/insight_issues.py analytics.json [--dry-run]

A course needs attention when its insight findings (rules LMS901-LMS906: a question almost
nobody or everybody gets right, negative discrimination, a wrong choice nobody picks, a lesson
where many learners stop or that learners do not find helpful) are not empty. For each such
course there is exactly one open issue labelled ``insights``, titled ``Needs attention: <course
id>``, with a hidden marker ``<!-- lmsctl-insights: <course id> -->``; a new issue mentions the
course's owners. Later runs edit its body when the findings change, and close it with a comment
when the course has recovered. The same gh calls as stale_issues.py (imported from beside this
file). No figure here names a learner: the report never holds an actor.

Exit codes: 0 done, 1 a gh call failed (the others were still tried), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stale_issues import (  # noqa: E402
    HANDLE,
    SLUG,
    Gh,
    InputError,
    _md,
    run_sync,
    sync_marked,
)

LABEL = "insights"
LABEL_COLOUR = "fbca04"
LABEL_DESCRIPTION = "Learners' statistics say a course needs attention (Insights workflow)"
MARKER = re.compile(r"<!--\s*lmsctl-insights:\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*-->")
RULE = re.compile(r"^LMS9\d\d$")
SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    path: str
    line: int
    message: str


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    owners: tuple[str, ...]
    findings: tuple[Finding, ...]
    figures: tuple[tuple[str, str], ...]


def _figure(value: Any, kind: str) -> str:
    if not isinstance(value, dict):
        return "n/a"
    if value.get("withheld"):
        return str(value["withheld"])
    v = value.get("value")
    if not isinstance(v, int | float):
        return "n/a"
    return {"pct": f"{v * 100:.0f}%", "count": f"{v:.0f}", "minutes": f"{v / 60:.1f} min",
            "score": f"{v:+.0f}"}[kind]


def read_report(text: str) -> list[Course]:
    """The courses of the report that have insight findings."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
        raise InputError('expected an object with a "courses" list '
                         "(lmsctl analytics report --format json)")
    out: list[Course] = []
    for i, raw in enumerate(data["courses"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise InputError(f'courses[{i}] has no "id"')
        if not SLUG.match(raw["id"]):
            raise InputError(f"courses[{i}]: '{raw['id']}' is not a course id")
        findings = []
        for f in raw.get("findings") or []:
            if not isinstance(f, dict) or not RULE.match(str(f.get("rule", ""))):
                continue
            path = str(f.get("path", ""))
            findings.append(Finding(
                rule=str(f["rule"]), severity=str(f.get("severity", "warning")),
                path=path if SAFE_PATH.match(path) and ".." not in path.split("/") else "",
                line=f["line"] if isinstance(f.get("line"), int) else 1,
                message=str(f.get("message", ""))))
        if not findings:
            continue
        owners = tuple(o for o in raw.get("owners") or [] if isinstance(o, str)
                       and HANDLE.match(o))
        figures = (("Learners", _figure(raw.get("learners"), "count")),
                   ("Pass rate", _figure(raw.get("pass_rate"), "pct")),
                   ("Median time", _figure(raw.get("median_time_seconds"), "minutes")),
                   ("Reaction score", _figure(raw.get("reaction"), "score")))
        out.append(Course(raw["id"], str(raw.get("title") or raw["id"]), owners,
                          tuple(findings), figures))
    return out


def title_for(course_id: str) -> str:
    return f"Needs attention: {course_id}"


def body_for(course: Course, repo_url: str = "") -> str:
    owners = " ".join(course.owners) if course.owners else "(no owners listed in course.yml)"
    lines = [
        f"<!-- lmsctl-insights: {course.id} -->",
        f"Learners' statistics say **{_md(course.title)}** (`{course.id}`) needs attention.",
        "",
        f"Owners: {owners}",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {_md(value)} |" for name, value in course.figures),
        "",
        "**Findings** (first attempts; figures over too few learners are withheld):",
        "",
    ]
    for f in course.findings:
        where = f"{f.path}:{f.line}" if f.path else "(no file)"
        if repo_url and f.path:
            where = f"[{where}]({repo_url.rstrip('/')}/blob/HEAD/{f.path}#L{f.line})"
        else:
            where = f"`{where}`"
        lines.append(f"- **{f.rule}** ({f.severity}) {where}: {_md(f.message)}")
    lines += [
        "",
        "**Owners, please:** look at each line above (`lmsctl rules <rule>` explains the "
        "rule and how to fix it), change the question or lesson in a pull request, and say "
        "`Refs #<this issue>`. A changed question starts its statistics afresh; this issue "
        "closes by itself once the course no longer needs attention.",
        "",
        "_Kept up to date by the Insights workflow (.github/workflows/insights.yml)._",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report_json", help="output of lmsctl analytics report --format json")
    parser.add_argument("--dry-run", action="store_true", help="print the changes, make none")
    parser.add_argument("--repo-url", default=os.environ.get("REPO_URL", ""),
                        help="the repository, to link the lines (default: $REPO_URL)")
    args = parser.parse_args(argv)
    try:
        with open(args.report_json, encoding="utf-8") as handle:
            courses = read_report(handle.read())
    except OSError as exc:
        print(f"error: cannot read {args.report_json}: {exc.strerror}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"error: {args.report_json}: {exc}", file=sys.stderr)
        return 2
    gh = Gh(dry_run=args.dry_run, label=LABEL, colour=LABEL_COLOUR,
            description=LABEL_DESCRIPTION)
    wanted = {c.id: (title_for(c.id), body_for(c, args.repo_url)) for c in courses}

    def closing(course_id: str) -> str:
        return (f"`{course_id}` no longer needs attention: its insight findings are gone. "
                "Closing; thank you!")

    return run_sync(gh, lambda: sync_marked(wanted, gh, MARKER, closing),
                    f"{len(courses)} course{'' if len(courses) == 1 else 's'} need attention",
                    f"Courses that need attention: {len(courses)}")


if __name__ == "__main__":
    sys.exit(main())
