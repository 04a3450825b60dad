"""LMS7xx governance and files: owners, what published paths contain, file sizes and names,
unused assets. LMS790/791 (suppressions and settings) are checked by the engine."""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lmsctl.checks.rules.checks import CheckList, Context
from lmsctl.core.diagnostics import Diagnostic, Rule, Severity, diag_from
from lmsctl.core.model import Course
from lmsctl.core.yamlstrict import YamlDoc

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

#: GitHub's rules: a user name is 1-39 letters, digits or single hyphens, not starting or
#: ending with a hyphen; a team is @org/team-slug.
OWNER = re.compile(r"@(?!-)(?!.*--)[A-Za-z0-9-]{1,39}(?<!-)(/[A-Za-z0-9][A-Za-z0-9._-]*)?\Z")
MEDIA_EXTENSIONS = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp", ".tif", ".tiff",
    ".mp4", ".webm", ".mov", ".m4v", ".ogv", ".mkv", ".avi", ".mp3", ".m4a", ".wav", ".ogg",
    ".oga", ".flac", ".aac",
})
#: Conventional upper-case names (README.md and friends) are fine.
CONVENTIONAL_NAMES = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "CONTRIBUTING",
                                "NOTICE", "AUTHORS", "CODEOWNERS"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".webm", ".mov", ".m4v", ".ogv", ".mkv", ".avi"})
_URL_ATTRS = ("src", "href", "poster", "srcset", "data")

for _rule in [
    Rule("LMS701", E, "Owners missing or not in @user or @org/team form",
         "Every course and path names its owners: GitHub users (@jdoe) or teams "
         "(@acme/sales-enablement). They are asked to review every change (CODEOWNERS), so a "
         "name GitHub does not accept (no @, a double or trailing hyphen, spaces) means nobody "
         "is asked. When validate already reports the same value, lint does not repeat it.",
         "owners: [jdoe, \"@acme/\"]", "owners: [\"@jdoe\", \"@acme/sales-enablement\"]",
         "List owners as \"@user\" or \"@org/team\", in quotes (YAML reads @ specially).",
         "lint"),
    Rule("LMS702", W, "Owner listed twice",
         "The same owner appears twice (GitHub names are not case-sensitive).",
         "owners: [\"@jdoe\", \"@JDoe\"]", "owners: [\"@jdoe\"]",
         "Remove the repeated owner.", "lint"),
    Rule("LMS703", E, "Draft or archived course in a published path",
         "A published path lists a course that the published site does not show (draft) or "
         "that learners should no longer take (archived), so the path would be broken or "
         "outdated.",
         "# paths/sales-onboarding.yml\ncourses: [sales-basics, pricing-2025]  # a draft",
         "courses: [sales-basics]",
         "Publish the course first (status: published), mark it {id: x, optional: true} only "
         "once it is published, or leave it out of the path until then.", "lint"),
    Rule("LMS704", W, "File is larger than the size cap",
         "Text and other non-media files over `lint: {max_file_kb: N}` (default 1024 KiB) make "
         "the repository slow to clone and are hard to review.",
         "courses/x/assets/handbook.pdf (8 MB)", "a link to the handbook where it is published",
         "Link to the file where it is published, or shrink it.", "lint"),
    Rule("LMS705", E, "Media file over 10 MB",
         "Images, video and audio over `lint: {max_media_mb: N}` (default 10 MiB) stay in the "
         "Git history forever, even after they are deleted. Files tracked by Git LFS (a "
         "filter=lfs pattern in .gitattributes) are fine.",
         "courses/x/assets/demo.mp4 (180 MB)",
         "[Watch the demo](https://video.example.com/v/123) or Git LFS",
         "Put the video on a video host and link to it, compress the image, or track the file "
         "with Git LFS (git lfs track \"*.mp4\").", "lint"),
    Rule("LMS706", W, "Asset not used by any lesson",
         "A file in the course's assets/ folder that no lesson links to or shows. Unused "
         "assets are usually leftovers of an edit; they still cost every clone.",
         "courses/x/assets/old-diagram.png (no lesson links to it)",
         "![Funnel](../assets/question-funnel.svg) in a lesson",
         "Delete the file, or link to it from the lesson that needs it.", "lint"),
    Rule("LMS707", W, "File name with spaces or capital letters",
         "File and folder names in courses become parts of URLs and are typed in links: "
         "spaces need escaping and capitals break on case-sensitive servers.",
         "courses/x/assets/Question Funnel.PNG", "courses/x/assets/question-funnel.png",
         "Rename it in lowercase with hyphens (git mv), and update the links to it.", "lint"),
    Rule("LMS708", INFO, "No team among the owners",
         "When every owner is a person, reviews stall as soon as they are on leave or change "
         "jobs. A team (@org/team) keeps the course owned.",
         "owners: [\"@jdoe\"]", "owners: [\"@jdoe\", \"@acme/sales-enablement\"]",
         "Add the team that looks after this subject as an owner.", "lint"),
]:
    RULES.append(_rule)


