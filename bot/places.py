"""Find places named in a message, typo-tolerant, in every language and in pinyin."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge import Knowledge
from bot.memo import Memo
from bot.text import CYRILLIC, compact, is_cjk, normalize, words

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
        self.region_names = _Names(
            (r.id, n) for r in kb.regions.values() for _, names in r.names.items() for n in names
        )
        self.kind_words = _Names(
            (k.id, w) for k in kb.kinds.values() for _, words_ in k.words.items() for w in words_
        )
        self.by_city_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
        for place in kb.places.values():
            self.by_city_kind[(place.city, place.kind)].append(place.id)
        # Each alias is filed under its two rarest keys, so a message is compared only with
        # aliases sharing a rare key with it: fast with 100,000 places.
        frequency: Counter[str] = Counter(
            key for alias in aliases for key in set(_keys(alias.text))
        )
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
        shared: Counter[int] = Counter(
            n for key in set(_keys(query)) for n in self.index.get(key, ())
        )
        # A place really named in the message shares both its keys; keep the best few hundred.
        candidates = sorted(n for n, _ in shared.most_common(MAX_CANDIDATES))
        for alias in (self.aliases[n] for n in candidates):
            score = (
                self._cjk_score(alias, query_compact)
                if alias.cjk
                else self._word_score(alias, query_words)
            )
            if score <= 0:
                continue
            hit = PlaceHit(alias.place_id, score, len(compact(alias.text)), alias.text)
            old = best.get(alias.place_id)
            if old is None or (hit.score, hit.alias_length) > (old.score, old.alias_length):
                best[alias.place_id] = hit
        if not best:
            return self._by_city_and_kind(query, query_compact, query_words)
        # A near-exact naming beats a fuzzy one; among those the more specific (longer) name wins.
        return sorted(
            best.values(), key=lambda h: (h.score >= 95, h.alias_length, h.score), reverse=True
        )

    def _by_city_and_kind(
        self, query: str, query_compact: str, query_words: list[str]
    ) -> list[PlaceHit]:
        """ "长春机场", "창춘 공항", "長春の空港": a city and a kind of place, when exactly one place fits."""
        cities = self.region_names.found(query_compact, query_words)
        kinds = self.kind_words.found(query_compact, query_words) if cities else set()
        places = {
            pid
            for city in cities
            for kind in kinds
            for pid in self.by_city_kind.get((city, kind), ())
        }
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
        return _name_score(
            alias,
            "".join(query_words),
            lambda w: 100.0 if w in query_words else 0.0,
            lambda w: max(_word_similarity(w, q) for q in query_words),
        )


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
    kept = [
        w
        for w in query.split(" ")
        if not any(_word_similarity(n, w) >= WORD_CUTOFF for n in names if len(n) >= 4 or n == w)
    ]
    return " ".join(kept)


class _Names:
    """Region names or kind words, looked for in a message with one fuzzy pass per message word, not per name."""

    def __init__(self, named: Iterable[tuple[str, str]]) -> None:
        self.cjk: dict[str, list[tuple[str, str]]] = defaultdict(
            list
        )  # first character -> (id, compact name)
        latin: list[tuple[str, _Alias]] = []
        for item_id, name in named:
            text = normalize(name)
            if text and is_cjk(text):
                self.cjk[compact(text)[0]].append((item_id, compact(text)))
            elif text:
                latin.append((item_id, _Alias(item_id, text, False, tuple(words(text)))))
        self._by_first_word: dict[str, list[tuple[str, _Alias]]] = defaultdict(list)
        for item_id, alias in latin:
            self._by_first_word[alias.words[0]].append((item_id, alias))
        self._run_on = [
            (item_id, alias, "".join(alias.words))
            for item_id, alias in latin
            if len("".join(alias.words)) >= 6
        ]
        self._long = frozenset(w for _, alias in latin for w in alias.words if len(w) >= 4)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._cyrillic_heads: dict[str, list[str]] = defaultdict(
            list
        )  # a Russian name without its last letter
        for word in sorted(self._long):
            self._by_length[len(word)].append(word)
            if len(word) >= 5 and CYRILLIC.match(word):
                self._cyrillic_heads[word[:-1]].append(word)
        self._matched: Memo[dict[str, float]] = Memo()  # results are read, never changed

    def found(self, query_compact: str, query_words: list[str]) -> set[str]:
        """Ids whose name stands in the message: a substring for CJK, word by word (typos allowed) otherwise."""
        ids = {
            item_id
            for at, char in enumerate(query_compact)
            for item_id, name in self.cjk.get(char, ())
            if query_compact.startswith(name, at)
        }
        if not query_words:
            return ids
        scores: dict[str, float] = {
            word: 100.0 for word in query_words if len(word) < 4
        }  # short words only exactly
        for word in set(query_words):
            for name_word, score in self._matched.get(word, self._matches).items():
                scores[name_word] = max(score, scores.get(name_word, 0.0))
        present = set(query_words)
        joined = "".join(query_words)
        # A name counts only when each of its words is found, so only names whose first word was found are scored,
        # plus names written run together ("chibei" for "chi bei").
        candidates = [pair for word in scores for pair in self._by_first_word.get(word, ())]
        candidates += [
            (item_id, alias) for item_id, alias, run_on in self._run_on if run_on in joined
        ]
        for item_id, alias in candidates:
            if (
                item_id not in ids
                and _name_score(alias, joined, lambda w: 100.0 if w in present else 0.0, scores.get)
                > 0
            ):
                ids.add(item_id)
        return ids

    def _matches(self, word: str) -> dict[str, float]:
        """Name words (4+ letters) that `word` matches as _word_similarity would, with their scores."""
        found: dict[str, float] = {}
        # ratio >= 80 needs lengths within a factor 1.5 of each other: only those buckets are compared. A word
        # under 6 letters meets names one letter longer or shorter at most: "what" is not a typo of "wechat".
        spread = 1 if len(word) < 6 else len(word) // 2 + 1
        for length in range(max(4, len(word) - spread), len(word) + spread + 1):
            for name_word, score, _ in process.extract(
                word,
                self._by_length.get(length, ()),
                scorer=fuzz.ratio,
                score_cutoff=WORD_CUTOFF,
                limit=None,
            ):
                found[name_word] = score
        for cut in range(max(4, len(word) - 3), len(word) + 1):
            for name_word in self._cyrillic_heads.get(word[:cut], ()):  # "Чанчуне" for "Чанчунь"
                if len(word) - len(name_word) <= 2:
                    found[name_word] = max(found.get(name_word, 0.0), 95.0)
            if (
                cut >= len(word) - 2 and word[:cut] in self._long
            ):  # "аэропорту" starts with "аэропорт"
                found[word[:cut]] = 100.0
        return found


def _name_score(
    alias: _Alias,
    joined_query: str,
    short: Callable[[str], float],
    long: Callable[[str], float | None],
) -> float:
    """Every word of the alias must appear in the message (short words exactly, long ones by `long`); 0 if not."""
    joined = "".join(alias.words)
    if len(joined) >= 6 and joined in joined_query:
        return 95.0  # "chi bei" for "chibei", "pingyaogucheng" for "pingyao gucheng"
    total = 0.0
    for word in alias.words:
        found = short(word) if len(word) < 4 else (long(word) or 0.0)
        if found < WORD_CUTOFF:
            return 0.0
        total += found
    return total / len(alias.words)


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
    if (
        len(alias_word) >= 5
        and CYRILLIC.match(alias_word)
        and query_word.startswith(alias_word[:-1])
        and len(query_word) - len(alias_word) <= 2
    ):
        return 95.0  # a Russian case ending replaces the last letter: "в Чибэе" for "Чибэй", "Утайшане" for "Утайшань"
    return fuzz.ratio(alias_word, query_word)
