"""Ids: slugs, lesson ids from file names, and slugs made from titles (DESIGN section 1).

Ids are the stable keys of progress, links and analytics; every layer takes them from here."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable

#: A course, lesson, path or skill id: lowercase letters, digits and single hyphens.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
#: The number prefix of a lesson file name (``01-``), which is not part of the lesson's id.
LESSON_PREFIX = re.compile(r"^\d+[-_.]?")


def lesson_id(file_name: str) -> str:
    """``01-why-customers-object.md`` -> ``why-customers-object``."""
    return LESSON_PREFIX.sub("", file_name.removesuffix(".md"))

_TRANSLITERATE = str.maketrans({
    "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    "ı": "i", "ħ": "h", "Ħ": "H",
})


def slugify(text: str) -> str:
    """``"Éclair basics!"`` -> ``eclair-basics``, ``"Straße & Ørsted"`` -> ``strasse-orsted``:
    accents and special letters transliterated, lowercase, hyphens."""
    ascii_text = (unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
                  .encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: Length of a content version (hex digits of SHA-256).
VERSION_LENGTH = 12


def content_version(text: str) -> str:
    """A short, stable hash of a text (a lesson's source)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def question_version(question: str, choices: Iterable[tuple[str, str, bool]]) -> str:
    """A question's content version: its text and its choices (id, text, correct)."""
    payload = json.dumps([question, [list(c) for c in choices]], ensure_ascii=False,
                         separators=(",", ":"))
    return content_version(payload)


def course_iri(base: str, course: str) -> str:
    """Activity id of a course (DESIGN section 8); ``base`` ends with ``/``."""
    return f"{base}courses/{course}/"


def lesson_iri(base: str, course: str, lesson: str) -> str:
    return f"{base}courses/{course}/{lesson}/"


def question_iri(base: str, course: str, lesson: str, question_key: str) -> str:
    return f"{lesson_iri(base, course, lesson)}#{question_key}"


def path_iri(base: str, path: str) -> str:
    return f"{base}paths/{path}/"
