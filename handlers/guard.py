"""In front of the handlers: one update at a time per chat, no update twice, a per-user flood limit,
and the user's saved choices read once for the whole update."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor

from bot.storage import Prefs
from handlers.context import FLOOD_WINDOW_SECONDS, Context, plain_lang
from handlers.render import escape

log = logging.getLogger(__name__)
_UNBOUNDED = 1 << 30  # python-telegram-bot's own limit, set out of reach: see PerChatProcessor


class PerChatProcessor(BaseUpdateProcessor):
    """Many chats at once, each chat's updates in order (a language choice before the next question).

    python-telegram-bot takes its concurrency slot before calling do_process_update, so a chat
    waiting on itself would hold a slot: a burst from one chat could hold every slot and stop all
    other chats. Here an update first waits for its chat's turn, holding nothing, and only then
    takes one of the `max_running` slots.
    """

    def __init__(self, max_running: int = 64) -> None:
        super().__init__(_UNBOUNDED)
        self.max_running = max_running
        self._slots = asyncio.BoundedSemaphore(max_running)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock, self._slots:
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


async def first_time_only(update: Update, context: Context) -> None:
    """Drop an update already seen (Telegram redelivers after a crash): never answered twice."""
    try:
        fresh = await context.store.first_time(update.update_id)
    except Exception:
        log.exception("could not check the update id; answering anyway")
        return
    if not fresh:
        log.info("update %s was already handled; skipping", update.update_id)
        raise ApplicationHandlerStop


async def flood_limit(update: Update, context: Context) -> None:
    """More than USER_MESSAGES_PER_MINUTE from one user: say so once, then stay quiet until the window passes."""
    user = update.effective_user
    settings = context.settings
    if user is None or user.id in settings.STAFF_USER_IDS or settings.USER_MESSAGES_PER_MINUTE <= 0:
        return
    windows, warned = context.bot_data.flood, context.bot_data.flood_warned
    now = time.monotonic()
    window = windows.get(user.id) or deque()
    while window and now - window[0] > FLOOD_WINDOW_SECONDS:
        window.popleft()
    window.append(now)
    windows[user.id] = window  # (re)set, so the window lives a minute after the user's last message
    if len(window) <= settings.USER_MESSAGES_PER_MINUTE:
        return
    lang = plain_lang(user.language_code, settings)
    if update.callback_query is not None:
        await update.callback_query.answer(context.kb.text("rate_limited", lang))
    elif user.id not in warned and update.effective_chat is not None:
        warned[user.id] = now
        await context.bot.send_message(
            update.effective_chat.id, escape(context.kb.text("rate_limited", lang))
        )
    raise ApplicationHandlerStop


async def load_prefs(update: Update, context: Context) -> None:
    """Read the user's saved choices once for every handler of this update; storage trouble means defaults."""
    if update.effective_user is None:
        return
    try:
        context.prefs = await context.store.prefs(update.effective_user.id)
    except Exception:  # storage trouble must not stop answers
        log.exception("could not read user preferences")
        context.prefs = Prefs()
