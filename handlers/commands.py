"""/start, /help, /language, /elder and the per-language command menu."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.knowledge import Knowledge
from bot.contract import COMMANDS, LANGUAGES
from bot.storage import Store
from handlers.render import Reply, escape, language_keyboard, menu_keyboard, reply_keyboard, split_html
from handlers.session import send, session



def register(application: Application) -> None:
    """Add this module's handlers."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("language", language))
    application.add_handler(CommandHandler("elder", elder))


async def set_commands(application: Application) -> None:
    """The command menu in each language (and English for everyone else)."""
    kb = application.bot_data["engine"].responder.kb
    for lang in LANGUAGES:
        commands = [BotCommand(name, kb.text(f"cmd.{name}", lang)) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)
    await application.bot.set_my_commands([BotCommand(name, kb.text(f"cmd.{name}", "en")) for name in COMMANDS])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet in the user's language with the menu; ask for a language when we can't tell."""
    s = await session(update, context)
    message = update.effective_message
    if s.prefs.lang is None and s.hint is not None and s.hint.split("-")[0].lower() not in LANGUAGES:
        await send(message, Reply((escape(s.kb.text("language_prompt", "en")),), language_keyboard()))
        return
    if s.prefs.lang is None and s.hint is None:
        await send(message, Reply(("🌐 " + " / ".join(escape(s.kb.text("language_prompt", lang)) for lang in LANGUAGES),), language_keyboard()))
        return
    await greet(update, context, s.lang, s.prefs.elder)


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, elder: bool) -> None:
    """The greeting with the location keyboard, then the menu."""
    kb = context.application.bot_data["engine"].responder.kb
    message = update.effective_message
    await send(message, Reply(split_html(escape(kb.text("greeting", lang))), reply_keyboard(kb, lang, elder)))
    await send(message, Reply((escape(kb.text("menu_title", lang)),), menu_keyboard(kb, lang)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot."""
    s = await session(update, context)
    await send(update.effective_message, Reply(split_html(escape(s.kb.text("help", s.lang))), menu_keyboard(s.kb, s.lang)))


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the five languages."""
    s = await session(update, context)
    await send(update.effective_message, Reply((escape(s.kb.text("language_prompt", s.lang)),), language_keyboard()))


async def elder(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn older person's mode on or off."""
    s = await session(update, context)
    await toggle_elder(update, s.store, s.user_id, s.lang, not s.prefs.elder, s.kb)


async def toggle_elder(update: Update, store: Store, user_id: int, lang: str, on: bool, kb: Knowledge) -> None:
    """Save the mode and show the matching keyboard."""
    await store.set_elder(user_id, on)
    text = kb.text("elder_on" if on else "elder_off", lang)
    await send(update.effective_message, Reply(split_html(escape(text)), reply_keyboard(kb, lang, on)))
