"""Reading xAPI statements: one statement checked and projected into the columns the measures
query, and the two file forms LRSs export (a JSON array, or NDJSON: one statement a line).

A statement that cannot be used is never an exception: the readers yield a ``Problem`` naming
where it is (``line 12`` or ``item 3``) and why, and go on with the next one.
"""

from __future__ import annotations

import datetime as dt
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

_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?\Z")
_DURATION_SECONDS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)


@dataclass(frozen=True)
class Row:
    """A statement as stored: ``raw`` exactly as received, then columns read from it."""

    id: str
    raw: str
    actor: str  # the actor's identifier; used to count distinct learners, never shown
    verb: str
    object: str | None
    timestamp: str | None  # UTC, ISO 8601
    stored: str | None
    success: bool | None
    response: str | None
    duration: float | None  # seconds
    score_raw: float | None
    version: str | None
    attempt: int | None
    grouping: str  # ids of context.contextActivities.grouping, separated by spaces


@dataclass(frozen=True)
class Problem:
    where: str  # "line 12", "item 3", "page 2, statement 7"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class Malformed(ValueError):
    """Why a statement cannot be used."""


def parse_duration(text: str) -> float:
    """ISO 8601 duration (xAPI ``result.duration``) in seconds; years and months count as 365
    and 30 days."""
    m = _DURATION.match(text)
    if m is None or text in ("P", "PT") or text.endswith("T"):
        raise Malformed(f"result.duration {text!r} is not an ISO 8601 duration (e.g. PT1M30S)")
    return sum(float(v.replace(",", ".")) * unit
               for v, unit in zip(m.groups(), _DURATION_SECONDS, strict=True) if v)


def parse_timestamp(text: Any, name: str) -> str:
    if not isinstance(text, str):
        raise Malformed(f"{name} is not a string")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Malformed(f"{name} {text[:40]!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def actor_key(actor: Any) -> str:
    """The inverse functional identifier of an agent (xAPI 1.0.3, 2.4.2.1)."""
    if not isinstance(actor, dict):
        raise Malformed("actor is missing or not an object")
    for key in ("mbox", "mbox_sha1sum", "openid"):
        value = actor.get(key)
        if isinstance(value, str) and value:
            return f"{key}:{value}"
    account = actor.get("account")
    if isinstance(account, dict):
        home, name = account.get("homePage"), account.get("name")
        if isinstance(home, str) and isinstance(name, str) and name:
            return f"account:{home}|{name}"
    raise Malformed("actor has no identifier (mbox, mbox_sha1sum, openid or account)")


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [x["id"] for x in items if isinstance(x, dict) and isinstance(x.get("id"), str)]


def _extension(extensions: Any, suffix: str) -> Any:
    if isinstance(extensions, dict):
        for key, value in extensions.items():
            if isinstance(key, str) and key.endswith(suffix):
                return value
    return None


def to_row(statement: Any, raw: str | None = None) -> Row:
    """Check one statement and read its columns; raises ``Malformed`` saying why not."""
    if not isinstance(statement, dict):
        raise Malformed("not a JSON object")
    sid = statement.get("id")
    if not isinstance(sid, str) or not sid:
        raise Malformed("no statement id (an LRS gives every statement one)")
    actor = actor_key(statement.get("actor"))
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str):
        raise Malformed("verb.id is missing")
    obj = statement.get("object")
    if not isinstance(obj, dict):
        raise Malformed("object is missing or not an object")
    object_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    timestamp = stored = None
    if statement.get("timestamp") is not None:
        timestamp = parse_timestamp(statement["timestamp"], "timestamp")
    if statement.get("stored") is not None:
        stored = parse_timestamp(statement["stored"], "stored")
    result = statement.get("result")
    result = result if isinstance(result, dict) else {}
    success = result.get("success") if isinstance(result.get("success"), bool) else None
    response = result.get("response") if isinstance(result.get("response"), str) else None
    duration = None
    if result.get("duration") is not None:
        if not isinstance(result["duration"], str):
            raise Malformed("result.duration is not a string")
        duration = parse_duration(result["duration"])
    score = result.get("score")
    score_raw = None
    if isinstance(score, dict):
        value = score.get("raw")
        if isinstance(value, int | float) and not isinstance(value, bool):
            score_raw = float(value)
    attempt = _extension(result.get("extensions"), ATTEMPT_EXT)
    context = statement.get("context")
    context = context if isinstance(context, dict) else {}
    version = _extension(context.get("extensions"), VERSION_EXT)
    activities = context.get("contextActivities")
    grouping = _ids(activities.get("grouping")) if isinstance(activities, dict) else []
    return Row(
        id=sid,
        raw=raw if raw is not None else json.dumps(statement, ensure_ascii=False,
                                                   separators=(",", ":")),
        actor=actor, verb=verb["id"], object=object_id,
        timestamp=timestamp or stored, stored=stored, success=success, response=response,
        duration=duration, score_raw=score_raw,
        version=version if isinstance(version, str) else None,
        attempt=attempt if isinstance(attempt, int) and not isinstance(attempt, bool) else None,
        grouping=" ".join(g for g in grouping if " " not in g),
    )


def check(statement: Any, where: str, raw: str | None = None) -> Row | Problem:
    try:
        return to_row(statement, raw)
    except Malformed as exc:
        return Problem(where, str(exc))


def read_ndjson(lines: Iterable[str], first_line: int = 1) -> Iterator[Row | Problem]:
    """NDJSON: one statement a line; blank lines are skipped."""
    for number, line in enumerate(lines, start=first_line):
        text = line.strip()
        if not text:
            continue
        if _UNDECODABLE.search(text):
            yield Problem(f"line {number}", "not UTF-8 text")
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Problem(f"line {number}", f"not valid JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            yield Problem(f"line {number}", "not valid JSON (nested too deeply)")
            continue
        yield check(value, f"line {number}", text if "\n" not in text else None)


_DECODER = json.JSONDecoder()
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_SPACE = re.compile(r"[ \t\r\n]*")
CHUNK = 1 << 20


def read_json_array(stream: IO[str]) -> Iterator[Row | Problem]:
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
            yield check(item, f"item {i}")
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
        yield check(value, f"item {index}")
        pos = end
        if pos > CHUNK:
            buf, pos = buf[pos:], 0


def read_file(path: Path) -> Iterator[Row | Problem]:
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
