"""``lmsctl resident``: keep lmsctl loaded for the console script's ``lint`` and ``validate``
(``lmsctl.core.resident`` says how the two sides meet).

The resident imports what those runs import and builds the Markdown parser, then waits on its
socket. Each command line is run by a fork of it, in the folder, environment, umask and standard
streams of the console script that sent it; the fork sends the exit code back and ends. The
resident itself checks nothing: it watches the repositories its runs were in
(``lmsctl.core.watch``), so that a fork starts from a snapshot of the repository's files taken
just before rather than a walk of every folder, and reads their cache's facts ahead
(``lmsctl.core.cache.read_ahead``), so that a fork whose facts file is still the same needs not
read it. A run is what it would be in a fresh process: the snapshot is what a walk would give,
the facts are those of the same file. It stops after ``idle`` seconds without a run, on Ctrl+C or
SIGTERM, and when lmsctl's files changed since it started.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from lmsctl.checks.validate import Facts
from lmsctl.core import inputs, resident
from lmsctl.core.cache import code_files_hash, read_ahead
from lmsctl.core.errors import UsageError
from lmsctl.core.inputs import Snapshot, snapshot
from lmsctl.core.watch import Watcher, why

#: The most a request may hold (arguments and environment).
_MAX_REQUEST = 1 << 20


#: What a resident loaded: lmsctl's fingerprint, and the time stamps of its files then (None
#: when some were written too recently for their stamps to tell a later change apart).
Code = tuple[str, Snapshot | None]


def _stamps() -> Snapshot | None:
    """The time stamps of lmsctl's files (those ``code_files_hash`` reads, and more)."""
    def skip(rel: str) -> bool:
        name = rel.rpartition("/")[2]
        return name in ("__pycache__", "node_modules") or name.startswith(".")

    return snapshot(Path(resident.package_dir()), only=None, skip=skip)


def _load() -> Code:
    """Import what ``lint`` and ``validate`` import, build the parser, the schemas' validators
    and the built-in templates' placeholder texts (all made of lmsctl's files alone, which a
    run checks are unchanged); lmsctl's fingerprint."""
    import lmsctl.checks.lint
    import lmsctl.checks.validate
    import lmsctl.commands.lint
    import lmsctl.commands.validate  # noqa: F401
    from lmsctl.content.markdown import parser
    from lmsctl.content.placeholders import builtin_texts
    from lmsctl.core import schema

    stamps = _stamps()
    parser()
    builtin_texts()
    for name in ("course", "lesson", "lmsctl", "path", "quiz"):
        schema.fast_validator(name)
    return code_files_hash(), stamps if stamps is not None and stamps.settled else None


def _same_code(known: Code) -> bool:
    """Whether lmsctl's files are still those the resident loaded: their time stamps are the
    same (a few ms), or else their fingerprint (read again, as a fresh run would)."""
    digest, stamps = known
    if stamps is not None and _stamps() == stamps:
        return True
    code_files_hash.cache_clear()
    return code_files_hash() == digest


#: The longest socket path every Unix takes (macOS: 104 bytes with the final NUL).
_MAX_PATH = 103


def _listen(path: str) -> socket.socket:
    if len(os.fsencode(path)) > _MAX_PATH:
        raise UsageError(f"the resident's socket path is too long for a Unix socket ({path})",
                         "Set XDG_RUNTIME_DIR or TMPDIR to a folder with a shorter path.")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # left by a resident that was killed
    else:
        server.close()
        raise UsageError(f"a resident lmsctl already runs ({path})",
                         "Stop it (Ctrl+C where it runs) to start another.")
    finally:
        probe.close()
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(16)
    return server


def run(idle: float, main: Callable[[], None], root: Path | None = None) -> int:
    """Serve until ``idle`` seconds pass without a run (or Ctrl+C, SIGTERM, or changed files).
    ``main`` runs a command line (``sys.argv``) as the console script does (``lmsctl.cli``).
    ``root``: a repository watched from the start (others from their first run)."""
    if not hasattr(socket, "AF_UNIX") or not hasattr(os, "fork"):
        raise UsageError("a resident lmsctl needs Unix sockets and fork (Linux, macOS)")
    known = _load()
    folder = resident.folder()
    os.makedirs(folder, mode=0o700, exist_ok=True)
    if not resident.private(folder):
        raise UsageError(f"{folder} is not a folder of this user that only it may enter",
                         "Remove it, or set XDG_RUNTIME_DIR or TMPDIR to a private folder.")
    path = resident.socket_path()
    server = _listen(path)
    ours = os.stat(path).st_ino
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    click.echo(f"lmsctl resident: lint and validate run here ({path}); it stops after "
               f"{idle / 60:g} idle minutes, or now with Ctrl+C.", err=True)
    try:
        _serve(server, known, idle, main, root)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == ours:
                os.unlink(path)
    return 0


