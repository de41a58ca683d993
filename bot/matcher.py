"""Score FAQ topics and intents for a message: IDF-weighted token overlap, rapidfuzz, keywords and naive Bayes.

Each topic is a bag of its example questions and keywords in all five languages, so a
Korean user typing "ATM" still meets the English examples. CJK and Hangul are compared
by characters and bigrams, other scripts by (stemmed, typo-corrected) words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.keywords import KeywordSet, stem_phrase
from bot.knowledge import Knowledge
from bot.memo import Memo
from bot.text import compact, is_cjk, normalize, tokens, words

RESCORED = 5  # candidates given the costly evidence (keywords, fuzzy ratios), by token overlap
OUT_OF_SCOPE = "out-of-scope"
SEMANTIC_CANDIDATES = (
    3  # the targets closest in meaning are candidates even when they share no word with the message
)


@dataclass(frozen=True)
class Weights:
    """How the evidence adds up; chosen by measurement on knowledge/tests (see bench)."""

    coverage: float = 0.45
    example: float = 0.45
    keyword: float = 0.15
    fuzzy: float = 0.30
    bayes: float = 0.30  # naive Bayes posterior over the example questions: learns which words tell close topics apart
    semantic: float = (
        0.50  # softmax over the sentence-vector similarities (bot/semantic.py), when they are ready
    )
    semantic_temperature: float = 0.01
    out_of_scope_coverage: float = (
        1.0  # "not about paying" is a bag of every travel word: its coverage says little
    )
    bayes_smoothing: float = 0.5
    typo_cutoff: float = 80.0
    keyword_fuzzy_cutoff: float = 88.0


@dataclass(frozen=True)
class Scored:
    """One candidate and its evidence; `score` is roughly 0..1."""

    target: str
    score: float
    coverage: float
    example: float
    keyword: float
    fuzzy: float
    bayes: float = 0.0
    semantic: float = (
        0.0  # the target's share of the semantic softmax (0 when semantic evidence is off)
    )


@dataclass
class Reading:
    """What the words of one message say (`Matcher.read`); `Matcher.rank` adds the meaning to it."""

    query: str  # normalized, typos mended
    tokens: frozenset[str]
    says_something: bool  # a word few targets use, or one we do not know ("我" alone says nothing)
    best_doc: dict[str, float]  # each target's best cosine to one of its examples
    candidates: frozenset[str]  # the targets sharing a word with the message
    covered: dict[str, float]  # the weight of the message each target's bag holds
    mass: float  # the message's whole weight
    bayes: dict[str, float]
    matches: dict[str, tuple[float, float]] = field(
        default_factory=dict
    )  # target -> (keyword, fuzzy)


# target, normalized text, tokens, is a keyword, counted by naive Bayes (not an `other` keyword)
_Prepared = tuple[str, str, frozenset[str], bool, bool]


def _prepare(kb: Knowledge) -> list[_Prepared]:
    """Every example question and keyword of every topic and intent, normalized and tokenized."""
    raw = [(target, phrase, False, True) for target, phrase in kb.examples()]
    for topic in kb.topics.values():
        for lang, phrases in topic.keywords.items():
            # `other` phrases are read like example questions, and not by naive Bayes (Matcher._build_bayes)
            if lang == "other":
                raw.extend((topic.id, phrase, False, False) for phrase in phrases)
            else:
                raw.extend((topic.id, phrase, True, True) for phrase in phrases)
    prepared = []
    for target, phrase, is_keyword, counted in raw:
        text = normalize(phrase)
        prepared.append((target, text, frozenset(tokens(text)), is_keyword, counted))
    return prepared


@dataclass(frozen=True)
class _Doc:
    target: str
    text: str
    tokens: frozenset[str]
    is_keyword: bool
    mass: float
    counted: bool  # by naive Bayes


class Matcher:
    """An index over every example question and keyword, built once per knowledge snapshot."""

    def __init__(self, kb: Knowledge, weights: Weights = Weights()) -> None:
        self.weights = weights
        prepared = _prepare(kb)
        self._build_idf(prepared)
        self.docs = [
            _Doc(target, text, toks, is_keyword, self._mass(toks), counted)
            for target, text, toks, is_keyword, counted in prepared
        ]
        self._build_bayes(weights.bayes_smoothing)
        self._build_postings()
        self._build_vocabulary(kb, prepared)
        self._build_examples_and_keywords()

    def _build_idf(self, prepared: list[_Prepared]) -> None:
        """IDF over targets: a token in few topics' bags tells them apart; also which targets use each token."""
        bags: dict[str, set[str]] = defaultdict(set)
        for target, _, toks, _, _ in prepared:
            bags[target].update(toks)
        count = len(bags) or 1
        df: dict[str, int] = defaultdict(int)
        token_targets: dict[str, list[str]] = defaultdict(list)
        for target, bag in bags.items():
            for token in bag:
                df[token] += 1
                token_targets[token].append(target)
        self.idf = {token: math.log(1 + count / n) for token, n in df.items()}
        self.unknown_idf = math.log(1 + count / 0.5)
        self.common_idf = math.log(1 + 2)  # a token in more than half of the topics
        self.token_targets = {token: tuple(targets) for token, targets in token_targets.items()}

    def _mass(self, toks: frozenset[str]) -> float:
        return math.sqrt(sum(self.idf[t] ** 2 for t in toks)) or 1.0

    def _build_postings(self) -> None:
        """token -> the docs that hold it, so a message visits only the docs it shares a token with."""
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, doc in enumerate(self.docs):
            for token in doc.tokens:
                self.postings[token].append(index)

    def _build_vocabulary(self, kb: Knowledge, prepared: list[_Prepared]) -> None:
        """Known words for typo correction, and English words for telling English from other Latin-script text."""
        vocabulary = {w for _, text, _, _, _ in prepared for w in words(text) if len(w) >= 3}
        english: set[str] = set()
        for topic in kb.topics.values():
            for phrase in topic.examples.en + topic.keywords.en + (topic.answer.en,):
                english.update(words(normalize(phrase)))
        for place in kb.places.values():
            for name in place.names.en:
                english.update(words(normalize(name)))
        self.vocabulary = sorted(vocabulary)
        self._vocabulary_set = frozenset(vocabulary)
        self._by_initial: dict[str, list[str]] = defaultdict(
            list
        )  # typo candidates by first letter
        for word in self.vocabulary:
            self._by_initial[word[:1]].append(word)
        self.english_words = frozenset(english)
        self._corrected: Memo[str] = Memo()  # unknown words and their corrections

    def _build_examples_and_keywords(self) -> None:
        """Each target's example texts (for fuzzy ratios) and its keywords prepared as regexes."""
        self.examples: dict[str, list[str]] = defaultdict(list)
        keyword_texts: dict[str, list[str]] = defaultdict(list)
        for doc in self.docs:
            if doc.is_keyword and doc.text:
                keyword_texts[doc.target].append(doc.text)
            elif not doc.is_keyword:
                self.examples[doc.target].append(doc.text)
        self.keywords = {target: KeywordSet.build(texts) for target, texts in keyword_texts.items()}

    def correct(self, normalized: str) -> str:
        """Replace misspelt words with the nearest known word (rapidfuzz ratio) that starts with the same
        letter: typos seldom hit the first one, and "tipping" is no typo of "shipping" (2026-12-07: the same
        answers on the written sets, one more real out-of-scope question falls back)."""
        return " ".join(
            word if self._known(word) else self._corrected.get(word, self._nearest_word)
            for word in normalized.split(" ")
        )

    def _known(self, word: str) -> bool:
        """A word `correct` leaves as it is: short, CJK, a number or in the vocabulary."""
        return len(word) < 4 or is_cjk(word) or word in self._vocabulary_set or word.isdigit()

    def _nearest_word(self, word: str) -> str:
        """The known word nearest an unknown one (same first letter), or the word itself."""
        best = process.extractOne(
            word,
            self._by_initial.get(word[0], ()),
            scorer=fuzz.ratio,
            score_cutoff=self.weights.typo_cutoff,
        )
        return best[0] if best else word

    def read(self, text: str, unknown_weight: float = 1.0) -> Reading:
        """What the words of `text` say, computed once: `rank` adds the meaning to it without reading again.
        `unknown_weight` < 1 when unknown words are expected (a foreign language)."""
        query = self.correct(normalize(text))
        q_tokens = frozenset(tokens(query))
        q_weights = {t: self.idf.get(t, self.unknown_idf * unknown_weight) for t in q_tokens}
        q_norm = math.sqrt(sum(w * w for w in q_weights.values()))
        best_doc: dict[str, float] = defaultdict(float)
        shared: dict[int, float] = defaultdict(float)
        rare = [t for t in q_tokens if self.idf.get(t, 0.0) >= self.common_idf]
        for token in (
            rare or q_tokens
        ):  # tokens found in most topics add little and cost a visit to each; unless that is all there is
            weight = self.idf.get(token, 0.0)
            for index in self.postings.get(token, ()):
                shared[index] += weight * weight
        for index, overlap in shared.items():
            doc = self.docs[index]
            if not doc.is_keyword:
                cosine = overlap / (q_norm * doc.mass)
                if cosine > best_doc[doc.target]:
                    best_doc[doc.target] = cosine
        covered: dict[str, float] = defaultdict(
            float
        )  # the weight of the message each target's bag holds
        for token, weight in q_weights.items():
            for target in self.token_targets.get(token, ()):
                covered[target] += weight
        return Reading(
            query=query,
            tokens=q_tokens,
            says_something=bool(rare) or any(t not in self.idf for t in q_tokens),
            best_doc=best_doc,
            candidates=frozenset(self.docs[i].target for i in shared),
            covered=covered,
            mass=sum(q_weights.values()) or 1.0,
            bayes=self.bayes(q_tokens) if q_tokens else {},
        )

    def rank(
        self,
        text: str | Reading,
        limit: int = 5,
        unknown_weight: float = 1.0,
        similarity: Mapping[str, float] | None = None,
    ) -> list[Scored]:
        """Candidates for a message (its text, or its words already `read`), best first.

        `similarity` is each target's sentence-vector similarity to the message (bot/semantic.py): its softmax is
        one more piece of evidence, and its best targets are candidates even when no word is shared.
        """
        reading = text if isinstance(text, Reading) else self.read(text, unknown_weight)
        query, best_doc, bayes = reading.query, reading.best_doc, reading.bayes
        semantic = self._softmax(similarity) if similarity else {}
        if not reading.tokens and not semantic:
            return []
        candidates = set(reading.candidates)
        candidates.update(
            sorted(semantic, key=semantic.__getitem__, reverse=True)[:SEMANTIC_CANDIDATES]
        )
        coverage = {target: reading.covered[target] / reading.mass for target in candidates}
        if OUT_OF_SCOPE in coverage:
            coverage[OUT_OF_SCOPE] *= self.weights.out_of_scope_coverage
        ranked = sorted(
            candidates, key=lambda t: coverage[t] + best_doc[t] + semantic.get(t, 0.0), reverse=True
        )
        query_compact = compact(query)
        query_stemmed = stem_phrase(query)
        # A target whose keyword stands in the message is rescored however few of its words the message
        # shares: "Can I use Visa at Mount Wutai?" lost card-acceptance's "visa" when other topics' examples
        # happened to share more of its common words.
        cut = max(limit, RESCORED)
        named = [
            target
            for target in ranked[cut:]
            if (found := self.keywords.get(target)) is not None
            and found.stands_in(query, query_compact, query_stemmed)
        ]
        # its keyword score is 1 (KeywordSet.score): not searched for again below
        for target in named:
            reading.matches.setdefault(target, (1.0, self._fuzzy(target, query)))
        ranked = ranked[:cut] + named
        results = []
        w = self.weights
        for target in ranked:
            if (
                target not in reading.matches
            ):  # a second ranking (with the meaning) reuses the first's
                reading.matches[target] = (
                    self._keyword(target, query, query_compact, query_stemmed),
                    self._fuzzy(target, query),
                )
            keyword, fuzzy = reading.matches[target]
            score = (
                w.coverage * coverage[target]
                + w.example * best_doc[target]
                + w.keyword * keyword
                + w.fuzzy * fuzzy
            )
            score += w.bayes * bayes.get(target, 0.0) + w.semantic * semantic.get(target, 0.0)
            results.append(
                Scored(
                    target,
                    score,
                    coverage[target],
                    best_doc[target],
                    keyword,
                    fuzzy,
                    bayes.get(target, 0.0),
                    semantic.get(target, 0.0),
                )
            )
        results.sort(key=lambda s: s.score, reverse=True)
        return results[:limit]

    def _softmax(self, similarity: Mapping[str, float]) -> dict[str, float]:
        """P(target | message) from the similarities: a softmax with a low temperature, as e5's cosines lie close together."""
        known = {t: v for t, v in similarity.items() if t in self._unseen}
        if not known:
            return {}
        top = max(known.values())
        odds = {
            t: math.exp((v - top) / self.weights.semantic_temperature) for t, v in known.items()
        }
        total = sum(odds.values())
        return {t: v / total for t, v in odds.items()}

    def _build_bayes(self, smoothing: float) -> None:
        """Multinomial naive Bayes over the examples and keywords but `other`: log P(token | target), Laplace-smoothed.

        Not over `other` keywords: such a list holds one phrase spelt in a dozen languages, so its word counts
        say how many an editor wrote, not how people ask (2026-12-07, tuning halves: other-language top-1
        45.5 -> 50.6%, no more wrong answers; pooled top-1 +0.8 points, written the same).

        Stored sparsely as the lift over a token the target never uses, so a message costs a visit per
        (token, target that uses it), like the postings, plus one pass over the targets.
        """
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for doc in self.docs:
            if doc.counted:
                for token in doc.tokens:
                    counts[doc.target][token] += 1
        size = len({token for bag in counts.values() for token in bag}) or 1
        self._unseen: dict[
            str, float
        ] = {}  # log P(token | target) of a token the target's examples never use
        self._lift: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for target, bag in counts.items():
            denominator = math.log(sum(bag.values()) + smoothing * size)
            self._unseen[target] = math.log(smoothing) - denominator
            for token, n in bag.items():
                self._lift[token].append((target, math.log((n + smoothing) / smoothing)))

    def bayes(self, q_tokens: Set[str]) -> dict[str, float]:
        """P(target | message) by naive Bayes over the known tokens, softened by sqrt(n) so long messages stay calibrated."""
        rows = [self._lift[t] for t in q_tokens if t in self._lift]
        if not rows:
            return {}
        lift: dict[str, float] = defaultdict(float)
        for row in rows:
            for target, value in row:
                lift[target] += value
        n = len(rows)
        sums = {
            target: n * unseen + lift.get(target, 0.0) for target, unseen in self._unseen.items()
        }
        top = max(sums.values())
        soften = math.sqrt(n)
        odds = {target: math.exp((value - top) / soften) for target, value in sums.items()}
        total = sum(odds.values())
        return {target: value / total for target, value in odds.items()}

    def _keyword(self, target: str, query: str, query_compact: str, query_stemmed: str) -> float:
        """1 when a keyword of the target stands in the message, less for a near miss."""
        keywords = self.keywords.get(target)
        if keywords is None:
            return 0.0
        return keywords.score(
            query, query_compact, query_stemmed, self.weights.keyword_fuzzy_cutoff
        )

    def _fuzzy(self, target: str, query: str) -> float:
        """The best rapidfuzz ratio between the message and one example of the target."""
        examples = self.examples.get(target)
        if not examples:
            return 0.0
        best = process.extractOne(query, examples, scorer=fuzz.ratio)
        return best[1] / 100.0 if best else 0.0


OFFERED = 3  # topics offered at most when the meaning alone says what a message is about


def offered(similarity: Mapping[str, float], topics: Iterable[str]) -> tuple[str, ...]:
    """The topics nearest in meaning, best first, at most OFFERED (the buttons under a fallback); () without
    the out-of-scope examples' similarity to compare them with."""
    if OUT_OF_SCOPE not in similarity:
        return ()
    known = sorted((t for t in topics if t in similarity), key=similarity.__getitem__, reverse=True)
    return tuple(known[:OFFERED])


def clearly_nearer(similarity: Mapping[str, float], topic: str, margin: float) -> bool:
    """`topic` is `margin` nearer in meaning than the out-of-scope examples: real questions the words miss are
    often clearly about paying in meaning only, and then the nearest topics are a "did you mean"."""
    return similarity[topic] - similarity[OUT_OF_SCOPE] >= margin
