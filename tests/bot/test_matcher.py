"""Matcher evidence: the naive Bayes posterior is a distribution over targets and favours the topic whose words are used."""

from __future__ import annotations

import math

import pytest

from bot.engine import Engine
from bot.text import normalize, tokens


def _posterior(engine: Engine, text: str) -> dict[str, float]:
    return engine.responder.matcher.bayes(set(tokens(normalize(text))))


@pytest.mark.parametrize(("text", "topic"), [
    ("where can I change euros into yuan", "currency-exchange"),
    ("数字人民币钱包怎么开通", "ecny"),
    ("банкомат снять наличные иностранной картой", "atm-foreign-card"),
])
def test_posterior_is_a_distribution_led_by_the_topic_asked_about(engine: Engine, text: str, topic: str) -> None:
    posterior = _posterior(engine, text)
    assert math.isclose(sum(posterior.values()), 1.0)
    assert max(posterior, key=posterior.get) == topic


def test_no_known_word_gives_no_evidence(engine: Engine) -> None:
    assert _posterior(engine, "zzqx vrrbl") == {}


def test_rank_adds_the_posterior_to_each_score(engine: Engine) -> None:
    matcher = engine.responder.matcher
    text = "where can I change euros into yuan"
    posterior = _posterior(engine, matcher.correct(normalize(text)))
    ranked = matcher.rank(text)
    assert [round(s.bayes, 9) for s in ranked] == [round(posterior.get(s.target, 0.0), 9) for s in ranked]
