"""Find places named in a message, typo-tolerant, in every language and in pinyin."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.knowledge import Knowledge
from bot.text import compact, is_cjk, normalize, words

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
MAX_CANDIDATES = 300
CJK_CUTOFF = 88.0
WORD_CUTOFF = 80.0


@dataclass(frozen=True)
class PlaceHit:
    """A place named in the message, with how well and how specifically it was named."""

    place_id: str
    score: float
    alias_length: int
    alias: str = ""  # the normalised name that was found, so it can be taken out of the question


@dataclass(frozen=True)
class _Alias:
    place_id: str
    text: str
    cjk: bool
    words: tuple[str, ...]


class PlaceFinder:
    """Every name and alias of every place, ready to be looked for in a message."""

    def __init__(self, kb: Knowledge) -> None:
        aliases: list[_Alias] = []
        for place in kb.places.values():
            seen: set[str] = set()
            for _, names in place.names.items():
                for name in names:
                    text = normalize(name)
                    if text and text not in seen:
                        seen.add(text)
                        aliases.append(_Alias(place.id, text, is_cjk(text), tuple(words(text))))
        self.aliases = aliases
        self.region_names = _named(kb.regions.values(), lambda r: [n for _, names in r.names.items() for n in names])
        self.kind_words = _named(kb.kinds.values(), lambda k: [w for _, words_ in k.words.items() for w in words_])
        self.by_city_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
        for place in kb.places.values():
            self.by_city_kind[(place.city, place.kind)].append(place.id)
        # Each alias is filed under its two rarest keys, so a message is compared only with
        # aliases sharing a rare key with it: fast with 100,000 places.
        frequency: Counter[str] = Counter(key for alias in aliases for key in set(_keys(alias.text)))
        self.index: dict[str, list[int]] = defaultdict(list)
        for number, alias in enumerate(aliases):
            for key in sorted(set(_keys(alias.text)), key=lambda k: (frequency[k], k))[:2]:
                self.index[key].append(number)

    def find(self, text: str) -> list[PlaceHit]:
        """Places named in `text`, most specific first (longest alias, then best score)."""
        query = normalize(text)
        if not query:
            return []
        query_compact = compact(query)
        query_words = words(query)
        best: dict[str, PlaceHit] = {}
        shared: Counter[int] = Counter(n for key in set(_keys(query)) for n in self.index.get(key, ()))
        # A place really named in the message shares both its keys; keep the best few hundred.
        candidates = sorted(n for n, _ in shared.most_common(MAX_CANDIDATES))
        for alias in (self.aliases[n] for n in candidates):
            score = self._cjk_score(alias, query_compact) if alias.cjk else self._word_score(alias, query_words)
            if score <= 0:
                continue
            hit = PlaceHit(alias.place_id, score, len(compact(alias.text)), alias.text)
            old = best.get(alias.place_id)
            if old is None or (hit.score, hit.alias_length) > (old.score, old.alias_length):
                best[alias.place_id] = hit
        if not best:
            return self._by_city_and_kind(query, query_compact, query_words)
        # A near-exact naming beats a fuzzy one; among those the more specific (longer) name wins.
        return sorted(best.values(), key=lambda h: (h.score >= 95, h.alias_length, h.score), reverse=True)

    def _by_city_and_kind(self, query: str, query_compact: str, query_words: list[str]) -> list[PlaceHit]:
        """"长春机场", "창춘 공항", "長春の空港": a city and a kind of place, when exactly one place fits."""
        cities = {rid for rid, alias in self.region_names if _mentions(alias, query_compact, query_words)}
        kinds = {kid for kid, alias in self.kind_words if _mentions(alias, query_compact, query_words)}
        places = {pid for city in cities for kind in kinds for pid in self.by_city_kind.get((city, kind), ())}
        return [PlaceHit(places.pop(), 90.0, 0)] if len(places) == 1 else []

    @staticmethod
    def _cjk_score(alias: _Alias, query_compact: str) -> float:
        """Exact substring for short CJK names, a near match for longer ones."""
        name = compact(alias.text)
        if name in query_compact:
            return 100.0
        if len(name) < 4:
            return 0.0
        score = fuzz.partial_ratio(name, query_compact)
        return score if score >= CJK_CUTOFF else 0.0

    @staticmethod
    def _word_score(alias: _Alias, query_words: list[str]) -> float:
        """Every word of the alias must appear in the message, allowing typos and endings."""
        if not alias.words or not query_words:
            return 0.0
        joined = "".join(alias.words)
        if len(joined) >= 6 and joined in "".join(query_words):
            return 95.0  # "chi bei" for "chibei", "pingyaogucheng" for "pingyao gucheng"
        total = 0.0
        for word in alias.words:
            if len(word) < 4:
                found = 100.0 if word in query_words else 0.0
            else:
                found = max(_word_similarity(word, q) for q in query_words)
            if found < WORD_CUTOFF:
                return 0.0
            total += found
        return total / len(alias.words)


def without_name(text: str, alias: str) -> str:
    """The question with the place's name taken out: what is asked about the place."""
    query = normalize(text)
    if not alias:
        return query
    if is_cjk(alias):
        squeezed = compact(query)
        name = compact(alias)
        return squeezed.replace(name, " ", 1) if name in squeezed else query
    names = words(alias)
    kept = [w for w in query.split(" ") if not any(_word_similarity(n, w) >= WORD_CUTOFF for n in names if len(n) >= 4 or n == w)]
    return " ".join(kept)


def _named(items: object, names: object) -> list[tuple[str, _Alias]]:
    """(id, alias) pairs for regions or kind words."""
    out = []
    for item in items:  # type: ignore[attr-defined]
        for name in names(item):  # type: ignore[operator]
            text = normalize(name)
            if text:
                out.append((item.id, _Alias(item.id, text, is_cjk(text), tuple(words(text)))))
    return out


def _mentions(alias: _Alias, query_compact: str, query_words: list[str]) -> bool:
    """The alias stands in the message: as a substring for CJK, word by word (typos allowed) otherwise."""
    if alias.cjk:
        return compact(alias.text) in query_compact
    return PlaceFinder._word_score(alias, query_words) > 0


def _keys(text: str) -> list[str]:
    """Index keys of a normalised text: CJK bigrams (or the single character) and 3-letter word starts."""
    keys = [word[:3] for word in words(text)]
    for run in _CJK.findall(text):
        keys.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return keys


def _word_similarity(alias_word: str, query_word: str) -> float:
    """Ratio, forgiving a grammatical ending on the message's word (аэропорту ~ аэропорт)."""
    if query_word.startswith(alias_word) and len(query_word) - len(alias_word) <= 2:
        return 100.0
    return fuzz.ratio(alias_word, query_word)
