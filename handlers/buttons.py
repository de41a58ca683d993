"""Inline buttons (callback queries) and elder mode's big reply-keyboard buttons.

What a button asks for is a typed action of bot.callbacks (its decode() reads the callback data).
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.callbacks import (
    Action,
    ElderMode,
    Feedback,
    LocalCards,
    Near,
    PickLanguage,
    SetLanguage,
    decode,
)
from bot.channel import action_answer, sorry_rows
from bot.contract import Want
from bot.question import tap
from handlers.commands import greet, toggle_elder
from handlers.context import Context, message_of, query_of
from handlers.render import (
    Reply,
    escape,
    inline,
    language_keyboard,
    local_cards_reply,
    menu_keyboard,
    reply_keyboard,
)
from handlers.reply import reply_answer, send

log = logging.getLogger(__name__)


async def callback(update: Update, context: Context) -> None:
    """Answer the callback query first (so the spinner stops), then act."""
    query = query_of(update)
    action = decode(query.data)
    if isinstance(action, Feedback):
        await feedback(update, context, action)
        return
    await query.answer()
    if query.message is None or not hasattr(query.message, "chat"):
        return  # too old to reply to
    await run_action(update, context, action)


async def run_action(update: Update, context: Context, action: Action | None) -> None:
    """Do what a button asks; unknown or stale data shows the menu."""
    message, kb, lang, elder = (
        message_of(update),
        context.kb,
        context.lang,
        context.prefs.elder,
    )
    answered = action_answer(context.responder, action, lang, elder)
    if answered is not None:
        await reply_answer(message, answered[0], context, answered[1])
        return
    match action:
        case ElderMode():
            await toggle_elder(update, context, not elder)
        case PickLanguage():
            await send(
                message, Reply((escape(kb.text("language_prompt", lang)),), language_keyboard())
            )
        case SetLanguage(new):
            await context.store.set_lang(context.user_id, new)
            await send(
                message,
                Reply((escape(kb.text("language_set", new)),), reply_keyboard(kb, new, elder)),
            )
            await greet(update, context, new, elder)
        case Near(want):
            await nearby(update, context, want)
        case LocalCards():
            await send(message, local_cards_reply(kb, lang))
        case _:
            await send(
                message, Reply((escape(kb.text("menu_title", lang)),), menu_keyboard(kb, lang))
            )


async def nearby(update: Update, context: Context, want: Want) -> None:
    """Search again near the last shared location, or ask for one."""
    me, kb, lang = context.me, context.kb, context.lang
    me.want = want
    message = message_of(update)
    if me.location is None:
        text = kb.text("nearby_ask", lang, service=kb.text(f"want.{want}", lang))
        await send(message, Reply((escape(text),), reply_keyboard(kb, lang, context.prefs.elder)))
        return
    lat, lon = me.location
    await reply_answer(
        message,
        context.responder.answer(context.query(lat=lat, lon=lon, want=want)),
        context,
        tap("nearby", want),
    )


async def feedback(update: Update, context: Context, vote: Feedback) -> None:
    """Record 👍 / 👎; thank in the popup, and after 👎 offer to rephrase or talk to a person."""
    query, kb, lang = query_of(update), context.kb, context.lang
    try:
        last = context.me.last
        await context.store.add_feedback(
            context.user_id, vote.subject, vote.helpful, lang, last[0] if last else None
        )
    except Exception:
        log.exception("could not save feedback")
    await query.answer(kb.text("feedback_thanks", lang))
    if not vote.helpful and query.message is not None:
        keyboard = inline(sorry_rows(kb, lang))
        await send(message_of(update), Reply((escape(kb.text("feedback_sorry", lang)),), keyboard))
