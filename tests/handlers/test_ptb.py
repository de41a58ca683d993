"""python-telegram-bot as its authors use it: HTML by default, one knowledge snapshot per update,
entity-safe truncation, /reload off the event loop, and per-chat waits that never hold other chats up."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from telegram import Update

from bot.answer import Answer, Query
from bot.engine import Engine
from bot.settings import Settings
from handlers.app import build_application
from handlers.fake_api import FakeBotAPI, FakeRequest
from handlers.render import clip
from tests.telegram_helpers import (
    TOKEN,
    Harness,
    buttons,
    callback,
    message,
    texts,
    valid_telegram_html,
)

STAFF_GROUP, STAFF_USER = -500, 55


async def test_every_message_is_sent_as_html_including_the_slow_down_and_the_error_message(
    engine: Engine, tmp_path: Path, monkeypatch: Any
) -> None:
    bot = await Harness(engine, tmp_path / "db.sqlite3", USER_MESSAGES_PER_MINUTE=1).start()
    try:
        await bot.send(message("where can I exchange money", user_id=3))
        slowed = await bot.send(message("and an ATM?", user_id=3))
        monkeypatch.setattr(engine.responder, "answer", lambda query: 1 / 0)
        failed = await bot.send(message("hello", user_id=4))
        assert texts(slowed) == [engine.responder.kb.text("rate_limited", "en")]
        assert texts(failed) == [engine.responder.kb.text("error_generic", "en")]
        assert {c.params.get("parse_mode") for c in bot.api.sent("sendMessage")} == {"HTML"}
    finally:
        await bot.stop()


def test_clip_never_cuts_an_entity_in_half() -> None:
    for text in ("&" * 5000, "a" + "<" * 5000, "ab" + "&" * 5000, "x" * 4095 + "&"):
        clipped = clip(text)
        assert (valid_telegram_html(clipped), len(clipped) <= 4096, len(clipped) >= 4090) == (
            True,
            True,
            True,
        ), text[:5]


async def test_a_long_complaint_reaches_the_staff_group_as_valid_html(
    engine: Engine, tmp_path: Path
) -> None:
    desk = await Harness(
        engine, tmp_path / "db.sqlite3", STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    try:
        await desk.send(message("/complain", user_id=12))
        await desk.send(message("Noodle shop", user_id=12))
        await desk.send(message("&" * 4000, user_id=12))
        done = await desk.send(callback("cs", user_id=12))
        note = [
            c.params["text"]
            for c in done
            if c.method == "sendMessage" and c.params["chat_id"] == str(STAFF_GROUP)
        ]
        assert [valid_telegram_html(text) for text in note] == [True]
    finally:
        await desk.stop()


async def test_a_reload_while_answering_never_mixes_two_snapshots(
    kb_copy: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    engine = Engine.load(kb_copy)
    ui = kb_copy / "ui.yaml"
    ui.write_text(
        ui.read_text(encoding="utf-8").replace('  en: "Back to menu"', '  en: "Back (new)"'),
        encoding="utf-8",
    )
    first = engine.responder
    answer_first = first.answer

    def answer_then_reload(query: Query) -> Answer:
        answer = answer_first(query)
        assert engine.reload() == []  # a reload lands between answering and rendering
        return answer

    monkeypatch.setattr(first, "answer", answer_then_reload)
    bot = await Harness(engine, tmp_path / "db.sqlite3").start()
    try:
        calls = await bot.send(message("where can I exchange money"))
        assert engine.responder.kb.text("btn.back", "en") == "Back (new)"
        assert buttons(calls[0])[-1] == (first.kb.text("btn.back", "en"), "m")
    finally:
        await bot.stop()


async def test_reload_runs_in_a_thread_not_on_the_event_loop(
    engine: Engine, tmp_path: Path, monkeypatch: Any
) -> None:
    threads: list[threading.Thread] = []
    monkeypatch.setattr(engine, "reload", lambda: threads.append(threading.current_thread()) or [])
    desk = await Harness(
        engine, tmp_path / "db.sqlite3", STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    try:
        shown = texts(await desk.send(message("/reload", user_id=STAFF_USER, lang="zh")))
        assert shown[0].startswith("✓ 知识库已重新加载")
        assert [thread is threading.main_thread() for thread in threads] == [False]
    finally:
        await desk.stop()


async def test_a_burst_from_one_chat_never_holds_up_another_chat(
    engine: Engine, tmp_path: Path
) -> None:
    """100 messages from one chat at once, each answer taking a 10 ms round trip, then one from another chat."""
    api = FakeBotAPI()
    settings = Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_PATH=tmp_path / "db.sqlite3",
        TELEGRAM_RATE_LIMIT=0,
        USER_MESSAGES_PER_MINUTE=0,
    )
    application = build_application(settings, engine, FakeRequest(api, latency=0.01))
    burst = [message("where can I exchange money", user_id=1) for _ in range(100)]
    other = message("where is an ATM for visa", user_id=2)
    await application.initialize()
    await application.start()
    try:
        for update in [*burst, other]:
            await application.update_queue.put(Update.de_json(update, application.bot))
        deadline = time.monotonic() + 30
        while len(api.sent("sendMessage")) < 101 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        order = [c.params["chat_id"] for c in api.sent("sendMessage")]
        assert len(order) == 101
        assert (
            order.index("2") < 5
        )  # answered among the first few, not after the burst's 36 waiting beyond 64 slots
    finally:
        await application.stop()
        await application.bot_data.store.close()
        await application.shutdown()


def test_flood_windows_go_a_minute_after_a_users_last_message(monkeypatch: Any) -> None:
    from collections import deque

    from handlers.context import BotData

    now = [1000.0]
    monkeypatch.setattr("handlers.context.time.monotonic", lambda: now[0])
    data = BotData()
    data.flood[7] = deque([now[0]])
    now[0] += 30
    data.flood[7] = deque([now[0]])  # another message: the window is set again
    now[0] += 45
    assert list(data.flood) == [7]
    now[0] += 16
    assert list(data.flood) == []


def test_the_stores_caches_are_bounded(tmp_path: Path) -> None:
    from bot.storage import CACHED_USERS, Store

    store = Store(tmp_path / "s.sqlite3")
    for user in range(CACHED_USERS + 10):
        store.user_key(user)
    assert len(store._keys) == CACHED_USERS
