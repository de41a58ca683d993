"""Bad input, faults and load lose nothing: every case through the real Application offline."""

from __future__ import annotations

import ast
import asyncio
import logging
import sqlite3
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import TimedOut

from bot.answer import Query
from bot.engine import Engine
from handlers.errors import install_redaction
from handlers.fake_api import FakeRequest
from tests.telegram_helpers import (
    TOKEN,
    Harness,
    callback,
    location,
    message,
    reply_texts,
    texts,
    valid_telegram_html,
)


@pytest.fixture
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(engine, tmp_path / "r.sqlite3").start()
    yield harness
    await harness.stop()


BAD_TEXTS = {
    "4096 characters": "where can I exchange money " * 151 + "x" * 19,
    "only emoji": "😀😀🙏🏽👍🇨🇳",
    "control and zero-width": "\u200b\u200c\u200d\ufeff\x07\x1b[31m atm \u2060",
    "right-to-left": "أين يمكنني تحويل العملات؟ \u202e visa",
    "html and markdown specials": "<b>bold</b> & *_[]`~>#+-=|{}.! <a href='x'>",
    "sql-looking": "'; DROP TABLE users; -- SELECT * FROM tickets",
    "mixed scripts": "visa карта 카드 カード 卡 ok?",
    "only spaces": "   \n\t  ",
}


@pytest.mark.parametrize("text", BAD_TEXTS.values(), ids=BAD_TEXTS.keys())
async def test_odd_text_gets_a_valid_reply(bot: Harness, text: str) -> None:
    calls = await bot.send(message(text))
    sent = texts(calls)
    assert bot.errors == []
    if text.strip():
        assert sent and all(valid_telegram_html(t) for t in sent)


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 0.0), (90.0, 0.0), (-90.0, 180.0)])
async def test_locations_far_from_anything(
    bot: Harness, engine: Engine, lat: float, lon: float
) -> None:
    calls = await bot.send(location(lat, lon))
    assert (bot.errors, [c.method for c in calls]) == ([], ["sendMessage"])


async def test_callback_data_the_bot_never_sent(bot: Harness) -> None:
    for data in [
        "",
        "t:",
        "t:../../etc/passwd",
        "f:",
        "f:9",
        "l:xx",
        "w:moon",
        "x" * 64,
        "'; DROP TABLE users; --",
    ]:
        calls = await bot.send(callback(data))
        assert calls[0].method == "answerCallbackQuery"
    assert bot.errors == []


async def test_edited_messages_and_channel_posts_are_ignored(bot: Harness) -> None:
    edited = message("where can I exchange money")
    edited["edited_message"] = edited.pop("message")
    post = message("where can I exchange money", chat_id=-1001, kind="channel")
    post["channel_post"] = post.pop("message")
    post["channel_post"].pop("from")
    assert (await bot.send(edited), await bot.send(post), bot.errors) == ([], [], [])


async def test_updates_missing_optional_fields(bot: Harness) -> None:
    no_language = message("where can I exchange money", lang=None)
    service = message(None, new_chat_members=[{"id": 5, "is_bot": False, "first_name": "N"}])
    no_sender = message("hello")
    no_sender["message"].pop("from")
    await bot.send(no_language)
    await bot.send(service)
    await bot.send(no_sender)
    assert bot.errors == []


async def test_the_same_update_is_never_answered_twice_even_after_a_restart(bot: Harness) -> None:
    update = message("where can I exchange money")
    assert len(texts(await bot.send(update))) == 1
    assert await bot.send(update) == []
    restarted = await bot.restart()
    try:
        assert await restarted.send(update) == []
    finally:
        await restarted.stop()


def _fail_first(api: Any, status: int, body: dict, count: int = 1) -> dict:
    state = {"left": count, "attempts": 0}

    def fault(method: str, params: dict) -> Any:
        if method == "sendMessage":
            state["attempts"] += 1
            if state["left"]:
                state["left"] -= 1
                return status, body
        return None

    api.fault = fault
    return state


