"""``lmsctl lrs``: Ralph (an xAPI LRS) on 127.0.0.1 with lmsctl's file backend.

The data folder holds everything of one LRS::

    <data>/statements/statements.jsonl   every statement, one JSON object a line (append only)
    <data>/credentials.json              the two accounts, with their passwords (mode 0600)
    <data>/auth.json                     Ralph's auth file (bcrypt hashes; written by ralph_boot)
    <data>/python/                       what Ralph imports from lmsctl: the backend and boot
                                         modules and the entry point that registers the backend

Ralph runs from any Python that has ``ralph-malph[lrs]`` 5.1: this one (``pip install
'lmsctl[lrs]'``), the one ``--python`` names, or ``<repo>/.lmsctl/ralph-venv`` (a separate
environment, for when Ralph's exact pins clash with other packages). Ralph gets only the backend
and boot modules, copied into ``<data>/python`` on every start, never the rest of lmsctl.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from lmsctl.core.errors import LmsctlError, UsageError

HOST = "127.0.0.1"
DEFAULT_PORT = 8100
#: The versions of Ralph whose internals the backend fix is written against.
RALPH_REQUIREMENT = "ralph-malph[lrs]>=5.1,<5.2"
#: Ralph 5.1's API imports ``requests`` (for OIDC) without declaring it in its ``lrs`` extra.
RALPH_PACKAGES = (RALPH_REQUIREMENT, "requests>=2.31,<3")
RALPH_SERIES = "5.1."
WRITER = "lmsctl-site"
READER = "lmsctl-reader"
WRITER_SCOPES = ["statements/write"]
READER_SCOPES = ["statements/read"]
#: Modules copied for Ralph's environment (they import nothing else from lmsctl).
RALPH_MODULES = ("ralph_backend.py", "ralph_boot.py")
ENTRY_POINT = "lmsctl_fs = lmsctl.lrs.ralph_backend:LmsctlFSLRSBackend"
SEPARATE_VENV = Path(".lmsctl") / "ralph-venv"

_PROBE = """
import importlib.util, importlib.metadata, json
missing = [m for m in ("ralph", "uvicorn", "fastapi", "bcrypt", "cachetools", "requests")
           if importlib.util.find_spec(m) is None]
try:
    version = importlib.metadata.version("ralph-malph")
except importlib.metadata.PackageNotFoundError:
    version = None
print(json.dumps({"version": version, "missing": missing}))
"""


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    scopes: tuple[str, ...]

    @property
    def authorization(self) -> str:
        """The HTTP ``Authorization`` header value (what ``analytics.xapi.auth`` holds)."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"


@dataclass(frozen=True)
class Launch:
    """Everything needed to start Ralph (``argv[0]`` is the Python to run)."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    endpoint: str
    statements_file: Path
    writer: Account
    reader: Account
    ralph_version: str
    origins: tuple[str, ...]


def install_hint(root: Path | None) -> str:
    venv = (root / SEPARATE_VENV) if root else SEPARATE_VENV
    pins = " ".join(f"'{p}'" for p in RALPH_PACKAGES)
    return (f"Install it here with: pip install 'lmsctl[lrs]'; or in its own environment: "
            f"python3 -m venv {venv} && {venv}/bin/pip install {pins} "
            f"(lmsctl lrs finds it there, or pass --python).")


def find_python(root: Path | None, explicit: str | None) -> str:
    """The Python that runs Ralph: ``--python``/``LMSCTL_RALPH_PYTHON``, this one when Ralph is
    installed here, or the repository's ``.lmsctl/ralph-venv``."""
    chosen = explicit or os.environ.get("LMSCTL_RALPH_PYTHON")
    if chosen:
        found = shutil.which(chosen) if os.sep not in chosen else chosen
        if not found or not Path(found).exists():
            raise UsageError(f"--python {chosen}: no such program", install_hint(root))
        return str(Path(found).absolute())
    from importlib.util import find_spec

    if find_spec("ralph") is not None:
        return sys.executable
    if root is not None:
        for name in ("bin/python", "Scripts/python.exe"):
            candidate = root / SEPARATE_VENV / name
            if candidate.exists():
                return str(candidate)
    raise LmsctlError("Ralph (the LRS that lmsctl lrs runs) is not installed", install_hint(root))


