"""The help desk: replies to tickets, /send, /close, /stats, /unanswered, /reload, and forwarded queries.

Staff are the STAFF_USER_IDS, in the staff group and in private. Only when that list is empty does
writing in the STAFF_CHAT_ID group make someone staff. The handlers carry this as a filter
(handlers.app adds them), so for everyone else no staff handler runs: they get the ordinary
unknown-command reply, and nothing about these commands leaks.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import filters

from bot.casework import Ticket, close_ticket, deliver, ticket_for_message, visitor_text
from bot.contract import STAFF_LANG
from bot.engine import gloss
from bot.reports import format_stats, format_unanswered, stats, unanswered
from bot.storage import Store
from handlers.context import Context, message_of
from handlers.render import Reply, escape, render, split_html
from handlers.reply import TelegramCourier, send
from handlers.upkeep import reload_report, swap_knowledge

log = logging.getLogger(__name__)


def staff_filter(user_ids: tuple[int, ...], staff_chat_id: int | None) -> filters.BaseFilter:
    """Who acts as staff: the listed users; only when there is no list, anyone in the staff group."""
    if user_ids:
        return filters.User(user_id=user_ids)
    if staff_chat_id is not None:
        log.warning(
            "STAFF_USER_IDS is empty: everyone in the staff group (STAFF_CHAT_ID) acts as staff"
        )
        return filters.Chat(chat_id=staff_chat_id)
    return filters.User(user_id=())  # nobody


async def stats_command(update: Update, context: Context) -> None:
    """/stats [days]: usage over a period (7 days by default)."""
    days = int(context.args[0]) if context.args and context.args[0].isdigit() else 7
    report = format_stats(await stats(context.store, max(1, min(days, 3650))))
    await send(message_of(update), Reply(split_html(escape(report))))


async def unanswered_command(update: Update, context: Context) -> None:
    """/unanswered: questions that fell back or got 👎, most frequent first."""
    await send(
        message_of(update),
        Reply(split_html(escape(format_unanswered(await unanswered(context.store))))),
    )


async def reload_command(update: Update, context: Context) -> None:
    """/reload: re-read knowledge/ (handlers/upkeep.py); on errors the old knowledge stays."""
    errors = await swap_knowledge(context.engine)
    await send(message_of(update), Reply(split_html(escape(reload_report(context.engine, errors)))))


async def _replied_ticket(message: Message, context: Context) -> Ticket | None:
    """The ticket a staff message replies to, if any."""
    replied = message.reply_to_message
    return (
        await ticket_for_message(context.store, message.chat_id, replied.message_id)
        if replied
        else None
    )


async def _ticket(update: Update, context: Context) -> Ticket | None:
    """The ticket a staff command replies to, or a hint when there is none."""
    ticket = await _replied_ticket(message_of(update), context)
    if ticket is None:
        await send(message_of(update), Reply((escape("请回复一条工单消息（🎫）。"),)))
    return ticket


async def staff_reply(update: Update, context: Context) -> None:
    """A reply to a ticket in the staff group goes to the user."""
    message = message_of(update)
    ticket = await _replied_ticket(message, context)
    if ticket is None:
        return  # an ordinary conversation among staff
    text = visitor_text(context.responder, ticket, "reply", message.text or "")
    await _deliver(
        message,
        ticket,
        text,
        context.kb.text("staff.sent", STAFF_LANG, ticket=ticket.id),
        context.store,
    )


async def _deliver(
    message: Message, ticket: Ticket, text: str, confirmation: str, store: Store
) -> None:
    """Send staff's words to the ticket's user in their channel; the reply joins the ticket's history."""
    author = message.from_user
    staff = f"Telegram: {author.full_name}" if author else "Telegram"
    await deliver(store, ticket, text, staff, TelegramCourier(message.get_bot()))
    log.info("staff %s replied to ticket #%d", staff, ticket.id)
    await send(message, Reply((escape(confirmation),)))


async def send_command(update: Update, context: Context) -> None:
    """/send TOPIC as a reply to a ticket: that topic's curated answer, in the user's language."""
    ticket = await _ticket(update, context)
    if ticket is None:
        return
    topic = context.args[0] if context.args else ""
    if topic not in context.kb.topics:
        await send(
            message_of(update),
            Reply(
                split_html(
                    escape(
                        context.kb.text(
                            "staff.send_usage",
                            STAFF_LANG,
                            topics=", ".join(sorted(context.kb.topics)),
                        )
                    )
                )
            ),
        )
        return
    await _deliver(
        message_of(update),
        ticket,
        visitor_text(context.responder, ticket, "send", topic),
        context.kb.text(
            "staff.sent_topic", STAFF_LANG, language=ticket.lang, topic=topic, ticket=ticket.id
        ),
        context.store,
    )


async def close_command(update: Update, context: Context) -> None:
    """/close as a reply to a ticket: close it and tell the user."""
    ticket = await _ticket(update, context)
    if ticket is None:
        return
    await close_ticket(context.store, ticket.id)
    await _deliver(
        message_of(update),
        ticket,
        visitor_text(context.responder, ticket, "close"),
        context.kb.text("staff.ticket_closed", STAFF_LANG, ticket=ticket.id),
        context.store,
    )


async def staff_query(message: Message, context: Context, text: str) -> None:
    """A staff member forwards or types a visitor's question: answer in the visitor's language, Chinese below."""
    answer, chinese = await gloss(context.responder, text)
    body = answer.text
    if chinese is not None:
        body += f"\n\n—— {context.kb.text('staff_note_zh', 'zh').rstrip('：:')} ——\n{chinese.text}"
    reply = render(answer.model_copy(update={"text": body}), context.kb)
    await send(message, Reply(reply.chunks, None))
