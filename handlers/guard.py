"""Protection in front of the handlers: one update at a time per chat, a per-user flood limit, no update twice."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any, Awaitable

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, BaseUpdateProcessor, ContextTypes, TypeHandler

from handlers.render import escape
from handlers.session import plain_lang

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60.0


class PerChatProcessor(BaseUpdateProcessor):
    """Many chats at once, but each chat's updates in order (a language choice before the next question)."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                await coroutine
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


def register(application: Application) -> None:
    """Dedup runs first, then the flood limit; both before every other handler."""
    application.add_handler(TypeHandler(Update, first_time_only), group=-3)
    application.add_handler(TypeHandler(Update, flood_limit), group=-2)


async def first_time_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop an update already seen (Telegram redelivers after a crash): never answered twice."""
    store = context.application.bot_data["store"]
    try:
        fresh = await store.first_time(update.update_id)
    except Exception:
        log.exception("could not check the update id; answering anyway")
        return
    if not fresh:
        log.info("update %s was already handled; skipping", update.update_id)
        raise ApplicationHandlerStop


async def flood_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """More than USER_MESSAGES_PER_MINUTE from one user: say so once, then stay quiet until the window passes."""
    user = update.effective_user
    settings = context.application.bot_data["settings"]
    if user is None or user.id in settings.STAFF_USER_IDS or settings.USER_MESSAGES_PER_MINUTE <= 0:
        return
    windows: dict[int, deque[float]] = context.application.bot_data.setdefault("flood", {})
    warned: dict[int, float] = context.application.bot_data.setdefault("flood_warned", {})
    now = time.monotonic()
    window = windows.setdefault(user.id, deque())
    while window and now - window[0] > WINDOW_SECONDS:
        window.popleft()
    window.append(now)
    if len(window) <= settings.USER_MESSAGES_PER_MINUTE:
        return
    kb = context.application.bot_data["engine"].responder.kb
    lang = plain_lang(user.language_code, settings)
    if update.callback_query is not None:
        await update.callback_query.answer(kb.text("rate_limited", lang))
    elif now - warned.get(user.id, -WINDOW_SECONDS * 2) > WINDOW_SECONDS and update.effective_chat is not None:
        warned[user.id] = now
        await context.bot.send_message(update.effective_chat.id, escape(kb.text("rate_limited", lang)))
    raise ApplicationHandlerStop
