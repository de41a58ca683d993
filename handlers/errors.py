"""The error handler and the log filter that keeps the bot token out of every log line."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from handlers.render import escape

log = logging.getLogger(__name__)


class RedactToken(logging.Filter):
    """Replace the token wherever it would appear in a log record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


def install_redaction(token: str) -> None:
    """Put the filter on every root handler (and on the root logger for handlers added later)."""
    redact = RedactToken(token)
    root = logging.getLogger()
    root.addFilter(redact)
    for handler in root.handlers:
        handler.addFilter(redact)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log and keep going; a user who blocked the bot is noted and not written to again."""
    error = context.error
    user = update.effective_user if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("user blocked the bot; not retrying")
        if user is not None:
            try:
                await context.application.bot_data["store"].set_blocked(user.id)
            except Exception:
                log.exception("could not note the blocked user")
        return
    log.error("error while handling an update: %s", error, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None and update.effective_chat.type == "private":
        kb = context.application.bot_data["engine"].responder.kb
        lang = (user.language_code or "en")[:2] if user else "en"
        try:
            await context.bot.send_message(update.effective_chat.id, escape(kb.text("error_generic", lang)))
        except Exception:
            log.warning("could not tell the user about the error")
