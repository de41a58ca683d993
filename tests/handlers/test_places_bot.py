"""Where answers on Telegram: map links as URL buttons, the card in bold, honest nearby, the cards in the menu."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answer import Query
from bot.engine import Engine
from bot.where import link_line
from tests.telegram_helpers import Harness, callback, location, message, texts


@pytest.fixture
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(engine, tmp_path / "bot.sqlite3").start()
    yield harness
    await harness.stop()


def url_buttons(params: dict[str, object]) -> list[tuple[str, str]]:
    markup = params.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [
        (b["text"], b["url"])
        for row in markup.get("inline_keyboard", [])
        for b in row
        if "url" in b
    ]


async def test_a_city_search_gets_url_buttons_and_the_card_in_bold(
    bot: Harness, engine: Engine
) -> None:
    calls = await bot.send(message("ATM in Yanji"))
    answer = engine.answer(Query(text="ATM in Yanji", hint="en"))
    [sent] = [c for c in calls if c.method == "sendMessage"]
    assert url_buttons(sent.params) == [(link.label, link.url) for link in answer.links]
    text = str(sent.params["text"])
    assert f"<b>{html.escape(answer.show_local or '')}</b>" in text.splitlines()
    assert not any(html.escape(link_line(link), quote=False) in text for link in answer.links)


async def test_a_where_question_then_a_location_searches_for_what_was_asked(
    bot: Harness, engine: Engine
) -> None:
    await bot.send(message("ATM 어디", lang="ko"))
    calls = await bot.send(location(42.90, 129.50, lang="ko"))
    kb = engine.responder.kb
    assert [c.method for c in calls] == ["sendMessage", "sendVenue"]
    assert texts(calls)[0].startswith(
        html.escape(kb.text("nearby_title", "ko", service=kb.text("want.atm", "ko")))
    )


async def test_a_far_record_gets_no_venue_and_says_nothing_checked_is_near(
    bot: Harness, engine: Engine
) -> None:
    calls = await bot.send(location(43.88, 125.32))
    kb = engine.responder.kb
    assert [c.method for c in calls] == ["sendMessage"]
    assert texts(calls)[0].startswith(
        html.escape(
            kb.text("nearby_far", "en", service=kb.text("nearby_any", "en"), name="", distance="")[
                :20
            ]
        )
    )
    assert len(url_buttons(calls[0].params)) == 3


async def test_a_location_outside_china_is_told_so(bot: Harness, engine: Engine) -> None:
    calls = await bot.send(location(37.57, 126.98, lang="ko"))  # Seoul
    assert texts(calls) == [html.escape(engine.responder.kb.text("nearby_outside", "ko"))]


async def test_the_menu_shows_every_card_for_a_local(bot: Harness, engine: Engine) -> None:
    calls = await bot.send(callback("lc", lang="ja"))
    kb = engine.responder.kb
    assert kb.needs is not None
    text = texts(calls)[0]
    assert text.startswith(html.escape(kb.text("local_menu", "ja")))
    assert [f"<b>{n.local}</b>" in text.splitlines() for n in kb.needs.needs] == [True] * len(
        kb.needs.needs
    )
    menu = await bot.send(message("/start", lang="en"))
    labels = [
        b["text"]
        for c in menu
        for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ]
    assert kb.text("btn.local", "en") in labels
