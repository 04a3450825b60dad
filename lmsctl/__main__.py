"""The console script ``lmsctl`` (and ``python -m lmsctl``).

It is kept tiny so that Ctrl+C while the rest of lmsctl is still being imported is an
"Aborted!" and exit 130 too, like everywhere else, rather than a traceback. Before importing
anything else it hands ``lint`` and ``validate`` to a resident lmsctl when one runs for this
Python and these lmsctl files (``lmsctl.core.resident``)."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from types import FrameType

from lmsctl.core import resident


def _abort_during_startup(signum: int, frame: FrameType | None) -> None:
    with contextlib.suppress(OSError):
        os.write(2, b"\nAborted!\n")
    os._exit(130)


def _resident() -> int | None:
    """The exit code of this command line run by a resident lmsctl (``lmsctl.core.resident``),
    or None when none ran it (none is running, or it refused): then it runs here."""
    args = sys.argv[1:]
    if not args or args[0] not in resident.COMMANDS or os.environ.get(resident.ENV) == "0":
        return None
    path = resident.socket_path()
    if not os.path.exists(path) or not resident.private(os.path.dirname(path)):
        _start()
        return None
    code = _ask(path, args)
    if code is None:
        _start()
    return code


def _start() -> None:
    """With ``LMSCTL_RESIDENT=auto``: start a resident in the background for the next runs
    (this one runs here). It stops by itself after its idle time; two started at once: the
    second one finds the first one's socket and ends."""
    if os.environ.get(resident.ENV) != "auto":
        return
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen([sys.executable, "-m", "lmsctl", "resident"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)


def _ask(path: str, args: list[str]) -> int | None:
    """The exit code of the resident at ``path``'s run of ``args``, or None when it did not
    run them."""
    import marshal
    import socket

    umask = os.umask(0o22)
    os.umask(umask)
    # the encodings of this process's streams (PYTHONIOENCODING, the locale, UTF-8 mode):
    # the run writes as this process would, not as the resident's settings say
    streams = [(s.encoding, s.errors) if s is not None else ("utf-8", "strict")
               for s in (sys.stdin, sys.stdout, sys.stderr)]
    payload = marshal.dumps({"argv": args, "cwd": os.getcwd(), "env": dict(os.environ),
                             "umask": umask, "streams": streams})
    message = len(payload).to_bytes(4, "big") + payload
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        # a resident that does not answer within seconds is stuck: run here (a fork it makes
        # later finds this end closed and runs nothing)
        conn.settimeout(30)
        conn.connect(path)
        sent = socket.send_fds(conn, [message], [0, 1, 2])
        conn.sendall(message[sent:])
        reply = resident.exactly(conn, 4)
        conn.settimeout(None)
    except OSError:  # none listening, a closed standard stream, no answer: run here
        conn.close()
        return None
    pid = int.from_bytes(reply, "big") if len(reply) == 4 else resident.REFUSED
    if pid == resident.REFUSED:
        conn.close()
        return None
    interrupted = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        interrupted.append(signum)  # the run says "Aborted!" and exits 130, as it would here
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGINT)

    signal.signal(signal.SIGINT, interrupt)
    try:
        code = resident.exactly(conn, 4)
    except OSError:
        code = b""
    finally:
        conn.close()
    if len(code) == 4:
        return int.from_bytes(code, "big", signed=True)
    if interrupted:
        return 130
    with contextlib.suppress(OSError):
        os.write(2, (f"internal error: the resident lmsctl ({path}) ended this run without an "
                     "exit code\nhint: run the command again with LMSCTL_RESIDENT=0, or stop "
                     "`lmsctl resident` and start it again\n").encode("utf-8", "replace"))
    return 3


def main() -> None:
    signal.signal(signal.SIGINT, _abort_during_startup)
    code = _resident()
    if code is not None:
        sys.exit(code)
    # What importing the command line makes lives as long as the process (modules, classes,
    # functions): the garbage collector would walk it some twenty times looking for garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from lmsctl.cli import main as cli_main  # restores the usual Ctrl+C handling first
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    try:
        cli_main()
    finally:
        # Python's exit walks every object left (the modules, what the command read) for
        # garbage cycles, to free memory the system takes back anyway: 0.06 s of a
        # `lint <file>` (issue 14). Frozen objects are not walked; the rest of the exit
        # (atexit functions, flushing the output) is as always.
        gc.freeze()


if __name__ == "__main__":
    sys.argv[0] = "lmsctl"
    main()
