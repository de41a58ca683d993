"""The typed custom context every handler gets (ContextTypes), as python-telegram-bot's examples do.

BotData holds what all handlers share; UserData what one user's handlers remember; Context carries
them typed, plus the user's saved choices and ONE knowledge snapshot (the responder current when the
update arrived): a reload while an update is handled never mixes two snapshots in one reply.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from cachetools import TTLCache
from telegram import CallbackQuery, Message, Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.answer import Answer, Query, Want
from bot.channel import Session
from bot.engine import Engine, ask
from bot.knowledge import Knowledge
from bot.language import hint_language
from bot.responder import Responder
from bot.settings import Settings
from bot.storage import Prefs, Store

FLOOD_WINDOW_SECONDS = 60.0
FLOOD_USERS = 100_000  # per-user flood windows kept at most; each also expires a window after its last message


def _now() -> float:
    """The caches' clock (time.monotonic, looked up at each call so tests can move it)."""
    return time.monotonic()


class BotData:
    """What every handler shares (application.bot_data), set once by build_application."""

    engine: Engine
    store: Store
    settings: Settings

    def __init__(self) -> None:
        # Per-user flood windows and "slow down" warnings: bounded, and gone a window after the user's last message.
        self.flood: TTLCache[int, deque[float]] = TTLCache(
            maxsize=FLOOD_USERS, ttl=FLOOD_WINDOW_SECONDS, timer=_now
        )
        self.flood_warned: TTLCache[int, float] = TTLCache(
            maxsize=FLOOD_USERS, ttl=FLOOD_WINDOW_SECONDS, timer=_now
        )
        self.known_commands: frozenset[str] = frozenset()
        self.knowledge_signature: tuple[Any, ...] = ()


class UserData(Session):
    """What the bot remembers about one Telegram user between their updates (bot.channel.Session, in memory only)."""


class Context(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    """One update's view of the bot: who asks, in which language and mode, and which knowledge answers."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.responder: Responder = (
            self.bot_data.engine.responder
        )  # one snapshot for the whole update
        self.prefs = (
            Prefs()
        )  # the saved choices; read by handlers.guard.load_prefs before any other handler
        self.hint: str | None = None  # the Telegram client's language_code
        self.user_id = user_id or 0  # whose choices `prefs` are (0: an update without a user)

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> Context:
        """The context for one update (python-telegram-bot makes one per update, shared by every handler)."""
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user is not None:
            context.hint = update.effective_user.language_code
        return context

    @property
    def kb(self) -> Knowledge:
        """The knowledge snapshot of this update."""
        return self.responder.kb

    @property
    def engine(self) -> Engine:
        return self.bot_data.engine

    @property
    def store(self) -> Store:
        return self.bot_data.store

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def me(self) -> UserData:
        """This user's remembered data (a throwaway one for updates without a user)."""
        return self.user_data if self.user_data is not None else UserData()

    @property
    def lang(self) -> str:
        """Saved choice, else the Telegram language, else DEFAULT_LANGUAGE."""
        return self.prefs.lang or plain_lang(self.hint, self.settings)

    def query(
        self,
        text: str = "",
        lat: float | None = None,
        lon: float | None = None,
        want: Want | None = None,
    ) -> Query:
        """A core Query carrying this user's hints."""
        return Query(
            text=text,
            lat=lat,
            lon=lon,
            want=want,
            hint=self.hint,
            saved_lang=self.prefs.lang,
            elder=self.prefs.elder,
        )

    async def ask(self, text: str) -> Answer:
        """Answer typed text from this update's snapshot, off the event loop when it must be encoded."""
        return await ask(self.responder, self.query(text))


def message_of(update: Update) -> Message:
    """The update's message; the handler's filter (or a button press on a message) guarantees one."""
    if update.effective_message is None:
        raise TypeError(f"update {update.update_id} has no message for this handler")
    return update.effective_message


def query_of(update: Update) -> CallbackQuery:
    """The update's button press; a CallbackQueryHandler guarantees one."""
    if update.callback_query is None:
        raise TypeError(f"update {update.update_id} has no callback query for this handler")
    return update.callback_query


def plain_lang(language_code: str | None, settings: Settings) -> str:
    """The Telegram language if we answer in it, else DEFAULT_LANGUAGE (when saved choices can't be read)."""
    return hint_language(language_code) or settings.DEFAULT_LANGUAGE


CONTEXT_TYPES = ContextTypes(context=Context, bot_data=BotData, user_data=UserData)
