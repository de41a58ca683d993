"""Help-desk tickets and complaints, kept in SQLite so they survive a restart; shared by every channel.

A ticket remembers its channel: staff answer every ticket the same way (a reply in the staff group),
and the reply reaches a Telegram user as a message, a web user as a row the page fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.accounts import staff_names
from bot.answer import Answer
from bot.engine import chinese
from bot.responder import Responder
from bot.storage import Store, now


@dataclass(frozen=True)
class Ticket:
    """A user's request for a person, and where it was posted in the staff group."""

    id: int
    user_id: int
    chat_id: int
    lang: str
    question: str
    answer: str
    answer_zh: str
    status: str
    staff_message_id: int | None
    channel: str = "telegram"


@dataclass(frozen=True)
class Complaint:
    """A complaint about a payment problem at a place, with its reference number."""

    id: int
    created: str
    lang: str
    place: str
    what: str
    happened_on: str | None

    @property
    def reference(self) -> str:
        """What the user quotes: C-000123."""
        return f"C-{self.id:06d}"


_TICKET_COLUMNS = (
    "id, user_id, chat_id, lang, question, answer, answer_zh, status, staff_message_id, channel"
)
CHANNEL_NAMES = {"telegram": "Telegram", "web": "网页"}  # staff text, Chinese


async def desk_reachable(store: Store, staff_group: bool, console: bool = True) -> bool:
    """Whether anyone will see a ticket: a staff group on Telegram, or staff accounts of a /staff console
    served by this process (`console`: a console elsewhere could not reach a Telegram user)."""
    return staff_group or (console and bool(await staff_names(store)))


async def file_ticket(
    store: Store,
    responder: Responder,
    last: tuple[str, Answer] | None,
    question: str | None,
    lang: str,
    user_id: int,
    chat_id: int,
    channel: str,
) -> Ticket:
    """Open a ticket about the person's last question and answer (with its Chinese version for staff)."""
    last_question, last_answer = last or (question or "", None)
    answer_zh = (
        (await chinese(responder, last_question, last_answer)).text
        if last_answer is not None
        else ""
    )
    return await open_ticket(
        store,
        user_id,
        chat_id,
        lang,
        last_question or question or "",
        last_answer.text if last_answer is not None else "",
        answer_zh,
        channel,
    )


async def open_ticket(
    store: Store,
    user_id: int,
    chat_id: int,
    lang: str,
    question: str,
    answer: str,
    answer_zh: str,
    channel: str = "telegram",
) -> Ticket:
    """Create a ticket (committed before the user is told)."""
    cursor = await store.write(
        "INSERT INTO tickets (created, user_id, chat_id, lang, question, answer, answer_zh, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (now(), user_id, chat_id, lang, question[:2000], answer[:3000], answer_zh[:3000], channel),
    )
    return Ticket(
        cursor.lastrowid or 0,
        user_id,
        chat_id,
        lang,
        question,
        answer,
        answer_zh,
        "open",
        None,
        channel,
    )


def visitor_text(responder: Responder, ticket: Ticket, action: str, value: str = "") -> str:
    """What the visitor receives for a staff action, in every channel: "reply" (staff's words after a line
    saying they are staff's), "send" (topic `value`'s curated answer in the visitor's language) or "close"."""
    kb = responder.kb
    if action == "reply":
        return f"{kb.text('staff_reply', ticket.lang)}\n{value}"
    if action == "send":
        return responder.faq(value, ticket.lang).text
    return kb.text("handoff_closed", ticket.lang)


def ticket_card(ticket: Ticket) -> str:
    """What the staff group reads for a new ticket (Chinese first; a non-Chinese answer also in Chinese)."""
    where = (
        f" · {CHANNEL_NAMES.get(ticket.channel, ticket.channel)}"
        if ticket.channel != "telegram"
        else ""
    )
    lines = [
        f"🎫 工单 #{ticket.id} · 语言 {ticket.lang}{where}",
        f"问题：{ticket.question or '（无）'}",
        f"机器人回答：{ticket.answer[:1200] or '（无）'}",
    ]
    if ticket.lang != "zh" and ticket.answer_zh:
        lines.append(f"中文版：{ticket.answer_zh[:1200]}")
    lines.append("回复本条消息即可答复用户；/send 主题ID 发送标准答案；/close 关闭工单。")
    return "\n".join(lines)


async def add_reply(store: Store, ticket_id: int, text: str, staff: str | None = None) -> None:
    """Keep a staff reply in the ticket's history; a web user fetches it from there (committed first)."""
    await store.write(
        "INSERT INTO ticket_replies (ticket_id, ts, text, staff) VALUES (?, ?, ?, ?)",
        (ticket_id, now(), text[:4000], staff),
    )


class Courier(Protocol):
    """How a reply reaches a Telegram user (the bot); the web needs none, its page fetches replies."""

    async def send(self, chat_id: int, text: str) -> None:
        """Send `text` to a Telegram chat."""


