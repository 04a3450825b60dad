"""``lmsctl lrs``: a real Ralph with lmsctl's file backend, over HTTP (xAPI 1.0.3)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from lmsctl.cli import cli
from lmsctl.lrs import server
from tests.ralph_support import LRS, free_port, request

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
HOME = "https://learn.example.com/"


def statement(actor: str, verb: str = ANSWERED, obj: str = "https://learn.example.com/q",
              parent: str | None = None, **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": actor}},
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": obj},
        "timestamp": "2026-01-01T10:00:00.000Z",
    }
    if parent:
        made["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    made.update(extra)
    return made


def agent(name: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}


def test_many_batches_append_to_one_file(lrs: LRS) -> None:
    # Ralph 5.1's fs backend stores the first batch and answers 500 to every later one.
    me = f"many-{uuid.uuid4()}"
    sent = []
    for _ in range(6):
        batch = [statement(me) for _ in range(5)]
        answer = lrs.post(batch)
        assert answer.status == 200, answer.body
        assert answer.body == [s["id"] for s in batch]
        sent += batch
    lines = (lrs.data / "statements" / "statements.jsonl").read_text().splitlines()
    mine = [json.loads(line)["id"] for line in lines if me in line]
    assert mine == [s["id"] for s in sent]
    got = lrs.all_statements(limit=7, agent=agent(me))
    assert [s["id"] for s in got] == [s["id"] for s in reversed(sent)]  # newest stored first


def test_verb_activity_and_agent_filters_match(lrs: LRS) -> None:
    me, other = f"a-{uuid.uuid4()}", f"b-{uuid.uuid4()}"
    lesson = f"https://learn.example.com/courses/c/{uuid.uuid4()}/"
    question = lesson + "#q1"
    mine = [statement(me, ANSWERED, question, parent=lesson),
            statement(me, EXPERIENCED, lesson)]
    theirs = [statement(other, ANSWERED, question, parent=lesson)]
    assert lrs.post(mine + theirs).status == 200

    def ids(**params: Any) -> set[str]:
        return {s["id"] for s in lrs.all_statements(**params)}

    assert ids(agent=agent(me)) == {s["id"] for s in mine}
    assert ids(agent=agent(me), verb=ANSWERED) == {mine[0]["id"]}
    assert ids(activity=question) == {mine[0]["id"], theirs[0]["id"]}
    assert ids(activity=lesson) == {mine[1]["id"]}
    assert ids(activity=lesson, related_activities=True) == {s["id"] for s in mine + theirs}
    assert ids(activity=lesson, related_activities=False) == {mine[1]["id"]}
    assert ids(verb=EXPERIENCED, agent=agent(other)) == set()


def test_since_is_stored_time_and_exclusive(lrs: LRS) -> None:
    me = f"since-{uuid.uuid4()}"
    first = statement(me, timestamp="2020-01-01T00:00:00Z")  # sent late: an old timestamp
    assert lrs.post([first]).status == 200
    stored = lrs.get(agent=agent(me)).body["statements"][0]["stored"]
    time.sleep(0.01)
    later = [statement(me, timestamp="2019-06-01T00:00:00Z") for _ in range(3)]
    assert lrs.post(later).status == 200
    got = lrs.all_statements(agent=agent(me), since=stored, ascending=True)
    assert [s["id"] for s in got] == [s["id"] for s in later]
    until = lrs.all_statements(agent=agent(me), until=stored)
    assert [s["id"] for s in until] == [first["id"]]


def test_more_pages_through_everything_once_in_both_orders(lrs: LRS) -> None:
    me = f"pages-{uuid.uuid4()}"
    sent = [statement(me) for _ in range(11)]
    for i in range(0, 11, 4):
        assert lrs.post(sent[i:i + 4]).status == 200
    first = lrs.get(agent=agent(me), limit=4)
    assert len(first.body["statements"]) == 4 and first.body["more"]
    newest_first = lrs.all_statements(agent=agent(me), limit=4)
    assert [s["id"] for s in newest_first] == [s["id"] for s in reversed(sent)]
    oldest_first = lrs.all_statements(agent=agent(me), limit=3, ascending=True)
    assert [s["id"] for s in oldest_first] == [s["id"] for s in sent]
    last = lrs.get(agent=agent(me), limit=20)
    assert "more" not in last.body and len(last.body["statements"]) == 11


def test_statement_id_query_returns_that_statement(lrs: LRS) -> None:
    one = statement(f"id-{uuid.uuid4()}")
    assert lrs.post([one]).status == 200
    got = lrs.get(statementId=one["id"]).body["statements"]
    assert [s["id"] for s in got] == [one["id"]] and got[0]["verb"] == one["verb"]


def test_duplicate_ids_are_delivered_once_and_conflicts_refused(lrs_factory: Any) -> None:
    store = lrs_factory()
    one, two = statement("dup"), statement("dup")
    assert store.post([one]).status == 200
    again = store.post([one])  # a retry after a lost answer: already there
    assert again.status == 204
    mixed = store.post([one, two])  # the known one is skipped, the new one stored
    assert mixed.status == 200 and mixed.body == [two["id"]]
    changed = {**one, "verb": {"id": EXPERIENCED}}
    conflict = store.post([changed])
    assert conflict.status == 409
    put = request("PUT", f"{store.endpoint}statements?statementId={one['id']}", data=one,
                  auth=store.writer_auth)
    assert put.status == 204
    put_conflict = request("PUT", f"{store.endpoint}statements?statementId={one['id']}",
                           data=changed, auth=store.writer_auth)
    assert put_conflict.status == 409
    three = statement("dup")
    put_new = request("PUT", f"{store.endpoint}statements?statementId={three['id']}",
                      data=three, auth=store.writer_auth)
    assert put_new.status == 204
    in_batch = store.post([statement("dup", id=one["id"]), statement("dup", id=one["id"])])
    assert in_batch.status == 400
    ids = [s["id"] for s in store.all_statements()]
    assert sorted(ids) == sorted([one["id"], two["id"], three["id"]])
    lines = (store.data / "statements" / "statements.jsonl").read_text().splitlines()
    assert len(lines) == 3


def test_write_only_account_cannot_read_and_read_only_cannot_write(lrs: LRS) -> None:
    assert lrs.get(auth=lrs.writer_auth).status in (401, 403)
    assert lrs.post([statement("x")], auth=lrs.reader_auth).status in (401, 403)
    assert request("GET", lrs.endpoint + "statements").status == 401
    assert lrs.post([statement("x")], auth="Basic bm9ib2R5Om5vcGU=").status == 401
    assert lrs.get().status == 200


def test_cors_allows_the_site_origin_only(lrs: LRS) -> None:
    def preflight(origin: str) -> dict[str, str]:
        return request("OPTIONS", lrs.endpoint + "statements", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,"
                                              "x-experience-api-version"}).headers

    allowed = preflight("https://learn.example.com")
    assert allowed.get("access-control-allow-origin") == "https://learn.example.com"
    assert "POST" in allowed.get("access-control-allow-methods", "")
    assert preflight("http://127.0.0.1:8000").get("access-control-allow-origin") == \
        "http://127.0.0.1:8000"
    assert "access-control-allow-origin" not in preflight("https://evil.example.org")


def test_statements_survive_a_crash_and_a_torn_line(lrs_factory: Any) -> None:
    store = lrs_factory()
    kept = [statement("crash") for _ in range(3)]
    assert store.post(kept).status == 200
    store.stop()
    with (store.data / "statements" / "statements.jsonl").open("ab") as f:
        f.write(b'{"id": "half a line that never got its end')  # killed mid-write
    store.start()
    assert [s["id"] for s in store.all_statements()] == [s["id"] for s in reversed(kept)]
    more = statement("crash")
    assert store.post([more]).status == 200
    ids = [s["id"] for s in store.all_statements(ascending=True)]
    assert ids == [s["id"] for s in [*kept, more]]
    for line in (store.data / "statements" / "statements.jsonl").read_text().splitlines():
        json.loads(line)


def test_accounts_are_kept_across_starts(tmp_path: Path) -> None:
    writer, reader = server.accounts(tmp_path)
    assert server.accounts(tmp_path) == (writer, reader)
    assert writer.scopes == ("statements/write",) and reader.scopes == ("statements/read",)
    assert writer.password != reader.password
    assert oct((tmp_path / "credentials.json").stat().st_mode & 0o777) == "0o600"
    assert writer.authorization.startswith("Basic ")


def test_usage_says_what_to_put_in_lmsctl_yml(tmp_path: Path) -> None:
    launch = server.prepare(tmp_path / "data", 8123,
                            ["https://learn.example.com/sub/", "http://127.0.0.1:8000"],
                            sys.executable, "5.1.0", base_env={"RALPH_SENTRY_DSN": "x"})
    text = server.usage(launch)
    assert "endpoint: http://127.0.0.1:8123/xAPI/" in text
    assert f'auth: "{launch.writer.authorization}"' in text
    assert f"curl -u lmsctl-reader:{launch.reader.password}" in text
    assert (f"LMSCTL_LRS_AUTH=lmsctl-reader:{launch.reader.password} lmsctl analytics pull "
            "--lrs http://127.0.0.1:8123/xAPI/") in text
    assert json.loads(launch.env["RALPH_RUNSERVER_CORS_ALLOW_ORIGINS"]) == [
        "https://learn.example.com", "http://127.0.0.1:8000"]
    assert "RALPH_SENTRY_DSN" not in launch.env  # only what lmsctl sets reaches Ralph
    copied = tmp_path / "data" / "python" / "lmsctl" / "lrs" / "ralph_backend.py"
    assert copied.read_text() == (Path(server.__file__).parent / "ralph_backend.py").read_text()


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("lrs", "--data", str(tmp_path / "d"), "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output


def test_missing_ralph_says_how_to_install_it(tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    result = run_cli("lrs", "--data", str(tmp_path / "d"), "--port", str(free_port()),
                     "--python", str(bare / "bin" / "python"))
    assert result.exit_code == 1
    assert "Ralph is not installed" in result.output
    assert "pip install 'lmsctl[lrs]'" in result.output
    assert "ralph-malph[lrs]>=5.1,<5.2" in result.output


@pytest.mark.parametrize("args, message", [
    (["--python", "/no/such/python"], "--python /no/such/python: no such program"),
    (["--port", "0"], "--port 0: not a port number"),
    (["--origin", "learn.example.com"], "--origin learn.example.com: not a web address"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("lrs", "--data", str(tmp_path / "d"), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_outside_a_repository_without_data_is_a_usage_error(tmp_path: Path,
                                                            monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("lrs")
    assert result.exit_code == 2


UPSTREAM = """
import json, sys, tempfile
from ralph.backends.lrs.base import RalphStatementsQuery
from ralph.backends.lrs.fs import FSLRSBackend, FSLRSBackendSettings
from ralph.exceptions import BackendException
from ralph.models.xapi.base.common import IRI
folder = tempfile.mkdtemp()
backend = FSLRSBackend(FSLRSBackendSettings(DEFAULT_DIRECTORY_PATH=folder))
one = {"id": "a", "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}
backend.write([one])
try:
    backend.write([{**one, "id": "b"}])
    second = "stored"
except BackendException:
    second = "refused"
query = RalphStatementsQuery.model_construct(verb=IRI(one["verb"]["id"]), limit=10)
found = backend.query_statements(query).statements
print(json.dumps({"second": second, "verb": len(found)}))
"""


def test_ralph_fs_backend_still_needs_the_fix(ralph_python: Path, tmp_path: Path) -> None:
    # Why lmsctl_fs exists: if this fails, Ralph fixed its fs backend and the subclass may go.
    done = subprocess.run([str(ralph_python), "-c", UPSTREAM], capture_output=True, text=True,
                          cwd=tmp_path, env={"RALPH_HISTORY_FILE": str(tmp_path / "h.json"),
                                             "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"second": "refused", "verb": 0}


def test_what_ralph_imports_from_lmsctl_imports_nothing_else_of_it() -> None:
    import ast

    folder = Path(server.__file__).parent
    for name in server.RALPH_MODULES:
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top != "lmsctl" or module == "lmsctl.lrs.ralph_backend", (name, module)
    package = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(package) if isinstance(n, (ast.Import, ast.ImportFrom))]


HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)


@given(scheme=st.sampled_from(["http", "https"]), host=HOSTS,
       port=st.one_of(st.none(), st.integers(1, 65535)),
       path=st.from_regex(r"(/[A-Za-z0-9._~-]{0,8}){0,4}", fullmatch=True))
def test_origin_of_any_site_url_is_what_browsers_send(scheme: str, host: str, port: int | None,
                                                      path: str) -> None:
    url = f"{scheme}://{host}{f':{port}' if port else ''}{path}"
    origin = server.origin_of(url)
    assert origin == f"{scheme}://{host}{f':{port}' if port else ''}"
    assert server.origin_of(origin) == origin


@pytest.mark.parametrize("url", ["", "learn.example.com", "ftp://x.example/", "https://",
                                 "mailto:a@b.example"])
def test_origin_of_a_non_web_address_is_none(url: str) -> None:
    assert server.origin_of(url) is None
