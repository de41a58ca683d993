"""/start, /help, /language, /elder and the per-language command menu."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application

from bot.contract import COMMANDS, LANGUAGES
from handlers.context import Context, message_of
from handlers.render import (
    Reply,
    escape,
    language_keyboard,
    menu_keyboard,
    reply_keyboard,
    split_html,
)
from handlers.reply import send


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu in each language (and English for everyone else)."""
    kb = application.bot_data.engine.responder.kb
    for lang in LANGUAGES:
        commands = [BotCommand(name, kb.text(f"cmd.{name}", lang)) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)
    await application.bot.set_my_commands(
        [BotCommand(name, kb.text(f"cmd.{name}", "en")) for name in COMMANDS]
    )


async def start(update: Update, context: Context) -> None:
    """Greet in the user's language with the menu; ask for a language when we can't tell."""
    message, kb = message_of(update), context.kb
    if (
        context.prefs.lang is None
        and context.hint is not None
        and context.hint.split("-")[0].lower() not in LANGUAGES
    ):
        await send(message, Reply((escape(kb.text("language_prompt", "en")),), language_keyboard()))
        return
    if context.prefs.lang is None and context.hint is None:
        prompt = "🌐 " + " / ".join(escape(kb.text("language_prompt", lang)) for lang in LANGUAGES)
        await send(message, Reply((prompt,), language_keyboard()))
        return
    await greet(update, context, context.lang, context.prefs.elder)


async def greet(update: Update, context: Context, lang: str, elder: bool) -> None:
    """The greeting with the location keyboard, then the menu."""
    kb, message = context.kb, message_of(update)
    await send(
        message,
        Reply(split_html(escape(kb.text("greeting", lang))), reply_keyboard(kb, lang, elder)),
    )
    await send(message, Reply((escape(kb.text("menu_title", lang)),), menu_keyboard(kb, lang)))


async def help_command(update: Update, context: Context) -> None:
    """How to use the bot."""
    kb, lang = context.kb, context.lang
    await send(
        message_of(update),
        Reply(split_html(escape(kb.text("help", lang))), menu_keyboard(kb, lang)),
    )


async def language(update: Update, context: Context) -> None:
    """Offer the five languages."""
    await send(
        message_of(update),
        Reply((escape(context.kb.text("language_prompt", context.lang)),), language_keyboard()),
    )


async def elder(update: Update, context: Context) -> None:
    """Turn older person's mode on or off."""
    await toggle_elder(update, context, not context.prefs.elder)


async def toggle_elder(update: Update, context: Context, on: bool) -> None:
    """Save the mode and show the matching keyboard."""
    await context.store.set_elder(context.user_id, on)
    kb, lang = context.kb, context.lang
    text = kb.text("elder_on" if on else "elder_off", lang)
    await send(message_of(update), Reply(split_html(escape(text)), reply_keyboard(kb, lang, on)))