#: The most repositories a resident watches (the first ones its runs were in).
WATCHED = 4
#: The cache namespaces a resident reads ahead for its forks (``cache.read_ahead``): the
#: remembered runs and the courses' facts (``lmsctl.checks``), what a run on one changed
#: lesson reads whole.
READ_AHEAD = ("runs", "facts")


def _walks(root: Path, what: str, reason: str) -> None:
    click.echo(f"lmsctl resident: {what} {root} ({reason}; each run walks its files)", err=True)


class _Repositories:
    """The repositories the resident's runs were in: each watched (``lmsctl.core.watch``) so
    that a fork starts from a snapshot of it taken just before, with its cache's facts read
    ahead. A fork tells of a repository not watched yet through a pipe (``unwatched``)."""

    def __init__(self) -> None:
        self.watchers: dict[Path, Watcher | None] = {}
        #: the read end of each fork's pipe -> what came through it so far
        self.pipes: dict[int, bytes] = {}

    def fds(self) -> list[int]:
        return [*self.pipes, *(w.fd for w in self.watchers.values() if w is not None
                               and w.fd >= 0)]

    def snapshots(self) -> dict[Path, Snapshot | None]:
        """A snapshot of each watched repository now (a watcher that stopped: none)."""
        found: dict[Path, Snapshot | None] = {}
        for root, watcher in list(self.watchers.items()):
            if watcher is not None:
                found[root] = watcher.snapshot()
                self._check(root, watcher)
        return found

    def ready(self, fds: list[int]) -> None:
        """Read what the forks said and the watchers' events (between runs)."""
        for fd in fds:
            if fd in self.pipes:
                data = b""
                with contextlib.suppress(OSError):
                    data = os.read(fd, 65536)
                if data:
                    self.pipes[fd] += data
                    continue
                os.close(fd)
                for raw in self.pipes.pop(fd).split(b"\0"):
                    if raw:
                        self.watch(Path(os.fsdecode(raw)))
                self.ahead()
            else:
                for root, watcher in list(self.watchers.items()):
                    if watcher is not None and watcher.fd == fd:
                        watcher.refresh()  # the folders that changed are listed now
                        self._check(root, watcher)

    def watch(self, root: Path) -> None:
        """Watch the repository at ``root`` (resolved) from now on, if not yet and there is
        room."""
        if root in self.watchers or len(self.watchers) >= WATCHED:
            return
        try:
            watcher = self.watchers[root] = Watcher.start(root)
        except OSError as exc:
            self.watchers[root] = None
            _walks(root, "cannot watch", why(exc))
            return
        if watcher is None:
            _walks(root, "cannot watch", "no inotify here")
        else:
            click.echo(f"lmsctl resident: watching {root} ({len(watcher.watches)} folders)",
                       err=True)

    def _check(self, root: Path, watcher: Watcher) -> None:
        """A watcher that stopped (a walk after events it could not follow failed, as when
        the system's limit of watches is reached after a course was added) is let go: its
        repository's runs walk its files until one of them watches it again."""
        if watcher.fd < 0 and self.watchers.get(root) is watcher:
            del self.watchers[root]
            _walks(root, "stopped watching", why(watcher.error) if watcher.error is not None
                   else "its folders changed while walked")

    def ahead(self) -> None:
        """After a run: the facts of each watched repository read ahead, its stand-ins made.
        Nothing in a repository stops the resident: a watcher whose repository cannot be
        read ahead is dropped (its runs walk the files and read the facts)."""
        snapshots: list[tuple[Path, Snapshot]] = []
        for root, watcher in list(self.watchers.items()):
            try:
                for name in READ_AHEAD:
                    read_ahead(root, name)
                before = watcher.snapshot() if watcher is not None else None
                if watcher is not None:
                    self._check(root, watcher)
            except Exception as exc:  # noqa: BLE001 - see above
                self._drop(root, exc)
                continue
            if before is not None:
                snapshots.append((root, before))
        try:
            Facts.prepare(snapshots)
        except Exception as exc:  # noqa: BLE001 - see above
            Facts.prepare([])
            for root, _ in snapshots:
                self._drop(root, exc)

    def _drop(self, root: Path, exc: Exception) -> None:
        watcher = self.watchers.get(root)
        if watcher is not None:
            watcher.close()
        self.watchers[root] = None
        _walks(root, "stopped watching", f"{type(exc).__name__}: {exc}")

    def pipe(self) -> tuple[int, int]:
        read, write = os.pipe()
        self.pipes[read] = b""
        return read, write