async def test_5xx_is_retried_and_delivered_once(bot: Harness) -> None:
    state = _fail_first(
        bot.api, 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}, count=2
    )
    calls = await bot.send(message("where can I exchange money"))
    assert (state["attempts"], len(texts(calls)), bot.errors) == (3, 1, [])


async def test_a_timeout_is_not_retried_and_other_users_go_on(
    engine: Engine, tmp_path: Path
) -> None:
    class SlowOnce(FakeRequest):
        failed = False

        async def do_request(
            self, url: str, method: str, request_data: Any = None, **kw: Any
        ) -> tuple[int, bytes]:
            if url.endswith("sendMessage") and not SlowOnce.failed:
                SlowOnce.failed = True
                raise TimedOut("timed out")
            return await super().do_request(url, method, request_data, **kw)

    harness = Harness(engine, tmp_path / "t.sqlite3")
    from handlers.app import build_application

    harness.app = build_application(harness.settings, engine, SlowOnce(harness.api))
    await harness.start()
    try:
        assert texts(await harness.send(message("where can I exchange money", user_id=1))) == []
        assert len(texts(await harness.send(message("where can I exchange money", user_id=2)))) == 1
    finally:
        await harness.stop()


async def test_knowledge_folder_removed_keeps_the_last_good_knowledge(kb_copy: Path) -> None:
    engine = Engine.load(kb_copy)
    kb_copy.rename(kb_copy.with_name("gone"))
    errors = engine.reload()
    assert [str(e) for e in errors] == [f"{kb_copy}:1: KNOWLEDGE_DIR: folder not found"]
    assert engine.answer(Query(text="where can I exchange money")).topic == "currency-exchange"


