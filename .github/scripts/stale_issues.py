#!/usr/bin/env python3
"""Open or update one GitHub issue per stale course, from ``lmsctl stale --format json``.

Used by .github/workflows/stale.yml; runs anywhere with Python 3.11 and the GitHub CLI (``gh``,
authenticated through GH_TOKEN, repository from GH_REPO or the current checkout):

    lmsctl stale --format json > stale.json
    python .github/scripts/stale_issues.py stale.json [--dry-run]

For every stale course there is exactly one open issue labelled ``stale``, titled
``Review due: <course id>`` and carrying a hidden marker ``<!-- lmsctl-stale: <course id> -->``
(the marker is what finds it again, so renaming the issue is fine). A new issue mentions the
course's owners, so GitHub notifies them; later runs only edit its body when the figures change
(no comment, no new notification). An open ``stale`` issue whose course is no longer stale (it
was reviewed or changed) is closed with a comment. Issues with the label but without a marker
are left alone.

Exit codes: 0 done, 1 a gh call failed (the others were still tried), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

LABEL = "stale"
LABEL_COLOUR = "d4c5f9"
LABEL_DESCRIPTION = "A course is past its review date (opened by the Stale courses workflow)"
MARKER = re.compile(r"<!--\s*lmsctl-stale:\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*-->")
HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIST_LIMIT = 1000
#: The rule of a stale course in lmsctl stale's findings.
STALE_RULE = "LMS803"


class InputError(Exception):
    pass


@dataclass(frozen=True)
class StaleCourse:
    id: str
    title: str
    owners: tuple[str, ...]
    last_change: str | None
    reviewed: str | None
    due: str | None
    days_overdue: int
    path: str = ""


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str

    @property
    def course_id(self) -> str | None:
        found = MARKER.search(self.body or "")
        return found.group(1) if found else None


def title_for(course_id: str) -> str:
    return f"Review due: {course_id}"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _course_path(value: Any, course_id: str) -> str:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_./-]+/course\.yml", value) and (
            ".." not in value.split("/")):
        return value
    return f"courses/{course_id}/course.yml"


def read_stale(text: str) -> list[StaleCourse]:
    """The stale courses of ``lmsctl stale --format json``: its LMS803 findings, whose ``data``
    holds the course's facts; other findings (LMS804, due soon) are skipped."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("diagnostics"), list):
        raise InputError('expected an object with a "diagnostics" list (lmsctl stale --format '
                         'json)')
    out: list[StaleCourse] = []
    for i, finding in enumerate(data["diagnostics"]):
        if not isinstance(finding, dict) or finding.get("rule") != STALE_RULE:
            continue  # due soon (--within), or another finding
        raw = finding.get("data")
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise InputError(f'diagnostics[{i}] has no "data" with an "id"')
        course_id = raw["id"]
        if not SLUG.match(course_id):
            raise InputError(f"diagnostics[{i}]: '{course_id}' is not a course id")
        overdue = raw.get("days_overdue")
        overdue = overdue if isinstance(overdue, int) and not isinstance(overdue, bool) else 0
        owners = tuple(o for o in raw.get("owners") or [] if isinstance(o, str) and HANDLE.match(o))
        out.append(StaleCourse(
            id=course_id, title=_text(raw.get("title")) or course_id, owners=owners,
            last_change=_text(raw.get("last_change")), reviewed=_text(raw.get("reviewed")),
            due=_text(raw.get("due")), days_overdue=overdue,
            path=_course_path(raw.get("path"), course_id),
        ))
    return out


def _md(text: str) -> str:
    """Plain text safe inside Markdown: no HTML, no accidental mentions or links."""
    text = text.replace("\\", "\\\\")
    for ch in "<>[]`*_|#@":
        text = text.replace(ch, "\\" + ch)
    return text


