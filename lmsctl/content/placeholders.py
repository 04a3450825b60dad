"""Placeholder text of the course templates: what a new course starts with and its author must
replace. Each template marks its placeholders explicitly, so that nothing is guessed:

* Markdown: a line ``<!-- lmsctl:placeholder -->`` (invisible on the page) marks the block that
  follows it (its lines up to the next blank line);
* YAML (``course.yml.j2`` and quiz blocks): a trailing comment ``# lmsctl:placeholder`` marks
  its own line.

``template_texts`` collects the marked lines of the built-in templates and of the repository's
own (``courses/_templates/``); ``find_placeholders`` finds them, whitespace, quotes, list
markers and keys aside, in a course's files. Lines holding Jinja (``{{ ... }}``) are skipped:
they become the author's own values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources (tempfile, zipfile, ...) only when read: issue 14
    from importlib.resources.abc import Traversable

MARKER = "lmsctl:placeholder"
MD_MARKER = f"<!-- {MARKER} -->"
YAML_MARKER = f"# {MARKER}"

_LIST = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_KEY = re.compile(r"^(?:question|text|explanation|summary|title|objectives)\s*:\s*")
_TRAILING = re.compile(r"\s+#\s*lmsctl[-:].*$")


def normalise(line: str) -> str:
    """The words of a line, without list markers, YAML keys, quotes and the marker comment."""
    text = _TRAILING.sub("", line.strip())
    text = _LIST.sub("", text)
    text = _KEY.sub("", text)
    text = _LIST.sub("", text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return " ".join(text.split()).casefold()


def marked_lines(text: str) -> Iterator[str]:
    """The placeholder lines a template marks."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == MD_MARKER:
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            while i < len(lines) and lines[i].strip() and lines[i].strip() != MD_MARKER:
                yield lines[i]
                i += 1
            continue
        if line.rstrip().endswith(YAML_MARKER):
            yield line
        i += 1


def _template_files(folder: Traversable) -> Iterator[Traversable]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _template_files(entry)
        elif entry.name.endswith((".md.j2", ".yml.j2", ".md", ".yml")):
            yield entry


def _texts_of(folder: Traversable) -> set[str]:
    found: set[str] = set()
    for file in _template_files(folder):
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for line in marked_lines(text):
            if "{{" in line or "{%" in line:
                continue
            key = normalise(line)
            if len(key) >= 12:  # a few words at least: never a bare "true" or a heading word
                found.add(key)
    return found


@lru_cache(maxsize=1)
def builtin_texts() -> frozenset[str]:
    from importlib import resources

    root = resources.files("lmsctl").joinpath("templates")
    return frozenset(_texts_of(root))


def template_texts(root: Path) -> frozenset[str]:
    """Every placeholder line of the built-in templates and the repository's own."""
    own = root / "courses" / "_templates"
    return builtin_texts() | (frozenset(_texts_of(own)) if own.is_dir() else frozenset())


@lru_cache(maxsize=8)
def _probes(texts: frozenset[str]) -> tuple[tuple[str, frozenset[str]], ...] | None:
    """For each placeholder text, one of the words in its middle (neither its first nor its
    last) and all of them; None when a text has no middle word. A line whose ``normalise``
    gives that text holds each of these words as one of its own whitespace-separated words,
    casefolded (the list marker, key, quotes and marker comment ``normalise`` takes off are at
    the ends of the text): a file that lacks one of a text's middle words cannot hold it, and
    nor can a line without its probe word."""
    probes: list[tuple[str, frozenset[str]]] = []
    for text in texts:
        middle = text.split()[1:-1]
        if not middle:
            return None
        probes.append((max(middle, key=len), frozenset(middle)))
    return tuple(probes)


def find_placeholders(text: str, texts: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """(1-based line, 1-based column, the text) of every placeholder line in ``text``."""
    if not texts:
        return
    probes = _probes(texts)
    live: set[str] = set()
    if probes is not None:
        words = set(text.casefold().split())
        live = {probe for probe, middle in probes if probe in words and middle <= words}
        if not live:
            return
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("<!--", "#")) or stripped == "---":
            continue
        if probes is not None:
            folded = line.casefold()
            if not any(word in folded for word in live):
                continue
        if normalise(line) in texts:
            shown = _TRAILING.sub("", stripped)
            yield number, len(line) - len(line.lstrip()) + 1, shown
