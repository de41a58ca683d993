"""The error handler and the log filter that keeps the bot token out of every log line."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers.context import Context, plain_lang
from handlers.render import escape

log = logging.getLogger(__name__)


def install_redaction(token: str) -> None:
    """Replace the token in every log record, whatever logger or handler it goes through."""
    if not token or getattr(logging.getLogRecordFactory(), "redacts", None) == token:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        if token in message:
            record.msg, record.args = message.replace(token, "<token>"), ()
        if record.exc_info and token in "".join(
            str(a) for a in (record.exc_info[1].args if record.exc_info[1] else ())
        ):
            record.exc_text = (
                logging.Formatter().formatException(record.exc_info).replace(token, "<token>")
            )
        return record

    factory.redacts = token  # type: ignore[attr-defined]  # marks the factory already installed
    logging.setLogRecordFactory(factory)


async def on_error(update: object, context: Context) -> None:
    """Log and keep going; a user who blocked the bot is noted and not written to again."""
    error = context.error
    user = update.effective_user if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("user blocked the bot; not retrying")
        if user is not None:
            try:
                await context.store.set_blocked(user.id)
            except Exception:
                log.exception("could not note the blocked user")
        return
    log.error("error while handling an update: %s", error, exc_info=error)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return  # Telegram was unreachable or slow: the answer may have arrived; don't send more
    if (
        isinstance(update, Update)
        and update.effective_chat is not None
        and update.effective_chat.type == "private"
    ):
        lang = plain_lang(user.language_code if user else None, context.settings)
        try:
            await context.bot.send_message(
                update.effective_chat.id, escape(context.kb.text("error_generic", lang))
            )
        except Exception:
            log.warning("could not tell the user about the error")
