"""A bounded memo for per-word work that a snapshot repeats for every message (typo fixes, name matches).

A plain dict emptied when full: safe to share between the threads that answer (each get and set is one
step under the GIL). It holds no reference to its owner (the function comes with each call), so an old
snapshot is freed by reference counting the moment its last request ends, never kept by a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")

WORDS = 20_000  # distinct words remembered per index before starting afresh
LONGEST = (
    40  # characters; a longer "word" (a run of CJK, a pasted string) is computed, not remembered
)


class Memo(Generic[V]):
    """`make(word)`, computed once per word until `limit` words are held, then the memo starts afresh.
    At most limit × LONGEST characters of keys, so a few MB whatever people type."""

    def __init__(self, limit: int = WORDS) -> None:
        self._limit = limit
        self._values: dict[str, V] = {}

    def get(self, word: str, make: Callable[[str], V]) -> V:
        if len(word) > LONGEST:
            return make(word)
        value = self._values.get(word)
        if value is None:
            if len(self._values) >= self._limit:
                self._values.clear()
            value = self._values[word] = make(word)
        return value

    def __len__(self) -> int:
        return len(self._values)
