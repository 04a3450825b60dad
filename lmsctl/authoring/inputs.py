"""Checks of what an author types or passes as options, each with a clear refusal.

Every check returns the cleaned value or raises ``Refusal`` (exit 2: the value is not allowed)
or ``Conflict`` (exit 1: the value clashes with what the repository holds). Both carry a hint
that says how to fix it and, when there is an obvious fix, a ``suggestion`` that prompts offer
as their default (``"Bad ID!"`` -> ``bad-id``).
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from lmsctl.authoring.quoting import bad_character, describe_character
from lmsctl.core import git
from lmsctl.core.errors import LmsctlError, UsageError
from lmsctl.core.ids import SLUG, slugify
from lmsctl.core.model import Skill
from lmsctl.core.schema import load_schema

LEVELS = ("beginner", "intermediate", "advanced")
#: Ids appear in folder names and URLs; longer ones are refused with a shortened suggestion.
MAX_ID_LENGTH = 64
MAX_TITLE_LENGTH = 120
MAX_SUMMARY_LENGTH = 400
#: The length of a summary that fits a catalog card (lint LMS306/LMS307 warn outside it).
CARD_SUMMARY = (40, 200)
_SPLIT = re.compile(r"[\s,;]+")
_GITHUB_URL = re.compile(r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9-]+)/?\Z")


class Refusal(UsageError):
    """A value that is not allowed. Exit code 2."""

    def __init__(self, message: str, hint: str = "", suggestion: str | None = None) -> None:
        super().__init__(message, hint)
        self.suggestion = suggestion


class Conflict(LmsctlError):
    """A value that clashes with the repository (an id in use). Exit code 1."""

    def __init__(self, message: str, hint: str = "", suggestion: str | None = None) -> None:
        super().__init__(message, hint)
        self.suggestion = suggestion


def _handle_pattern() -> re.Pattern[str]:
    items = load_schema("course")["properties"]["owners"]["items"]
    return re.compile(str(items["pattern"]))


HANDLE = _handle_pattern()


def split_list(values: str | Iterable[str]) -> list[str]:
    """``"a, b c"`` or ``["a,b", "c"]`` -> ``["a", "b", "c"]`` (empty items dropped)."""
    items = [values] if isinstance(values, str) else list(values)
    return [part for item in items for part in _SPLIT.split(item.strip()) if part]


def shown_list(items: Sequence[str], limit: int = 12) -> str:
    if not items:
        return "none"
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _close(word: str, options: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.75)
    return found[0] if found else None


def _shorten_slug(slug: str) -> str:
    if len(slug) <= MAX_ID_LENGTH:
        return slug
    cut = slug[:MAX_ID_LENGTH]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def check_slug(value: str, what: str, example: str) -> str:
    """A lowercase slug (``handling-pricing-objections``); ``what`` names it in messages."""
    text = value.strip()
    if not text:
        raise Refusal(f"the {what} is empty", f"Write lowercase words joined by hyphens, e.g. "
                                                f"{example}.")
    suggestion = _shorten_slug(slugify(text)) or None
    if not SLUG.match(text):
        bad = bad_character(text)
        shown = repr(text) if bad is None else f"{text!r} (it holds {describe_character(bad)})"
        fix = f"use '{suggestion}'" if suggestion else f"e.g. {example}"
        raise Refusal(f"{shown} is not a valid {what}",
                      f"Ids are lowercase letters, digits and single hyphens: {fix}.",
                      suggestion)
    if len(text) > MAX_ID_LENGTH:
        raise Refusal(f"the {what} is {len(text)} characters long; the limit is {MAX_ID_LENGTH}",
                      f"Ids appear in every link to the content; shorten it, e.g. "
                      f"'{suggestion}'.", suggestion)
    return text


def _free_alternative(root: Path, taken: str) -> str:
    for n in range(2, 100):
        candidate = f"{taken}-{n}"
        if not (root / "courses" / candidate).exists() and not _path_file(root, candidate):
            return candidate
    return f"{taken}-new"


def _path_file(root: Path, path_id: str) -> Path | None:
    for suffix in (".yml", ".yaml"):
        candidate = root / "paths" / f"{path_id}{suffix}"
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


def removed_in_history(root: Path, rel: str) -> str | None:
    """The short hash of the commit that deleted ``rel``, when git history has one."""
    try:
        done = git.run_text(root, ["log", "-1", "--format=%h", "--no-renames",
                                   "--diff-filter=D", "--", rel], timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def check_new_id(root: Path, value: str, kind: str) -> str:
    """An id for a new course or path (``kind``): a slug, not used by any course or path, and
    not the id of content deleted earlier (ids key learners' progress and links forever)."""
    example = "handling-pricing-objections" if kind == "course" else "sales-onboarding"
    new_id = check_slug(value, f"{kind} id", example)
    course_dir = root / "courses" / new_id
    path_file = _path_file(root, new_id)
    if course_dir.exists() or course_dir.is_symlink():
        alt = _free_alternative(root, new_id)
        where = f"courses/{new_id}/"
        if kind == "course":
            raise Conflict(f"a course '{new_id}' already exists ({where})",
                           f"Choose another id, e.g. '{alt}'. To add a lesson to the existing "
                           f"course: lmsctl new-lesson {new_id} \"Lesson title\".", alt)
        raise Conflict(f"'{new_id}' is already the id of a course ({where})",
                       f"Course and path ids must differ; choose another, e.g. '{alt}'.", alt)
    if path_file is not None:
        alt = _free_alternative(root, new_id)
        where = path_file.relative_to(root).as_posix()
        if kind == "path":
            raise Conflict(f"a learning path '{new_id}' already exists ({where})",
                           f"Choose another id, e.g. '{alt}', or edit {where}.", alt)
        raise Conflict(f"'{new_id}' is already the id of a learning path ({where})",
                       f"Course and path ids must differ; choose another, e.g. '{alt}'.", alt)
    for rel, restore in ((f"courses/{new_id}/course.yml", f"courses/{new_id}/"),
                         (f"paths/{new_id}.yml", f"paths/{new_id}.yml")):
        commit = removed_in_history(root, rel)
        if commit:
            alt = _free_alternative(root, new_id)
            raise Conflict(
                f"'{new_id}' was the id of {rel}, deleted in commit {commit}; ids are never "
                "reused (learners' progress and old links point to them)",
                f"Choose another id, e.g. '{alt}', or bring the old content back with "
                f"git restore --source {commit}~1 {restore}", alt)
    return new_id


def check_line(value: str, what: str, max_length: int) -> str:
    """One line of text (a title or a summary): not empty, no control characters."""
    text = value.strip()
    if not text:
        raise Refusal(f"the {what} is empty", f"Write the {what} as learners should see it.")
    bad = bad_character(text)
    if bad is not None:
        raise Refusal(f"the {what} holds {describe_character(bad)}, which cannot be part of "
                      "one line of text",
                      f"Write the {what} on one line without tabs or control characters.",
                      " ".join("".join(" " if bad_character(c) else c for c in text).split()))
    if len(text) > max_length:
        raise Refusal(f"the {what} is {len(text)} characters long; the limit is {max_length}",
                      "Shorten it; details belong in the lessons.")
    return text


def check_title(value: str) -> str:
    return check_line(value, "title", MAX_TITLE_LENGTH)


def check_summary(value: str) -> str:
    return check_line(value, "summary", MAX_SUMMARY_LENGTH)


def summary_note(summary: str) -> str | None:
    """Advice when a summary will not fit a catalog card well (lint warns about it)."""
    low, high = CARD_SUMMARY
    if len(summary) < low:
        return (f"the summary has {len(summary)} characters; catalog cards read best with "
                f"{low} to {high}: say what learners will be able to do.")
    if len(summary) > high:
        return (f"the summary has {len(summary)} characters; catalog cards show about {high}, "
                "so the end will be cut off.")
    return None


def check_owners(values: str | Iterable[str]) -> list[str]:
    """GitHub users (``@jdoe``) or teams (``@acme/sales-enablement``); at least one."""
    owners: list[str] = []
    items = split_list(values)
    if not items:
        raise Refusal("at least one owner is needed",
                      "Owners review every change to the content: write your GitHub user as "
                      "@yourname, or a team as @org/team.")
    for item in items:
        if HANDLE.match(item):
            if item not in owners:
                owners.append(item)
            continue
        url = _GITHUB_URL.match(item)
        guess = f"@{url.group(1)}" if url else (f"@{item}" if HANDLE.match(f"@{item}") else None)
        fix = f"write '{guess}'" if guess else "e.g. @jdoe or @acme/sales-enablement"
        suggestion = " ".join([*owners, guess, *items[items.index(item) + 1:]]) if guess else None
        raise Refusal(f"owner '{item}' is not a GitHub user or team",
                      f"Owners are written @user or @org/team: {fix}.", suggestion)
    return owners


def check_level(value: str) -> str:
    level = value.strip().lower()
    if level in LEVELS:
        return level
    guess = _close(level, LEVELS)
    raise Refusal(f"unknown level '{value.strip()}'",
                  f"Use one of {', '.join(LEVELS)}"
                  + (f" (did you mean '{guess}'?)." if guess else "."), guess)


def check_skills(values: str | Iterable[str], declared: Sequence[Skill]) -> list[str]:
    """Skill ids declared under ``skills:`` in lmsctl.yml."""
    ids = [s.id for s in declared]
    chosen: list[str] = []
    items = split_list(values)
    for item in items:
        if item in ids:
            if item not in chosen:
                chosen.append(item)
            continue
        if not ids:
            raise Refusal(f"unknown skill '{item}': lmsctl.yml declares no skills",
                          f"Declare it under skills: in lmsctl.yml first "
                          f"({item}: {{title: ...}}), or leave skills out.")
        guess = _close(item, ids) or _close(slugify(item), ids)
        rest = [i for i in items if i != item]
        raise Refusal(f"unknown skill '{item}'",
                      (f"Did you mean '{guess}'? " if guess else "")
                      + f"Declared skills: {shown_list(ids, 30)}. A new skill is added under "
                      "skills: in lmsctl.yml.",
                      " ".join([*rest, guess]) if guess else " ".join(rest))
    return chosen


def check_audience(values: str | Iterable[str]) -> list[str]:
    """Roles such as ``sales`` or ``engineering`` (slugs)."""
    roles: list[str] = []
    items = split_list(values)
    for item in items:
        if not SLUG.match(item) or len(item) > MAX_ID_LENGTH:
            fixed = _shorten_slug(slugify(item))
            suggestion = " ".join(dict.fromkeys(
                f for f in (_shorten_slug(slugify(i)) for i in items) if f))
            raise Refusal(f"audience '{item}' is not a valid role id",
                          "Roles are lowercase words joined by hyphens"
                          + (f": write '{fixed}'." if fixed else ", e.g. sales."),
                          suggestion or None)
        if item not in roles:
            roles.append(item)
    return roles


def check_course_ids(values: str | Iterable[str], known: Sequence[str]) -> list[str]:
    """Existing course ids, in order, each once; at least one."""
    items = split_list(values)
    if not items:
        raise Refusal("a learning path needs at least one course",
                      f"Name course ids in the order learners take them. Courses: "
                      f"{shown_list(list(known))}.")
    chosen: list[str] = []
    for item in items:
        if item in chosen:
            raise Refusal(f"course '{item}' is listed twice",
                          "Keep it once, where learners should take it.",
                          " ".join(dict.fromkeys(items)))
        if item not in known:
            guess = _close(item, known) or _close(slugify(item), known)
            rest = [i for i in items if i != item]
            suggestion = " ".join([*rest[: items.index(item)], guess,
                                   *rest[items.index(item):]]) if guess else None
            raise Refusal(f"unknown course '{item}'",
                          (f"Did you mean '{guess}'? " if guess else "")
                          + f"Courses in this repository: {shown_list(list(known))}.",
                          suggestion)
        chosen.append(item)
    return chosen
