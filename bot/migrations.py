"""The database schema as a list of steps; PRAGMA user_version records how many a database has had.

To change the schema, append a step; never edit one that has shipped. A database made by a newer
PayHelp (more steps than this one knows) is refused rather than misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

import aiosqlite

TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    user_id INTEGER PRIMARY KEY, lang TEXT, elder INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, user_key TEXT NOT NULL,
    topic TEXT, helpful INTEGER NOT NULL, lang TEXT
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, user_key TEXT NOT NULL,
    lang TEXT, kind TEXT NOT NULL, topic TEXT, text TEXT
);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL, lang TEXT NOT NULL, question TEXT, answer TEXT, answer_zh TEXT,
    status TEXT NOT NULL DEFAULT 'open', staff_chat_id INTEGER, staff_message_id INTEGER, closed TEXT
);
CREATE INDEX IF NOT EXISTS tickets_staff_message ON tickets (staff_chat_id, staff_message_id);
CREATE TABLE IF NOT EXISTS updates (update_id INTEGER PRIMARY KEY, ts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS complaint_drafts (
    user_id INTEGER PRIMARY KEY, step TEXT NOT NULL, place TEXT, what TEXT, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, user_id INTEGER,
    lang TEXT NOT NULL, place TEXT NOT NULL, what TEXT NOT NULL, happened_on TEXT
);
"""

Step = Callable[[aiosqlite.Connection], Awaitable[None]]


async def _tables(db: aiosqlite.Connection) -> None:
    """1: the tables (IF NOT EXISTS: databases made before user_version already have them)."""
    await db.executescript(TABLES)


async def _feedback_question(db: aiosqlite.Connection) -> None:
    """2: feedback keeps the question it was about, for the unanswered queue."""
    columns = [row[1] for row in await (await db.execute("PRAGMA table_info(feedback)")).fetchall()]
    if "question" not in columns:  # databases made before user_version may have it already
        await db.execute("ALTER TABLE feedback ADD COLUMN question TEXT")


async def _web_tickets(db: aiosqlite.Connection) -> None:
    """3: tickets know their channel (a web ticket's staff replies wait in ticket_replies for the page to fetch)."""
    columns = [row[1] for row in await (await db.execute("PRAGMA table_info(tickets)")).fetchall()]
    if "channel" not in columns:
        await db.execute("ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram'")
    await db.execute(
        "CREATE TABLE IF NOT EXISTS ticket_replies (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "ticket_id INTEGER NOT NULL, ts TEXT NOT NULL, text TEXT NOT NULL)"
    )
    await db.execute(
        "CREATE INDEX IF NOT EXISTS ticket_replies_ticket ON ticket_replies (ticket_id, id)"
    )


async def _staff(db: aiosqlite.Connection) -> None:
    """4: staff accounts for the browser console, and who wrote each reply (every channel's replies kept)."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS staff (name TEXT PRIMARY KEY, hash TEXT NOT NULL, created TEXT NOT NULL)"
    )
    columns = [
        row[1] for row in await (await db.execute("PRAGMA table_info(ticket_replies)")).fetchall()
    ]
    if "staff" not in columns:
        await db.execute("ALTER TABLE ticket_replies ADD COLUMN staff TEXT")


STEPS: tuple[Step, ...] = (_tables, _feedback_question, _web_tickets, _staff)


async def version(db: aiosqlite.Connection) -> int:
    """How many steps this database has had."""
    row = await (await db.execute("PRAGMA user_version")).fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection) -> None:
    """Run the steps this database has not had, each recorded as soon as it is done."""
    done = await version(db)
    if done > len(STEPS):
        raise sqlite3.DatabaseError(
            f"made by a newer PayHelp (schema version {done}; this one knows {len(STEPS)})"
        )
    for number, step in enumerate(STEPS[done:], start=done + 1):
        await step(db)
        await db.execute(
            f"PRAGMA user_version = {int(number)}"
        )  # PRAGMA takes no ? parameters; an int
