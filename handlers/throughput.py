"""Updates per second through the real Application[Any, Any, Any, Any, Any, Any] and handlers, against bare bots built the same way.

Three bots get the same updates: PayHelp; a bare echo bot; and a bare "reply bot" that sends, for
each message, the very reply PayHelp sends (text and buttons, prepared beforehand) and does no other
work. reply/echo is what sending PayHelp's answers costs; payhelp/reply is what PayHelp's own work
(understanding, storage, guards) costs.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.answer import Query
from bot.bench import CACHE
from bot.engine import Engine
from bot.evaluation import load_cases
from bot.semantic import Semantic
from bot.settings import BUNDLED_KNOWLEDGE, Settings
from handlers.app import build_application, builder
from handlers.context import message_of
from handlers.fake_api import FakeRequest
from handlers.render import Reply, render
from handlers.reply import send

TOKEN = "123456789:AAbenchmark-token-offline-only"


def _updates(n: int) -> list[dict[str, Any]]:
    """`n` questions from knowledge/tests, ten from each user: under the flood limit, as real traffic is."""
    texts = [c.text for c in load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl")))]
    users = max(1, n // 10)
    return [
        {
            "update_id": i + 1,
            "message": {
                "message_id": i + 1,
                "date": 0,
                "text": texts[i % len(texts)],
                "chat": {"id": 1000 + i % users, "type": "private", "first_name": "u"},
                "from": {
                    "id": 1000 + i % users,
                    "is_bot": False,
                    "first_name": "u",
                    "language_code": "en",
                },
            },
        }
        for i in range(n)
    ]


async def _rate(
    application: Application[Any, Any, Any, Any, Any, Any], updates: list[dict[str, Any]]
) -> float:
    await application.initialize()
    try:
        parsed = [Update.de_json(u, application.bot) for u in updates]
        start = time.perf_counter()
        for update in parsed:
            await application.process_update(update)
        return len(parsed) / (time.perf_counter() - start)
    finally:
        store = getattr(application.bot_data, "store", None)
        if store is not None:
            await store.close()
        await application.shutdown()


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(message_of(update).text or "")


def _bare(settings: Settings, callback: Any) -> Application[Any, Any, Any, Any, Any, Any]:
    """A bot built the way PayHelp's is (handlers.app.builder: retries, concurrency, stand-in) with one handler and no other work."""
    application = builder(settings, FakeRequest()).build()
    application.add_handler(MessageHandler(filters.TEXT, callback))
    return application


def _replier(replies: dict[str, Reply]) -> Any:
    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await send(message_of(update), replies[message_of(update).text or ""])

    return reply


async def measure_async(
    engine: Engine, n: int, semantic_engine: Engine | None = None
) -> dict[str, float]:
    """Updates per second of PayHelp (lexical; and with semantic evidence when given), the reply bot and the echo bot."""
    updates = _updates(n)
    kb = engine.responder.kb
    texts = {u["message"]["text"] for u in updates}
    replies = {text: render(engine.answer(Query(text=text, hint="en")), kb) for text in texts}
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_RATE_LIMIT=0,
            DATABASE_PATH=Path(folder) / "bench.sqlite3",
        )
        payhelp = await _rate(build_application(settings, engine, FakeRequest()), updates)
        # A database of its own: on the first run's, every update id would be a repeat, skipped unanswered.
        fresh = settings.model_copy(update={"DATABASE_PATH": Path(folder) / "semantic.sqlite3"})
        semantic = (
            await _rate(build_application(fresh, semantic_engine, FakeRequest()), updates)
            if semantic_engine is not None
            else 0.0
        )
    reply = await _rate(_bare(settings, _replier(replies)), updates)
    echo = await _rate(_bare(settings, _echo), updates)
    return {
        "updates": n,
        "payhelp_ups": round(payhelp, 1),
        "reply_ups": round(reply, 1),
        "echo_ups": round(echo, 1),
        "ratio": round(payhelp / echo, 3),
        "reply_ratio": round(reply / echo, 3),
        "own_work_ratio": round(payhelp / reply, 3),
        **(
            {
                "payhelp_semantic_ups": round(semantic, 1),
                "semantic_own_work_ratio": round(semantic / reply, 3),
            }
            if semantic_engine is not None
            else {}
        ),
    }


def measure(n: int) -> dict[str, float]:
    """Synchronous wrapper for the bench command: PayHelp lexical, then with semantic evidence (vectors settled)."""
    semantic = Engine.load(BUNDLED_KNOWLEDGE, semantic=Semantic(CACHE))
    semantic.settle()
    return asyncio.run(measure_async(Engine.load(BUNDLED_KNOWLEDGE), n, semantic))
