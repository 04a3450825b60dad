"""Work on each lesson done where it is read: in the loader's worker processes on a cold
reading (``content/loader.py``), for a caller above the loader that would otherwise do it
serially afterwards (``lint``: the placeholder search and the checks that read only their
lesson).

``working_ahead(work)`` sets the work for a block: a picklable function of the lesson as read
(a module-level function or a ``functools.partial`` of one), sent to the workers with each
batch. The loader keeps each result with the body it was computed on; ``found_ahead(rel,
body)`` gives it back while the body is the same (else None: the caller does the work
itself, as when no worker read the lesson).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from lmsctl.core.model import Lesson

#: A lesson's work: what is computed from the lesson as read, picklable.
Work = Callable[[Lesson], Any]


class _Ahead:
    def __init__(self, work: Work) -> None:
        self.work = work
        self.found: dict[str, tuple[str, Any]] = {}


_AHEAD: ContextVar[_Ahead | None] = ContextVar("lmsctl_ahead", default=None)


@contextmanager
def working_ahead(work: Work) -> Iterator[None]:
    """Within this block, lessons read by the loader's workers get ``work`` done there."""
    token = _AHEAD.set(_Ahead(work))
    try:
        yield
    finally:
        _AHEAD.reset(token)


def work_ahead() -> Work | None:
    """The work to do on each lesson where it is read (None: none)."""
    ahead = _AHEAD.get()
    return ahead.work if ahead is not None else None


def remember_ahead(rel: str, body: str, result: Any) -> None:
    """Keep the work's result on the body of the lesson at ``rel`` as it was read."""
    ahead = _AHEAD.get()
    if ahead is not None:
        ahead.found[rel] = (body, result)


def found_ahead(rel: str, body: str) -> Any:
    """The work's result on the lesson at ``rel`` when it was read with this ``body`` (None:
    not done then, or a different body)."""
    ahead = _AHEAD.get()
    got = ahead.found.get(rel) if ahead is not None else None
    if got is None or got[0] != body:
        return None
    return got[1]
