"""Inline buttons (callback queries) and elder mode's big reply-keyboard buttons.

What a button asks for is a typed action of bot.contract (its decode() reads the callback data).
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.contract import (
    Action, ElderMode, Feedback, Menu, Near, NoneOfThese, OpenTopic, Person, PickLanguage, SetLanguage, Want, decode, encode,
)
from handlers.commands import greet, toggle_elder
from handlers.render import Reply, escape, language_keyboard, menu_keyboard, reply_keyboard
from handlers.session import Session, reply_answer, send, session

log = logging.getLogger(__name__)


def register(application: Application) -> None:
    """Add this module's handler: every callback query, known or not, is answered."""
    application.add_handler(CallbackQueryHandler(callback))


async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the callback query first (so the spinner stops), then act."""
    query = update.callback_query
    action = decode(query.data)
    s = await session(update, context)
    if isinstance(action, Feedback):
        await feedback(update, s, action)
        return
    await query.answer()
    if query.message is None or not hasattr(query.message, "chat"):
        return  # too old to reply to
    await run_action(update, context, s, action)


async def run_action(update: Update, context: ContextTypes.DEFAULT_TYPE, s: Session, action: Action | None) -> None:
    """Do what a button asks; unknown or stale data shows the menu."""
    message = update.effective_message
    kb, lang = s.kb, s.lang
    match action:
        case OpenTopic(topic) if topic in kb.topics:
            answer = s.engine.responder.faq(topic, lang, elder=s.prefs.elder)
            await reply_answer(message, answer, s, f"[button] {topic}")
        case Person():
            await reply_answer(message, s.engine.responder.intent("handoff", lang, s.prefs.elder), s, "[button] person")
        case NoneOfThese():
            await reply_answer(message, s.engine.responder.intent("fallback", lang, s.prefs.elder), s, "[button] none of these")
        case ElderMode():
            await toggle_elder(update, s.store, s.user_id, lang, not s.prefs.elder, kb)
        case PickLanguage():
            await send(message, Reply((escape(kb.text("language_prompt", lang)),), language_keyboard()))
        case SetLanguage(new):
            await s.store.set_lang(s.user_id, new)
            await send(message, Reply((escape(kb.text("language_set", new)),), reply_keyboard(kb, new, s.prefs.elder)))
            await greet(update, context, new, s.prefs.elder)
        case Near(want):
            await nearby(update, context, s, want)
        case _:
            await send(message, Reply((escape(kb.text("menu_title", lang)),), menu_keyboard(kb, lang)))


async def nearby(update: Update, context: ContextTypes.DEFAULT_TYPE, s: Session, want: Want) -> None:
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


async def feedback(update: Update, s: Session, vote: Feedback) -> None:
    """Record 👍 / 👎; thank in the popup, and after 👎 offer to rephrase or talk to a person."""
    query = update.callback_query
    helpful, subject = vote.helpful, vote.subject
    try:
        last = s.user_data.get("last")
        await s.store.add_feedback(s.user_id, subject, helpful, s.lang, last[0] if last else None)
    except Exception:
        log.exception("could not save feedback")
    await query.answer(s.kb.text("feedback_thanks", s.lang))
    if not helpful and query.message is not None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(s.kb.text("btn.person", s.lang), callback_data=encode(Person()))], [InlineKeyboardButton(s.kb.text("btn.back", s.lang), callback_data=encode(Menu()))]])
        await send(update.effective_message, Reply((escape(s.kb.text("feedback_sorry", s.lang)),), keyboard))

