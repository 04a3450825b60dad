"""The local statement store: a DuckDB file, ``.lmsctl/analytics.duckdb`` (git-ignored).

It holds what the LRS sent and nothing else: table ``statements`` keeps every statement's JSON
exactly as received (``raw``) plus columns read from it by one SQL query (``STAGE``: actor,
verb, object, timestamp, result fields, content version, grouping), so that every figure is a
SQL query over it that can be re-run. Table ``pulls`` remembers, per source, up to which ``stored``
time statements have been fetched (for incremental pulls) and what each pull found.
Statements are unique by id: pulling the same statement twice stores it once.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lmsctl.analytics.statements import ATTEMPT_EXT, VERSION_EXT, Line, Problem, json_problem
from lmsctl.core.errors import LmsctlError, UsageError

if TYPE_CHECKING:
    import duckdb

STORE = Path(".lmsctl") / "analytics.duckdb"
INSTALL_HINT = "Install the analytics extra: pip install 'lmsctl[analytics]'."
BATCH = 100_000
#: DuckDB's memory limit (it spills to a temporary folder beyond it).
MEMORY_LIMIT = "1GB"

SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
    id VARCHAR NOT NULL,
    raw VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    verb VARCHAR NOT NULL,
    object VARCHAR,
    ts TIMESTAMPTZ,
    stored TIMESTAMPTZ,
    success BOOLEAN,
    response VARCHAR,
    duration DOUBLE,
    score_raw DOUBLE,
    version VARCHAR,
    attempt INTEGER,
    grouping VARCHAR
);
CREATE TABLE IF NOT EXISTS pulls (
    source VARCHAR NOT NULL,
    pulled_at TIMESTAMPTZ NOT NULL,
    fetched BIGINT NOT NULL,
    added BIGINT NOT NULL,
    malformed BIGINT NOT NULL,
    until TIMESTAMPTZ
);
"""



def duckdb_module() -> Any:
    try:
        import duckdb
    except ImportError:
        raise UsageError("lmsctl analytics needs DuckDB, which is not installed",
                         INSTALL_HINT) from None
    return duckdb


def store_path(root: Path) -> Path:
    return root / STORE


def connect(path: Path, create: bool = True) -> duckdb.DuckDBPyConnection:
    db = duckdb_module()
    if not create and not path.exists():
        raise UsageError(f"no statements yet: {path} does not exist",
                         "Run `lmsctl analytics pull --lrs URL` or `lmsctl analytics pull "
                         "--from FILE` first.")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con: duckdb.DuckDBPyConnection = db.connect(str(path), read_only=not create)
    except db.Error as exc:
        raise LmsctlError(f"cannot open the statement store {path}: {exc}",
                          "Is another lmsctl analytics command running? Otherwise delete the "
                          "file and pull again.") from None
    # bounded memory whatever the machine (DuckDB spills to disk beyond it); no progress bar
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")  # weeks and --since dates in UTC on every machine
    if create:
        con.execute(SCHEMA)
    return con


@dataclass
class PullResult:
    source: str
    fetched: int = 0
    added: int = 0
    problems: list[Problem] = field(default_factory=list)
    malformed: int = 0
    until: str | None = None  # the latest ``stored`` time seen

    def problem(self, p: Problem, keep: int = 1000) -> None:
        self.malformed += 1
        if len(self.problems) < keep:
            self.problems.append(p)


_NUM = r"(\d+(?:[.,]\d+)?)"
DURATION = (rf"^P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
            rf"(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$")
_PARTS = {"y": 365 * 86400, "mo": 30 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "mi": 60,
          "s": 1}
_SECONDS = " + ".join(f"coalesce(try_cast(replace(nullif(p.{k}, ''), ',', '.') AS DOUBLE), 0)"
                      f" * {v}" for k, v in _PARTS.items())
#: The parts of a statement the columns are read from (one JSON parse per statement).
SHAPE = json.dumps({
    "id": "JSON", "verb": {"id": "JSON"}, "object": "JSON",
    "actor": {"mbox": "VARCHAR", "mbox_sha1sum": "VARCHAR", "openid": "VARCHAR",
              "account": {"homePage": "VARCHAR", "name": "VARCHAR"}},
    "timestamp": "VARCHAR", "stored": "VARCHAR",
    "result": {"success": "JSON", "response": "VARCHAR", "duration": "VARCHAR",
               "score": {"raw": "JSON"}, "extensions": "JSON"},
    "context": {"extensions": "JSON", "contextActivities": {"grouping": "JSON"}},
})