async def test_a_crash_while_reloading_keeps_the_last_good_knowledge(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine.load(kb_copy)
    before = engine.responder

    def exploding(root: Path) -> Any:
        raise OSError("file changed while reading")

    monkeypatch.setattr("bot.engine.load_knowledge", exploding)
    errors = engine.reload()
    assert (len(errors), engine.responder is before) == (1, True)
    assert "file changed while reading" in str(errors[0])


async def test_locked_database_still_answers(bot: Harness) -> None:
    await bot.send(message("hello"))
    await bot.app.bot_data.store.flush()
    blocker = sqlite3.connect(bot.settings.DATABASE_PATH, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        bot.app.bot_data.store._prefs.clear()
        calls = await bot.send(message("where can I exchange money", user_id=31))
        assert len(texts(calls)) == 1
    finally:
        blocker.rollback()
        blocker.close()


async def test_read_only_or_deleted_database_still_answers(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    harness = await Harness(engine, folder / "db.sqlite3").start()
    try:
        await harness.send(message("hello", user_id=40))
        await harness.app.bot_data.store.close()
        for path in folder.iterdir():
            path.chmod(stat.S_IRUSR)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        assert (
            len(texts(await harness.send(message("where can I exchange money", user_id=41)))) == 1
        )
        folder.chmod(stat.S_IRWXU)
        for path in folder.iterdir():
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        for path in list(folder.iterdir()):
            path.unlink()
        assert (
            len(texts(await harness.send(message("where can I exchange money", user_id=42)))) == 1
        )
    finally:
        folder.chmod(stat.S_IRWXU)
        await harness.stop()


async def test_a_database_that_cannot_be_opened_still_answers_once(
    engine: Engine, tmp_path: Path
) -> None:
    harness = await Harness(engine, tmp_path / "no-such-folder" / "db.sqlite3").start()
    try:
        question = "where can I exchange money"
        assert texts(await harness.send(message(question, user_id=43))) == reply_texts(
            engine, question
        )
    finally:
        await harness.stop()


async def test_a_flooding_user_is_told_once_and_others_go_on(bot: Harness, engine: Engine) -> None:
    sent = [
        texts(await bot.send(message(f"where can I exchange money {i}", user_id=50)))
        for i in range(30)
    ]
    slow_down = engine.responder.kb.text("rate_limited", "en")
    assert sum(1 for t in sent if t and t != [slow_down]) == 20
    assert sum(1 for t in sent if t == [slow_down]) == 1
    assert sum(1 for t in sent if not t) == 9
    assert len(texts(await bot.send(message("where can I exchange money", user_id=51)))) == 1


async def test_a_thousand_users_at_once_are_all_answered(bot: Harness) -> None:
    updates = [
        Update.de_json(message("where can I exchange money", user_id=10_000 + i), bot.app.bot)
        for i in range(1000)
    ]
    processor = bot.app.update_processor
    await asyncio.gather(*(processor.process_update(u, bot.app.process_update(u)) for u in updates))
    answered = [c.params["chat_id"] for c in bot.api.sent("sendMessage")]
    assert (len(answered), len(set(answered)), bot.errors) == (1000, 1000, [])


def test_the_token_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction(TOKEN)
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
        try:
            raise RuntimeError(f"failed calling /bot{TOKEN}/getMe")
        except RuntimeError:
            logging.getLogger("handlers.errors").exception("boom")
    assert TOKEN not in caplog.text
    assert "<token>" in caplog.text


SQL_START = (  # SQL keywords as the code writes them: upper case
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "ALTER",
    "DROP",
    "PRAGMA",
    "BEGIN",
    "WITH",
    "REPLACE",
)
CONSTANT_NAMES = {
    "column",
    "table",
    "_TICKET_COLUMNS",
}  # interpolated names that only ever hold constants


def _constant(value: ast.expr) -> bool:
    """A name that only holds constants, or int(...): neither can carry SQL."""
    is_int = (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "int"
    )
    return is_int or ast.unparse(value) in CONSTANT_NAMES


def unsafe_sql(source: str) -> list[str]:
    """SQL built from anything but constants: f-strings with other values, % or .format on SQL, + on SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            head = (
                node.values[0].value
                if node.values and isinstance(node.values[0], ast.Constant)
                else ""
            )
            if str(head).lstrip().startswith(SQL_START):
                found += [
                    ast.unparse(v.value)
                    for v in node.values
                    if isinstance(v, ast.FormattedValue) and not _constant(v.value)
                ]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and str(side.value).lstrip().upper().startswith(
                    SQL_START
                ):
                    found.append(ast.unparse(node))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
        ):
            target = node.func.value
            if isinstance(target, ast.Constant) and str(target.value).lstrip().upper().startswith(
                SQL_START
            ):
                found.append(ast.unparse(node))
    return found


def test_the_sql_check_catches_what_it_is_for() -> None:
    snippet = """
async def f(store, db, text, n):
    await store.write(
        f"INSERT INTO events (text) VALUES ('{text}')"
    )
    await db.execute("SELECT * FROM users WHERE id = %s" % n)
    await db.execute("DELETE FROM x WHERE a = {}".format(text))
    await db.execute("SELECT " + text)
    await db.execute(f"DELETE FROM {table} WHERE ts < ?", (1,))
"""
    assert unsafe_sql(snippet) == [
        "text",
        "'SELECT * FROM users WHERE id = %s' % n",
        "'DELETE FROM x WHERE a = {}'.format(text)",
        "'SELECT ' + text",
    ]


def test_no_user_text_reaches_sql() -> None:
    """Every SQL statement is a constant with ? parameters (table and column names come from constants)."""
    root = Path(__file__).resolve().parents[2]
    found = {
        str(path.relative_to(root)): unsafe_sql(path.read_text())
        for path in sorted(root.glob("*/*.py"))
    }
    assert {path: values for path, values in found.items() if values} == {}


async def test_a_callback_with_a_path_in_it_gets_the_menu(bot: Harness, engine: Engine) -> None:
    calls = await bot.send(callback("t:../../etc/passwd"))
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert calls[1].params["text"] == engine.responder.kb.text("menu_title", "en")
