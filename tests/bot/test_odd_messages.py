"""Odd messages get the kind fallback (with the menu), never a topic, a "did you mean" or a person paged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import Query
from bot.engine import Engine
from tests.semantic_helpers import always_encode, counted


@pytest.mark.parametrize(
    "text", ["a" * 5000, "aaaa", "123456", "😀😀😀", "?", "asdfgh", "qwerty uiop", "..."]
)
def test_noise_gets_the_fallback_with_the_menu(engine: Engine, text: str) -> None:
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.text, answer.suggestions) == (
        "fallback",
        engine.responder.kb.text("fallback", "en"),
        (),
    )


def test_a_short_word_is_not_matched_inside_a_longer_keyword(engine: Engine) -> None:
    """ "aaaa…" folds to "a"; fuzzy keyword matching once found it inside every keyword with an "a"."""
    scores = engine.responder.matcher.rank("a")
    assert [s.target for s in scores if s.keyword > 0] == []


@pytest.mark.parametrize("text", ["我", "the", "是"])
def test_a_word_every_topic_uses_pages_no_person(engine: Engine, text: str) -> None:
    assert engine.answer(Query(text=text)).kind != "handoff"


@pytest.mark.parametrize("text", ["转人工", "human please", "사람 연결해 주세요"])
def test_a_request_for_a_person_still_pages_one(engine: Engine, text: str) -> None:
    assert engine.answer(Query(text=text)).kind == "handoff"


def test_a_message_without_letters_is_not_encoded(tmp_path: Path) -> None:
    """A number has no meaning to encode (e5 read "123456" as a train); the words alone decide."""
    engine, encoder = counted(tmp_path)
    always_encode(engine)
    engine.answer(Query(text="123456"))
    engine.answer(Query(text="where can I exchange money"))
    assert encoder.encoded == ["where can I exchange money"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("alipay", "mobile-pay-setup"),
        ("wechat", "mobile-pay-setup"),
        ("支付宝", "mobile-pay-setup"),
    ],
)
def test_a_wallet_named_alone_gets_how_to_set_it_up(engine: Engine, text: str, topic: str) -> None:
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.topic) == ("faq", topic)
