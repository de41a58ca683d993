"""A target's keywords prepared once for matching: a regex each for CJK, whole words and stems, and the
long ones for fuzzy matching of a near miss."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.text import compact, is_cjk, stem


@dataclass(frozen=True)
class KeywordSet:
    """One target's keywords prepared once: a regex each for CJK, whole words and stems, and the long ones for fuzzy matching."""

    cjk: re.Pattern[str] | None
    words: re.Pattern[str] | None
    stems: re.Pattern[str] | None
    long: tuple[str, ...]

    @classmethod
    def build(cls, texts: list[str]) -> KeywordSet:
        """Normalized keywords in every language."""
        cjk = sorted({compact(t) for t in texts if is_cjk(t)}, key=len, reverse=True)
        latin = [t for t in texts if not is_cjk(t)]
        stems = sorted({stem_phrase(t) for t in latin if len(t) >= 5}, key=len, reverse=True)
        return cls(
            re.compile("|".join(map(re.escape, cjk))) if cjk else None,
            re.compile(
                "|".join(re.escape(f" {t} ") for t in sorted(set(latin), key=len, reverse=True))
            )
            if latin
            else None,
            re.compile("|".join(map(re.escape, stems))) if stems else None,
            tuple(sorted({t for t in latin if len(t) >= 5})),
        )

    def score(self, query: str, query_compact: str, query_stemmed: str, cutoff: float) -> float:
        """1 when a keyword stands in the message (`query` normalized, also compacted and stemmed), less
        for a near miss of a long one (rapidfuzz partial_ratio at `cutoff` or more), else 0."""
        if self.stands_in(query, query_compact, query_stemmed):
            return 1.0
        # Only keywords the message could hold: partial_ratio of a short message against a longer keyword
        # scores its best substring, so "a" (what "aaaa…" folds to) met every keyword with an "a" in it.
        fitting = [k for k in self.long if len(k) <= len(query)]
        if fitting:
            best = process.extractOne(
                query, fitting, scorer=fuzz.partial_ratio, score_cutoff=cutoff
            )
            return best[1] / 100.0 if best else 0.0
        return 0.0

    def stands_in(self, query: str, query_compact: str, query_stemmed: str) -> bool:
        """A keyword stands in the message as it is (CJK anywhere, other words whole or by their stems)."""
        return bool(
            (self.cjk and self.cjk.search(query_compact))
            or (self.words and self.words.search(f" {query} "))
            or (self.stems and self.stems.search(query_stemmed))
        )


def stem_phrase(text: str) -> str:
    """A phrase with each word stemmed, padded for whole-word containment tests."""
    return " " + " ".join(stem(word) for word in text.split(" ")) + " "
