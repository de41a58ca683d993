"""/complain (also a button under the cash-refusal answer): which place, what happened, optional date.

The draft lives in SQLite, not in memory, so a restart in the middle of a complaint loses nothing;
its step handler runs in its own group before the ordinary handlers and stops them when it answers.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop

from bot.callbacks import SkipDate, encode
from bot.casework import add_complaint, complaint_note
from bot.storage import Draft
from handlers.context import Context, message_of, query_of
from handlers.render import Reply, clip, escape
from handlers.reply import send

log = logging.getLogger(__name__)


async def begin(update: Update, context: Context) -> None:
    """Start a draft (saved) and ask which place."""
    if update.callback_query:
        await query_of(update).answer()
    await context.store.save_draft(context.user_id, Draft("place"))
    await send(
        message_of(update), Reply((escape(context.kb.text("complain_place", context.lang)),))
    )


async def step(update: Update, context: Context) -> None:
    """A typed answer while a complaint is open: the place, what happened, or the date. Other text goes on."""
    draft = await _open_draft(update, context)
    if draft is None:
        return  # no complaint open: the ordinary handlers answer
    kb, lang, message = context.kb, context.lang, message_of(update)
    text = message.text or ""
    if draft.step == "place":
        await context.store.save_draft(context.user_id, Draft("what", place=text))
        await send(message, Reply((escape(kb.text("complain_what", lang)),)))
    elif draft.step == "what":
        await context.store.save_draft(context.user_id, Draft("when", place=draft.place, what=text))
        skip = InlineKeyboardMarkup(
            [[InlineKeyboardButton(kb.text("btn.skip", lang), callback_data=encode(SkipDate()))]]
        )
        await send(message, Reply((escape(kb.text("complain_date", lang)),), skip))
    else:
        await _file(update, context, draft, text)
    raise ApplicationHandlerStop


async def _open_draft(update: Update, context: Context) -> Draft | None:
    """The user's open complaint; storage trouble counts as none, so every other message is still answered once."""
    if update.effective_user is None:
        return None
    try:
        return await context.store.draft(update.effective_user.id)
    except Exception:
        log.exception("could not read the complaint draft")
        return None


async def skip_date(update: Update, context: Context) -> None:
    """The "skip" button on the date question."""
    await query_of(update).answer()
    draft = await context.store.draft(context.user_id)
    if draft is not None and draft.step == "when":
        await _file(update, context, draft, None)


async def _file(update: Update, context: Context, draft: Draft, happened_on: str | None) -> None:
    """Store the complaint (committed, draft dropped with it), give the reference number, notify the staff group."""
    lang = context.lang
    complaint = await add_complaint(
        context.store, context.user_id, lang, draft.place or "?", draft.what or "?", happened_on
    )
    await send(
        message_of(update),
        Reply((escape(context.kb.text("complain_done", lang, ref=complaint.reference)),)),
    )
    staff_chat = context.settings.STAFF_CHAT_ID
    if staff_chat is not None:
        await context.bot.send_message(chat_id=staff_chat, text=clip(complaint_note(complaint)))


async def cancel(update: Update, context: Context) -> None:
    """Stop without saving (nothing to say when no complaint is open)."""
    if await context.store.draft(context.user_id) is None:
        return
    await context.store.drop_draft(context.user_id)
    await send(
        message_of(update),
        Reply((escape(context.kb.text("complain_cancelled", context.lang)),)),
    )
