"""Inline buttons (callback queries) and elder mode's big reply-keyboard buttons.

Callback data (≤ 64 bytes): t:<topic> open a topic · h talk to a person · m menu · n none of
these · e elder mode · lang pick a language · l:<code> set it · f:<1|0>:<subject> feedback ·
w:<want> what to look for near the shared location.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.language import SUPPORTED
from handlers.commands import greet, toggle_elder
from handlers.render import WANTS, Reply, escape, language_keyboard, menu_keyboard, reply_keyboard
from handlers.session import Session, reply_answer, send, session

log = logging.getLogger(__name__)


def register(application: Application) -> None:
    """Add this module's handler: every callback query, known or not, is answered."""
    application.add_handler(CallbackQueryHandler(callback))


async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the callback query first (so the spinner stops), then act."""
    query = update.callback_query
    data = query.data or ""
    s = await session(update, context)
    if data.startswith("f:"):
        await feedback(update, s, data)
        return
    await query.answer()
    if query.message is None or not hasattr(query.message, "chat"):
        return  # too old to reply to
    await run_action(update, context, s, data)


async def run_action(update: Update, context: ContextTypes.DEFAULT_TYPE, s: Session, action: str) -> None:
    """Do what a button asks; unknown or stale data shows the menu."""
    message = update.effective_message
    kb, lang = s.kb, s.lang
    if action.startswith("t:") and action[2:] in kb.topics:
        answer = s.engine.responder.faq(action[2:], lang, elder=s.prefs.elder)
        await reply_answer(message, answer, s, f"[button] {action[2:]}")
    elif action == "h":
        await reply_answer(message, s.engine.responder.intent("handoff", lang, s.prefs.elder), s, "[button] person")
    elif action == "n":
        await reply_answer(message, s.engine.responder.intent("fallback", lang, s.prefs.elder), s, "[button] none of these")
    elif action == "e":
        await toggle_elder(update, s.store, s.user_id, lang, not s.prefs.elder, kb)
    elif action == "lang":
        await send(message, Reply((escape(kb.text("language_prompt", lang)),), language_keyboard()))
    elif action.startswith("l:") and action[2:] in SUPPORTED:
        new = action[2:]
        await s.store.set_lang(s.user_id, new)
        await send(message, Reply((escape(kb.text("language_set", new)),), reply_keyboard(kb, new, s.prefs.elder)))
        await greet(update, context, new, s.prefs.elder)
    elif action.startswith("w:") and action[2:] in WANTS:
        await nearby(update, context, s, action[2:])
    else:
        await send(message, Reply((escape(kb.text("menu_title", lang)),), menu_keyboard(kb, lang)))


async def nearby(update: Update, context: ContextTypes.DEFAULT_TYPE, s: Session, want: str) -> None:
    """Search again near the last shared location, or ask for one."""
    context.user_data["want"] = want
    where = context.user_data.get("location")
    message = update.effective_message
    if where is None:
        text = s.kb.text("nearby_ask", s.lang, service=s.kb.text(f"want.{want}", s.lang))
        await send(message, Reply((escape(text),), reply_keyboard(s.kb, s.lang, s.prefs.elder)))
        return
    answer = s.engine.answer(s.query(lat=where[0], lon=where[1], want=want))
    await reply_answer(message, answer, s, f"[nearby] {want}")


async def feedback(update: Update, s: Session, data: str) -> None:
    """Record 👍 / 👎; thank in the popup, and after 👎 offer to rephrase or talk to a person."""
    query = update.callback_query
    parts = data.split(":", 2)
    helpful = len(parts) == 3 and parts[1] == "1"
    subject = parts[2] if len(parts) == 3 else None
    try:
        last = s.user_data.get("last")
        await s.store.add_feedback(s.user_id, subject, helpful, s.lang, last[0] if last else None)
    except Exception:
        log.exception("could not save feedback")
    await query.answer(s.kb.text("feedback_thanks", s.lang))
    if not helpful and query.message is not None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(s.kb.text("btn.person", s.lang), callback_data="h")], [InlineKeyboardButton(s.kb.text("btn.back", s.lang), callback_data="m")]])
        await send(update.effective_message, Reply((escape(s.kb.text("feedback_sorry", s.lang)),), keyboard))

