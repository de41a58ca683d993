"""The web app in-process for API tests: a fresh database and an httpx client on its ASGI transport."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers.web.app import build_app


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
