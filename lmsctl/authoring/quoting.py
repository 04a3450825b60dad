"""Text that is safe to put into generated YAML and Markdown, whatever the author typed.

``yaml_value`` writes a scalar or a list of scalars as YAML that reads back (with the strict
parser, ``lmsctl.yamlstrict``) as exactly the same value: plain when that is safe and readable
(``title: Handling pricing objections``), double-quoted with escapes otherwise
(``title: "Pricing: the basics"``, ``owners: ["@jdoe"]``). ``check_line`` refuses what no title
or summary should hold (line breaks, control characters), so generated files stay one value
per line.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

import yaml

from lmsctl.core.yamlstrict import parse_yaml

#: Unicode categories refused in a one-line value: control characters (tab, newline, ...),
#: surrogates, and line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_NONCHARACTERS = frozenset({"\ufffe", "\uffff"})
_FLOW_INDICATORS = frozenset(",[]{}")


def bad_character(text: str) -> str | None:
    """The first character that cannot be part of a one-line value, or None."""
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES or ch in _NONCHARACTERS:
            return ch
    return None


def describe_character(ch: str) -> str:
    name = unicodedata.name(ch, "")
    code = f"U+{ord(ch):04X}"
    return f"{code} {name}".strip() if name else code


def _double_quoted(text: str) -> str:
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=sys.maxsize)
    return dumped.rstrip("\n")


def _plain_reads_back(text: str, flow: bool) -> bool:
    """True when ``text`` unquoted reads back as itself, both with lmsctl's strict parser and
    with YAML 1.1 tools (where yes, no, on, off and dates are not text)."""
    source = f"k: [{text}]\n" if flow else f"k: {text}\n"
    expected = {"k": [text] if flow else text}
    doc, problems = parse_yaml(source, "<generated>")
    if doc is None or problems or doc.data != expected:
        return False
    try:
        return bool(yaml.safe_load(source) == expected)
    except yaml.YAMLError:
        return False


def _plain_candidate(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or not text[0].isalnum():
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\\" in text:
        return False
    if flow and any(ch in _FLOW_INDICATORS for ch in text):
        return False
    return all(ch.isprintable() for ch in text)


def yaml_str(text: str, *, flow: bool = False) -> str:
    """One string as a YAML scalar; ``flow`` when it goes inside ``[...]``."""
    if _plain_candidate(text, flow) and _plain_reads_back(text, flow):
        return text
    return _double_quoted(text)


def yaml_value(value: Any) -> str:
    """A scalar, or a list of scalars (written in flow style: ``[a, "@b"]``), as YAML text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return yaml_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow_item(v) for v in value) + "]"
    raise TypeError(f"yaml_value cannot write a {type(value).__name__}")


def _flow_item(value: Any) -> str:
    if isinstance(value, str):
        return yaml_str(value, flow=True)
    if isinstance(value, (list, tuple)):
        raise TypeError("yaml_value writes lists of scalars only")
    return yaml_value(value)


#: ASCII punctuation that can start Markdown or HTML syntax inside a line of text.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>&|~!{}#$")


def markdown_text(text: str) -> str:
    """Text shown as-is inside a Markdown paragraph: markup characters are backslash-escaped
    (CommonMark allows a backslash before any ASCII punctuation)."""
    out = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
    # A line that starts with a list or heading marker would change the block structure.
    if out[:1] in ("-", "+", "=") or (out[:1].isdigit() and _starts_ordered_list(out)):
        out = "\\" + out if out[:1] in ("-", "+", "=") else _escape_ordered(out)
    return out


def _starts_ordered_list(text: str) -> bool:
    digits = len(text) - len(text.lstrip("0123456789"))
    return 0 < digits <= 9 and text[digits:digits + 1] in (".", ")")


def _escape_ordered(text: str) -> str:
    digits = len(text) - len(text.lstrip("0123456789"))
    return text[:digits] + "\\" + text[digits:]
