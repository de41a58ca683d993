"""The per-word memo computes each word once and stays bounded."""

from __future__ import annotations

from bot.memo import Memo


def test_each_key_is_computed_once_and_a_full_memo_starts_afresh() -> None:
    calls: list[str] = []

    def shout(word: str) -> str:
        calls.append(word)
        return word.upper()

    memo: Memo[str, str] = Memo(shout, limit=2)
    results = [memo("a"), memo("a"), memo("b"), memo("c"), memo("a")]
    assert (results, calls, len(memo)) == (["A", "A", "B", "C", "A"], ["a", "b", "c", "a"], 2)
