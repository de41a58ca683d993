"""/complain (also a button under the cash-refusal answer): which place, what happened, optional date."""

from __future__ import annotations

import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters

from telegram.warnings import PTBUserWarning

from bot.casework import add_complaint
from handlers.render import Reply, escape
from handlers.session import send, session

PLACE, WHAT, WHEN = range(3)


def register(application: Application) -> None:
    """Add the complaint conversation (before the ordinary text handler, so its answers are not questions)."""
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # The conversation is per user and chat on purpose; PTB warns that buttons are then not tracked per message.
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        conversation = ConversationHandler(
        entry_points=[CommandHandler("complain", begin, filters.ChatType.PRIVATE), CallbackQueryHandler(begin, pattern="^c$")],
        states={
            PLACE: [MessageHandler(private_text, got_place)],
            WHAT: [MessageHandler(private_text, got_what)],
            WHEN: [MessageHandler(private_text, got_date), CallbackQueryHandler(got_date, pattern="^cs$")],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        conversation_timeout=1800,
        )
    application.add_handler(conversation)


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Ask which place."""
    if update.callback_query:
        await update.callback_query.answer()
    s = await session(update, context)
    context.user_data["complaint"] = {}
    await send(update.effective_message, Reply((escape(s.kb.text("complain_place", s.lang)),)))
    return PLACE


async def got_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Remember the place; ask what happened."""
    s = await session(update, context)
    context.user_data.setdefault("complaint", {})["place"] = update.effective_message.text
    await send(update.effective_message, Reply((escape(s.kb.text("complain_what", s.lang)),)))
    return WHAT


async def got_what(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Remember what happened; ask for the date, which may be skipped."""
    s = await session(update, context)
    context.user_data.setdefault("complaint", {})["what"] = update.effective_message.text
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(s.kb.text("btn.skip", s.lang), callback_data="cs")]])
    await send(update.effective_message, Reply((escape(s.kb.text("complain_date", s.lang)),), skip))
    return WHEN


async def got_date(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Store the complaint (committed), give the reference number, notify the staff group."""
    if update.callback_query:
        await update.callback_query.answer()
        happened_on = None
    else:
        happened_on = update.effective_message.text
    s = await session(update, context)
    draft = context.user_data.pop("complaint", {})
    complaint = await add_complaint(s.store, s.user_id, s.lang, draft.get("place", "?"), draft.get("what", "?"), happened_on)
    await send(update.effective_message, Reply((escape(s.kb.text("complain_done", s.lang, ref=complaint.reference)),)))
    if s.settings.STAFF_CHAT_ID is not None:
        note = f"📝 投诉 {complaint.reference} · 语言 {s.lang}\n地点：{complaint.place}\n情况：{complaint.what}\n日期：{complaint.happened_on or '（未填）'}"
        await context.bot.send_message(chat_id=s.settings.STAFF_CHAT_ID, text=escape(note)[:4096], parse_mode=ParseMode.HTML)
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Stop without saving."""
    s = await session(update, context)
    context.user_data.pop("complaint", None)
    await send(update.effective_message, Reply((escape(s.kb.text("complain_cancelled", s.lang)),)))
    return ConversationHandler.END