def _serve(server: socket.socket, known: Code, idle: float, main: Callable[[], None],
           root: Path | None) -> None:
    last = time.monotonic()
    repos = _Repositories()
    if root is not None:
        repos.watch(root)
        repos.ahead()
    while True:
        if _reap():
            click.echo("lmsctl resident: lmsctl's files changed; stopping.", err=True)
            return
        listening = server.fileno()
        ready, _, _ = select.select([listening, *repos.fds()], [], [], 1.0)
        if not ready:
            if time.monotonic() - last > idle:
                return
            continue
        if listening not in ready:
            repos.ready(ready)
            continue
        conn, _ = server.accept()
        last = time.monotonic()
        with conn:
            _accept(conn, server, known, main, repos)


def _reap() -> bool:
    """Collect the children that ended; whether one found lmsctl's files changed."""
    stale = False
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return stale
        if pid == 0:
            return stale
        stale = stale or (os.WIFEXITED(status) and os.WEXITSTATUS(status) == resident.STALE)


def _peer_is_us(conn: socket.socket) -> bool:
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:  # (macOS) the private folder is what keeps others out
        return True
    _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option,
                                                    struct.calcsize("3i")))
    return bool(uid == os.getuid())


def _request(conn: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """The command line sent and the three standard streams; None when it is not one."""
    conn.settimeout(5)
    data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    if len(fds) != 3 or len(data) < 4:
        return None, fds
    size = int.from_bytes(data[:4], "big")
    if size > _MAX_REQUEST:
        return None, fds
    data += resident.exactly(conn, 4 + size - len(data))
    if len(data) < 4 + size:
        return None, fds
    try:
        request = marshal.loads(data[4:4 + size])
    except (EOFError, ValueError, TypeError):
        return None, fds
    ok = (isinstance(request, dict) and isinstance(request.get("argv"), list)
          and all(isinstance(a, str) for a in request["argv"]) and request["argv"][:1]
          and request["argv"][0] in resident.COMMANDS and isinstance(request.get("cwd"), str)
          and isinstance(request.get("env"), dict) and isinstance(request.get("umask"), int)
          and all(isinstance(k, str) and isinstance(v, str) for k, v in request["env"].items())
          and isinstance(request.get("streams"), list) and len(request["streams"]) == 3
          and all(isinstance(x, tuple) and len(x) == 2 and all(isinstance(y, str) for y in x)
                  for x in request["streams"]))
    return (request if ok else None), fds


def _accept(conn: socket.socket, server: socket.socket, known: Code,
            main: Callable[[], None], repos: _Repositories) -> None:
    fds: list[int] = []
    try:
        request, fds = _request(conn) if _peer_is_us(conn) else (None, [])
        if request is None:
            conn.sendall(resident.REFUSED.to_bytes(4, "big"))
            return
        conn.settimeout(None)
        snapshots = repos.snapshots()
        read, write = repos.pipe()
        try:
            if os.fork() == 0:
                server.close()
                os.close(read)

                def unwatched(root: Path) -> None:
                    os.write(write, os.fsencode(root) + b"\0")

                inputs.use_watched(snapshots, unwatched)
                _child(conn, fds, request, known, main)  # never returns
        finally:
            os.close(write)  # (the pipe's end: the fork ended, or none was made)
    except OSError:
        pass  # the console script went away: it runs nothing, or runs the command itself
    finally:
        for fd in fds:
            os.close(fd)


def _streams(fds: list[int], encodings: list[tuple[str, str]]) -> None:
    """The console script's standard streams as this process's, with their encodings there,
    buffered as Python would."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    (enc_in, err_in), (enc_out, err_out), (enc_err, err_err) = encodings
    # the process's streams until it ends: no context manager (SIM115)
    sys.stdin = open(0, encoding=enc_in, errors=err_in, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding=enc_out, errors=err_out, closefd=False,  # noqa: SIM115
                      buffering=1 if os.isatty(1) else -1)
    sys.stderr = open(2, "w", encoding=enc_err, errors=err_err,  # noqa: SIM115
                      closefd=False, buffering=1)


def _child(conn: socket.socket, fds: list[int], request: dict[str, Any], known: Code,
           main: Callable[[], None]) -> None:
    """In the fork: run the command line as the console script would; send its exit code."""
    status = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if not _same_code(known):
            conn.sendall(resident.REFUSED.to_bytes(4, "big"))
            status = resident.STALE
            return
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()  # the script's TZ: today's date is part of what lint finds
        if "tempfile" in sys.modules:  # the script's TMPDIR, looked up again
            sys.modules["tempfile"].tempdir = None  # type: ignore[attr-defined]
        os.umask(request["umask"])
        _streams(fds, request["streams"])
        fds.clear()
        sys.argv = ["lmsctl", *request["argv"]]
        conn.sendall(os.getpid().to_bytes(4, "big"))
        code = _run(main)
        conn.sendall(code.to_bytes(4, "big", signed=True))
    except BaseException:  # noqa: BLE001 - a fork never returns into the resident's loop
        status = 3
    finally:
        os._exit(status)


def _run(main: Callable[[], None]) -> int:
    try:
        main()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr, flush=True)
    return 1
