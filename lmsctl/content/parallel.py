"""Run a function over batches of work in forked worker processes, results in order.

Reading a lesson is pure CPU (markdown-it, YAML) and lessons are independent, so a cold reading
of a large repository (no cache, or a new one) spreads its lessons over the machine's cores.
``map_batches`` is the one place that starts processes for it:

- it forks (the children inherit the parser, already built, and every import), so it runs only
  where ``fork`` exists and the calling process has no other thread (forking a threaded process
  can copy a lock that another thread holds); elsewhere, and on a one-core machine, the caller
  works in-process;
- results come back in the order of the batches, as each is ready; an exception in a worker is
  raised again in the caller when its batch is reached, and a worker that dies (killed, out of
  memory) raises ``BrokenProcessPool`` there: a run fails with a message, never hangs.

``multiprocessing`` and ``concurrent.futures`` are imported when workers are started, not with
this module: a run that reads a few lessons (``lint <file>``) never needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from lmsctl.core.background import cores_to_fork

if TYPE_CHECKING:
    from concurrent.futures import Future

B = TypeVar("B")
R = TypeVar("R")


def workers() -> int:
    """How many worker processes ``map_batches`` would start (1: work in-process)."""
    return cores_to_fork()


class Batches(Generic[B, R]):
    """``fn(batch)`` for each batch given to ``submit``, in ``count`` forked processes (all
    started at the first ``submit``), read in the order the batches were submitted; ``close``
    ends the workers. ``fn`` must be a module-level function; batches and results are
    pickled."""

    def __init__(self, fn: Callable[[B], R], count: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._fn = fn
        self._executor = ProcessPoolExecutor(max_workers=count,
                                             mp_context=multiprocessing.get_context("fork"))
        self._futures: list[Future[R] | None] = []
        self._next = 0

    def __iter__(self) -> Iterator[R]:
        return self

    def submit(self, batch: B) -> None:
        self._futures.append(self._executor.submit(self._fn, batch))

    def __next__(self) -> R:
        if self._next >= len(self._futures):
            raise StopIteration
        future = self._futures[self._next]
        assert future is not None
        self._futures[self._next] = None  # its result is the caller's now
        self._next += 1
        return future.result()

    def close(self) -> None:
        """End the workers (batches not started are dropped); waits for those running."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def map_batches(fn: Callable[[B], R], batches: Sequence[B], count: int) -> Batches[B, R]:
    """``fn(batch)`` for each batch, in ``count`` forked processes, read in batch order (call
    ``close`` when done)."""
    found = Batches(fn, count)
    try:
        for batch in batches:
            found.submit(batch)
    except BaseException:
        found.close()
        raise
    return found
