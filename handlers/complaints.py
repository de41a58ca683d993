"""/complain (also a button under the cash-refusal answer): which place, what happened, optional date.

The draft lives in SQLite, not in memory, so a restart in the middle of a complaint loses nothing;
its step handler runs in its own group before the ordinary handlers and stops them when it answers.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.casework import add_complaint
from bot.contract import Complain, SkipDate, encode, wants
from bot.storage import Draft
from handlers.render import Reply, escape
from handlers.session import Session, send, session

log = logging.getLogger(__name__)
DRAFT_GROUP = -1  # after the guard's groups, before every ordinary handler (group 0)
PRIVATE_TEXT = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND


def register(application: Application) -> None:
    """Add the complaint handlers: starting, each step, skipping the date, cancelling."""
    application.add_handler(CommandHandler("complain", begin, filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(begin, pattern=wants(Complain)))
    application.add_handler(CallbackQueryHandler(skip_date, pattern=wants(SkipDate)))
    application.add_handler(CommandHandler("cancel", cancel, filters.ChatType.PRIVATE))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & PRIVATE_TEXT, step), group=DRAFT_GROUP)


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a draft (saved) and ask which place."""
    if update.callback_query:
        await update.callback_query.answer()
    s = await session(update, context)
    await s.store.save_draft(s.user_id, Draft("place"))
    await send(update.effective_message, Reply((escape(s.kb.text("complain_place", s.lang)),)))


async def step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed answer while a complaint is open: the place, what happened, or the date. Other text goes on."""
    draft = await _open_draft(update, context)
    if draft is None:
        return  # no complaint open: the ordinary handlers answer
    s = await session(update, context)
    text = update.effective_message.text or ""
    if draft.step == "place":
        await s.store.save_draft(s.user_id, Draft("what", place=text))
        await send(update.effective_message, Reply((escape(s.kb.text("complain_what", s.lang)),)))
    elif draft.step == "what":
        await s.store.save_draft(s.user_id, Draft("when", place=draft.place, what=text))
        skip = InlineKeyboardMarkup([[InlineKeyboardButton(s.kb.text("btn.skip", s.lang), callback_data=encode(SkipDate()))]])
        await send(update.effective_message, Reply((escape(s.kb.text("complain_date", s.lang)),), skip))
    else:
        await _file(update, context, s, draft, text)
    raise ApplicationHandlerStop


async def _open_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    """The user's open complaint; storage trouble counts as none, so every other message is still answered once."""
    if update.effective_user is None:
        return None
    try:
        return await context.application.bot_data["store"].draft(update.effective_user.id)
    except Exception:
        log.exception("could not read the complaint draft")
        return None


async def skip_date(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "skip" button on the date question."""
    await update.callback_query.answer()
    s = await session(update, context)
    draft = await s.store.draft(s.user_id)
    if draft is not None and draft.step == "when":
        await _file(update, context, s, draft, None)


async def _file(update: Update, context: ContextTypes.DEFAULT_TYPE, s: Session, draft: Draft, happened_on: str | None) -> None:
    """Store the complaint (committed, draft dropped with it), give the reference number, notify the staff group."""
    complaint = await add_complaint(s.store, s.user_id, s.lang, draft.place or "?", draft.what or "?", happened_on)
    await send(update.effective_message, Reply((escape(s.kb.text("complain_done", s.lang, ref=complaint.reference)),)))
    if s.settings.STAFF_CHAT_ID is not None:
        note = f"📝 投诉 {complaint.reference} · 语言 {s.lang}\n地点：{complaint.place}\n情况：{complaint.what}\n日期：{complaint.happened_on or '（未填）'}"
        await context.bot.send_message(chat_id=s.settings.STAFF_CHAT_ID, text=escape(note)[:4096], parse_mode=ParseMode.HTML)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop without saving (nothing to say when no complaint is open)."""
    s = await session(update, context)
    if await s.store.draft(s.user_id) is None:
        return
    await s.store.drop_draft(s.user_id)
    await send(update.effective_message, Reply((escape(s.kb.text("complain_cancelled", s.lang)),)))
