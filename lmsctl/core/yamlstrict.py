"""Strict YAML: every YAML lmsctl reads goes through ``parse_yaml``.

PyYAML's (C, when present) parser produces events with positions; we build plain Python values
from them ourselves, so that nothing is ever constructed from a tag, anchors and aliases are
refused (no billion laughs), duplicate keys are errors at the second key, and only ``true`` and
``false`` are booleans (``yes``, ``no``, ``on``, ``off`` and dates stay strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.spine import diag

#: libyaml's event parser alone (no constructor or resolver: we build the values), or None
#: when PyYAML has no libyaml (then its pure-Python parser: the same events, marks and errors).
_CParser: Any = getattr(yaml, "CParser", None) or getattr(
    getattr(yaml, "_yaml", None), "CParser", None)

#: Largest YAML file read, in bytes (course.yml, paths, lmsctl.yml, front matter, quiz blocks).
MAX_YAML_BYTES = 256 * 1024

Key = tuple[str | int, ...]

_INT = re.compile(r"[-+]?[0-9]+\Z")
#: The plain words that are not strings (null, booleans).
_WORDS = frozenset(("null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"))
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


@dataclass
class YamlDoc:
    """Values of one YAML document, with the 1-based (line, column) of every value and key.

    ``positions[path]`` is where the value at ``path`` starts (``()`` is the document);
    ``key_positions[path]`` is where the key of the mapping entry holding that value starts.
    """

    data: Any
    positions: dict[Key, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def pos(self, path: Key) -> tuple[int, int]:
        """Position of the value at ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p not in self.positions and p:
            p = p[:-1]
        return self.positions.get(p, (1, 1))

    def key_pos(self, path: Key) -> tuple[int, int]:
        return self.key_positions.get(tuple(path)) or self.pos(path)


def resolve_plain(value: str) -> Any:
    """The type of an unquoted scalar, by the rules lmsctl documents (YAML 1.2 core, no dates)."""
    if value[:1].isalpha() and value not in _WORDS:  # most values: neither number nor word
        return value
    return _resolved(value)


def _resolved(value: str) -> Any:
    """``resolve_plain`` by its rules, one after the other."""
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value) and any(ch.isdigit() for ch in value):
        return float(value)
    return value


_SCALAR = yaml.ScalarEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_MAPPING_END = yaml.MappingEndEvent


class _Builder:
    def __init__(self, rel: str, line_offset: int, column_offset: int) -> None:
        self.rel = rel
        self.line_offset = line_offset
        self.column_offset = column_offset
        self.diagnostics: list[Diagnostic] = []
        self.doc = YamlDoc(data=None)

    def at(self, mark: Any) -> tuple[int, int]:
        return (mark.line + 1 + self.line_offset, mark.column + 1 + self.column_offset)

    def error(self, rule: str, mark: Any, message: str, hint: str | None = None) -> None:
        line, col = self.at(mark)
        self.diagnostics.append(diag(rule, self.rel, line, col, message, hint))

    def check_node_event(self, ev: Any) -> None:
        if getattr(ev, "anchor", None):
            self.error("LMS106", ev.start_mark, f"anchor '&{ev.anchor}' is not allowed")
        tag = getattr(ev, "tag", None)
        if tag is not None:  # parsers report a tag only when the text has one
            self.error("LMS107", ev.start_mark, f"tag '{tag}' is not allowed")

    def build(self, events: list[Any]) -> None:
        it = iter(events)
        documents = 0
        for ev in it:
            if isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.error("LMS100", ev.start_mark, "only one YAML document is allowed here",
                               "Remove the second '---' line and what follows, or merge them.")
                    return
                first = next(it)
                if isinstance(first, yaml.DocumentEndEvent):
                    continue
                self.doc.data = self.node(first, it, ())

    def node(self, ev: Any, it: Any, path: Key) -> Any:
        mark = ev.start_mark
        self.doc.positions[path] = (mark.line + 1 + self.line_offset,
                                    mark.column + 1 + self.column_offset)
        kind = type(ev)
        if kind is _SCALAR and ev.anchor is None and ev.tag is None:  # most values
            return resolve_plain(ev.value) if ev.style in (None, "") else ev.value
        if kind is yaml.AliasEvent:
            self.error("LMS106", ev.start_mark, f"alias '*{ev.anchor}' is not allowed")
            return None
        self.check_node_event(ev)
        if kind is _SCALAR:
            if ev.style in (None, "") and ev.tag is None:
                return resolve_plain(ev.value)
            return ev.value
        if kind is yaml.SequenceStartEvent:
            items: list[Any] = []
            for child in it:
                if type(child) is _SEQUENCE_END:
                    break
                items.append(self.node(child, it, (*path, len(items))))
            return items
        if kind is yaml.MappingStartEvent:
            mapping: dict[Any, Any] = {}
            for kev in it:
                kind = type(kev)
                if kind is _MAPPING_END:
                    break
                if kind is _SCALAR and kev.anchor is None and kev.tag is None:  # most keys
                    key = resolve_plain(kev.value) if kev.style in (None, "") else kev.value
                else:  # (a scalar key's own position is not kept: see the pop below)
                    key = self.node(kev, it, (*path, "\0key"))
                vev = next(it)
                if isinstance(key, (dict, list)):
                    self.error("LMS104", kev.start_mark, "a key must be a plain word, not a list "
                               "or mapping", "Write keys as `name: value`.")
                    self.node(vev, it, (*path, "\0skip"))
                    continue
                key = "" if key is None else str(key)
                if key in mapping:
                    self.error("LMS105", kev.start_mark,
                               f"duplicate key '{key}' (first defined on line "
                               f"{self.doc.key_positions[(*path, key)][0]})")
                    self.node(vev, it, (*path, "\0skip"))
                    continue
                self.doc.key_positions[(*path, key)] = self.at(kev.start_mark)
                mapping[key] = self.node(vev, it, (*path, key))
            self.doc.positions.pop((*path, "\0key"), None)
            self.doc.positions.pop((*path, "\0skip"), None)
            return mapping
        return None  # pragma: no cover - the parser emits no other node events


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, str | None]:
    problem = exc.problem or str(exc)
    mark = exc.problem_mark
    if mark is not None:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in line[: mark.column + 1] and not line[: mark.column].strip(" \t") or (
            "\\t" in problem
        ):
            return ("tab character where YAML expects spaces",
                    "Indent with spaces only; YAML does not allow tabs for indentation.")
    if "mapping values are not allowed" in problem:
        return ("a ': ' inside a value is read as a new key",
                "Put the whole value in quotes, e.g. title: \"Pricing: the basics\".")
    context = f" {exc.context}" if exc.context else ""
    return f"{problem}{context}".strip(), None


