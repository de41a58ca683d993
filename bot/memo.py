"""A bounded memo for per-word work that a snapshot repeats for every message (typo fixes, name matches).

A plain dict emptied when full: safe to share between the threads that answer (each get and set is one
step under the GIL), and owned by its snapshot, so a reload drops it with the old indexes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

WORDS = 20_000  # distinct words remembered per index before starting afresh (a few MB at most)


class Memo(Generic[K, V]):
    """`make(key)`, computed once per key until `limit` keys are held, then the memo starts afresh."""

    def __init__(self, make: Callable[[K], V], limit: int = WORDS) -> None:
        self._make = make
        self._limit = limit
        self._values: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        value = self._values.get(key)
        if value is None:
            if len(self._values) >= self._limit:
                self._values.clear()
            value = self._values[key] = self._make(key)
        return value

    def __len__(self) -> int:
        return len(self._values)