def _extension(column: str, suffix: str) -> str:
    """SQL: the value of the first extension of ``column`` whose IRI ends with ``suffix``."""
    key = f"""nullif(regexp_extract({column}::VARCHAR, '"([^"\\\\]*{suffix})"\\s*:', 1), '')"""
    return (f"json_extract({column}, '/' || replace(replace({key}, '~', '~0'), '/', '~1'))")


#: Check every staged statement and read its columns: ``problem`` says why one cannot be used
#: (NULL when it can). The one definition of a usable statement, for files and LRSs alike.
STAGE = f"""
CREATE OR REPLACE TEMP TABLE staged AS
WITH src AS (
    SELECT seq, place, line, json_valid(line) AS valid
    FROM read_csv(?, columns={{'seq': 'BIGINT', 'place': 'VARCHAR', 'line': 'VARCHAR'}},
                  delim='\x1f', quote='', escape='', header=false, auto_detect=false,
                  strict_mode=false, max_line_size=100000000)
), parsed AS (
    SELECT *, valid AND starts_with(line, '{{') AS is_object,
           CASE WHEN valid AND starts_with(line, '{{')
                THEN json_transform(line, '{SHAPE}') END AS j
    FROM src
), cols AS (
    SELECT *,
        CASE WHEN json_type(j.id) = 'VARCHAR' THEN j.id ->> '$' END AS sid,
        coalesce(
            'mbox:' || nullif(j.actor.mbox, ''),
            'mbox_sha1sum:' || nullif(j.actor.mbox_sha1sum, ''),
            'openid:' || nullif(j.actor.openid, ''),
            'account:' || j.actor.account.homePage || '|' || nullif(j.actor.account.name, ''))
            AS actor_key,
        CASE WHEN json_type(j.verb.id) = 'VARCHAR' THEN j.verb.id ->> '$' END AS verb_id,
        try_cast(j.timestamp AS TIMESTAMPTZ) AS ts_value,
        try_cast(j.stored AS TIMESTAMPTZ) AS stored_value,
        regexp_full_match(j.result.duration, '{DURATION}')
            AND j.result.duration NOT IN ('P', 'PT') AND NOT suffix(j.result.duration, 'T')
            AS duration_ok,
        regexp_extract(j.result.duration, '{DURATION}', {list(_PARTS)}) AS p
    FROM parsed
)
SELECT seq, place, line,
    CASE
        WHEN NOT valid THEN 'not valid JSON'
        WHEN NOT is_object THEN 'not a JSON object'
        WHEN sid IS NULL OR sid = '' THEN 'no statement id (an LRS gives every statement one)'
        WHEN actor_key IS NULL
            THEN 'actor has no identifier (mbox, mbox_sha1sum, openid or account)'
        WHEN verb_id IS NULL THEN 'verb.id is missing'
        WHEN j.object IS NULL OR json_type(j.object) <> 'OBJECT'
            THEN 'object is missing or not an object'
        WHEN j.timestamp IS NOT NULL AND ts_value IS NULL
            THEN 'timestamp ' || left(j.timestamp, 40) || ' is not an ISO 8601 date and time'
        WHEN j.stored IS NOT NULL AND stored_value IS NULL
            THEN 'stored ' || left(j.stored, 40) || ' is not an ISO 8601 date and time'
        WHEN j.result.duration IS NOT NULL AND NOT duration_ok
            THEN 'result.duration ' || left(j.result.duration, 40)
                 || ' is not an ISO 8601 duration (e.g. PT1M30S)'
    END AS problem,
    sid AS id, actor_key AS actor, verb_id AS verb,
    j.object ->> '$.id' AS object,
    coalesce(ts_value, stored_value) AS ts, stored_value AS stored,
    CASE WHEN json_type(j.result.success) = 'BOOLEAN' THEN j.result.success::BOOLEAN END
        AS success,
    j.result.response AS response,
    CASE WHEN duration_ok THEN {_SECONDS} END AS duration,
    CASE WHEN json_type(j.result.score.raw) IN ('BIGINT', 'UBIGINT', 'DOUBLE')
         THEN j.result.score.raw::DOUBLE END AS score_raw,
    {_extension('j.context.extensions', VERSION_EXT)} ->> '$' AS version,
    try_cast({_extension('j.result.extensions', ATTEMPT_EXT)} AS INTEGER) AS attempt,
    CASE json_type(j.context.contextActivities.grouping)
        WHEN 'ARRAY' THEN array_to_string(
            json_extract_string(j.context.contextActivities.grouping, '$[*].id'), ' ')
        WHEN 'OBJECT' THEN j.context.contextActivities.grouping ->> '$.id'
    END AS grouping
FROM cols
"""

