"""A real Ralph LRS for tests: ``lmsctl lrs`` started on a free 127.0.0.1 port.

Ralph runs from its own virtual environment, made once from the package registry (PyPI) and
kept in ``.lmsctl/test-ralph-venv`` (git-ignored) across runs; ``LMSCTL_TEST_RALPH_PYTHON``
names another Python that has it. When the environment cannot be made, a test fails under
CI=true and is skipped elsewhere, saying the command that makes it.

Use the fixtures (import them into a test module): ``ralph_python`` (session) is the Python
with Ralph; ``lrs`` (session) is one running LRS shared by the tests of a session (give each
test its own actor or activity ids); ``lrs_factory`` starts LRSs of a test's own, with their
own data folders (to stop and restart them, or to count every statement).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from lmsctl.lrs.server import RALPH_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".lmsctl" / "test-ralph-venv"
MAKE_VENV = (f"python3 -m venv {VENV.relative_to(ROOT)} && {VENV.relative_to(ROOT)}/bin/pip "
             f"install " + " ".join(f"'{p}'" for p in RALPH_PACKAGES))
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


def _unavailable(why: str) -> None:
    message = f"Ralph is not available ({why}); make its environment with: {MAKE_VENV}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _has_ralph(python: Path) -> bool:
    check = ("import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in "
             "('ralph', 'uvicorn', 'bcrypt', 'requests')) else 1)")
    return python.exists() and subprocess.run([str(python), "-c", check],
                                              capture_output=True).returncode == 0


def make_ralph_python() -> Path:
    """The Python with Ralph, making the cached environment on first use."""
    named = os.environ.get("LMSCTL_TEST_RALPH_PYTHON")
    if named:
        if not _has_ralph(Path(named)):
            _unavailable(f"LMSCTL_TEST_RALPH_PYTHON={named} has no Ralph")
        return Path(named)
    python = VENV / "bin" / "python"
    if _has_ralph(python):
        return python
    VENV.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True,
                       capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *RALPH_PACKAGES],
                       check=True, capture_output=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        output = getattr(exc, "stderr", b"") or b""
        _unavailable(f"{exc}; {output.decode(errors='replace')[-400:]}")
    if not _has_ralph(python):
        _unavailable("the new environment has no Ralph")
    return python


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def request(method: str, url: str, *, auth: str | None = None, data: Any = None,
            headers: dict[str, str] | None = None, timeout: float = 20) -> Response:
    """One HTTP request with the standard library (no client library to trust instead)."""
    body = None if data is None else json.dumps(data).encode()
    all_headers = {**XAPI_HEADERS, **(headers or {})}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    if auth:
        all_headers["Authorization"] = auth
    req = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            raw = answer.read()
            status, got = answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        raw, status, got = error.read(), error.code, dict(error.headers)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Response(status, parsed, {k.lower(): v for k, v in got.items()})


@dataclass
class LRS:
    """One ``lmsctl lrs`` process and what it printed."""

    python: Path
    data: Path
    port: int
    origins: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.data.parent / f"{self.data.name}-lrs.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base}/xAPI/"

    def _accounts(self) -> dict[str, dict[str, Any]]:
        items = json.loads((self.data / "credentials.json").read_text(encoding="utf-8"))
        return {item["username"]: item for item in items}

    @property
    def writer_auth(self) -> str:
        account = self._accounts()["lmsctl-site"]
        return basic(account["username"], account["password"])

    @property
    def reader_auth(self) -> str:
        account = self._accounts()["lmsctl-reader"]
        return basic(account["username"], account["password"])

    def start(self, timeout: float = 60) -> None:
        argv = [sys.executable, "-c", "from lmsctl.cli import main; main()", "lrs",
                "--data", str(self.data), "--port", str(self.port),
                "--python", str(self.python)]
        for origin in self.origins:
            argv += ["--origin", origin]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=self.data.parent, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"lmsctl lrs exited with {self.process.returncode}:\n"
                                     + self.log.read_text(errors="replace"))
            try:
                if request("GET", f"{self.base}/__heartbeat__", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError("lmsctl lrs did not answer in time:\n"
                             + self.log.read_text(errors="replace"))

    def stop(self) -> None:
        """Kill the LRS (SIGKILL: no chance to finish anything, as in a crash)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGKILL)  # its own session: Ralph and nothing else
        process.wait(timeout=20)

    def post(self, statements: Any, auth: str | None = None) -> Response:
        return request("POST", self.endpoint + "statements", data=statements,
                       auth=auth or self.writer_auth)

    def get(self, auth: str | None = None, **params: Any) -> Response:
        query = urlencode({k: (json.dumps(v) if isinstance(v, dict) else
                               str(v).lower() if isinstance(v, bool) else v)
                           for k, v in params.items()})
        return request("GET", self.endpoint + "statements" + (f"?{query}" if query else ""),
                       auth=auth or self.reader_auth)

    def all_statements(self, **params: Any) -> list[dict[str, Any]]:
        """Every statement matching ``params``, following ``more`` links."""
        answer = self.get(**params)
        assert answer.status == 200, answer.body
        found = list(answer.body["statements"])
        pages = 0
        while answer.body.get("more") and answer.body["statements"]:
            answer = request("GET", urljoin(self.base, answer.body["more"]),
                             auth=self.reader_auth)
            assert answer.status == 200, answer.body
            found += answer.body["statements"]
            pages += 1
            assert pages < 10_000
        return found