def body_for(course: StaleCourse, site_url: str = "", repo_url: str = "") -> str:
    days = f"{course.days_overdue} day{'' if course.days_overdue == 1 else 's'}"
    owners = " ".join(course.owners) if course.owners else "(no owners listed in course.yml)"
    course_file = course.path or f"courses/{course.id}/course.yml"
    if repo_url:
        course_file = f"[{course_file}]({repo_url.rstrip('/')}/blob/HEAD/{course_file})"
    else:
        course_file = f"`{course_file}`"
    page = f"{site_url.rstrip('/')}/courses/{course.id}/" if site_url else ""
    lines = [
        f"<!-- lmsctl-stale: {course.id} -->",
        f"**{_md(course.title)}** (`{course.id}`) is past its review date.",
        "",
        f"Owners: {owners}",
        "",
        "| | |",
        "|---|---|",
        f"| Last change | {course.last_change or 'unknown'} |",
        f"| Last review | {course.reviewed or 'never'} |",
        f"| Review was due | {course.due or 'unknown'} |",
        f"| Days overdue | {course.days_overdue} |",
        "",
        f"The course has not been changed or reviewed for {days} past its review interval, "
        "so learners see it marked as possibly out of date.",
        "",
        "**Owners, please:**",
        f"1. Read the course{f' ({page})' if page else ''} and fix what is out of date "
        f"in {course_file} and its lessons.",
        f"2. Record the review: `lmsctl review {course.id}` sets `reviewed:` to today.",
        "3. Open a pull request that says `Closes #<number of this issue>`.",
        "",
        "If the course is no longer needed, set `status: archived` in its course.yml instead.",
        "",
        "_This issue is kept up to date by the Stale courses workflow "
        "(.github/workflows/stale.yml); it is closed automatically once the course is fresh._",
    ]
    return "\n".join(lines) + "\n"


class Gh:
    """The few ``gh`` calls this script makes. ``dry_run`` prints writes instead of doing them."""

    def __init__(self, dry_run: bool = False) -> None:
        self.dry_run = dry_run
        self.failures = 0

    def _run(self, args: list[str], write: bool, stdin: str | None = None) -> str | None:
        if write and self.dry_run:
            shown = " ".join(args)
            print(f"dry run: gh {shown}" + (f"\n{stdin}" if stdin else ""))
            return ""
        try:
            done = subprocess.run(["gh", *args], input=stdin, capture_output=True, text=True,
                                  check=False)
        except FileNotFoundError:
            raise InputError("the GitHub CLI (gh) is not installed or not on PATH") from None
        if done.returncode != 0:
            self.failures += 1
            print(f"::error::gh {' '.join(args[:3])} failed: {done.stderr.strip()}",
                  file=sys.stderr)
            return None
        return done.stdout

    def _json(self, args: list[str]) -> Any:
        out = self._run(args, write=False)
        if out is None:
            raise InputError(f"gh {' '.join(args[:2])} failed; see the error above")
        try:
            return json.loads(out or "[]")
        except json.JSONDecodeError as exc:
            raise InputError(f"gh {' '.join(args[:2])} did not return JSON: {exc.msg}") from exc

    def ensure_label(self) -> None:
        labels = self._json(["label", "list", "--search", LABEL, "--json", "name",
                             "--limit", "100"])
        if any(isinstance(x, dict) and x.get("name") == LABEL for x in labels):
            return
        self._run(["label", "create", LABEL, "--color", LABEL_COLOUR,
                   "--description", LABEL_DESCRIPTION], write=True)

    def open_issues(self) -> list[Issue]:
        raw = self._json(["issue", "list", "--label", LABEL, "--state", "open",
                          "--limit", str(LIST_LIMIT), "--json", "number,title,body"])
        return [Issue(int(x["number"]), str(x.get("title") or ""), str(x.get("body") or ""))
                for x in raw if isinstance(x, dict) and isinstance(x.get("number"), int)]

    def _with_body(self, args: list[str], body: str) -> bool:
        if self.dry_run:
            return self._run([*args, "--body-file", "-"], write=True, stdin=body) is not None
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".md",
                                         delete=False) as handle:
            handle.write(body)
        try:
            return self._run([*args, "--body-file", handle.name], write=True) is not None
        finally:
            os.unlink(handle.name)

    def create(self, title: str, body: str) -> bool:
        return self._with_body(["issue", "create", "--title", title, "--label", LABEL], body)

    def edit(self, number: int, title: str, body: str) -> bool:
        return self._with_body(["issue", "edit", str(number), "--title", title], body)

    def close(self, number: int, comment: str) -> bool:
        return self._run(["issue", "close", str(number), "--comment", comment],
                         write=True) is not None


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def site_url_from_config(path: str = "lmsctl.yml") -> str:
    """``site.url`` of lmsctl.yml, read with lmsctl's strict loader when lmsctl is installed."""
    try:
        from pathlib import Path

        from lmsctl.content.loader import load_config
    except ImportError:
        return ""
    config, _ = load_config(Path(path).resolve().parent)
    return config.site_url


