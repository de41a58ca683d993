"""/privacy says what is kept and for how long; /forget deletes the user's data."""

from __future__ import annotations

from telegram import Update

from handlers.context import Context, message_of
from handlers.render import Reply, escape, split_html
from handlers.reply import send


async def privacy(update: Update, context: Context) -> None:
    """What we keep."""
    text = context.kb.text("privacy", context.lang, days=context.settings.DATA_RETENTION_DAYS)
    await send(message_of(update), Reply(split_html(escape(text))))


async def forget(update: Update, context: Context) -> None:
    """Delete the user's data, then say so in their language."""
    await context.store.forget(context.user_id)
    context.me.clear()
    await send(
        message_of(update),
        Reply(split_html(escape(context.kb.text("forget_done", context.lang)))),
    )
