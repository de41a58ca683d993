"""Help-desk tickets and complaints, kept in SQLite so they survive a restart."""

from __future__ import annotations

from dataclasses import dataclass

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
    "id, user_id, chat_id, lang, question, answer, answer_zh, status, staff_message_id"
)


async def open_ticket(
    store: Store, user_id: int, chat_id: int, lang: str, question: str, answer: str, answer_zh: str
) -> Ticket:
    """Create a ticket (committed before the user is told)."""
    cursor = await store.write(
        "INSERT INTO tickets (created, user_id, chat_id, lang, question, answer, answer_zh) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now(), user_id, chat_id, lang, question[:2000], answer[:3000], answer_zh[:3000]),
    )
    return Ticket(
        cursor.lastrowid or 0, user_id, chat_id, lang, question, answer, answer_zh, "open", None
    )


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
