"""``few_collections`` tunes the garbage collector for one block and leaves a freeze made
before it as it is: the console script freezes what it imported (``lmsctl.__main__``), and a
block within another must not thaw the outer one's objects, nor freeze for good objects that
turn to garbage later."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from lmsctl.core.collector import few_collections


class Node:
    """An object that can be in a reference cycle and be watched by a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (as the rest of the suite expects)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def frozen(obj: object) -> bool:
    """Whether the collector has ``obj`` in its permanent generation (it lists every tracked
    object but those)."""
    assert gc.is_tracked(obj)
    return not any(found is obj for found in gc.get_objects())


def test_what_was_frozen_before_stays_frozen() -> None:
    imported = [Node()]
    gc.freeze()
    with few_collections():
        assert frozen(imported)
    assert gc.get_freeze_count() > 0
    assert frozen(imported)


def test_nothing_stays_frozen_without_a_freeze_before() -> None:
    read = [Node()]
    with few_collections():
        assert frozen(read)
    assert gc.get_freeze_count() == 0
    assert not frozen(read)


def test_a_block_within_another_leaves_the_outer_freeze() -> None:
    read = [Node()]
    with few_collections():
        with few_collections():
            pass
        assert frozen(read)
    assert not frozen(read)


def test_within_a_freeze_it_did_not_make_it_freezes_nothing() -> None:
    """serve rebuilds in one process, after the console script froze its imports: what was
    there before a build and turns to garbage (the previous build's cycles) is collected,
    not kept frozen for good."""
    gc.freeze()
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    with few_collections():
        assert not frozen(first)
        del first, second
    gc.collect()
    assert gone() is None