def decode_text(raw: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (a BOM is dropped); invalid bytes are reported at their line and column."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [diag("LMS101", rel, line, col,
                           f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
                           "Save the file as UTF-8 (in most editors: File > Save with encoding "
                           "> UTF-8).")]
    return text.removeprefix("\ufeff"), []


def _events(text: str) -> list[Any]:
    """The parser's events of ``text`` (libyaml's when present; the same events, marks and
    errors as PyYAML's pure-Python parser gives)."""
    if _CParser is None:
        return list(yaml.parse(text, Loader=yaml.SafeLoader))
    parser = _CParser(text)
    try:
        events: list[Any] = []
        while parser.check_event():
            events.append(parser.get_event())
        return events
    finally:
        parser.dispose()


def parse_yaml(
    text: str,
    rel: str,
    line_offset: int = 0,
    column_offset: int = 0,
    max_bytes: int = MAX_YAML_BYTES,
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse one strict YAML document. Returns ``(None, diagnostics)`` when it cannot be read;
    otherwise the document (possibly with diagnostics for refused constructs)."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return None, [diag("LMS211", rel, 1 + line_offset, 1,
                           f"YAML is larger than {max_bytes // 1024} KiB")]
    simple = _simple(text, line_offset, column_offset)
    if simple is not None:
        return simple, []
    return _parsed(text, rel, line_offset, column_offset)