def _owners(ctx: Context, rel: str, doc: YamlDoc, what: str) -> Iterator[Diagnostic]:
    data = doc.data if isinstance(doc.data, dict) else {}
    owners = data.get("owners")
    if not isinstance(owners, list) or not owners:
        line, col = doc.key_pos(("owners",)) if "owners" in data else doc.pos(())
        if (rel, line, col) not in ctx.validated and not any(
                p == rel and ln == line for p, ln, _ in ctx.validated):
            yield diag("LMS701", rel, line, col, f"{what} has no owners")
        return
    seen: dict[str, int] = {}
    people = teams = 0
    for i, owner in enumerate(owners):
        line, col = doc.pos(("owners", i))
        if not isinstance(owner, str) or not OWNER.match(owner.strip()):
            if (rel, line, col) not in ctx.validated:
                yield diag("LMS701", rel, line, col,
                           f"owner '{owner}' is not a GitHub @user or @org/team")
            continue
        key = owner.strip().lower()
        if "/" in key:
            teams += 1
        else:
            people += 1
        if key in seen:
            yield diag("LMS702", rel, line, col,
                       f"owner '{owner}' is already listed as owner {seen[key] + 1}")
        else:
            seen[key] = i
    if people and not teams:
        line, col = doc.key_pos(("owners",))
        yield diag("LMS708", rel, line, col,
                   f"{what} is owned only by {'a person' if people == 1 else 'people'}, no team")


