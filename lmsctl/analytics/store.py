"""The local statement store: a DuckDB file, ``.lmsctl/analytics.duckdb`` (git-ignored).

It holds what the LRS sent and nothing else: table ``statements`` keeps every statement's JSON
exactly as received (``raw``) plus columns read from it (``statements.to_row``: actor, verb,
object, timestamp, result fields, content version, grouping), so that every figure is one SQL
query over it that can be re-run. Table ``pulls`` remembers, per source, up to which ``stored``
time statements have been fetched (for incremental pulls) and what each pull found.
Statements are unique by id: pulling the same statement twice stores it once.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsctl.analytics.statements import Problem, Row
from lmsctl.core.errors import LmsctlError, UsageError

if TYPE_CHECKING:
    import duckdb

STORE = Path(".lmsctl") / "analytics.duckdb"
INSTALL_HINT = "Install the analytics extra: pip install 'lmsctl[analytics]'."
BATCH = 200_000

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

COLUMNS = {
    "id": "VARCHAR", "raw": "VARCHAR", "actor": "VARCHAR", "verb": "VARCHAR",
    "object": "VARCHAR", "ts": "TIMESTAMPTZ", "stored": "TIMESTAMPTZ", "success": "BOOLEAN",
    "response": "VARCHAR", "duration": "DOUBLE", "score_raw": "DOUBLE", "version": "VARCHAR",
    "attempt": "INTEGER", "grouping": "VARCHAR",
}


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


def _cell(value: object) -> object:
    if value is None:
        return ""  # empty unquoted field: NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class Writer:
    """Adds statements in batches (through a temporary CSV file that DuckDB reads in one go)
    and skips ids the store already holds."""

    def __init__(self, con: duckdb.DuckDBPyConnection, result: PullResult) -> None:
        self.con = con
        self.result = result
        self.rows: list[Row] = []
        self.tmp = tempfile.TemporaryDirectory(prefix="lmsctl-pull-")

    def add(self, items: Iterable[Row | Problem]) -> None:
        for item in items:
            if isinstance(item, Problem):
                self.result.problem(item)
                continue
            self.result.fetched += 1
            if item.stored and (self.result.until is None or item.stored > self.result.until):
                self.result.until = item.stored
            self.rows.append(item)
            if len(self.rows) >= BATCH:
                self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        file = Path(self.tmp.name) / "batch.csv"
        with file.open("w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
            out = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
            for r in self.rows:
                out.writerow([_cell(r.id), r.raw, r.actor, r.verb, _cell(r.object),
                              _cell(r.timestamp), _cell(r.stored), _cell(r.success),
                              _cell(r.response), _cell(r.duration), _cell(r.score_raw),
                              _cell(r.version), _cell(r.attempt), _cell(r.grouping)])
        self.rows = []
        before = self.count()
        self.con.execute(
            "INSERT INTO statements SELECT * FROM read_csv(?, columns=?, header=false, "
            "quote='\"', escape='\"', delim=',', nullstr='', auto_detect=false, "
            "strict_mode=false) AS n "
            "WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = n.id) "
            "QUALIFY row_number() OVER (PARTITION BY n.id) = 1",
            [str(file), COLUMNS])
        self.result.added += self.count() - before

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
