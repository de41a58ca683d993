"""Text messages and /start: turn an Update into a Query and the Answer into a reply."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.answer import Query
from bot.engine import Engine


def register(application: Application) -> None:
    """Add this module's handlers."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text))


def _engine(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    return context.application.bot_data["engine"]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet in the user's language."""
    user = update.effective_user
    answer = _engine(context).answer(Query(text="hello", hint=user.language_code if user else None))
    await update.effective_message.reply_text(html.escape(answer.text), parse_mode=ParseMode.HTML)


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed question."""
    user = update.effective_user
    message = update.effective_message
    answer = _engine(context).answer(Query(text=message.text or "", hint=user.language_code if user else None))
    await message.reply_text(html.escape(answer.text)[:4096], parse_mode=ParseMode.HTML)
