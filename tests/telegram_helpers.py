"""Drive the real Application offline: build Telegram updates and read what the bot sent."""

from __future__ import annotations

import html.parser
import itertools
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.answer import Query
from bot.engine import Engine
from bot.settings import Settings
from handlers.app import build_application
from handlers.fake_api import BOT_USER, Call, FakeBotAPI, FakeRequest
from handlers.render import render

TOKEN = "123456789:AAtest-token-for-offline-tests-only"
_ids = itertools.count(1)


def user(user_id: int = 7, lang: str | None = "en") -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Visitor"}
    if lang is not None:
        data["language_code"] = lang
    return data


def chat(chat_id: int = 7, kind: str = "private") -> dict[str, Any]:
    return {
        "id": chat_id,
        "type": kind,
        **({"title": "Group"} if kind != "private" else {"first_name": "Visitor"}),
    }


def message(
    text: str | None = None,
    user_id: int = 7,
    lang: str | None = "en",
    chat_id: int | None = None,
    kind: str = "private",
    **extra: Any,
) -> dict[str, Any]:
    """An Update with a message; commands get their bot_command entity."""
    msg: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": chat(chat_id or user_id, kind),
        "from": user(user_id, lang),
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    msg.update(extra)
    return {"update_id": next(_ids), "message": msg}


def group_reply(text: str, reply_to: int, user_id: int, group: int) -> dict[str, Any]:
    """A staff member's message in the staff group replying to the bot's message `reply_to` (a ticket)."""
    return message(
        text,
        user_id=user_id,
        lang="zh",
        chat_id=group,
        kind="supergroup",
        reply_to_message={
            "message_id": reply_to,
            "date": 0,
            "text": "🎫",
            "chat": {"id": group, "type": "supergroup", "title": "desk"},
        },
    )


def callback(
    data: str, user_id: int = 7, lang: str | None = "en", with_message: bool = True
) -> dict[str, Any]:
    """An Update with a button press on one of the bot's messages."""
    query: dict[str, Any] = {
        "id": str(next(_ids)),
        "from": user(user_id, lang),
        "chat_instance": "ci",
        "data": data,
    }
    if with_message:
        query["message"] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": chat(user_id),
            "from": BOT_USER,
            "text": "menu",
        }
    return {"update_id": next(_ids), "callback_query": query}


def location(lat: float, lon: float, user_id: int = 7, lang: str | None = "en") -> dict[str, Any]:
    return message(None, user_id, lang, location={"latitude": lat, "longitude": lon})


class Harness:
    """The real Application with the network replaced by FakeBotAPI."""

    def __init__(self, engine: Engine, db: Path, **settings: Any) -> None:
        self.api = FakeBotAPI()
        self.extra = settings
        self.settings = Settings(
            **{
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "DATABASE_PATH": db,
                "TELEGRAM_RATE_LIMIT": 0,
                **settings,
            }
        )
        self.engine = engine
        self.app: Application = build_application(self.settings, engine, FakeRequest(self.api))
        self.errors: list[BaseException] = []

        async def capture(update: object, context: Any) -> None:
            self.errors.append(context.error)

        self.app.add_error_handler(capture)

    async def start(self) -> Harness:
        await self.app.initialize()
        return self

    async def stop(self) -> None:
        await self.app.bot_data.store.close()
        await self.app.shutdown()

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """Process one update; return the Bot API calls it caused."""
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.api.calls[before:]

    async def restart(self) -> Harness:
        """A new Application on the same database, as after a process restart."""
        await self.stop()
        fresh = Harness(self.engine, self.settings.DATABASE_PATH, **self.extra)
        return await fresh.start()


def reply_texts(engine: Engine, question: str, hint: str = "en") -> list[str]:
    """The messages PayHelp sends for `question` when nothing else is going on (no complaint open, storage fine)."""
    return list(render(engine.answer(Query(text=question, hint=hint)), engine.responder.kb).chunks)


def texts(calls: list[Call]) -> list[str]:
    """The texts of the sendMessage calls."""
    return [c.params["text"] for c in calls if c.method == "sendMessage"]


def buttons(call: Call) -> list[tuple[str, str]]:
    """(label, callback_data or 'location') of every button of one call's keyboard."""
    markup = call.params.get("reply_markup") or {}
    out = []
    for row in markup.get("inline_keyboard", []):
        out += [(b["text"], b.get("callback_data", "")) for b in row]
    for row in markup.get("keyboard", []):
        out += [
            (
                b["text"] if isinstance(b, dict) else b,
                "location" if isinstance(b, dict) and b.get("request_location") else "",
            )
            for b in row
        ]
    return out


class _TagFinder(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)


def valid_telegram_html(text: str) -> bool:
    """Under 4096 characters, no tags but the balanced <b> of a card to show a local, every & starting an entity."""
    if text.count("<b>") != text.count("</b>"):
        return False
    text = text.replace("<b>", "").replace("</b>", "")
    finder = _TagFinder()
    finder.feed(text)
    ampersands_ok = all(
        text[i:].startswith(("&amp;", "&lt;", "&gt;", "&quot;", "&#"))
        for i, ch in enumerate(text)
        if ch == "&"
    )
    return 0 < len(text) <= 4096 and not finder.tags and "<" not in text and ampersands_ok
