"""Shared fixtures: file trees built from dicts, a copy of the sample repository."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

# A real Ralph LRS (``lmsctl lrs``) for the tests that ask for these fixtures.
from tests.ralph_support import lrs, lrs_factory, ralph_python  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent

MINIMAL_CONFIG = """\
site:
  title: Test Learning
  url: https://example.org/learn/
repository:
  url: https://github.com/acme/learning
  branch: main
defaults:
  review_every: 180
skills:
  negotiation: {title: Negotiation}
  discovery: {title: Discovery}
"""

MINIMAL_COURSE = """\
title: Sales basics
summary: The first steps of a sales conversation, from discovery to next steps.
owners: ["@jdoe"]
level: beginner
skills: [discovery]
objectives:
  - Ask open discovery questions
"""

MINIMAL_LESSON = """\
---
title: Discovery questions
duration: 5
---
Good discovery starts with open questions.

## Why ask

Because the customer knows things you do not.

```quiz
- question: Which question is open?
  choices:
    - text: What made you look at this now?
      correct: true
      explanation: It invites a story, not a yes or no.
    - text: Do you have a budget?
      explanation: A closed question; useful later, not to open.
    - text: Is Tuesday good?
      explanation: Scheduling, not discovery.
```
"""


def build_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write ``files`` (relative path -> text, bytes, or None for an empty folder) under root."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def minimal_files() -> dict[str, str | bytes | None]:
    """A valid one-course repository, to be broken one way per test."""
    return {
        "lmsctl.yml": MINIMAL_CONFIG,
        "courses/sales-basics/course.yml": MINIMAL_COURSE,
        "courses/sales-basics/lessons/01-discovery-questions.md": MINIMAL_LESSON,
    }


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """``make_repo({"courses/x/course.yml": None, ...})``: the minimal repository with the given
    files added, replaced, or (value ``"<delete>"``) removed."""

    def make(changes: dict[str, str | bytes | None] | None = None) -> Path:
        files = minimal_files()
        for rel, content in (changes or {}).items():
            if content == "<delete>":
                files.pop(rel, None)
            else:
                files[rel] = content
        root = tmp_path / "repo"
        return build_tree(root, files)

    return make


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A copy of this repository's sample content (lmsctl.yml, courses/, paths/, schemas/)."""
    dest = tmp_path / "sample"
    dest.mkdir()
    shutil.copy2(ROOT / "lmsctl.yml", dest / "lmsctl.yml")
    for folder in ("courses", "paths", "schemas"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, dest / folder)
    return dest
