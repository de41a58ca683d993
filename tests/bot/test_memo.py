"""The per-word memo computes each word once, stays bounded, and keeps nothing alive."""

from __future__ import annotations

import gc
import weakref

from bot.engine import Engine
from bot.matcher import Matcher
from bot.memo import LONGEST, Memo
from bot.places import PlaceFinder


def test_each_word_is_computed_once_and_a_full_memo_starts_afresh() -> None:
    calls: list[str] = []

    def shout(word: str) -> str:
        calls.append(word)
        return word.upper()

    memo: Memo[str] = Memo(limit=2)
    results = [memo.get(w, shout) for w in ("a", "a", "b", "c", "a")]
    assert (results, calls, len(memo)) == (["A", "A", "B", "C", "A"], ["a", "b", "c", "a"], 2)


def test_a_long_word_is_computed_but_not_remembered() -> None:
    memo: Memo[int] = Memo()
    long = "x" * (LONGEST + 1)
    assert (memo.get(long, len), memo.get("x" * LONGEST, len), len(memo)) == (
        LONGEST + 1,
        LONGEST,
        1,
    )


def test_an_owner_with_a_memo_is_freed_without_the_cycle_collector() -> None:
    class Owner:
        def __init__(self) -> None:
            self.memo: Memo[str] = Memo()

        def answer(self, word: str) -> str:
            return self.memo.get(word, self._work)

        def _work(self, word: str) -> str:
            return word[::-1]

    owner = Owner()
    assert owner.answer("abc") == "cba"
    gone = weakref.ref(owner)
    gc.disable()
    try:
        del owner
        assert gone() is None
    finally:
        gc.enable()


def test_an_old_snapshots_indexes_are_freed_as_soon_as_they_are_dropped(engine: Engine) -> None:
    """A reload swaps the snapshot while requests may hold the old one; its matcher and place finder must
    not wait for (or be frozen out of) the cycle collector."""
    kb = engine.responder.kb
    matcher, finder = Matcher(kb), PlaceFinder(kb)
    assert matcher.correct("excahnge") == "exchange"
    finder.find("atm in yanji airprot")
    gone = [weakref.ref(matcher), weakref.ref(finder)]
    gc.disable()
    try:
        del matcher, finder
        assert [ref() for ref in gone] == [None, None]
    finally:
        gc.enable()