def probe(python: str, root: Path | None) -> str:
    """Ralph's version in ``python``; a clear error when it is missing or not 5.1."""
    try:
        done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True,
                              timeout=60, check=False)
    except OSError as exc:
        raise LmsctlError(f"cannot run the Python for Ralph: {python}: {exc.strerror}",
                          "Pass --python with the path of a Python that has Ralph installed. "
                          + install_hint(root)) from exc
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise LmsctlError(f"{python} did not run ({done.stderr.strip()[:200]})",
                          install_hint(root)) from exc
    version = found.get("version")
    if not version or found.get("missing"):
        missing = ", ".join(found.get("missing") or ["ralph-malph"])
        raise LmsctlError(f"Ralph is not installed in {python} (missing: {missing})",
                          install_hint(root))
    if not str(version).startswith(RALPH_SERIES):
        raise LmsctlError(f"{python} has ralph-malph {version}; lmsctl lrs needs 5.1.x",
                          "Install the supported series there: pip install "
                          + " ".join(f"'{p}'" for p in RALPH_PACKAGES) + ".")
    return str(version)


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL (what browsers send as ``Origin``), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def check_port(port: int) -> None:
    if not 0 < port < 65536:
        raise UsageError(f"--port {port}: not a port number", "Pick a port from 1024 to 65535.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as uvicorn will: connections of a server that just stopped do not hold the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise LmsctlError(f"port {port} on {HOST} is already in use",
                                  f"Stop the other server or pick another port: --port "
                                  f"{port + 1}.") from exc
            raise LmsctlError(f"cannot listen on {HOST}:{port}: {exc.strerror}",
                              "Pick another port with --port.") from exc


def accounts(data: Path) -> tuple[Account, Account]:
    """The write-only and read-only accounts of this data folder, made on first use."""
    path = data / "credentials.json"
    stored: dict[str, Account] = {}
    if path.exists():
        try:
            for item in json.loads(path.read_text(encoding="utf-8")):
                stored[item["username"]] = Account(item["username"], item["password"],
                                                   tuple(item["scopes"]))
        except (ValueError, TypeError, KeyError) as exc:
            raise LmsctlError(f"{path}: not the accounts file lmsctl lrs wrote ({exc})",
                              f"Delete {path} to make new accounts (the site's auth value "
                              f"in lmsctl.yml changes too).") from exc
    writer = stored.get(WRITER) or Account(WRITER, secrets.token_urlsafe(18),
                                           tuple(WRITER_SCOPES))
    reader = stored.get(READER) or Account(READER, secrets.token_urlsafe(18),
                                           tuple(READER_SCOPES))
    if stored.get(WRITER) != writer or stored.get(READER) != reader or not path.exists():
        text = json.dumps([{"username": a.username, "password": a.password,
                            "scopes": list(a.scopes)} for a in (writer, reader)], indent=2)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return writer, reader


def _install_modules(folder: Path) -> None:
    """What Ralph imports from lmsctl, with the entry point that registers the backend."""
    package = folder / "lmsctl" / "lrs"
    package.mkdir(parents=True, exist_ok=True)
    (folder / "lmsctl" / "__init__.py").write_text('"""lmsctl modules for Ralph."""\n',
                                                   encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    source = resources.files("lmsctl.lrs")
    for name in RALPH_MODULES:
        (package / name).write_text(source.joinpath(name).read_text(encoding="utf-8"),
                                    encoding="utf-8")
    info = folder / "lmsctl_lrs_backend-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lmsctl-lrs-backend\n"
                                   "Version: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[ralph.backends.lrs]\n{ENTRY_POINT}\n",
                                           encoding="utf-8")


