"""SQLite storage (aiosqlite): user choices, feedback and the event log, committed before we say "saved"."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from cachetools import LRUCache

from bot.database import connect, prepare

log = logging.getLogger(__name__)
INSERT_EVENT = (
    "INSERT INTO events (ts, user_key, lang, kind, topic, text) VALUES (?, ?, ?, ?, ?, ?)"
)
EVENT_BATCH = 50
CACHED_USERS = 100_000


class StoreClosed(RuntimeError):
    """The store was used after close(): the process is shutting down."""


@dataclass(frozen=True)
class Prefs:
    """What a user chose: answer language (None = not chosen) and older person's mode."""

    lang: str | None = None
    elder: bool = False


@dataclass(frozen=True)
class Draft:
    """A complaint being written: the step it waits for ("place", "what", "when") and what was given so far."""

    step: str
    place: str | None = None
    what: str | None = None


DRAFT_MINUTES = 30  # a draft left longer than this is forgotten: the user has moved on


def now() -> str:
    """UTC timestamp for rows."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ago(minutes: int) -> str:
    """The UTC timestamp `minutes` ago, comparable with now()."""
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


# Writes close() makes for statistics logged while it writes (answers still under way).
CLOSING_WRITES = 3


class Store:
    """One SQLite file; opened lazily, so handlers and tests need no start-up hook."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._key = b""
        # Write-through caches, bounded by construction: the most recent CACHED_USERS users.
        self._prefs: LRUCache[int, Prefs] = LRUCache(CACHED_USERS)  # one read per user while cached
        self._keys: LRUCache[int, str] = LRUCache(CACHED_USERS)  # HMACs of user ids
        self._drafts: LRUCache[int, tuple[Draft, float] | None] = LRUCache(CACHED_USERS)
        self._events: list[tuple[str, str, str, str, str | None, str]] = []  # not yet written
        self._writing = asyncio.Lock()  # one write (or one multi-statement transaction) at a time
        self._background: asyncio.Task[None] | None = None  # a batch of statistics being written
        self.write_error: Exception | None = None  # why the last background write failed, if it did
        self._closed = False  # close() was called: only statistics lines are still taken

    async def db(self) -> aiosqlite.Connection:
        """The open connection, creating the schema the first time; refused after close(), since a connection
        opened then would never be closed and aiosqlite's worker (not a daemon thread) would keep the process."""
        if self._closed:
            raise StoreClosed(f"{self.path}: the store is closed (shutting down)")
        if self._db is None:
            async with self._lock:
                if self._db is None:
                    # Autocommit: a single statement is committed by itself, one trip to the SQLite thread;
                    # several statements that belong together run in an explicit transaction (transaction()).
                    db = await connect(self.path)
                    try:
                        self._key = await prepare(db)
                    except BaseException:  # closed, or aiosqlite's thread keeps the process alive
                        await db.close()
                        raise
                    self._db = db
        return self._db

    async def close(self) -> None:
        """Write the statistics kept in memory and close the connection (safe to call twice; closes even when the write fails)."""
        if self._db is None:
            self._closed = True
        else:
            try:
                for _ in range(CLOSING_WRITES):  # a message answered meanwhile is written too
                    await self.flush()
                    if not self._events:
                        break
                else:
                    log.warning(
                        "%d statistics line(s) still coming at shutdown, not written",
                        len(self._events),
                    )
            except Exception as exc:  # one line: a full disk at shutdown is no programming error
                log.warning(
                    "could not write %d statistics line(s) at shutdown: %s", len(self._events), exc
                )
            finally:
                self._closed = True  # from here a late line goes on a connection of its own
                await self._db.close()
                self._db = None

    def user_key(self, user_id: int) -> str:
        """An HMAC of the user id: logs and statistics never keep the raw id."""
        key = self._keys.get(user_id)
        if key is None:
            key = self._keys[user_id] = hmac.new(
                self._key, str(user_id).encode(), hashlib.sha256
            ).hexdigest()[:16]
        return key

    async def prefs(self, user_id: int) -> Prefs:
        """The user's saved choices (defaults when none)."""
        cached = self._prefs.get(user_id)
        if cached is not None:
            return cached
        db = await self.db()
        row = await (
            await db.execute("SELECT lang, elder FROM users WHERE user_id = ?", (user_id,))
        ).fetchone()
        prefs = Prefs(row[0], bool(row[1])) if row else Prefs()
        self._prefs[user_id] = prefs
        return prefs

    async def set_lang(self, user_id: int, lang: str) -> None:
        """Save the answer language; committed before returning."""
        await self._upsert(user_id, "lang", lang)

    async def set_elder(self, user_id: int, elder: bool) -> None:
        """Save older person's mode on or off."""
        await self._upsert(user_id, "elder", int(elder))

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        """Note that the user blocked the bot, so we stop writing to them."""
        await self._upsert(user_id, "blocked", int(blocked))

    async def _upsert(self, user_id: int, column: str, value: object) -> None:
        assert column in {"lang", "elder", "blocked"}  # never built from user text
        await self.write(
            f"INSERT INTO users (user_id, {column}, updated) VALUES (?, ?, ?) "
            f"ON CONFLICT(user_id) DO UPDATE SET {column} = excluded.{column}, updated = excluded.updated",
            (user_id, value, now()),
        )
        self._prefs.pop(user_id, None)

    async def add_feedback(
        self,
        user_id: int,
        topic: str | None,
        helpful: bool,
        lang: str | None,
        question: str | None = None,
    ) -> None:
        """Record 👍 / 👎 for a topic, with the question it answered (for the unanswered queue)."""
        await self.db()  # the HMAC key is read with the connection
        await self.write(
            "INSERT INTO feedback (ts, user_key, topic, helpful, lang, question) VALUES (?, ?, ?, ?, ?, ?)",
            (
                now(),
                self.user_key(user_id),
                topic,
                int(helpful),
                lang,
                (question or "")[:500] or None,
            ),
        )

    async def log_event(
        self, user_id: int, lang: str, kind: str, topic: str | None, text: str | None
    ) -> None:
        """One answered message, for statistics and the unanswered queue.

        Statistics are kept in memory and written EVENT_BATCH at a time in the background (and on flush or
        close), so no answer waits for SQLite: under load the request that filled a batch waited 0.1-0.5 s for the
        SQLite thread (2026-12-07, 8 requests in flight). A crash loses at most one batch of statistics, never a
        user's choice, feedback, ticket or complaint, which are committed before the user is told.
        """
        if self._closed:  # an answer finished after close(): its line on a connection of its own
            await self._write_late(user_id, lang, kind, topic, text)
            return
        await self.db()  # the HMAC key is read with the connection
        self._events.append(self._event(user_id, lang, kind, topic, text))
        if len(self._events) >= EVENT_BATCH and (
            self._background is None or self._background.done()
        ):
            self._background = asyncio.create_task(self._write_in_background())

    async def _write_late(
        self, user_id: int, lang: str, kind: str, topic: str | None, text: str | None
    ) -> None:
        """One statistics line written after close() on a connection closed at once: none is lost, and no
        connection is left open to keep a stopping process alive."""
        try:
            db = await connect(self.path)
            try:
                self._key = self._key or await prepare(db)
                await db.execute(INSERT_EVENT, self._event(user_id, lang, kind, topic, text))
            finally:
                await db.close()
        except (
            Exception
        ) as exc:  # one line: statistics at shutdown never fail an answer already given
            log.warning("could not write a statistics line after shutdown: %s", exc)

    def _event(
        self, user_id: int, lang: str, kind: str, topic: str | None, text: str | None
    ) -> tuple[str, str, str, str, str | None, str]:
        """One statistics row: the user only as an HMAC, the text cut to 500 characters."""
        return (now(), self.user_key(user_id), lang, kind, topic, (text or "")[:500])

    async def _write_in_background(self) -> None:
        """One batch written off the answer's path; a failure keeps the rows for the next write, is logged in
        one line and kept in `write_error` for a channel that tells its user (the terminal chat)."""
        try:
            await self._write_events()
            self.write_error = None
        except Exception as exc:
            self.write_error = exc
            log.warning(
                "could not write %d statistics line(s), kept for the next try: %s",
                len(self._events),
                exc,
            )

    async def written(self) -> None:
        """Wait for a batch of statistics being written in the background, if one is. Shielded: a caller
        that is cancelled (upkeep at shutdown) must not cancel the shared write and lose its rows."""
        background = self._background
        if background is not None and not background.cancelled():
            await asyncio.shield(background)

    async def flush(self) -> None:
        """Write the statistics kept in memory, in one transaction, after any batch under way."""
        await self.written()
        await self._write_events()

    async def _write_events(self) -> None:
        if not self._events or self._db is None:
            return
        rows, self._events = self._events, []
        try:
            async with self.transaction() as db:
                await db.executemany(INSERT_EVENT, rows)
        except Exception:
            self._events = rows + self._events  # kept for the next try
            raise

    async def write(self, sql: str, parameters: tuple[object, ...] = ()) -> aiosqlite.Cursor:
        """Run one statement; it is committed when this returns (autocommit)."""
        db = await self.db()
        async with self._writing:
            return await db.execute(sql, parameters)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several statements committed together, or none of them."""
        db = await self.db()
        async with self._writing:
            try:
                # BEGIN inside: a caller cancelled while BEGIN waits for the SQLite thread still gets its
                # rollback (queued after BEGIN; a no-op when none began), never a transaction left open.
                await db.execute("BEGIN")
                yield db
            except BaseException:
                await db.rollback()
                raise
            await db.commit()

    async def first_time(self, update_id: int) -> bool:
        """Record an update id; False when it was recorded before (committed at once)."""
        cursor = await self.write(
            "INSERT OR IGNORE INTO updates (update_id, ts) VALUES (?, ?)", (update_id, now())
        )
        return cursor.rowcount == 1

    async def forget(self, user_id: int) -> None:
        """Delete what we keep about a user; complaints stay for supervisors but lose the user id."""
        await self.db()
        # A batch under way may hold the user's rows: written first, then deleted.
        await self.written()
        key = self.user_key(user_id)
        self._drop_events(key)
        async with self.transaction() as db:  # after any write already waiting for the lock
            await db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM feedback WHERE user_key = ?", (key,))
            await db.execute("DELETE FROM events WHERE user_key = ?", (key,))
            await db.execute(
                "DELETE FROM ticket_replies WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = ?)",
                (user_id,),
            )
            await db.execute("DELETE FROM tickets WHERE user_id = ?", (user_id,))
            await db.execute("UPDATE complaints SET user_id = NULL WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM complaint_drafts WHERE user_id = ?", (user_id,))
        self._drop_events(key)  # rows a write waiting for the lock took, failed on and put back
        self._drafts.pop(user_id, None)
        self._prefs.pop(user_id, None)

    def _drop_events(self, key: str) -> None:
        """Statistics of one user (by HMAC) not yet written: gone."""
        self._events = [row for row in self._events if row[1] != key]

    async def purge(self, days: int) -> int:
        """Delete statistics and feedback older than `days`; returns how many rows went."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        gone = 0
        async with self.transaction() as db:
            for table in ("events", "feedback"):
                cursor = await db.execute(
                    f"DELETE FROM {table} WHERE ts < ?", (cutoff,)
                )  # table names are constants
                gone += cursor.rowcount
            await db.execute(
                "DELETE FROM tickets WHERE status = 'closed' AND closed < ?", (cutoff,)
            )
            await db.execute(
                "DELETE FROM ticket_replies WHERE ticket_id NOT IN (SELECT id FROM tickets)"
            )
            await db.execute("DELETE FROM updates WHERE ts < ?", (cutoff,))
            await db.execute(
                "DELETE FROM complaint_drafts WHERE updated < ?", (_ago(DRAFT_MINUTES),)
            )
        return gone

    async def draft(self, user_id: int) -> Draft | None:
        """The user's unfinished complaint, if one was touched in the last DRAFT_MINUTES (it survives a restart)."""
        if user_id not in self._drafts:
            db = await self.db()
            row = await (
                await db.execute(
                    "SELECT step, place, what, updated FROM complaint_drafts WHERE user_id = ? AND updated >= ?",
                    (user_id, _ago(DRAFT_MINUTES)),
                )
            ).fetchone()
            self._drafts[user_id] = (
                (Draft(*row[:3]), datetime.fromisoformat(row[3]).timestamp()) if row else None
            )
        cached = self._drafts[user_id]
        if cached is None or time.time() - cached[1] > DRAFT_MINUTES * 60:
            return None
        return cached[0]

    async def save_draft(self, user_id: int, draft: Draft) -> None:
        """Start or advance a complaint; committed before the next question is asked."""
        await self.write(
            "INSERT INTO complaint_drafts (user_id, step, place, what, updated) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET step = excluded.step, place = excluded.place, what = excluded.what, updated = excluded.updated",
            (user_id, draft.step, draft.place, draft.what, now()),
        )
        self._drafts[user_id] = (draft, time.time())

    async def drop_draft(self, user_id: int) -> None:
        """Forget the unfinished complaint (cancelled)."""
        await self.write("DELETE FROM complaint_drafts WHERE user_id = ?", (user_id,))
        self._drafts[user_id] = None

    async def finish_draft(
        self, user_id: int, sql: str, parameters: tuple[object, ...]
    ) -> aiosqlite.Cursor:
        """Run `sql` (filing the complaint) and drop the draft in one transaction: never filed twice, never lost."""
        async with self.transaction() as db:
            cursor = await db.execute(sql, parameters)
            await db.execute("DELETE FROM complaint_drafts WHERE user_id = ?", (user_id,))
        self._drafts[user_id] = None
        return cursor

    async def feedback_counts(self) -> dict[str, int]:
        """Helpful and unhelpful totals."""
        db = await self.db()
        rows = await (
            await db.execute("SELECT helpful, COUNT(*) FROM feedback GROUP BY helpful")
        ).fetchall()
        counts = {bool(h): n for h, n in rows}
        return {"helpful": counts.get(True, 0), "unhelpful": counts.get(False, 0)}
