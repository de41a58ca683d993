"""The help desk: replies to tickets, /send, /close, /stats, /unanswered, /reload, and forwarded queries.

Staff are the STAFF_USER_IDS, in the staff group and in private. Only when that list is empty does
writing in the STAFF_CHAT_ID group make someone staff. The handlers carry this as a filter, so
for everyone else no staff handler runs: they get the ordinary unknown-command reply, and nothing
about these commands leaks.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.answer import Query
from bot.casework import Ticket, close_ticket, ticket_for_message
from bot.reports import format_stats, format_unanswered, stats, unanswered
from handlers.render import Reply, escape, render, split_html
from handlers.session import Session, send, session

log = logging.getLogger(__name__)


def staff_filter(user_ids: tuple[int, ...], staff_chat_id: int | None) -> filters.BaseFilter:
    """Who acts as staff: the listed users; only when there is no list, anyone in the staff group."""
    if user_ids:
        return filters.User(user_id=user_ids)
    if staff_chat_id is not None:
        log.warning("STAFF_USER_IDS is empty: everyone in the staff group (STAFF_CHAT_ID) acts as staff")
        return filters.Chat(chat_id=staff_chat_id)
    return filters.User(user_id=())  # nobody


def register(application: Application, user_ids: tuple[int, ...], staff_chat_id: int | None) -> None:
    """Add the staff handlers; a non-staff update matches none of them."""
    staff = staff_filter(user_ids, staff_chat_id)
    for name, callback in (("stats", stats_command), ("unanswered", unanswered_command), ("reload", reload_command), ("send", send_command), ("close", close_command)):
        application.add_handler(CommandHandler(name, callback, staff))
    if staff_chat_id is not None:
        in_group = filters.Chat(chat_id=staff_chat_id)
        application.add_handler(MessageHandler(in_group & staff & filters.REPLY & filters.TEXT & ~filters.COMMAND, staff_reply))


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats [days]: usage over a period (7 days by default)."""
    s = await session(update, context)
    days = int(context.args[0]) if context.args and context.args[0].isdigit() else 7
    await send(update.effective_message, Reply(split_html(escape(format_stats(await stats(s.store, max(1, min(days, 3650))))))))


async def unanswered_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered: questions that fell back or got 👎, most frequent first."""
    s = await session(update, context)
    await send(update.effective_message, Reply(split_html(escape(format_unanswered(await unanswered(s.store))))))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload: re-read knowledge/; on errors the old knowledge stays and the errors are shown."""
    s = await session(update, context)
    await send(update.effective_message, Reply(split_html(escape(reload_report(s.engine.reload(), s)))))


def reload_report(errors: list, s: Session) -> str:
    """What staff read after a reload."""
    if errors:
        shown = "\n".join(str(e) for e in errors[:15])
        return f"⚠️ 知识库有 {len(errors)} 处错误，继续使用旧版本：\n{shown}"
    kb = s.engine.responder.kb
    return f"✓ 知识库已重新加载：{len(kb.topics)} 个主题，{len(kb.places)} 个地点。"


async def _replied_ticket(message: Message, s: Session) -> Ticket | None:
    """The ticket a staff message replies to, if any."""
    replied = message.reply_to_message
    return await ticket_for_message(s.store, message.chat_id, replied.message_id) if replied else None


async def _ticket(update: Update, s: Session) -> Ticket | None:
    """The ticket a staff command replies to, or a hint when there is none."""
    ticket = await _replied_ticket(update.effective_message, s)
    if ticket is None:
        await send(update.effective_message, Reply((escape("请回复一条工单消息（🎫）。"),)))
    return ticket


async def staff_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to a ticket in the staff group goes to the user."""
    s = await session(update, context)
    message = update.effective_message
    ticket = await _replied_ticket(message, s)
    if ticket is None:
        return  # an ordinary conversation among staff
    text = f"{s.kb.text('staff_reply', ticket.lang)}\n{message.text}"
    await _deliver(message, ticket, text, f"✓ 已发送给工单 #{ticket.id} 的用户。")


async def _deliver(message: Message, ticket: Ticket, text: str, confirmation: str) -> None:
    for chunk in split_html(escape(text)):
        await message.get_bot().send_message(chat_id=ticket.chat_id, text=chunk, parse_mode="HTML")
    await send(message, Reply((escape(confirmation),)))


async def _staff_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[Session, Ticket] | None:
    """A staff member's command replying to a ticket, or None (after saying why)."""
    s = await session(update, context)
    ticket = await _ticket(update, s)
    return (s, ticket) if ticket is not None else None


async def send_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/send TOPIC as a reply to a ticket: that topic's curated answer, in the user's language."""
    found = await _staff_ticket(update, context)
    if found is None:
        return
    s, ticket = found
    topic = context.args[0] if context.args else ""
    if topic not in s.kb.topics:
        await send(update.effective_message, Reply(split_html(escape("用法：/send 主题ID。可用的主题：" + ", ".join(sorted(s.kb.topics))))))
        return
    answer = s.engine.responder.faq(topic, ticket.lang)
    await _deliver(update.effective_message, ticket, answer.text, f"✓ 已用{ticket.lang}发送「{topic}」给工单 #{ticket.id} 的用户。")


async def close_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/close as a reply to a ticket: close it and tell the user."""
    found = await _staff_ticket(update, context)
    if found is None:
        return
    s, ticket = found
    await close_ticket(s.store, ticket.id)
    await _deliver(update.effective_message, ticket, s.kb.text("handoff_closed", ticket.lang), f"✓ 工单 #{ticket.id} 已关闭。")


async def staff_query(message: Message, s: Session, text: str) -> None:
    """A staff member forwards or types a visitor's question: answer in the visitor's language, Chinese below."""
    answer = s.engine.answer(Query(text=text))  # the text decides the language, not the staff member's settings
    body = answer.text
    if answer.lang != "zh":
        chinese = s.engine.responder.in_language(answer, "zh")
        body += f"\n\n—— {s.kb.text('staff_note_zh', 'zh').rstrip('：:')} ——\n{chinese.text}"
    reply = render(answer.model_copy(update={"text": body}), s.kb)
    await send(message, Reply(reply.chunks, None))