def sync(courses: list[StaleCourse], gh: Gh, site_url: str = "", repo_url: str = "") -> dict[
        str, list[str]]:
    """Make the open ``stale`` issues match ``courses``; returns what was done, by kind."""
    done: dict[str, list[str]] = {"opened": [], "updated": [], "unchanged": [], "closed": []}
    gh.ensure_label()
    existing: dict[str, Issue] = {}
    duplicates: list[Issue] = []
    for issue in sorted(gh.open_issues(), key=lambda x: x.number):
        course_id = issue.course_id
        if course_id is None:
            continue  # labelled by a person: not ours
        if course_id in existing:
            duplicates.append(issue)  # made by hand or by a race: keep the oldest
        else:
            existing[course_id] = issue
    stale_ids = {c.id for c in courses}
    for course in courses:
        title, body = title_for(course.id), body_for(course, site_url, repo_url)
        found = existing.get(course.id)
        if found is None:
            if gh.create(title, body):
                done["opened"].append(course.id)
        elif found.title == title and _same(found.body, body):
            done["unchanged"].append(f"{course.id} #{found.number}")
        elif gh.edit(found.number, title, body):
            done["updated"].append(f"{course.id} #{found.number}")
    for course_id, open_issue in sorted(existing.items()):
        if course_id not in stale_ids:
            note = (f"`{course_id}` is no longer past its review date (it was reviewed or "
                    "changed, or it was removed). Closing; thank you!")
            if gh.close(open_issue.number, note):
                done["closed"].append(f"{course_id} #{open_issue.number}")
    for issue in duplicates:
        oldest = existing[issue.course_id or ""]
        if gh.close(issue.number, f"Duplicate of #{oldest.number}."):
            done["closed"].append(f"{issue.course_id} #{issue.number} (duplicate)")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stale_json", help="output of lmsctl stale --format json")
    parser.add_argument("--dry-run", action="store_true", help="print the changes, make none")
    parser.add_argument("--site-url", default=None,
                        help="the learning site, to link the course page (default: site.url "
                        "in lmsctl.yml)")
    parser.add_argument("--repo-url", default=os.environ.get("REPO_URL", ""),
                        help="the repository, to link course.yml (default: $REPO_URL)")
    args = parser.parse_args(argv)
    if args.site_url is None:
        args.site_url = site_url_from_config()
    try:
        with open(args.stale_json, encoding="utf-8") as handle:
            courses = read_stale(handle.read())
    except OSError as exc:
        print(f"error: cannot read {args.stale_json}: {exc.strerror}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"error: {args.stale_json}: {exc}", file=sys.stderr)
        return 2
    gh = Gh(dry_run=args.dry_run)
    try:
        done = sync(courses, gh, args.site_url, args.repo_url)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(courses)} stale course{'' if len(courses) == 1 else 's'}")
    for kind, items in done.items():
        if items:
            print(f"{kind}: {', '.join(items)}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(f"### Stale courses: {len(courses)}\n\n")
            for kind, items in done.items():
                if items:
                    handle.write(f"- {kind}: {', '.join(items)}\n")
    return 1 if gh.failures else 0


if __name__ == "__main__":
    sys.exit(main())
