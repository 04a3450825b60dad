"""``lmsctl analytics pull --lrs`` against a real Ralph LRS (``lmsctl lrs``, tests/ralph_support):
everything on the first pull, only what is new on the next, what Ralph sent stored as sent,
and clear errors for a refused key."""

# ruff: noqa: F811
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.ralph_support import LRS, lrs_factory, ralph_python  # noqa: F401
from tests.xapi_support import BASE, Statements

pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")

from lmsctl.cli import cli  # noqa: E402


def pull(root: Path, server: LRS, auth: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["analytics", "pull", "--lrs", server.endpoint,
                                      "--repo", str(root)], env={"LMSCTL_LRS_AUTH": auth})
    return result.exit_code, result.output


def test_pull_from_ralph_is_incremental(make_repo: Callable[..., Path],
                                        lrs_factory: Callable[..., LRS]) -> None:
    server = lrs_factory()
    root = make_repo()
    s = Statements(BASE)
    for i in range(5):
        s.experienced(f"r{i}", "sales-basics", "discovery-questions", 10 + i)
    first_batch = list(s.items)
    assert server.post(first_batch).status == 200
    code, out = pull(root, server, server.reader_auth)
    assert code == 0, out
    assert "5 statements read, 5 new, 0 malformed" in out
    for i in range(3):
        s.experienced(f"n{i}", "sales-basics", "discovery-questions", 20 + i)
    assert server.post(s.items[5:]).status == 200
    code, out = pull(root, server, server.reader_auth)
    assert code == 0, out
    assert "3 statements read, 3 new" in out and "holds 8" in out  # only the new ones
    code, out = pull(root, server, server.reader_auth)
    assert "0 statements read, 0 new" in out
    # stored exactly as Ralph sent it (with the stored time and authority it added)
    import duckdb

    sent = {x["id"]: x for x in server.all_statements()}
    con = duckdb.connect(str(root / ".lmsctl" / "analytics.duckdb"), read_only=True)
    try:
        stored = {i: json.loads(raw) for i, raw in
                  con.execute("SELECT id, raw FROM statements").fetchall()}
    finally:
        con.close()
    assert stored == sent


def test_refused_keys_are_clear(make_repo: Callable[..., Path],
                                lrs_factory: Callable[..., LRS]) -> None:
    server = lrs_factory()
    root = make_repo()
    code, out = pull(root, server, "nobody:wrong")
    assert code == 1 and "the LRS refused the credential (401" in out
    assert "LMSCTL_LRS_AUTH" in out and "Traceback" not in out
    code, out = pull(root, server, server.writer_auth)  # the site's write-only key
    assert code == 1 and "refused the credential" in out