def prepare(data: Path, port: int, origins: list[str], python: str, ralph_version: str,
            base_env: dict[str, str] | None = None) -> Launch:
    """Make the data folder ready and return how to start Ralph on it."""
    data = data.resolve()
    if data.exists() and not data.is_dir():
        raise UsageError(f"--data {data}: not a folder", "Name a folder (it is made if needed).")
    try:
        for sub in (data, data / "statements", data / "python"):
            sub.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LmsctlError(f"cannot make the data folder {data}: {exc.strerror}",
                          "Pick a folder you can write with --data.") from exc
    writer, reader = accounts(data)
    _install_modules(data / "python")
    allowed = tuple(dict.fromkeys(o for o in (origin_of(u) for u in origins) if o))
    env = {k: v for k, v in (base_env if base_env is not None else os.environ).items()
           if not k.startswith("RALPH_")}
    env.update({
        "PYTHONPATH": str(data / "python"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "RALPH_RUNSERVER_BACKEND": "lmsctl_fs",
        "RALPH_BACKENDS__LRS__LMSCTL_FS__DEFAULT_DIRECTORY_PATH": str(data / "statements"),
        "RALPH_BACKENDS__LRS__LMSCTL_FS__DEFAULT_LRS_FILE": "statements.jsonl",
        "RALPH_AUTH_FILE": str(data / "auth.json"),
        "RALPH_HISTORY_FILE": str(data / "history.json"),
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_LRS_RESTRICT_BY_AUTHORITY": "true",
        "RALPH_LRS_RESTRICT_BY_SCOPES": "true",
        "RALPH_RUNSERVER_CORS_ALLOW_ORIGINS": json.dumps(list(allowed)),
        "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "500",
    })
    argv = [python, "-m", "lmsctl.lrs.ralph_boot", "--host", HOST, "--port", str(port),
            "--credentials", str(data / "credentials.json")]
    return Launch(argv=argv, env=env, cwd=data / "python",
                  endpoint=f"http://{HOST}:{port}/xAPI/",
                  statements_file=data / "statements" / "statements.jsonl",
                  writer=writer, reader=reader, ralph_version=ralph_version, origins=allowed)


def usage(launch: Launch) -> str:
    """What to put in lmsctl.yml and how to read the statements back."""
    statements = launch.endpoint + "statements"
    origins = ", ".join(launch.origins) or "none (pass --origin)"
    return "\n".join([
        f"Ralph {launch.ralph_version} (xAPI LRS) on {launch.endpoint}",
        f"  statements are kept in {launch.statements_file}",
        f"  browsers may send from: {origins}",
        "",
        "Write-only account (for the site; it cannot read): put this in lmsctl.yml",
        "  analytics:",
        "    xapi:",
        f"      endpoint: {launch.endpoint}",
        f'      auth: "{launch.writer.authorization}"',
        "",
        "Read-only account (for lmsctl analytics pull and curl; it cannot write):",
        f"  user {launch.reader.username}, password {launch.reader.password}",
        f"  curl -u {launch.reader.username}:{launch.reader.password} "
        f"-H 'X-Experience-API-Version: 1.0.3' {statements}",
        f"  LMSCTL_LRS_AUTH={launch.reader.username}:{launch.reader.password} "
        f"lmsctl analytics pull --lrs {launch.endpoint}",
        "",
        "Ctrl+C stops it.",
    ])


def start(launch: Launch) -> None:
    """Replace this process with Ralph (so Ctrl+C and signals reach it directly)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(launch.cwd)
    try:
        os.execve(launch.argv[0], launch.argv, launch.env)
    except OSError as exc:
        raise LmsctlError(f"cannot start {launch.argv[0]}: {exc.strerror}",
                          "Pass --python with a Python that has Ralph installed.") from exc
