"""Typed questions, shared locations, and messages we can't read (voice, photo, sticker, file)."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import filters

from handlers.buttons import run_action
from handlers.context import Context, message_of
from handlers.render import Reply, button_label_action, escape, menu_keyboard, split_html
from handlers.reply import reply_answer, send
from handlers.staff import staff_query

UNREADABLE = (
    filters.VOICE
    | filters.AUDIO
    | filters.PHOTO
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
)


def addressed_text(message: Message, bot_username: str) -> str | None:
    """The text meant for the bot: everything in private; in groups only when mentioned or replied to."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    mention = f"@{bot_username}".lower()
    replied = (
        message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.username == bot_username
    )
    if mention in text.lower():
        return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
    return text if replied else None


async def text(update: Update, context: Context) -> None:
    """Answer a typed question (or a big elder-mode button)."""
    message = message_of(update)
    question = addressed_text(message, context.bot.username)
    if question is None:
        return
    action = button_label_action(
        context.kb, question
    )  # elder mode's big buttons act like menu buttons
    if action is not None:
        await run_action(update, context, action)
        return
    await reply_answer(message, await context.ask(question), context, question)


async def staff_text(update: Update, context: Context) -> None:
    """A staff member forwards or types a visitor's question in private."""
    await staff_query(message_of(update), context, message_of(update).text or "")


async def location(update: Update, context: Context) -> None:
    """Nearest places to a shared location, for what the user last asked to find."""
    message = message_of(update)
    loc = message.location
    if loc is None:
        return  # the filter sends only locations here
    me = context.me
    me.location = (loc.latitude, loc.longitude)
    answer = context.responder.answer(
        context.query(lat=loc.latitude, lon=loc.longitude, want=me.want)
    )
    await reply_answer(message, answer, context)


async def unreadable(update: Update, context: Context) -> None:
    """A kind word for voice, photos, stickers and files, with the menu."""
    kb, lang = context.kb, context.lang
    await send(
        message_of(update),
        Reply(split_html(escape(kb.text("unsupported_media", lang))), menu_keyboard(kb, lang)),
    )


async def unknown_command(update: Update, context: Context) -> None:
    """Any command no handler took: the ordinary unknown-command reply."""
    message = message_of(update)
    if (
        message.chat.type != ChatType.PRIVATE
        and f"@{context.bot.username}".lower() not in (message.text or "").lower()
    ):
        return
    command = (message.text or "").split()[0].split("@")[0].lstrip("/")
    if command in context.bot_data.known_commands:
        return
    await send(message, Reply((escape(context.kb.text("unknown_command", context.lang)),)))