def _parsed(text: str, rel: str, line_offset: int, column_offset: int
            ) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """``parse_yaml`` by the parser's events (any text)."""
    builder = _Builder(rel, line_offset, column_offset)
    try:
        events = _events(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message, hint = _syntax_message(exc, text)
        line, col = builder.at(mark) if mark is not None else (1 + line_offset, 1)
        return None, [diag("LMS100", rel, line, col, message, hint)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        pos = getattr(exc, "position", 0) or 0
        before = text[:pos]
        line = before.count("\n") + 1 + line_offset
        col = pos - (before.rfind("\n") + 1) + 1
        reason = getattr(exc, "reason", "unreadable character")
        return None, [diag("LMS100", rel, line, col, f"{reason} in the text",
                           "Remove the invisible control character (retype the line).")]
    builder.build(events)
    return builder.doc, builder.diagnostics


#: A line of the simple block YAML ``_simple`` reads itself: indentation, an optional ``- ``
#: (a sequence item), a plain key of at most 100 characters, ``:``, and an optional plain
#: value after spaces (its trailing spaces are not part of it: ``rstrip``).
_SIMPLE_LINE = re.compile(
    r"( *)(?:-( +))?([A-Za-z_][A-Za-z0-9_-]{0,99}):(?: +([^ \-?:,\[\]{}#&*!|>'\"%@`].*))? *\Z")
#: What a plain value must not contain: a key or comment indicator.
_NOT_SIMPLE_VALUE = re.compile(r": | #|:\Z")

#: A line read by ``_simple``: 0-based line, column of its ``-`` (None: none), column of its
#: key, the key, its value (None: none on the line) and the value's column.
_Line = tuple[int, int | None, int, str, str | None, int]


def _simple(text: str, line_offset: int, column_offset: int) -> YamlDoc | None:
    """The document of a text in the block YAML most files are written in (mappings of plain
    keys to plain one-line values, or to such mappings and lists of them, indented by spaces)
    read without the parser: the same values and positions as ``_parsed``, which reads any
    other text (None: not such a text)."""
    lines: list[_Line] = []
    for number, line in enumerate(text.split("\n")):
        if not line:
            continue
        m = _SIMPLE_LINE.match(line)
        if m is None or not line.isprintable():
            return None
        indent, after_dash, key, value = m.groups()
        if value is not None:
            value = value.rstrip(" ")
            if _NOT_SIMPLE_VALUE.search(value):
                return None
        if key in _WORDS:
            return None
        dash = len(indent) if after_dash is not None else None
        key_col = len(indent) + (len(after_dash) + 1 if after_dash is not None else 0)
        lines.append((number, dash, key_col, key, value,
                      m.start(4) if value is not None else -1))
    if not lines:
        return None
    doc = YamlDoc(data=None)
    reader = _SimpleReader(lines, doc, line_offset + 1, column_offset + 1)
    try:
        doc.data = reader.node(0, ())
    except _NotSimple:
        return None
    if reader.i != len(lines):
        return None
    return doc


class _NotSimple(Exception):
    pass


class _SimpleReader:
    def __init__(self, lines: list[_Line], doc: YamlDoc, line_base: int, column_base: int
                 ) -> None:
        self.lines, self.doc, self.i = lines, doc, 0
        self.line_base, self.column_base = line_base, column_base

    def node(self, i: int, path: Key) -> Any:
        """The sequence (line ``i`` has a ``-``) or mapping starting at line ``i``."""
        number, dash, key_col, _, _, _ = self.lines[i]
        if dash is not None:
            self.doc.positions[path] = (number + self.line_base, dash + self.column_base)
            return self.sequence(i, dash, path)
        self.doc.positions[path] = (number + self.line_base, key_col + self.column_base)
        return self.mapping(i, key_col, path)

    def sequence(self, i: int, dash: int, path: Key) -> list[Any]:
        items: list[Any] = []
        lines = self.lines
        while True:
            number, _, key_col, _, _, _ = lines[i]
            item: Key = (*path, len(items))
            self.doc.positions[item] = (number + self.line_base, key_col + self.column_base)
            items.append(self.mapping(i, key_col, item))
            i = self.i
            if i == len(lines):
                return items
            next_dash, next_key = lines[i][1], lines[i][2]
            if next_dash == dash:
                continue
            if (next_key if next_dash is None else next_dash) >= dash:
                raise _NotSimple
            return items

    def mapping(self, i: int, column: int, path: Key) -> dict[str, Any]:
        """The mapping whose first key is on line ``i`` at ``column``; ``self.i``: the line
        after it."""
        mapping: dict[str, Any] = {}
        lines = self.lines
        first = True
        while True:
            number, dash, key_col, key, value, value_col = lines[i]
            if not first and (dash is not None or key_col != column):
                raise _NotSimple
            first = False
            if key in mapping:
                raise _NotSimple
            self.doc.key_positions[(*path, key)] = (number + self.line_base,
                                                    key_col + self.column_base)
            at: Key = (*path, key)
            i += 1
            if value is not None:
                self.doc.positions[at] = (number + self.line_base, value_col + self.column_base)
                mapping[key] = resolve_plain(value)
            else:
                if i == len(lines):
                    raise _NotSimple
                next_dash, next_key = lines[i][1], lines[i][2]
                if (next_key if next_dash is None else next_dash) <= column:
                    raise _NotSimple  # an empty value, or a list at the key's column
                mapping[key] = self.node(i, at)
                i = self.i
            if i == len(lines):
                self.i = i
                return mapping
            next_dash, next_key = lines[i][1], lines[i][2]
            indent = next_key if next_dash is None else next_dash
            if indent > column or (indent == column and next_dash is not None):
                raise _NotSimple
            if indent < column:
                self.i = i
                return mapping
