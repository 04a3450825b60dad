"""Work a run need not wait for, done in a forked process while the run goes on.

A cold build at 1,000 courses spends 2-3 s saving what its checks found (the checks' caches,
63 MB pickled) before it compiles the site in one process for 20 s: the second core is idle
then. ``start`` forks a process for such work (``wait`` joins it before the run ends), where
forking is safe: ``fork`` exists, the process has no other thread (forking a threaded process
can copy a lock another thread holds: ``serve`` runs its builds beside its server's threads),
and there is a second core. Elsewhere the work is done at once, in the caller.

The forked process shares the caller's memory until either writes to it; it does no garbage
collection (which would touch, and so copy, every object), never runs the caller's exit
handlers or flushes its buffers (``os._exit``), and says what went wrong in one note.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable

Note = Callable[[str], None]


def cores_to_fork() -> int:
    """How many processes forked from this one may work at once: this machine's cores where
    forking is safe (``fork`` exists, no other thread; os tells without importing
    multiprocessing), else 1 (work in-process). The one rule of ``start`` and of
    ``lmsctl.content.parallel``'s workers."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    affinity = getattr(os, "sched_getaffinity", None)
    return max(1, len(affinity(0)) if affinity is not None else (os.cpu_count() or 1))


def can_fork() -> bool:
    """Whether ``start`` would fork (see the module's docstring)."""
    return cores_to_fork() > 1


class Work:
    """Work ``start`` began: ``wait`` until it is done (a no-op when it was done at once)."""

    def __init__(self, pid: int | None, what: str, note: Note) -> None:
        self.pid = pid
        self.what = what
        self.note = note

    @property
    def forked(self) -> bool:
        return self.pid is not None

    def wait(self) -> None:
        """Wait for the forked process (once); a note when it was killed before it finished
        (its own failures it has noted itself)."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries it already
                continue
        if os.WIFSIGNALED(status):
            self.note(f"note: {self.what} stopped (signal {os.WTERMSIG(status)}); the next run "
                      "does without it")


def start(work: Callable[[], None], what: str, note: Note) -> Work:
    """Do ``work`` in a forked process when forking is safe (``can_fork``), else now. ``what``
    names it in a note if it fails (an exception in a forked process is noted, never raised:
    nothing waits for its result; done at once, it is raised)."""
    if not can_fork():
        work()
        return Work(None, what, note)
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        stream.flush()
    pid = os.fork()
    if pid:
        return Work(pid, what, note)
    code = 0
    try:  # the forked process
        gc.disable()
        work()
    except BaseException as exc:  # a note, never a traceback, in the fork
        code = 1
        if not isinstance(exc, KeyboardInterrupt):
            note(f"note: {what} failed ({type(exc).__name__}: {exc}); the next run does "
                 "without it")
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # exiting anyway
                stream.flush()
        os._exit(code)
