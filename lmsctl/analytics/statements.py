"""Reading xAPI statements as LRSs export them: a JSON array, an xAPI StatementResult object,
or NDJSON (one statement a line), and the pages of an LRS.

The readers only cut the input into statements, each with where it is (``line 12``, ``item 3``,
``page 2, statement 7``) and its JSON text on one line; the store checks each one and reads its
columns, in SQL (``store.STAGE``). What cannot even be cut (bytes that are not UTF-8, an array
that is not closed) is a ``Problem`` that names the place and why; nothing here raises for bad
input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

#: ADL verbs of the profile (DESIGN section 8) and the one from the TinCan registry.
VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_RATED = "http://id.tincanapi.com/verb/rated"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"

#: Extension IRIs end with these paths under the site's activity base (``<base>xapi/ext/...``);
#: matched by suffix so that a statement is read the same whatever base the site used.
VERSION_EXT = "/xapi/ext/content-version"
ATTEMPT_EXT = "/attempt"

#: A statement as read, not yet checked: where it is and its JSON text on one line.
Line = tuple[str, str]


@dataclass(frozen=True)
class Problem:
    where: str  # "line 12", "item 3", "page 2, statement 7"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def json_problem(text: str) -> str:
    """Why ``text`` is not valid JSON, in the decoder's words."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg}, column {exc.colno})"
    except RecursionError:
        return "not valid JSON (nested too deeply)"
    return "not valid JSON"


def one_line(value: Any) -> str:
    """A parsed statement as JSON text on one line."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_ndjson(lines: Iterable[str], first_line: int = 1) -> Iterator[Line | Problem]:
    """NDJSON: one statement a line, passed on as it is; blank lines are skipped."""
    for number, line in enumerate(lines, start=first_line):
        text = line.strip()
        if not text:
            continue
        if _UNSAFE.search(text):
            yield Problem(f"line {number}", "not UTF-8 text" if _UNDECODABLE.search(text)
                          else json_problem(text))
            continue
        # a carriage return inside a line can only be whitespace between JSON tokens
        yield f"line {number}", text.replace("\r", " ") if "\r" in text else text


_DECODER = json.JSONDecoder()
_UNDECODABLE = re.compile("[\udc80-\udcff]")
#: What cannot be in one line of JSON text: control characters (raw ones are not allowed in
#: JSON strings; the store uses \x1f to separate fields) and undecodable bytes.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\udc80-\udcff]")
_SPACE = re.compile(r"[ \t\r\n]*")
CHUNK = 1 << 20


def _item(index: int, value: Any) -> Line | Problem:
    text = one_line(value)
    if _UNDECODABLE.search(text):
        return Problem(f"item {index}", "not UTF-8 text")
    return f"item {index}", text


def read_json_array(stream: IO[str]) -> Iterator[Line | Problem]:
    """A JSON array of statements, read element by element (a 1 GB export never sits in
    memory at once); ``{"statements": [...]}`` (an xAPI StatementResult) works too."""
    buf = stream.read(CHUNK)
    pos = _SPACE.match(buf).end()  # type: ignore[union-attr]
    if buf.startswith("{", pos):
        rest = buf[pos:] + stream.read()
        try:
            doc = json.loads(rest)
        except json.JSONDecodeError as exc:
            yield Problem("file", f"not valid JSON ({exc.msg}, line {exc.lineno})")
            return
        items = doc.get("statements") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            yield Problem("file", "a JSON object without a \"statements\" list")
            return
        for i, item in enumerate(items, start=1):
            yield _item(i, item)
        return
    if not buf.startswith("[", pos):
        yield Problem("file", "neither a JSON array nor NDJSON (one statement per line)")
        return
    pos += 1
    index = 0
    eof = False
    while True:
        pos = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]
        if pos >= len(buf) and not eof:
            buf, pos = stream.read(CHUNK), 0
            eof = not buf
            continue
        if buf.startswith("]", pos):
            return
        if index:
            if not buf.startswith(",", pos):
                if eof:
                    yield Problem(f"item {index + 1}", "the array is not closed with ]")
                else:
                    yield Problem(f"item {index + 1}", "expected , between statements")
                return
            pos += 1
            pos = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]
        while True:
            try:
                value, end = _DECODER.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if eof:
                    yield Problem(f"item {index + 1}", f"not valid JSON ({exc.msg})")
                    return
                more = stream.read(CHUNK)
                eof = not more
                buf, pos = buf[pos:] + more, 0
            except RecursionError:
                yield Problem(f"item {index + 1}", "not valid JSON (nested too deeply)")
                return
        index += 1
        yield _item(index, value)
        pos = end
        if pos > CHUNK:
            buf, pos = buf[pos:], 0


def read_file(path: Path) -> Iterator[Line | Problem]:
    """A JSON array, an xAPI StatementResult object or NDJSON (decided by how it starts)."""
    with path.open("r", encoding="utf-8", errors="surrogateescape", newline="") as fh:
        head = fh.readline()
        first = head.lstrip()[:1]
        while not first and head:
            head = fh.readline()
            first = head.lstrip()[:1]
        fh.seek(0)
        if not first:
            return
        if first == "[":
            yield from read_json_array(fh)
            return
        if first == "{":
            try:
                one = json.loads(head)
            except (json.JSONDecodeError, RecursionError):
                one = None  # an object over several lines: a StatementResult
            if one is None or (isinstance(one, dict) and "statements" in one):
                yield from read_json_array(fh)
                return
        yield from read_ndjson(fh)
