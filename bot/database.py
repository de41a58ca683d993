"""Opening the SQLite file: the connection (aiosqlite, autocommit) and the schema and HMAC key it needs."""

from __future__ import annotations

import asyncio
import secrets

import aiosqlite

from bot.migrations import migrate


async def connect(path: str) -> aiosqlite.Connection:
    """Open the database; when that fails, wait for aiosqlite's worker thread to end before raising.

    aiosqlite stops the thread without waiting for it, so a short-lived caller (a CLI command) could
    close its event loop first and the thread would print a traceback into the one-line error.
    """
    connection = aiosqlite.connect(path, timeout=2.0, isolation_level=None)
    try:
        return await connection
    except Exception:
        thread = getattr(connection, "_thread", None)
        if thread is not None:
            await asyncio.to_thread(thread.join, 2.0)
        raise


async def prepare(db: aiosqlite.Connection) -> bytes:
    """Set the pragmas, bring the schema up to date, and return the HMAC key (made once per database)."""
    await db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    await db.execute("PRAGMA synchronous=NORMAL")  # durable across a process kill; cheaper commits
    await migrate(db)
    row = await (await db.execute("SELECT value FROM meta WHERE key = 'hmac_key'")).fetchone()
    if row is None:
        key = secrets.token_hex(32)
        await db.execute("INSERT INTO meta (key, value) VALUES ('hmac_key', ?)", (key,))
    else:
        key = row[0]
    return str(key).encode()
