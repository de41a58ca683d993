"""The server freezes the knowledge snapshot out of the collector's sight; commands and tests do not."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.engine import Engine
from bot.settings import BUNDLED_KNOWLEDGE
from handlers import heap
from handlers.upkeep import swap_knowledge


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The interpreter's collector settings back after the test, whatever it changed."""
    monkeypatch.setattr(heap, "_serving", False)
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_a_server_freezes_what_is_alive_and_collects_young_objects_less_often(
    restored: None,
) -> None:
    snapshot = {"kept": [object() for _ in range(100)]}
    heap.settle()
    assert gc.get_freeze_count() >= len(snapshot["kept"])
    assert gc.get_threshold() == (heap.YOUNG, *heap.OLDER)


class Node:
    """An object in a reference cycle: only a full collection frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_reload_settles_again_only_in_a_server(restored: None) -> None:
    before = (gc.get_freeze_count(), gc.get_threshold())
    heap.resettle()  # a command or a test reloading knowledge: nothing changes
    assert (gc.get_freeze_count(), gc.get_threshold()) == before
    old = Node()  # part of the snapshot the server froze
    heap.settle()
    gone = weakref.ref(old)
    del old  # the snapshot is swapped out: frozen, the cycle outlives a collection
    gc.collect()
    assert gone() is not None
    heap.resettle()  # after the reload the server settles again, and the old snapshot is freed
    assert (gone(), gc.get_threshold()) == (None, (heap.YOUNG, *heap.OLDER))


def test_a_reload_by_any_path_settles_a_server_s_heap_again(restored: None) -> None:
    """/reload, the watch and SIGHUP all swap the knowledge through swap_knowledge."""
    engine = Engine.load(BUNDLED_KNOWLEDGE)
    heap.settle()
    gc.set_threshold(700, 10, 10)  # as if something had reset it since
    errors = asyncio.run(swap_knowledge(engine))
    assert (errors, gc.get_threshold()) == ([], (heap.YOUNG, *heap.OLDER))
