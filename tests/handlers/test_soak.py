"""Soak: 10,000 mixed updates, polled from a loopback Bot API that injects 5% 429s and 1% 5xx; every update answered exactly once.

Slow; run with `make soak` (pytest -m slow).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine
from bot.settings import Settings
from handlers.app import build_application
from handlers.fake_api import LoopbackBotAPI
from tests.telegram_helpers import TOKEN, callback, location, message

pytestmark = pytest.mark.slow
UPDATES = 10_000
QUESTIONS = [
    "where can I exchange money",
    "哪里可以换钱",
    "환전 어디서 해요",
    "где банкомат для visa",
    "両替はどこ",
    "hello",
    "asdf",
    "平遥古城能刷卡吗",
]


def _workload(rng: random.Random) -> tuple[list[dict[str, Any]], Counter, int, set[str]]:
    updates, per_chat, venues, callbacks = [], Counter(), 0, set()
    for i in range(UPDATES):
        user = 20_000 + rng.randrange(1000)
        roll = rng.random()
        if roll < 0.7:
            update = message(rng.choice(QUESTIONS), user_id=user)
        elif roll < 0.85:
            update = callback(
                f"t:{rng.choice(['currency-exchange', 'atm-foreign-card', 'cash-rights'])}",
                user_id=user,
            )
            callbacks.add(update["callback_query"]["id"])
        else:
            # within 7 km of Yanji airport: nearer than NEAR_M, so each location gets a venue
            update = location(
                42.88 + rng.uniform(-0.05, 0.05), 129.45 + rng.uniform(-0.05, 0.05), user_id=user
            )
            venues += 1
        update["update_id"] = i + 1
        updates.append(update)
        per_chat[str(user)] += 1
    return updates, per_chat, venues, callbacks


def _faults(rng: random.Random):
    def fault(method: str, params: dict) -> Any:
        if method in ("sendMessage", "sendVenue", "answerCallbackQuery"):
            roll = rng.random()
            if roll < 0.05:
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests",
                    "parameters": {"retry_after": 1},
                }
            if roll < 0.06:
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return None

    return fault


async def test_ten_thousand_updates_with_faults_each_answered_exactly_once(
    engine: Engine, tmp_path: Path
) -> None:
    rng = random.Random(11)
    updates, per_chat, venues, callbacks = _workload(rng)
    with LoopbackBotAPI() as api:
        api.api.updates += updates
        api.api.fault = _faults(random.Random(12))
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=api.base_url,
            DATABASE_PATH=tmp_path / "soak.sqlite3",
            TELEGRAM_RATE_LIMIT=1_000_000,
            USER_MESSAGES_PER_MINUTE=0,
            KNOWLEDGE_WATCH_SECONDS=0,
        )
        application = build_application(settings, engine)
        async with application:
            await application.start()
            await application.updater.start_polling(poll_interval=0.0, timeout=0)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and len(api.api.sent("sendMessage")) < UPDATES:
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # anything answered twice would show up now
            await application.updater.stop()
            await application.stop()
            await (
                application.bot_data.store.close()
            )  # run_polling's post_shutdown does this in production
    sent = Counter(c.params["chat_id"] for c in api.api.sent("sendMessage"))
    answered = Counter(c.params["callback_query_id"] for c in api.api.sent("answerCallbackQuery"))
    assert sent == per_chat
    assert set(answered) == callbacks and max(answered.values()) == 1
    assert len(api.api.sent("sendVenue")) == venues
