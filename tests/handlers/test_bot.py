"""Every user flow through the real Application and handlers, with Telegram faked at the HTTP layer."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answer import Query
from bot.engine import Engine
from bot.language import SUPPORTED
from handlers.commands import set_commands
from handlers.render import answer_html
from tests.telegram_helpers import Harness, buttons, callback, location, message, texts


@pytest.fixture
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(engine, tmp_path / "bot.sqlite3").start()
    yield harness
    await harness.stop()


def ui(engine: Engine, key: str, lang: str, **values: object) -> str:
    return html.escape(engine.responder.kb.text(key, lang, **values), quote=False)


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_start_greets_with_location_keyboard_and_menu(
    bot: Harness, engine: Engine, lang: str
) -> None:
    calls = await bot.send(message("/start", lang=lang))
    assert texts(calls) == [ui(engine, "greeting", lang), ui(engine, "menu_title", lang)]
    assert buttons(calls[0]) == [(engine.responder.kb.text("btn.location", lang), "location")]
    menu = [data for _, data in buttons(calls[1])]
    assert menu == [
        "t:currency-exchange",
        "t:atm-foreign-card",
        "t:card-acceptance",
        "t:mobile-pay-setup",
        "t:open-account",
        "t:cash-rights",
        "t:complaints",
        "lc",
        "h",
        "lang",
    ]


async def test_chinese_menu_offers_elder_mode(bot: Harness) -> None:
    calls = await bot.send(message("/start", lang="zh-hans"))
    assert "e" in [data for _, data in buttons(calls[1])]


@pytest.mark.parametrize("lang", [None, "de"])
async def test_start_with_unknown_language_offers_the_picker(
    bot: Harness, lang: str | None
) -> None:
    calls = await bot.send(message("/start", lang=lang))
    assert [data for _, data in buttons(calls[0])] == ["l:zh", "l:en", "l:ko", "l:ru", "l:ja"]


@pytest.mark.parametrize(
    ("text", "lang", "topic"),
    [
        ("where can I exchange money", "en", "currency-exchange"),
        ("哪里可以换钱", "zh", "currency-exchange"),
    ],
)
async def test_typed_question_gets_answer_related_topics_and_feedback(
    bot: Harness, engine: Engine, text: str, lang: str, topic: str
) -> None:
    calls = await bot.send(message(text, lang="en"))
    answer = engine.answer(
        Query(text=text, hint="en")
    )  # a where question: the how-to, map links, card
    assert (answer.topic, answer.lang) == (topic, lang)
    assert (calls[0].method, calls[0].params["text"], calls[0].params["parse_mode"]) == (
        "sendMessage",
        answer_html(answer),
        "HTML",
    )
    data = [
        d for _, d in buttons(calls[0]) if d
    ]  # map links are URL buttons, without callback data
    assert data[: 1 + len(answer.related[:3])] == [f"mo:{topic}"] + [
        f"t:{t}" for t in answer.related[:3]
    ]
    assert data[-3:] == [f"f:1:{topic}", f"f:0:{topic}", "m"]


async def test_the_topic_that_came_next_is_the_first_topic_button_under_a_typed_answer(
    bot: Harness,
) -> None:
    calls = await bot.send(message("Can the hotel front desk exchange money for me?"))
    data = [d for _, d in buttons(calls[0]) if d]
    assert data[:4] == [
        "mo:currency-exchange",  # the answer: exchange; paying at the hotel one tap below it
        "t:pay-hotel",
        "t:exchange-back",
        "t:atm-foreign-card",
    ]


@pytest.mark.parametrize(("lang", "elder"), [("en", False), ("ja", False), ("zh", True)])
async def test_more_button_sends_background_and_sources(
    bot: Harness, engine: Engine, lang: str, elder: bool
) -> None:
    if elder:
        await bot.send(message("/elder", lang=lang))
    first = await bot.send(callback("t:atm-foreign-card", lang=lang))
    answer = engine.responder.faq("atm-foreign-card", lang, elder=elder)
    assert texts(first) == [html.escape(answer.text, quote=False)]
    more_button = buttons(first[1])[0]
    assert more_button == (engine.responder.kb.text("btn.more", lang), "mo:atm-foreign-card")
    more = await bot.send(callback(more_button[1], lang=lang))
    assert [c.method for c in more] == ["answerCallbackQuery", "sendMessage"]
    assert texts(more) == [html.escape(answer.more or "", quote=False)]
    assert "mo:atm-foreign-card" not in [d for _, d in buttons(more[1])]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("谢谢", "zh"),
        ("thanks", "en"),
        ("감사합니다", "ko"),
        ("спасибо", "ru"),
        ("ありがとう", "ja"),
    ],
)
async def test_thanks_gets_youre_welcome_and_the_way_back_to_the_menu(
    bot: Harness, engine: Engine, text: str, lang: str
) -> None:
    calls = await bot.send(message(text, lang=lang))
    assert texts(calls) == [ui(engine, "thanks", lang)]
    assert buttons(calls[0]) == [(engine.responder.kb.text("btn.back", lang), "m")]


async def test_clarify_shows_suggestions_and_none_of_these(
    bot: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answer import Answer

    clarify = Answer(
        kind="clarify", lang="ru", text="?", suggestions=("cash-rights", "cash-refusal-complaint")
    )
    monkeypatch.setattr(engine.responder, "answer", lambda query: clarify)
    calls = await bot.send(message("наличные", lang="ru"))
    assert [d for _, d in buttons(calls[0])] == ["t:cash-rights", "t:cash-refusal-complaint", "n"]
    assert buttons(calls[0])[-1][0] == engine.responder.kb.text("clarify_none", "ru")


async def test_location_lists_nearest_and_sends_a_venue(bot: Harness, engine: Engine) -> None:
    calls = await bot.send(location(42.90, 129.50, lang="ko"))
    assert [c.method for c in calls] == ["sendMessage", "sendVenue"]
    assert calls[0].params["text"].startswith(ui(engine, "nearby_title", "ko", service="")[:3])
    assert "km" in calls[0].params["text"]
    assert (float(calls[1].params["latitude"]), calls[1].params["title"]) == (
        42.8817,
        engine.responder.kb.places["ynj-airport"].names.ko[0],
    )
    assert [d for _, d in buttons(calls[0]) if d] == [
        "w:atm",
        "w:exchange",
        "w:bank",
        "w:service-center",
    ]


async def test_switching_what_to_look_for_uses_the_last_location(
    bot: Harness, engine: Engine
) -> None:
    await bot.send(location(43.99, 125.68))
    calls = await bot.send(callback("w:exchange"))
    assert calls[0].method == "answerCallbackQuery"
    assert ui(engine, "want.exchange", "en") in calls[1].params["text"]
    assert engine.responder.kb.places["cgq-airport"].names.en[0] in calls[1].params["text"]


async def test_switching_without_a_location_asks_for_one(bot: Harness, engine: Engine) -> None:
    calls = await bot.send(callback("w:atm"))
    assert texts(calls) == [
        ui(engine, "nearby_ask", "en", service=engine.responder.kb.text("want.atm", "en"))
    ]


async def test_language_choice_is_stored_and_survives_a_restart(
    bot: Harness, engine: Engine
) -> None:
    picker = await bot.send(message("/language"))
    assert [d for _, d in buttons(picker[0])] == ["l:zh", "l:en", "l:ko", "l:ru", "l:ja"]
    chosen = await bot.send(callback("l:ja"))
    assert texts(chosen)[0] == ui(engine, "language_set", "ja")
    restarted = await bot.restart()
    try:
        calls = await restarted.send(message("/start", lang="en"))
        assert texts(calls)[0] == ui(engine, "greeting", "ja")
    finally:
        await restarted.stop()


async def test_elder_mode_big_buttons_short_answers_and_phone(bot: Harness, engine: Engine) -> None:
    calls = await bot.send(message("/elder", lang="zh"))
    kb = engine.responder.kb
    assert texts(calls) == [ui(engine, "elder_on", "zh")]
    labels = [label for label, _ in buttons(calls[0])]
    assert labels == [
        kb.text(k, "zh")
        for k in (
            "btn.exchange",
            "btn.atm",
            "btn.card",
            "btn.cash",
            "btn.mobile",
            "btn.person",
            "btn.location",
        )
    ]
    pressed = await bot.send(message(kb.text("btn.exchange", "zh"), lang="zh"))
    short = kb.topics["currency-exchange"].short.zh.strip()
    assert texts(pressed) == [
        html.escape(f"{short}\n\n{kb.text('call.service-center', 'zh')}", quote=False)
    ]
    scam = await bot.send(message("我被骗了，钱被转走了怎么办", lang="zh"))
    assert texts(scam) == [html.escape(kb.topics["fraud-safety"].short.zh.strip(), quote=False)]
    assert "12363" not in texts(scam)[0]
    lost = await bot.send(message("银行卡丢了怎么办", lang="zh"))
    assert texts(lost) == [
        html.escape(
            f"{kb.topics['card-problems'].short.zh.strip()}\n\n{kb.text('call.card-bank', 'zh')}",
            quote=False,
        )
    ]
    person = await bot.send(message(kb.text("btn.person", "zh"), lang="zh"))
    assert texts(person) == [ui(engine, "handoff_unavailable", "zh")]
    off = await bot.send(message("/elder", lang="zh"))
    assert texts(off) == [ui(engine, "elder_off", "zh")]


@pytest.mark.parametrize(
    ("kind", "lang"), [("voice", "en"), ("photo", "ru"), ("sticker", "ko"), ("document", "ja")]
)
async def test_unreadable_messages_get_a_kind_reply(
    bot: Harness, engine: Engine, kind: str, lang: str
) -> None:
    payload = {
        "voice": {"file_id": "v", "file_unique_id": "v", "duration": 2},
        "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
        "sticker": {
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        },
        "document": {"file_id": "d", "file_unique_id": "d"},
    }[kind]
    calls = await bot.send(message(None, lang=lang, **{kind: payload}))
    assert texts(calls) == [ui(engine, "unsupported_media", lang)]


async def test_groups_answer_only_when_mentioned_or_replied_to(bot: Harness) -> None:
    assert (
        await bot.send(message("where can I exchange money", chat_id=-100, kind="supergroup")) == []
    )
    mentioned = await bot.send(
        message("@payhelp_test_bot where can I exchange money", chat_id=-100, kind="supergroup")
    )
    assert len(texts(mentioned)) == 1 and mentioned[0].params["chat_id"] == "-100"
    reply = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -100, "type": "supergroup", "title": "G"},
        "from": {
            "id": 4242,
            "is_bot": True,
            "first_name": "PayHelp",
            "username": "payhelp_test_bot",
        },
        "text": "x",
    }
    replied = await bot.send(
        message("and ATMs?", chat_id=-100, kind="supergroup", reply_to_message=reply)
    )
    assert len(texts(replied)) == 1


async def test_help_and_unknown_command(bot: Harness, engine: Engine) -> None:
    assert texts(await bot.send(message("/help", lang="ru"))) == [ui(engine, "help", "ru")]
    assert texts(await bot.send(message("/nonsense", lang="ru"))) == [
        ui(engine, "unknown_command", "ru")
    ]


async def test_command_menu_in_every_language(bot: Harness, engine: Engine) -> None:
    await set_commands(bot.app)
    calls = bot.api.sent("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [*SUPPORTED, None]
    assert [cmd["command"] for cmd in calls[0].params["commands"]] == [
        "start",
        "help",
        "language",
        "elder",
        "complain",
        "privacy",
        "forget",
    ]
    assert calls[2].params["commands"][0]["description"] == engine.responder.kb.text(
        "cmd.start", "ko"
    )


async def test_every_callback_is_answered_even_unknown_or_stale(
    bot: Harness, engine: Engine
) -> None:
    unknown = await bot.send(callback("zzz-never-sent"))
    assert [c.method for c in unknown] == ["answerCallbackQuery", "sendMessage"]
    assert texts(unknown) == [ui(engine, "menu_title", "en")]
    stale = await bot.send(callback("t:currency-exchange", with_message=False))
    assert [c.method for c in stale] == ["answerCallbackQuery"]


async def test_feedback_is_thanked_and_stored(bot: Harness, engine: Engine) -> None:
    up = await bot.send(callback("f:1:currency-exchange"))
    assert [(c.method, c.params.get("text")) for c in up] == [
        ("answerCallbackQuery", engine.responder.kb.text("feedback_thanks", "en"))
    ]
    down = await bot.send(callback("f:0:currency-exchange"))
    assert texts(down) == [ui(engine, "feedback_sorry", "en")]
    assert [d for _, d in buttons(down[1])] == ["h", "m"]
    assert await bot.app.bot_data.store.feedback_counts() == {"helpful": 1, "unhelpful": 1}


async def test_person_button_without_a_staff_group_gives_the_hotline(
    bot: Harness, engine: Engine
) -> None:
    calls = await bot.send(callback("h", lang="ko"))
    assert texts(calls) == [ui(engine, "handoff_unavailable", "ko")]


async def test_without_a_staff_group_a_person_request_reaches_the_staff_console(
    bot: Harness, engine: Engine
) -> None:
    """With staff accounts of the browser console (and no Telegram staff group) the ticket goes to its inbox."""
    from bot.accounts import add_staff
    from bot.casework import inbox

    store = bot.app.bot_data.store
    await add_staff(store, "wang", "correct horse battery")
    await bot.send(message("연길 공항 환전", user_id=7, lang="ko"))
    calls = await bot.send(callback("h", user_id=7, lang="ko"))
    tickets = [entry.ticket for entry in await inbox(store)]
    assert texts(calls) == [ui(engine, "handoff", "ko")]
    assert [(t.user_id, t.channel, t.question) for t in tickets] == [
        (7, "telegram", "연길 공항 환전")
    ]


async def test_without_a_group_or_a_console_in_this_process_a_person_request_gives_the_hotline(
    engine: Engine, tmp_path: Path
) -> None:
    """WEB_PORT=0: a console elsewhere could not reach this Telegram user, so no ticket is promised."""
    from bot.accounts import add_staff
    from bot.casework import inbox

    bot = await Harness(engine, tmp_path / "bot.sqlite3", WEB_PORT=0).start()
    try:
        store = bot.app.bot_data.store
        await add_staff(store, "wang", "correct horse battery")
        calls = await bot.send(callback("h", user_id=7, lang="ko"))
        assert (texts(calls), await inbox(store)) == ([ui(engine, "handoff_unavailable", "ko")], [])
    finally:
        await bot.stop()


@pytest.mark.parametrize("lang", SUPPORTED)
async def test_buttons_alone_reach_an_answer_in_every_language(
    bot: Harness, engine: Engine, lang: str
) -> None:
    start = await bot.send(message("/start", lang=lang))
    atm = next(data for _, data in buttons(start[-1]) if data == "t:atm-foreign-card")
    calls = await bot.send(callback(atm, lang=lang))
    assert texts(calls) == [
        html.escape(engine.responder.faq("atm-foreign-card", lang).text, quote=False)
    ]


async def test_a_whole_conversation(bot: Harness, engine: Engine) -> None:
    kb = engine.responder.kb
    start = await bot.send(message("/start", lang="ru"))
    assert texts(start)[0] == ui(engine, "greeting", "ru")
    pressed = await bot.send(callback("t:currency-exchange", lang="ru"))
    steps = engine.responder.faq("currency-exchange", "ru")
    assert texts(pressed) == [html.escape(steps.text, quote=False)]
    more = await bot.send(callback("mo:currency-exchange", lang="ru"))
    assert texts(more) == [html.escape(steps.more or "", quote=False)]
    asked = await bot.send(message("где снять наличные с карты visa", lang="ru"))
    assert "f:1:atm-foreign-card" in [d for _, d in buttons(asked[0])]
    near = await bot.send(location(42.88, 129.46, lang="ru"))
    assert [c.method for c in near] == ["sendMessage", "sendVenue"]
    thanks = await bot.send(callback("f:1:atm-foreign-card", lang="ru"))
    assert thanks[0].params["text"] == kb.text("feedback_thanks", "ru")


async def test_html_specials_are_escaped_and_callback_data_fits(bot: Harness) -> None:
    calls = await bot.send(message("<b>visa</b> & *_[]` <script>", lang="en"))
    assert "<b>" not in calls[0].params["text"] and "<script>" not in calls[0].params["text"]
    everything = bot.api.calls
    assert all(len(d.encode()) <= 64 for c in everything for _, d in buttons(c))
