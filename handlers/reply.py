"""Sending: a Reply in as many messages as it needs, and a core Answer with its ticket, venue and log line."""

from __future__ import annotations

import logging

from telegram import Bot, Message

from bot.answer import Answer
from bot.casework import Ticket, desk_reachable, file_ticket, link_ticket, ticket_card
from bot.chat import without_help_desk
from bot.storage import Store
from bot.where import NEAR_M
from handlers.context import Context
from handlers.render import Reply, clip, escape, render, split_html

log = logging.getLogger(__name__)


async def send(message: Message, reply: Reply) -> Message:
    """Send a Reply (HTML, the Application's default) in as many messages as it needs; the keyboard goes on the last."""
    sent = message
    last = len(reply.chunks) - 1
    for index, chunk in enumerate(reply.chunks):
        sent = await message.get_bot().send_message(
            chat_id=message.chat_id,
            text=chunk,
            reply_markup=reply.keyboard if index == last else None,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    return sent


async def hand_off(
    message: Message, answer: Answer, context: Context, question: str | None
) -> Answer:
    """Open a ticket (committed first) for the staff group and the /staff console, or give the hotline
    when neither exists; the group gets the ticket posted when there is one."""
    staff_chat = context.settings.STAFF_CHAT_ID
    console = context.settings.WEB_PORT != 0  # the /staff console runs in this process
    if not await desk_reachable(context.store, staff_chat is not None, console):
        return without_help_desk(answer, context.kb)
    ticket = await file_ticket(
        context.store,
        context.responder,
        context.me.last,
        question,
        answer.lang,
        context.user_id,
        message.chat_id,
        "telegram",
    )
    if staff_chat is not None:
        await post_ticket(message.get_bot(), context.store, staff_chat, ticket)
    return answer


async def post_ticket(bot: Bot, store: Store, staff_chat: int, ticket: Ticket) -> None:
    """Post a ticket of any channel into the staff group and remember the message staff reply to."""
    posted = await bot.send_message(chat_id=staff_chat, text=clip(ticket_card(ticket)))
    await link_ticket(store, ticket.id, staff_chat, posted.message_id)


async def reply_answer(
    message: Message, answer: Answer, context: Context, question: str | None = None
) -> None:
    """Render a core Answer to the chat, log it, and for nearby add a venue for the best place."""
    if answer.kind == "handoff":
        answer = await hand_off(message, answer, context, question)
    elif question is not None and context.user_data is not None:
        context.user_data.last = (question, answer)
    kb = context.kb
    await send(message, render(answer, kb))
    if answer.kind == "nearby" and answer.distances_m and answer.distances_m[0] <= NEAR_M:
        place = kb.places[answer.places[0]]
        if place.coords:
            city = kb.regions[place.city]
            await message.get_bot().send_venue(
                chat_id=message.chat_id,
                latitude=place.coords.lat,
                longitude=place.coords.lon,
                title=place.names.first(answer.lang)[:64],
                address=city.names.first(answer.lang),
            )
    try:
        await context.store.log_event(
            context.user_id, answer.lang, answer.kind, answer.topic, question
        )
    except Exception:
        log.exception("could not log the event")


class TelegramDesk:
    """The staff group as the help desk of other channels (bot.casework.Desk): the web's tickets and complaints."""

    def __init__(self, bot: Bot, store: Store, staff_chat: int) -> None:
        self.bot, self.store, self.staff_chat = bot, store, staff_chat

    async def post_ticket(self, ticket: Ticket) -> None:
        """Post the ticket; staff reply to it as to any other."""
        await post_ticket(self.bot, self.store, self.staff_chat, ticket)

    async def post_note(self, text: str) -> None:
        """A note for staff (a complaint filed on the web)."""
        await self.bot.send_message(chat_id=self.staff_chat, text=clip(text))


class TelegramCourier:
    """Staff replies to Telegram users, sent by the bot (bot.casework.Courier), from any console."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str) -> None:
        for chunk in split_html(escape(text)):
            await self.bot.send_message(chat_id=chat_id, text=chunk)
