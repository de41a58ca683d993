"""Typed questions, shared locations, and messages we can't read (voice, photo, sticker, file)."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from handlers.buttons import run_action
from handlers.render import Reply, button_label_action, escape, menu_keyboard, split_html
from handlers.session import reply_answer, send, session
from handlers.staff import staff_query

UNREADABLE = filters.VOICE | filters.AUDIO | filters.PHOTO | filters.Sticker.ALL | filters.Document.ALL | filters.VIDEO | filters.VIDEO_NOTE | filters.ANIMATION


def register(application: Application) -> None:
    """Add this module's handlers (messages only, not channel posts or edits)."""
    only_messages = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(only_messages & filters.TEXT & ~filters.COMMAND, text))
    application.add_handler(MessageHandler(only_messages & filters.LOCATION, location))
    application.add_handler(MessageHandler(only_messages & UNREADABLE, unreadable))
    application.add_handler(MessageHandler(only_messages & filters.COMMAND, unknown_command), group=1)


def addressed_text(message: Message, bot_username: str) -> str | None:
    """The text meant for the bot: everything in private; in groups only when mentioned or replied to."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    mention = f"@{bot_username}".lower()
    replied = message.reply_to_message is not None and message.reply_to_message.from_user is not None and message.reply_to_message.from_user.username == bot_username
    if mention in text.lower():
        return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
    return text if replied else None


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed question (or a big elder-mode button)."""
    message = update.effective_message
    question = addressed_text(message, context.bot.username)
    if question is None:
        return
    s = await session(update, context)
    if s.is_staff and message.chat.type == ChatType.PRIVATE:
        await staff_query(message, s, question)  # forwarded or typed for a visitor
        return
    action = button_label_action(s.kb, question)  # elder mode's big buttons act like menu buttons
    if action is not None:
        await run_action(update, context, s, action)
        return
    await reply_answer(message, s.ask(question), s, question)


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nearest places to a shared location, for what the user last asked to find."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE:
        return
    loc = message.location
    context.user_data["location"] = (loc.latitude, loc.longitude)
    s = await session(update, context)
    want = context.user_data.get("want")
    await reply_answer(message, s.engine.answer(s.query(lat=loc.latitude, lon=loc.longitude, want=want)), s)


async def unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A kind word for voice, photos, stickers and files, with the menu."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE:
        return
    s = await session(update, context)
    await send(message, Reply(split_html(escape(s.kb.text("unsupported_media", s.lang))), menu_keyboard(s.kb, s.lang)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any command no handler took: the ordinary unknown-command reply."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE and f"@{context.bot.username}".lower() not in (message.text or "").lower():
        return
    command = (message.text or "").split()[0].split("@")[0].lstrip("/")
    if command in context.application.bot_data.get("known_commands", ()):
        return
    s = await session(update, context)
    await send(message, Reply((escape(s.kb.text("unknown_command", s.lang)),)))
