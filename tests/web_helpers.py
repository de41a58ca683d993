"""The web app in-process for tests: the chat API (`Web`), the staff console (`Site`, a staff password) and
known figures for the dashboard (`seed`), each on a fresh database with an httpx client on its ASGI transport."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers.web.app import build_app
from handlers.web.console import Console


class Web:
    """The web app on a fresh database, with an httpx client talking to it in-process."""

    def __init__(self, engine: Engine, db: Path, desk: Any = None, **settings: Any) -> None:
        self.settings = Settings(_env_file=None, DATABASE_PATH=db, **settings)  # type: ignore[call-arg]
        self.store = Store(db)
        self.app = build_app(self.settings, engine, self.store, desk)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://payhelp.test"
        )

    async def close(self) -> None:
        await self.client.aclose()
        await self.store.close()


PASSWORD = "correct horse battery"  # the staff account `wang` of a Site


class Site:
    """The web app with its console on a database, an httpx client, and a staff account `wang`."""

    def __init__(self, engine: Engine, store: Store, courier: Any = None, **settings: Any) -> None:
        self.settings = Settings(_env_file=None, DATABASE_PATH=store.path, **settings)  # type: ignore[call-arg]
        self.store = store
        self.app = build_app(self.settings, engine, store, None, courier)
        self.client = self.new_client()

    def new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://payhelp.test"
        )

    @property
    def console(self) -> Console:
        console: Console = self.app.state.console
        return console

    async def csrf(self, path: str = "/staff") -> str:
        page = (await self.client.get(path)).text
        found = re.search(r'<meta name="csrf" content="([0-9a-f]+)">', page)
        assert found is not None
        return found.group(1)

    async def sign_in(self, name: str = "wang", password: str = PASSWORD) -> httpx.Response:
        token = await self.csrf()
        return await self.client.post(
            "/staff/signin", data={"name": name, "password": password, "csrf": token}
        )


DAY1, DAY2 = "2026-03-01", "2026-03-02"
EVENTS = [  # (day, language, kind, topic, text)
    (DAY1, "zh", "faq", "foreign-cards", "外卡"),
    (DAY1, "zh", "faq", "foreign-cards", "外国卡"),
    (DAY1, "en", "fallback", None, "how do I pay taxes"),
    (DAY1, "ko", "clarify", None, "결제"),
    (DAY2, "en", "place", "atm", "atm"),
    (DAY2, "ru", "handoff", None, "оператор"),
    (DAY2, "zh", "greeting", None, "你好"),
]


async def seed(store: Store) -> None:
    """Known events, votes and one complaint on two days (written with the day's timestamp)."""
    for number, (day, lang, kind, topic, text) in enumerate(EVENTS):
        await store.write(
            "INSERT INTO events (ts, user_key, lang, kind, topic, text) VALUES (?, ?, ?, ?, ?, ?)",
            (f"{day}T10:00:00+00:00", f"user{number % 3}", lang, kind, topic, text),
        )
    for day, helpful, question in ((DAY1, 1, None), (DAY2, 0, "外卡在哪里用不了")):
        await store.write(
            "INSERT INTO feedback (ts, user_key, topic, helpful, lang, question) VALUES (?, 'u', 'foreign-cards', ?, 'zh', ?)",
            (f"{day}T11:00:00+00:00", helpful, question),
        )
    await store.write(
        "INSERT INTO complaints (created, user_id, lang, place, what) VALUES (?, 1, 'en', '长春机场', 'card refused')",
        (f"{DAY2}T12:00:00+00:00",),
    )
