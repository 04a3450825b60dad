"""Reading statement files (NDJSON, JSON arrays, StatementResult) and pulling them into the
store: malformed statements are counted and named, never a traceback; a second pull adds only
what is new (real DuckDB)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.analytics.statements import Line, Problem, read_file, read_json_array, read_ndjson
from tests.xapi_support import BASE, Statements

duckdb = pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")

from lmsctl.analytics.store import SCHEMA, PullResult, Writer  # noqa: E402
from lmsctl.cli import cli  # noqa: E402

GOOD = Statements(BASE)
for _i in range(3):
    GOOD.experienced(f"p{_i}", "sales-basics", "discovery-questions", 30 + _i)
GOOD_LINES = [json.dumps(s) for s in GOOD.items]

BAD_LINES = {
    "{not json": "not valid JSON (Expecting property name enclosed in double quotes, column 2)",
    "[1, 2]": "not a JSON object",
    json.dumps({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "v"}, "object": {"id": "o"}}):
        "no statement id",
    json.dumps({"id": 7, "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "v"},
                "object": {"id": "o"}}): "no statement id",
    json.dumps({"id": "x", "actor": {"name": "no id"}, "verb": {"id": "v"},
                "object": {"id": "o"}}): "actor has no identifier",
    json.dumps({"id": "x", "actor": {"mbox": "mailto:a@b.c"}, "object": {"id": "o"}}):
        "verb.id is missing",
    json.dumps({"id": "x", "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "v"},
                "object": "o"}): "object is missing or not an object",
    json.dumps({"id": "x", "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "v"},
                "object": {"id": "o"}, "timestamp": "yesterday"}): "not an ISO 8601 date",
    json.dumps({"id": "x", "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "v"},
                "object": {"id": "o"}, "result": {"duration": "5 minutes"}}):
        "not an ISO 8601 duration",
}


def store(items: list[Line | Problem]) -> tuple[PullResult, list[tuple[object, ...]]]:
    """Stage ``items`` in a real in-memory DuckDB store; (what the pull found, the rows)."""
    con = duckdb.connect()
    con.execute(SCHEMA)
    result = PullResult("test")
    writer = Writer(con, result)
    writer.add(items)
    writer.close("test")
    rows = con.execute("SELECT id, actor, verb, object, success, response, version, attempt, "
                       "duration, raw FROM statements ORDER BY id").fetchall()
    con.close()
    return result, rows


def test_malformed_lines_are_named_in_order() -> None:
    lines = [GOOD_LINES[0], *BAD_LINES, "", GOOD_LINES[1], "\x00oops"]
    result, rows = store(list(read_ndjson(lines)))
    assert sorted(r[0] for r in rows) == sorted([GOOD.items[0]["id"], GOOD.items[1]["id"]])
    wheres = [p.where for p in result.problems]
    assert wheres == [f"line {n}" for n in range(2, 2 + len(BAD_LINES))] + [
        f"line {len(lines)}"]
    for problem, why in zip(result.problems, BAD_LINES.values(), strict=False):
        assert why in problem.reason, (problem, why)
    assert result.malformed == len(BAD_LINES) + 1 and result.fetched == 2


def test_columns_read_from_the_profile_fields() -> None:
    s = Statements(BASE)
    a = s.answered("ann", "c", "l", "q1", "abcdef012345", ["c1", "c3"], False, attempt=2)
    e = s.experienced("ann", "c", "l", 90)
    _, rows = store(list(read_ndjson([json.dumps(a), json.dumps(e)])))
    by_id = {r[0]: r for r in rows}
    row = by_id[a["id"]]
    assert row[1:8] == (f"account:{BASE}|ann", "http://adlnet.gov/expapi/verbs/answered",
                        f"{BASE}courses/c/l/#q1", False, "c1[,]c3", "abcdef012345", 2)
    assert json.loads(str(row[9])) == a  # the statement as received
    assert by_id[e["id"]][8] == pytest.approx(90)


@pytest.mark.parametrize(("text", "seconds"), [
    ("PT1M30S", 90), ("PT0.5S", 0.5), ("P1DT1H", 90000), ("PT2H", 7200), ("P1W", 604800),
    ("PT1,5S", 1.5), ("P1Y", 365 * 86400)])
def test_durations(text: str, seconds: float) -> None:
    s = Statements(BASE)
    e = s.experienced("ann", "c", "l", 1)
    e["result"]["duration"] = text
    _, rows = store(list(read_ndjson([json.dumps(e)])))
    assert rows[0][8] == pytest.approx(seconds)


def test_json_array_and_statement_result(tmp_path: Path) -> None:
    array = GOOD.write_array(tmp_path / "a.json")
    items = list(read_file(array))
    assert [where for where, _ in items] == ["item 1", "item 2", "item 3"]  # type: ignore[misc]
    assert [json.loads(text)["id"] for _, text in items] == [  # type: ignore[misc]
        s["id"] for s in GOOD.items]
    result = tmp_path / "r.json"
    result.write_text(json.dumps({"statements": GOOD.items, "more": ""}, indent=2),
                      encoding="utf-8")
    assert len(store(list(read_file(result)))[1]) == 3
    broken = tmp_path / "b.json"
    broken.write_text("[" + GOOD_LINES[0] + ", 5, " + GOOD_LINES[1], encoding="utf-8")
    found, rows = store(list(read_file(broken)))
    assert len(rows) == 2
    assert [str(p) for p in found.problems] == ["item 2: not a JSON object",
                                                "item 4: the array is not closed with ]"]


def test_bytes_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    bad = GOOD_LINES[1].replace("p1", "p\u00e9").encode("utf-8").replace(b"\xc3\xa9", b"\xe9")
    lines = tmp_path / "latin1.ndjson"
    lines.write_bytes(GOOD_LINES[0].encode() + b"\n" + bad + b"\n")
    found, rows = store(list(read_file(lines)))
    assert len(rows) == 1 and [str(p) for p in found.problems] == ["line 2: not UTF-8 text"]
    array = tmp_path / "latin1.json"
    array.write_bytes(b"[" + GOOD_LINES[0].encode() + b",\n" + bad + b"]")
    found, rows = store(list(read_file(array)))
    assert len(rows) == 1 and [str(p) for p in found.problems] == ["item 2: not UTF-8 text"]


def test_single_statement_ndjson_file(tmp_path: Path) -> None:
    one = tmp_path / "one.ndjson"
    one.write_text(GOOD_LINES[0], encoding="utf-8")  # no newline at the end
    assert len(store(list(read_file(one)))[1]) == 1


statement_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(st.sampled_from(GOOD_LINES), st.text(max_size=40),
                          statement_values.map(json.dumps)), max_size=10))
def test_ndjson_reader_accounts_for_every_line(lines: list[str]) -> None:
    """Whatever the lines, reading and storing never raises, and every non-blank line is either
    stored or named as a problem (the good ones always stored, once per id)."""
    flat = [x for line in lines for x in line.splitlines() or [""]]
    result, rows = store(list(read_ndjson(flat)))
    non_blank = [x for x in flat if x.strip()]
    assert result.fetched + result.malformed == len(non_blank)
    good = {json.loads(x)["id"] for x in non_blank if x.strip() in GOOD_LINES}
    assert good <= {r[0] for r in rows}
    numbers = [int(p.where.split()[1]) for p in result.problems]
    assert numbers == sorted(numbers) and all(p.reason for p in result.problems)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(GOOD.items), max_size=6),
       st.sampled_from(["", " ", "\n", "\n  "]))
def test_json_array_reader_round_trips(items: list[dict[str, object]], space: str) -> None:
    text = "[" + space + ("," + space).join(json.dumps(i) for i in items) + space + "]"
    read = list(read_json_array(io.StringIO(text)))
    assert [json.loads(t)["id"] for _, t in read] == [i["id"] for i in items]  # type: ignore[misc]


def test_pull_from_file_is_incremental_and_names_problems(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    file = root / "export.ndjson"
    file.write_text("\n".join([*GOOD_LINES[:2], "{oops"]) + "\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(cli, ["analytics", "pull", "--from", str(file), "--repo", str(root)])
    assert first.exit_code == 0
    assert "2 statements read, 2 new, 1 malformed" in first.output
    assert "line 3: not valid JSON" in first.output
    assert "Traceback" not in first.output
    file.write_text("\n".join(GOOD_LINES) + "\n", encoding="utf-8")
    second = runner.invoke(cli, ["analytics", "pull", "--from", str(file), "--repo", str(root)])
    assert "3 statements read, 1 new, 0 malformed" in second.output
    assert "holds 3" in second.output
    assert (root / ".lmsctl" / "analytics.duckdb").is_file()


def test_pull_usage_errors(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    runner = CliRunner()
    neither = runner.invoke(cli, ["analytics", "pull", "--repo", str(root)])
    assert neither.exit_code == 2 and "exactly one of --lrs URL and --from FILE" in neither.output
    missing = runner.invoke(cli, ["analytics", "pull", "--from", "nope.json", "--repo",
                                  str(root)])
    assert missing.exit_code == 2 and "no such file" in missing.output
    creds = runner.invoke(cli, ["analytics", "pull", "--lrs", "http://u:p@127.0.0.1:9/xAPI/",
                                "--repo", str(root)])
    assert creds.exit_code == 2 and "LMSCTL_LRS_AUTH" in creds.output


def test_pull_from_an_lrs_that_is_not_there(make_repo: Callable[..., Path]) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = make_repo()
    result = CliRunner().invoke(cli, ["analytics", "pull", "--lrs",
                                      f"http://127.0.0.1:{port}/xAPI/", "--repo", str(root)])
    assert result.exit_code == 1
    assert "cannot reach the LRS" in result.output and "Traceback" not in result.output
