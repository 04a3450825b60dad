"""Ids: slugs, lesson ids from file names, and slugs made from titles (DESIGN section 1).

Ids are the stable keys of progress, links and analytics; every layer takes them from here."""

from __future__ import annotations

import re
import unicodedata

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
