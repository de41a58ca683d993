"""/privacy says what is kept and for how long; /forget deletes the user's data."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers.render import Reply, escape, split_html
from handlers.session import send, session


def register(application: Application) -> None:
    """Add this module's handlers."""
    application.add_handler(CommandHandler("privacy", privacy))
    application.add_handler(CommandHandler("forget", forget))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What we keep."""
    s = await session(update, context)
    await send(update.effective_message, Reply(split_html(escape(s.kb.text("privacy", s.lang, days=s.settings.DATA_RETENTION_DAYS)))))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the user's data, then say so in their language."""
    s = await session(update, context)
    await s.store.forget(s.user_id)
    context.user_data.clear()
    await send(update.effective_message, Reply(split_html(escape(s.kb.text("forget_done", s.lang)))))
