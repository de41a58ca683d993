"""Telegram faults: RetryAfter is waited out, Forbidden is noted and not retried, one bad request does not stop the bot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.engine import Engine
from tests.telegram_helpers import Harness, message, texts


def once(status: int, body: dict[str, Any], method: str = "sendMessage"):
    """A fault that fails the first call of `method`, then lets everything through."""
    state = {"left": 1, "attempts": 0}

    def fault(called: str, params: dict[str, Any]):
        if called == method:
            state["attempts"] += 1
            if state["left"]:
                state["left"] -= 1
                return status, body
        return None

    fault.state = state  # type: ignore[attr-defined]
    return fault


async def test_retry_after_is_waited_out(engine: Engine, tmp_path: Path) -> None:
    bot = await Harness(engine, tmp_path / "db.sqlite3", TELEGRAM_RATE_LIMIT=30).start()
    try:
        bot.api.fault = once(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            },
        )
        calls = await bot.send(message("where can I exchange money"))
        assert (bot.api.fault.state["attempts"], len(texts(calls))) == (2, 1)
    finally:
        await bot.stop()


async def test_forbidden_is_noted_and_not_retried(engine: Engine, tmp_path: Path) -> None:
    bot = await Harness(engine, tmp_path / "db.sqlite3", TELEGRAM_RATE_LIMIT=30).start()
    try:
        bot.api.fault = once(
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        )
        calls = await bot.send(message("where can I exchange money", user_id=99))
        assert (bot.api.fault.state["attempts"], calls) == (1, [])
        db = await bot.app.bot_data.store.db()
        row = await (await db.execute("SELECT blocked FROM users WHERE user_id = 99")).fetchone()
        assert row == (1,)
    finally:
        await bot.stop()


async def test_a_bad_request_for_one_message_does_not_stop_the_bot(
    engine: Engine, tmp_path: Path
) -> None:
    bot = await Harness(engine, tmp_path / "db.sqlite3").start()
    try:
        bot.api.fault = once(
            400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        )
        first = await bot.send(message("where can I exchange money"))
        second = await bot.send(message("hello", user_id=8))
        assert texts(first) == [engine.responder.kb.text("error_generic", "en")]
        assert texts(second)[0] == engine.responder.kb.text("greeting", "en").replace(
            "&", "&amp;"
        ).replace("<", "&lt;").replace(">", "&gt;")
    finally:
        await bot.stop()