@pytest.fixture(scope="session")
def ralph_python() -> Path:
    return make_ralph_python()


@pytest.fixture
def lrs_factory(ralph_python: Path, tmp_path: Path) -> Iterator[Callable[..., LRS]]:
    started: list[LRS] = []

    def make(name: str = "lrs", origins: tuple[str, ...] = ()) -> LRS:
        server = LRS(python=ralph_python, data=tmp_path / name, port=free_port(),
                     origins=origins)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def lrs(ralph_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LRS]:
    server = LRS(python=ralph_python, data=tmp_path_factory.mktemp("ralph") / "lrs",
                 port=free_port(), origins=("https://learn.example.com",))
    server.start()
    yield server
    server.stop()


@dataclass
class RecordedSite:
    """The sample site built with ``analytics:`` pointing at a real Ralph, served from 127.0.0.1
    under its sub-path, with a headless Chromium to take it."""

    base: str  # the site's URL in the static server, ending in /
    origin: str
    model: Any  # lmsctl.core.model.Repository
    lrs: LRS
    chromium: Any

    @property
    def activity_base(self) -> str:
        return str(self.model.config.activity_base)


@contextmanager
def recorded_sample_site(folder: Path, ralph_python: Path) -> Iterator[RecordedSite]:
    """Build the sample courses into ``folder`` with learning records sent to a fresh Ralph
    (its own data under ``folder``); stop Ralph afterwards."""
    from lmsctl.content.loader import load_repository
    from tests.browser_support import browser, static_server
    from tests.site_support import build, copy_sample

    repo = copy_sample(folder / "repo", contributing=False)
    sub_path = urlsplit(load_repository(repo)[0].config.site_url).path.strip("/")
    www = folder / "www"
    www.mkdir()
    with static_server(www) as url, browser() as chromium:
        lrs = LRS(python=ralph_python, data=folder / "lrs", port=free_port(), origins=(url,))
        lrs.start()
        try:
            with (repo / "lmsctl.yml").open("a", encoding="utf-8") as f:
                f.write(f'\nanalytics:\n  xapi:\n    endpoint: {lrs.endpoint}\n'
                        f'    auth: "{lrs.writer_auth}"\n')
            result, printed = build(repo, www / sub_path)
            assert result.pages > 20, printed
            model, _ = load_repository(repo)
            yield RecordedSite(f"{url}/{sub_path}/", url, model, lrs, chromium)
        finally:
            lrs.stop()
