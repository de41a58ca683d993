"""End to end in the chat page's API: a message the words would drop gets the topics nearest in meaning as
"did you mean" buttons, with "none of these", and a tap opens the topic; nothing near in meaning still
gets the fallback with the menu."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.settings import BUNDLED_KNOWLEDGE
from tests.semantic_helpers import words_held_back
from tests.web_helpers import Web


@pytest.fixture
async def held_back(engine: Engine, tmp_path: Path) -> AsyncIterator[Web]:
    """The chat page on an engine whose words never answer or ask back, so the meaning alone decides."""
    responder = words_held_back(engine, agree_clarify=math.inf)
    site = Web(Engine(responder, BUNDLED_KNOWLEDGE), tmp_path / "web.sqlite3")
    yield site
    await site.close()


async def test_the_meaning_offers_topics_as_buttons_and_a_tap_opens_one(
    held_back: Web, engine: Engine
) -> None:
    kb = engine.responder.kb
    turn = (
        await held_back.client.post(
            "/api/v1/chat", json={"text": "where can I exchange money", "lang": "en"}
        )
    ).json()
    bubble = turn["bubbles"][-1]
    actions = [row[0]["action"] for row in bubble["buttons"]]
    assert (bubble["text"], bubble["answer"]["kind"], len(actions)) == (
        kb.text("clarify", "en"),
        "clarify",
        4,  # three topics and "none of these"
    )
    assert "t:currency-exchange" in actions[:3]
    assert bubble["buttons"][-1][0]["label"] == kb.text("clarify_none", "en")
    tapped = (
        await held_back.client.post(
            "/api/v1/chat", json={"action": "t:currency-exchange", "session": turn["session"]}
        )
    ).json()
    answer = tapped["bubbles"][-1]["answer"]
    assert (answer["kind"], answer["topic"]) == ("faq", "currency-exchange")


async def test_a_message_nowhere_near_a_topic_still_gets_the_fallback_and_the_menu(
    held_back: Web, engine: Engine
) -> None:
    turn = (
        await held_back.client.post(
            "/api/v1/chat", json={"text": "what will the weather be like tomorrow", "lang": "en"}
        )
    ).json()
    bubble = turn["bubbles"][-1]
    assert (bubble["answer"]["kind"], bubble["text"]) == (
        "fallback",
        engine.responder.kb.text("fallback", "en"),
    )
    assert bubble["buttons"][0][0]["label"] == engine.responder.kb.text("btn.exchange", "en")


async def test_paying_abroad_gets_only_the_mainland_and_its_nearest_topics_under_the_menu(
    engine: Engine, tmp_path: Path
) -> None:
    """What a visitor sees for "does WeChat work in Canada": the mainland-only text, then the menu, then the
    nearest topics the menu lacks (a fallback's `related`), as buttons a tap opens."""
    kb = engine.responder.kb
    site = Web(engine, tmp_path / "web.sqlite3")
    try:
        turn = (
            await site.client.post(
                "/api/v1/chat", json={"text": "Does WeChat work in Canada?", "lang": "en"}
            )
        ).json()
        bubble = turn["bubbles"][-1]
        labels = [button["label"] for row in bubble["buttons"] for button in row]
        assert (bubble["answer"]["kind"], bubble["text"]) == (
            "fallback",
            kb.text("abroad", "en", place="Canada"),
        )
        assert labels[-3:] == [
            kb.text("topic.mobile-pay-problems", "en"),
            kb.text("topic.learn-scan-to-pay", "en"),
            kb.text("btn.language", "en"),
        ]
        action = bubble["buttons"][-3][0]["action"]
        tapped = (
            await site.client.post(
                "/api/v1/chat", json={"action": action, "session": turn["session"]}
            )
        ).json()
        assert tapped["bubbles"][-1]["answer"]["topic"] == "mobile-pay-problems"
    finally:
        await site.close()
