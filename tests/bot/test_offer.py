"""A message the words would drop, offered the topics nearest in meaning when it is clearly about paying."""

from __future__ import annotations

import dataclasses
import math

import pytest

from bot.answer import Query
from bot.channel import answer_rows, menu_rows
from bot.engine import Engine
from bot.matcher import clearly_nearer, offered
from bot.responder import FALLBACK_TOPICS, Responder
from bot.thresholds import Thresholds
from tests.semantic_helpers import words_held_back

TOPICS = ("currency-exchange", "atm-foreign-card", "card-acceptance", "ecny")


def test_offered_lists_the_nearest_topics_best_first_at_most_three() -> None:
    similarity = {
        "ecny": 0.80,
        "currency-exchange": 0.90,
        "atm-foreign-card": 0.88,
        "card-acceptance": 0.85,
        "out-of-scope": 0.86,
        "greeting": 0.95,  # an intent is never offered
    }
    assert offered(similarity, TOPICS) == (
        "currency-exchange",
        "atm-foreign-card",
        "card-acceptance",
    )
    assert clearly_nearer(similarity, "currency-exchange", 0.02)


@pytest.mark.parametrize(
    ("similarity", "nearest", "clearly"),
    [
        ({"currency-exchange": 0.90, "out-of-scope": 0.89}, ("currency-exchange",), False),
        ({"currency-exchange": 0.90, "out-of-scope": 0.95}, ("currency-exchange",), False),
        ({"currency-exchange": 0.90, "out-of-scope": 0.88}, ("currency-exchange",), True),
        ({"currency-exchange": 0.90}, (), None),  # nothing to compare with: no buttons either
        ({}, (), None),
    ],
)
def test_a_topic_is_clearly_nearer_only_with_a_margin_over_out_of_scope(
    similarity: dict[str, float], nearest: tuple[str, ...], clearly: bool | None
) -> None:
    found = offered(similarity, TOPICS)
    assert (found, clearly_nearer(similarity, found[0], 0.02) if found else None) == (
        nearest,
        clearly,
    )


def strict(engine: Engine, offer_margin: float) -> Responder:
    """The words never answer or ask back on their own, so what the meaning offers shows alone."""
    return words_held_back(engine, agree_clarify=math.inf, offer_margin=offer_margin)


def test_a_message_the_words_would_drop_is_offered_the_topics_nearest_in_meaning(
    engine: Engine,
) -> None:
    query = Query(text="where can I exchange money")
    offer, alone = (strict(engine, margin).answer(query) for margin in (0.02, math.inf))
    assert (offer.kind, offer.text, "currency-exchange" in offer.suggestions, alone.kind) == (
        "clarify",
        "Did you mean one of these?",
        True,
        "fallback",
    )
    assert len(offer.suggestions) == 3


@pytest.mark.parametrize(
    "text", ["what will the weather be like in Beijing tomorrow", "明天北京天气怎么样"]
)
def test_a_message_nearer_the_out_of_scope_examples_still_falls_back(
    engine: Engine, text: str
) -> None:
    responder = strict(engine, Thresholds().offer_margin)
    assert responder.answer(Query(text=text)).kind == "fallback"


def test_without_sentence_vectors_nothing_is_offered(engine: Engine) -> None:
    """The lexical matcher alone (vectors off or not built yet) falls back as before."""
    responder = strict(engine, 0.02)
    words_only = Responder(responder.kb, thresholds=responder.limits)
    assert words_only.answer(Query(text="where can I exchange money")).kind == "fallback"


def test_a_fallback_s_buttons_are_the_topics_nearest_in_meaning(engine: Engine) -> None:
    """Not near enough for a "did you mean", but the topics under the fallback are the message's nearest."""
    query = Query(text="where can I exchange money")
    responder = strict(engine, math.inf)
    words_only = Responder(responder.kb, thresholds=responder.limits)
    answer = responder.answer(query)
    assert (answer.kind, answer.related) == (
        "fallback",
        ("currency-exchange", "atm-foreign-card", "payment-overview"),
    )
    assert words_only.answer(query).related == FALLBACK_TOPICS


def test_a_fallback_shows_the_nearest_topics_the_menu_lacks_under_it(engine: Engine) -> None:
    """The buttons every channel renders: the menu's needs, then the nearest topics it does not list."""
    responder = strict(engine, math.inf)
    kb = responder.kb
    rows = answer_rows(responder.answer(Query(text="where can I exchange money")), kb)
    labels = [button.label for row in rows for button in row]
    menu = [button.label for row in menu_rows(kb, "en") for button in row]
    assert labels == [*menu[:-1], kb.text("topic.payment-overview", "en"), menu[-1]]


def test_the_offer_margin_is_a_threshold_like_the_others() -> None:
    assert dataclasses.replace(Thresholds(), offer_margin=0.5).offer_margin == 0.5
