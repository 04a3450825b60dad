"""A resident lmsctl: one process that has imported lmsctl and built its parser runs ``lint`` and
``validate`` for the console script, so a run skips Python's start, the imports and the parser
(about 0.3 s of ``lmsctl lint <file>``, what a pre-commit hook runs).

``lmsctl resident`` (``lmsctl.commands.resident``) listens on a Unix socket that only its user can
reach. The console script (``lmsctl.__main__``) asks it, when it runs, before importing the rest
of lmsctl: it sends its arguments, folder, environment and umask, and its standard input, output
and error themselves (file descriptors), so the run writes where a run in the console script
would, to a terminal, a pipe or a file. The resident forks; the child takes all of that and runs
the command line as the console script would, then sends back its exit code. Each run is a fresh
fork: nothing of one run is left for the next but what the resident keeps of the repositories
it watches (their files' snapshot, their cache's facts read ahead: ``lmsctl.commands.resident``),
each the same as a fresh run would read.

A resident serves only a console script of the same Python and the same lmsctl files (the
socket's name says which); its children check that the files have not changed since it started
and refuse otherwise (the console script then runs the command itself, and the resident stops).
Any failure to reach it (none running, refused) means the console script runs the command itself.
``LMSCTL_RESIDENT=0`` never asks; ``LMSCTL_RESIDENT=auto`` also starts one in the background when
none answers (the command still runs in the console script).

This module is what both sides share, and imports nothing but the standard library's cheapest
modules (the console script imports it before anything else).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

#: The commands a resident runs (those whose start-up is most of a run on a few files).
COMMANDS = ("lint", "validate")
#: The environment variable that turns asking a resident off (``0``).
ENV = "LMSCTL_RESIDENT"
#: Sent instead of a process id: the resident does not run this command line (the console
#: script runs it itself).
REFUSED = 0
#: The exit status of a resident's child that found lmsctl's files changed since the resident
#: started (the resident then stops, and the console script runs the command itself).
STALE = 75


def package_dir() -> str:
    """The folder of the lmsctl package in use."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def folder() -> str:
    """The user's folder for resident sockets: in ``XDG_RUNTIME_DIR`` (a per-user folder), else
    in ``TMPDIR`` or /tmp."""
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(base, f"lmsctl-{os.getuid()}")


def socket_path() -> str:
    """The socket of the resident for this Python (its interpreter and environment: ``python``
    and ``python3`` of one virtual environment are the same) and these lmsctl files."""
    python = os.path.realpath(sys.executable)
    key = f"{python}\0{sys.prefix}\0{package_dir()}".encode("utf-8", "surrogateescape")
    return os.path.join(folder(), f"resident-{hashlib.sha256(key).hexdigest()[:16]}.sock")


def private(path: str) -> bool:
    """Whether ``path`` (the sockets' folder) is a real folder of this user that nobody else
    may enter: only then is a socket in it trusted with the standard streams."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid()
            and stat.S_IMODE(st.st_mode) & 0o077 == 0)


def exactly(conn: socket.socket, size: int) -> bytes:
    """``size`` bytes from ``conn``, or fewer when it closes first."""
    data = b""
    while len(data) < size:
        more = conn.recv(size - len(data))
        if not more:
            break
        data += more
    return data
