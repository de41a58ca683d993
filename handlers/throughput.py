"""Updates per second through the real Application and handlers, against a bare echo bot built the same way."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.engine import Engine
from bot.evaluation import load_cases
from bot.settings import BUNDLED_KNOWLEDGE, Settings
from handlers.app import build_application
from handlers.fake_api import FakeRequest

TOKEN = "123456789:AAbenchmark-token-offline-only"


def _updates(n: int) -> list[dict[str, Any]]:
    """`n` questions from knowledge/tests, ten from each user: under the flood limit, as real traffic is."""
    texts = [c.text for c in load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl")))]
    users = max(1, n // 10)
    return [
        {"update_id": i + 1, "message": {
            "message_id": i + 1, "date": 0, "text": texts[i % len(texts)],
            "chat": {"id": 1000 + i % users, "type": "private", "first_name": "u"},
            "from": {"id": 1000 + i % users, "is_bot": False, "first_name": "u", "language_code": "en"},
        }}
        for i in range(n)
    ]


async def _rate(application: Application, updates: list[dict[str, Any]]) -> float:
    await application.initialize()
    try:
        parsed = [Update.de_json(u, application.bot) for u in updates]
        start = time.perf_counter()
        for update in parsed:
            await application.process_update(update)
        return len(parsed) / (time.perf_counter() - start)
    finally:
        store = application.bot_data.get("store")
        if store is not None:
            await store.close()
        await application.shutdown()


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")


async def measure_async(engine: Engine, n: int) -> dict[str, float]:
    """PayHelp's and the echo bot's updates per second, and their ratio."""
    updates = _updates(n)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_RATE_LIMIT=0, DATABASE_PATH=Path(folder) / "bench.sqlite3")
        payhelp = await _rate(build_application(settings, engine, FakeRequest()), updates)
    echo_app = ApplicationBuilder().token(TOKEN).request(FakeRequest()).get_updates_request(FakeRequest()).build()
    echo_app.add_handler(MessageHandler(filters.TEXT, _echo))
    echo = await _rate(echo_app, updates)
    return {"updates": n, "payhelp_ups": round(payhelp, 1), "echo_ups": round(echo, 1), "ratio": round(payhelp / echo, 3)}


def measure(n: int) -> dict[str, float]:
    """Synchronous wrapper for the bench command."""
    return asyncio.run(measure_async(Engine.load(BUNDLED_KNOWLEDGE), n))