@CHECKS.course
def course_owners(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    yield from _owners(ctx, course.rel, course.doc, f"course '{course.id}'")


@CHECKS.repo
def path_rules(ctx: Context) -> Iterator[Diagnostic]:
    for path in ctx.repo.paths:
        yield from _owners(ctx, path.rel, path.doc, f"path '{path.id}'")
        if path.status != "published":
            continue
        for member in path.courses:
            course = ctx.repo.course(member.id)
            if course is not None and course.status in ("draft", "archived"):
                yield diag("LMS703", path.rel, member.line, member.column,
                           f"published path '{path.id}' lists course '{course.id}', which is "
                           f"{course.status}")


class _Lfs:
    """Patterns of .gitattributes that send files to Git LFS."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @cached_property
    def patterns(self) -> list[str]:
        try:
            text = (self.root / ".gitattributes").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        out = []
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 2 and not parts[0].startswith("#") and "filter=lfs" in parts[1:]:
                out.append(parts[0])
        return out

    def tracks(self, rel: str) -> bool:
        name = posixpath.basename(rel)
        for pattern in self.patterns:
            pat = pattern.lstrip("/")
            if "/" in pat:
                if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(rel, pat.rstrip("*")
                                                                        + "*"):
                    return True
            elif fnmatch.fnmatchcase(name, pat):
                return True
        return False


def _walk(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(path relative to ``folder``, entry) of every file and folder, hidden ones skipped."""
    stack = [("", folder)]
    while stack:
        prefix, current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            yield rel, entry
            if entry.is_dir(follow_symlinks=False):
                stack.append((rel + "/", Path(entry.path)))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _referenced(ctx: Context, course: Course) -> set[str]:
    """Repository-relative paths of the files the course's lessons and course.yml point to."""
    out: set[str] = set()
    for lesson in course.lessons:
        folder = posixpath.dirname(lesson.rel)
        view = ctx.view(lesson)
        urls = [link.url for link in view.links]
        urls += [link.url for link in lesson.links]
        for tag in view.tags:
            for attr in _URL_ATTRS:
                value = tag.attr(attr)
                if value:
                    urls += [part.split()[0] for part in value.split(",") if part.strip()] \
                        if attr == "srcset" else [value]
        for url in urls:
            parts = urlsplit(url.strip())
            if parts.scheme or parts.netloc or not parts.path:
                continue
            out.add(posixpath.normpath(posixpath.join(folder, unquote(parts.path))))
    for value in _strings(course.doc.data):
        if "assets/" in value and "://" not in value:
            out.add(posixpath.normpath(posixpath.join(course.rel_dir, value)))
    return out


def _bad_name(name: str) -> bool:
    stem = name.split(".", 1)[0]
    if stem in CONVENTIONAL_NAMES:
        return False
    return " " in name or name != name.lower()


@CHECKS.course
def files(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    folder = ctx.repo.root / course.rel_dir
    lfs = ctx.cache.get("lfs")
    if not isinstance(lfs, _Lfs):
        lfs = ctx.cache["lfs"] = _Lfs(ctx.repo.root)
    max_file = ctx.settings.max_file_kb * 1024
    max_media = ctx.settings.max_media_mb * 1024 * 1024
    referenced: set[str] | None = None
    bad_folders: list[str] = []
    for sub, entry in sorted(_walk(folder), key=lambda x: x[0]):
        rel = f"{course.rel_dir}/{sub}"
        is_dir = entry.is_dir(follow_symlinks=False)
        if any(rel.startswith(b + "/") for b in bad_folders):
            continue
        lesson_file = sub.startswith("lessons/") and sub.count("/") == 1 and sub.endswith(".md")
        if not lesson_file and _bad_name(entry.name):
            if is_dir:
                bad_folders.append(rel)
            suggestion = re.sub(r"[\s_]+", "-", entry.name.lower())
            yield diag("LMS707", rel, 1, 1,
                       f"{'folder' if is_dir else 'file'} name '{entry.name}' has "
                       + ("spaces" if " " in entry.name else "capital letters"),
                       f"Rename it to '{suggestion}' (git mv) and update the links to it.")
        if is_dir:
            continue
        try:
            size = entry.stat().st_size
        except OSError:
            continue
        ext = posixpath.splitext(entry.name)[1].lower()
        if ext in MEDIA_EXTENSIONS:
            if size > max_media and not lfs.tracks(rel):
                yield diag("LMS705", rel, 1, 1,
                           f"{'video' if ext in VIDEO_EXTENSIONS else 'media'} file is "
                           f"{size / 1024 / 1024:.1f} MiB, over the "
                           f"{ctx.settings.max_media_mb} MiB limit",
                           "Put videos on a video host and link to them, compress images, or "
                           "track the file with Git LFS (git lfs track \"*" + ext + "\").")
        elif size > max_file and not lfs.tracks(rel):
            yield diag("LMS704", rel, 1, 1,
                       f"file is {size // 1024:,} KiB, over the {ctx.settings.max_file_kb:,} "
                       "KiB limit")
        if sub.startswith("assets/"):
            if referenced is None:
                referenced = _referenced(ctx, course)
            if rel not in referenced:
                yield diag("LMS706", rel, 1, 1,
                           f"asset {sub} is not used by any lesson of course '{course.id}'")


RULES.append(Rule(
    "LMS790", INFO, "Suppression comment suppresses nothing",
    "A `lmsctl-disable...` comment that silenced no finding in this run: the problem was fixed "
    "or the comment is on the wrong line. Stale suppressions would hide the next real problem.",
    "<!-- lmsctl-disable-next-line LMS313 -->\nSee the [guide](https://example.org).",
    "See the [guide](https://example.org).",
    "Remove the comment, or move it to the line just above the finding.", "lint"))
RULES.append(Rule(
    "LMS791", Severity.WARNING, "Suppression or lint setting names no lint rule",
    "A suppression comment or a `lint:` setting in lmsctl.yml names something that is not a "
    "lint rule: a misspelled id, an unknown directive, or a validation rule (LMS1xx, LMS2xx), "
    "which must hold for the site to build and cannot be silenced or downgraded; or a "
    "`lint.overrides` path glob that can never match a file (absolute, `./`, `..`, "
    "backslashes) or matches no file of the repository.",
    "<!-- lmsctl-disable-next-line LMS31 -->\nlint:\n  rules: {LMS207: warning}",
    "<!-- lmsctl-disable-next-line LMS313 -->\nlint:\n  rules: {LMS313: info}",
    "Use the id of a lint rule (`lmsctl rules` lists them) and one of lmsctl-disable, "
    "-enable, -disable-line, -disable-next-line, -disable-file.", "lint"))