INSERT = """
INSERT INTO statements
SELECT id, line, actor, verb, object, ts, stored, success, response, duration, score_raw,
       version, attempt, grouping
FROM staged n
WHERE problem IS NULL AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = n.id)
QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq) = 1
"""


class Writer:
    """Adds statements in batches: their text goes through a temporary file that DuckDB reads,
    checks (``STAGE``) and inserts in one go, skipping ids the store already holds."""

    def __init__(self, con: duckdb.DuckDBPyConnection, result: PullResult) -> None:
        self.con = con
        self.result = result
        self.tmp = tempfile.TemporaryDirectory(prefix="lmsctl-pull-")
        self.file = Path(self.tmp.name) / "batch.txt"
        self.handle: TextIO | None = None
        self.pending = 0
        self.seq = 0
        self.early: list[tuple[int, Problem]] = []  # found while reading, in order

    def add(self, items: Iterable[Line | Problem]) -> None:
        handle = self.handle
        for item in items:
            self.seq += 1
            if isinstance(item, Problem):
                self.early.append((self.seq, item))
                continue
            if handle is None:
                handle = self.handle = self.file.open("w", encoding="utf-8", newline="\n")
            where, text = item
            handle.write(f"{self.seq}\x1f{where}\x1f{text}\n")
            self.pending += 1
            if self.pending >= BATCH:
                self.flush()
                handle = self.handle

    def flush(self) -> None:
        if self.handle is None:
            self._problems([])
            return
        self.handle.close()
        self.handle = None
        self.pending = 0
        con = self.con
        con.execute(STAGE, [str(self.file)])
        row = con.execute("SELECT count(*) FILTER (WHERE problem IS NULL), "
                          "max(stored) FILTER (WHERE problem IS NULL) FROM staged").fetchone()
        assert row is not None
        self.result.fetched += int(row[0])
        if row[1] is not None:
            until = row[1].astimezone(dt.UTC).isoformat()
            if self.result.until is None or until > self.result.until:
                self.result.until = until
        before = self.count()
        con.execute(INSERT)
        self.result.added += self.count() - before
        bad = con.execute("SELECT seq, place, problem, line FROM staged "
                          "WHERE problem IS NOT NULL ORDER BY seq LIMIT 1000").fetchall()
        total = con.execute("SELECT count(*) FROM staged WHERE problem IS NOT NULL").fetchone()
        extra = (int(total[0]) if total else 0) - len(bad)
        self._problems([(seq, Problem(place, json_problem(line) if why == "not valid JSON"
                                      else why)) for seq, place, why, line in bad], extra)
        con.execute("DROP TABLE staged")

    def _problems(self, found: list[tuple[int, Problem]], uncounted: int = 0) -> None:
        """Record the problems of this batch and those met while reading, in input order."""
        for _, p in sorted([*self.early, *found], key=lambda x: x[0]):
            self.result.problem(p)
        self.early = []
        self.result.malformed += uncounted

    def count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM statements").fetchone()
        return int(row[0]) if row else 0

    def close(self, source: str) -> None:
        self.flush()
        self.tmp.cleanup()
        self.con.execute(
            "INSERT INTO pulls VALUES (?, ?, ?, ?, ?, ?)",
            [source, dt.datetime.now(dt.UTC), self.result.fetched, self.result.added,
             self.result.malformed, self.result.until])


def last_stored(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    """The latest ``stored`` time fetched from ``source`` (for the next pull's ``since``)."""
    row = con.execute("SELECT max(until) FROM pulls WHERE source = ?", [source]).fetchone()
    if not row or row[0] is None:
        return None
    value = row[0]
    return value.astimezone(dt.UTC).isoformat() if isinstance(value, dt.datetime) else str(value)