async def deliver(
    store: Store, ticket: Ticket, text: str, staff: str | None, courier: Courier | None
) -> None:
    """A staff reply to the ticket's user in their channel, kept in the one ticket history.

    The row is written first: a web user fetches it, and for Telegram it is the record of what was sent.
    """
    if ticket.channel != "web" and courier is None:
        raise RuntimeError("Telegram is not running in this process: cannot send the reply")
    await add_reply(store, ticket.id, text, staff)
    if ticket.channel != "web" and courier is not None:
        await courier.send(ticket.chat_id, text)


async def replies(store: Store, user_id: int, after: int = 0) -> list[tuple[int, str]]:
    """Staff replies to a user's tickets newer than reply id `after`: (id, text), oldest first."""
    db = await store.db()
    rows = await (
        await db.execute(
            "SELECT r.id, r.text FROM ticket_replies r JOIN tickets t ON t.id = r.ticket_id "
            "WHERE t.user_id = ? AND t.channel = 'web' AND r.id > ? ORDER BY r.id LIMIT 50",
            (user_id, after),
        )
    ).fetchall()
    return [(int(row[0]), str(row[1])) for row in rows]


async def link_ticket(
    store: Store, ticket_id: int, staff_chat_id: int, staff_message_id: int
) -> None:
    """Remember the staff-group message that stands for the ticket."""
    await store.write(
        "UPDATE tickets SET staff_chat_id = ?, staff_message_id = ? WHERE id = ?",
        (staff_chat_id, staff_message_id, ticket_id),
    )


async def ticket_for_message(
    store: Store, staff_chat_id: int, staff_message_id: int
) -> Ticket | None:
    """The ticket a staff reply refers to."""
    db = await store.db()
    row = await (
        await db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE staff_chat_id = ? AND staff_message_id = ?",
            (staff_chat_id, staff_message_id),
        )
    ).fetchone()
    return Ticket(*row) if row else None


async def ticket_by_id(store: Store, ticket_id: int) -> Ticket | None:
    """One ticket, or None."""
    db = await store.db()
    row = await (
        await db.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
    ).fetchone()
    return Ticket(*row) if row else None


@dataclass(frozen=True)
class Entry:
    """A ticket for the staff console: when it was opened and every reply so far (staff, time, text)."""

    ticket: Ticket
    created: str
    replies: tuple[tuple[str, str, str], ...]


async def inbox(store: Store, limit: int = 100) -> list[Entry]:
    """The newest tickets of every channel, newest first, each with its reply history oldest first."""
    db = await store.db()
    rows = list(
        await (
            await db.execute(
                f"SELECT {_TICKET_COLUMNS}, created FROM tickets ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        ).fetchall()
    )
    history: dict[int, list[tuple[str, str, str]]] = {}
    if rows:
        for ticket_id, staff, ts, text in await (
            await db.execute(
                "SELECT ticket_id, staff, ts, text FROM ticket_replies WHERE ticket_id IN "
                "(SELECT id FROM tickets ORDER BY id DESC LIMIT ?) ORDER BY id",
                (limit,),
            )
        ).fetchall():
            history.setdefault(int(ticket_id), []).append((staff or "", str(ts), str(text)))
    return [
        Entry(Ticket(*row[:-1]), str(row[-1]), tuple(history.get(int(row[0]), ()))) for row in rows
    ]


async def close_ticket(store: Store, ticket_id: int) -> None:
    """Mark a ticket closed."""
    await store.write(
        "UPDATE tickets SET status = 'closed', closed = ? WHERE id = ?", (now(), ticket_id)
    )


async def add_complaint(
    store: Store, user_id: int, lang: str, place: str, what: str, happened_on: str | None
) -> Complaint:
    """Store a complaint and drop the user's draft together (committed before the reference number is shown)."""
    created = now()
    cursor = await store.finish_draft(
        user_id,
        "INSERT INTO complaints (created, user_id, lang, place, what, happened_on) VALUES (?, ?, ?, ?, ?, ?)",
        (created, user_id, lang, place[:500], what[:3000], (happened_on or "")[:100] or None),
    )
    return Complaint(cursor.lastrowid or 0, created, lang, place, what, happened_on)


async def complaints(store: Store) -> list[Complaint]:
    """Every complaint, oldest first."""
    db = await store.db()
    rows = await (
        await db.execute(
            "SELECT id, created, lang, place, what, happened_on FROM complaints ORDER BY id"
        )
    ).fetchall()
    return [Complaint(*row) for row in rows]


def complaint_note(complaint: Complaint) -> str:
    """What the staff group reads for a new complaint (Chinese)."""
    return (
        f"📝 投诉 {complaint.reference} · 语言 {complaint.lang}\n地点：{complaint.place}\n"
        f"情况：{complaint.what}\n日期：{complaint.happened_on or '（未填）'}"
    )


class Desk(Protocol):
    """Where a channel without its own staff group sends tickets and complaint notes (the Telegram staff group)."""

    async def post_ticket(self, ticket: Ticket) -> None:
        """Post a new ticket where staff answer it."""

    async def post_note(self, text: str) -> None:
        """Tell staff something (a new complaint)."""
