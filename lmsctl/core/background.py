"""Work a run need not wait for, done in a forked process while the run goes on.

A cold build at 1,000 courses spends 2-3 s saving what its checks found (the checks' caches,
63 MB pickled) before it compiles the site in one process for 20 s: the second core is idle
then. ``start`` forks a process for such work (``wait`` joins it before the run ends), where
forking is safe: ``fork`` exists, the process has no other thread (forking a threaded process
can copy a lock another thread holds: ``serve`` runs its builds beside its server's threads),
and there is a second core. Elsewhere the work is done at once, in the caller. ``share`` forks
one for half of a job whose result the caller needs (the courses a cold build compiles): the
caller does the other half meanwhile, then takes the forked half's result, or does it itself
when that process failed.

A forked process shares the caller's memory until either writes to it; its garbage
collections never walk what it inherits (which would touch, and so copy, every object); it
never runs the caller's exit handlers (``os._exit``, ``_forked``). ``start``'s says what went
wrong in one note; ``share``'s says nothing (the caller does that work again).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Generic, TypeVar

Note = Callable[[str], None]
T = TypeVar("T")


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
    """Whether ``start`` and ``share`` would fork (see the module's docstring)."""
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
        status = _waited(pid)
        if os.WIFSIGNALED(status):
            self.note(f"note: {self.what} stopped (signal {os.WTERMSIG(status)}); the next run "
                      "does without it")


def _waited(pid: int) -> int:
    """The wait status of forked process ``pid``, once it has ended."""
    return os.waitpid(pid, 0)[1]


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        with contextlib.suppress(Exception):
            stream.flush()


class Share(Generic[T]):
    """Work ``share`` gave a forked process: ``result`` waits for it and gives what it
    returned; ``stop`` ends it unread (the caller failed meanwhile). Whatever stops the caller
    while it waits (Ctrl+C) stops the forked process too: it never goes on alone."""

    def __init__(self, pid: int, into: IO[bytes]) -> None:
        self._pid: int | None = pid
        self._into = into

    def result(self) -> T | None:
        """What the work returned; None when it raised, was killed or left nothing readable:
        the caller then does that work itself (it finds the error again, if it is one, and
        reports it)."""
        try:
            if self._pid is None:
                return None
            status = _waited(self._pid)
            self._pid = None  # ended and waited for: not before (``stop`` kills it then)
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            self._into.seek(0)
            try:
                found: T = pickle.load(self._into)
            except Exception:  # noqa: BLE001 - cut short: done again by the caller
                return None
            return found
        finally:
            self.stop()

    def stop(self) -> None:
        pid, self._pid = self._pid, None
        if pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                _waited(pid)
        self._into.close()


def _forked(child: Callable[[], int]) -> int | None:
    """Fork where it is safe (``can_fork``): the forked process's pid; None when it is not safe
    or the system gives no process (a limit, memory). The forked process runs ``child`` and
    exits with the code it returns (1 if it raises), with nothing buffered written twice and
    none of the caller's exit handlers run (``os._exit``)."""
    if not can_fork():
        return None
    _flush()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    code = 1
    try:  # the forked process
        code = child()
    except BaseException:  # noqa: BLE001, S110 - ``child`` says what it will
        pass
    finally:
        _flush()
        os._exit(code)


def share(work: Callable[[], T], folder: Path) -> Share[T] | None:
    """``work()`` in a forked process, while the caller does the rest of a job, when forking
    is safe (``can_fork``); None otherwise (the caller does it all). What it returns comes back
    pickled through a nameless file in ``folder`` (the build's own: nothing else can open it,
    and nothing waits on a full pipe). The forked process keeps what it inherits out of its
    garbage collections (``gc.freeze``: never copied) and says nothing of its failures (the
    caller does the work again, and reports what it finds)."""
    if not can_fork():
        return None
    into = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by Share

    def child() -> int:
        gc.freeze()
        pickle.dump(work(), into, protocol=pickle.HIGHEST_PROTOCOL)
        into.flush()
        return 0

    pid = _forked(child)
    if pid is None:
        into.close()
        return None
    return Share(pid, into)


def start(work: Callable[[], None], what: str, note: Note) -> Work:
    """Do ``work`` in a forked process when forking is safe (``can_fork``), else now. ``what``
    names it in a note if it fails (an exception in a forked process is noted, never raised:
    nothing waits for its result; done at once, it is raised)."""
    def child() -> int:
        gc.disable()
        try:
            work()
        except BaseException as exc:  # a note, never a traceback, in the fork
            if not isinstance(exc, KeyboardInterrupt):
                note(f"note: {what} failed ({type(exc).__name__}: {exc}); the next run does "
                     "without it")
            return 1
        return 0

    pid = _forked(child)
    if pid is None:
        work()
    return Work(pid, what, note)
