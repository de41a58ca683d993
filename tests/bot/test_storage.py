"""Store: what is promised saved is on disk at once; statistics are written in batches and never lost on a failed write."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from bot import figures
from bot.chat import StoreRecorder
from bot.figures import Period
from bot.migrations import STEPS, TABLES
from bot.question import tap
from bot.storage import EVENT_BATCH, Draft, Store, StoreClosed
from tests.helpers import run_process


def _on_disk(path: Path, sql: str) -> list[tuple]:
    """What another process would read from the file now."""
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


async def _one_line(tmp_path: Path) -> tuple[Path, Store]:
    """A store that has logged one statistics line, "before close"."""
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    await store.log_event(1, "en", "faq", "ecny", "before close")
    return path, store


async def test_update_ids_are_on_disk_before_the_answer(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        assert [
            await store.first_time(7),
            await store.first_time(7),
            await store.first_time(8),
        ] == [True, False, True]
        assert _on_disk(
            tmp_path / "s.sqlite3", "SELECT update_id FROM updates ORDER BY update_id"
        ) == [(7,), (8,)]
    finally:
        await store.close()


async def test_choices_and_feedback_are_on_disk_at_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        await store.set_lang(5, "ko")
        await store.add_feedback(5, "ecny", True, "ko", "e-CNY?")
        assert _on_disk(tmp_path / "s.sqlite3", "SELECT user_id, lang FROM users") == [(5, "ko")]
        assert _on_disk(
            tmp_path / "s.sqlite3", "SELECT topic, helpful, question FROM feedback"
        ) == [("ecny", 1, "e-CNY?")]
    finally:
        await store.close()


async def test_statistics_are_written_a_batch_at_a_time_in_the_background_and_on_close(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    for n in range(EVENT_BATCH - 1):
        await store.log_event(n, "en", "faq", "ecny", f"question {n}")
    assert _on_disk(path, "SELECT COUNT(*) FROM events") == [(0,)]
    await store.log_event(99, "en", "faq", "ecny", "the last of the batch")
    assert _on_disk(path, "SELECT COUNT(*) FROM events") == [(0,)]  # the answer did not wait for it
    await store.written()
    assert _on_disk(path, "SELECT COUNT(*) FROM events") == [(EVENT_BATCH,)]
    await store.log_event(100, "zh", "fallback", None, "天气")
    await store.close()
    assert _on_disk(path, "SELECT lang, kind, text FROM events ORDER BY id DESC LIMIT 1") == [
        ("zh", "fallback", "天气")
    ]


async def test_a_message_answered_while_close_writes_the_last_statistics_is_written_too(
    tmp_path: Path,
) -> None:
    path, store = await _one_line(tmp_path)
    closing = asyncio.create_task(store.close())
    await asyncio.sleep(0)  # close() is now waiting for its write
    await store.log_event(2, "ko", "faq", "atm-foreign-card", "during close")
    await closing
    assert _on_disk(path, "SELECT text FROM events ORDER BY id") == [
        ("before close",),
        ("during close",),
    ]


async def test_messages_answered_after_close_are_written_and_leave_no_connection_open(
    tmp_path: Path,
) -> None:
    path, store = await _one_line(tmp_path)
    await store.close()
    await asyncio.gather(
        store.log_event(2, "ru", "faq", "ecny", "after close"),
        store.log_event(3, "ja", "faq", "ecny", "also after close"),
    )
    assert (store._db, sorted(_on_disk(path, "SELECT text FROM events"))) == (
        None,
        [("after close",), ("also after close",), ("before close",)],
    )


async def test_a_store_closed_before_it_was_opened_writes_a_late_line_and_stays_closed(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "s.sqlite3")
    await store.close()
    await store.log_event(1, "en", "faq", "ecny", "late")
    assert (store._db, _on_disk(tmp_path / "s.sqlite3", "SELECT text FROM events")) == (
        None,
        [("late",)],
    )


async def test_a_late_line_that_cannot_be_written_is_one_warning_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "no-such-folder" / "s.sqlite3")
    await store.close()
    with caplog.at_level(logging.WARNING, logger="bot.storage"):
        await store.log_event(1, "en", "faq", "ecny", "late")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "could not write a statistics line after shutdown"
    ]


async def test_any_other_use_after_close_is_refused_in_one_line(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    await store.close()
    with pytest.raises(StoreClosed) as refused:
        await store.set_lang(1, "ko")
    assert (str(refused.value), store._db) == (
        f"{tmp_path / 's.sqlite3'}: the store is closed (shutting down)",
        None,
    )


async def test_a_failed_statistics_write_keeps_the_rows_for_the_next_try(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    try:
        await store.log_event(1, "en", "faq", "ecny", "first")
        with sqlite3.connect(path) as other:
            other.execute("ALTER TABLE events RENAME TO events_away")
        with pytest.raises(sqlite3.OperationalError):
            await store.flush()
        await store.log_event(2, "en", "faq", "ecny", "second")
        with sqlite3.connect(path) as other:
            other.execute("ALTER TABLE events_away RENAME TO events")
        await store.flush()
        assert _on_disk(path, "SELECT text FROM events ORDER BY id") == [("first",), ("second",)]
    finally:
        await store.close()


async def test_forget_also_drops_statistics_not_yet_written_and_drafts(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    await store.log_event(1, "en", "faq", "ecny", "mine")
    await store.log_event(2, "en", "faq", "ecny", "someone else's")
    await store.save_draft(1, Draft("what", place="my stall"))
    await store.forget(1)
    assert await store.draft(1) is None
    await store.close()
    assert (
        _on_disk(path, "SELECT text FROM events"),
        _on_disk(path, "SELECT * FROM complaint_drafts"),
    ) == ([("someone else's",)], [])


async def test_forget_while_a_batch_is_being_written_drops_the_users_rows_too(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    for n in range(EVENT_BATCH):  # the last one starts the background write, which has not run yet
        await store.log_event(n % 2, "en", "faq", "ecny", f"question {n}")
    await store.forget(1)
    await store.close()
    assert _on_disk(path, "SELECT COUNT(*) FROM events") == [(EVENT_BATCH // 2,)]


async def test_a_cancelled_flush_neither_cancels_the_batch_under_way_nor_breaks_the_store(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    for n in range(EVENT_BATCH):  # the last one starts the background write
        await store.log_event(n, "en", "faq", "ecny", f"question {n}")
    flushing = asyncio.create_task(store.flush())  # as upkeep does, cancelled at shutdown
    await asyncio.sleep(0)
    flushing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flushing
    async with asyncio.timeout(10):  # a regression fails here rather than hanging the suite
        await store.log_event(99, "en", "faq", "ecny", "after the cancel")
        await store.forget(12345)
        await store.close()
    assert _on_disk(path, "SELECT COUNT(*) FROM events") == [(EVENT_BATCH + 1,)]


async def test_forget_drops_the_users_rows_that_a_failed_write_puts_back(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    await store.log_event(1, "en", "faq", "ecny", "mine")
    await store.log_event(2, "en", "faq", "ecny", "someone else's")
    with sqlite3.connect(path) as other:
        other.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'full'); END"
        )
    writing = asyncio.create_task(store.flush())
    await asyncio.sleep(0)  # the write has taken both rows and holds the lock
    await store.forget(1)
    with pytest.raises(sqlite3.DatabaseError):
        await writing
    with sqlite3.connect(path) as other:
        other.execute("DROP TRIGGER refuse")
    await store.close()
    assert _on_disk(path, "SELECT text FROM events") == [("someone else's",)]


async def test_a_draft_is_on_disk_at_once_and_filing_drops_it(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    try:
        await store.save_draft(3, Draft("when", place="market", what="no cash"))
        assert _on_disk(path, "SELECT user_id, step, place, what FROM complaint_drafts") == [
            (3, "when", "market", "no cash")
        ]
        await store.finish_draft(
            3,
            "INSERT INTO complaints (created, user_id, lang, place, what) VALUES ('t', 3, 'en', 'market', 'no cash')",
            (),
        )
        assert (
            await store.draft(3),
            _on_disk(path, "SELECT COUNT(*) FROM complaint_drafts"),
            _on_disk(path, "SELECT place FROM complaints"),
        ) == (None, [(0,)], [("market",)])
    finally:
        await store.close()


async def test_close_closes_even_when_the_last_statistics_cannot_be_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    await store.log_event(1, "en", "faq", "ecny", "first")
    with sqlite3.connect(path) as other:
        other.execute("ALTER TABLE events RENAME TO events_away")
    await store.close()
    assert (store._db, "could not write 1 statistics line(s) at shutdown" in caplog.text) == (
        None,
        True,
    )


async def test_a_draft_left_over_half_an_hour_is_forgotten_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        await store.save_draft(4, Draft("what", place="market"))
        assert await store.draft(4) == Draft("what", place="market")
        later = time.time() + 31 * 60
        monkeypatch.setattr("bot.storage.time.time", lambda: later)
        assert await store.draft(4) is None
    finally:
        await store.close()


async def test_a_new_database_has_every_migration_step(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    await store.db()
    await store.close()
    assert _on_disk(tmp_path / "s.sqlite3", "PRAGMA user_version") == [(len(STEPS),)]


async def test_a_database_made_before_user_version_is_upgraded_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(TABLES)  # feedback without its question column, user_version 0
        old.execute(
            "INSERT INTO feedback (ts, user_key, topic, helpful, lang) VALUES ('t', 'k', 'ecny', 1, 'en')"
        )
    store = Store(path)
    try:
        await store.add_feedback(1, "ecny", False, "en", "e-CNY?")
    finally:
        await store.close()
    assert _on_disk(path, "SELECT topic, helpful, question FROM feedback ORDER BY id") == [
        ("ecny", 1, None),
        ("ecny", 0, "e-CNY?"),
    ]
    assert _on_disk(path, "PRAGMA user_version") == [(len(STEPS),)]


def test_a_database_from_a_newer_payhelp_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as newer:
        newer.execute(f"PRAGMA user_version = {len(STEPS) + 1}")
    result = run_process("kb", "unanswered", env={"DATABASE_PATH": str(path)}, timeout=30)
    assert (result.returncode, result.stderr) == (
        1,
        f"payhelp: cannot use the database {path} (DATABASE_PATH): made by a newer PayHelp (schema version {len(STEPS) + 1}; this one knows {len(STEPS)})\n",
    )


async def test_a_tap_that_fell_back_is_not_an_unanswered_question(tmp_path: Path) -> None:
    """A tap on "none of these" is recorded as a tap: editors are not asked to write it as an example."""
    store = Store(tmp_path / "db.sqlite3")
    await store.log_event(1, "en", "fallback", None, tap("button", "none of these"))
    await store.log_event(2, "en", "fallback", None, "asdfgh qwerty")
    await store.add_feedback(
        3, "currency-exchange", False, "en", tap("button", "currency-exchange")
    )
    await store.add_feedback(4, "currency-exchange", False, "en", "where to change money")
    assert sorted(await figures.unanswered(store, Period())) == [
        ("asdfgh qwerty", "en", 1),
        ("where to change money", "en", 1),
    ]
    await store.close()


async def test_a_write_cancelled_at_any_step_leaves_no_transaction_open(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    await store.set_lang(1, "en")  # the connection is open
    for turns in range(6):  # cancelled while BEGIN, the insert, or the commit waits for the thread
        await store.log_event(turns, "en", "faq", "ecny", f"question {turns}")
        writing = asyncio.create_task(store.flush())
        for _ in range(turns):
            await asyncio.sleep(0)
        writing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writing
    async with asyncio.timeout(10):
        await store.set_lang(2, "ko")  # a write after them all works
        await store.close()
    assert _on_disk(path, "SELECT user_id, lang FROM users ORDER BY user_id") == [
        (1, "en"),
        (2, "ko"),
    ]


def test_the_terminal_chat_says_in_one_line_once_that_its_questions_cannot_be_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.sqlite3"
    warn = io.StringIO()
    recorder = StoreRecorder(path, warn)
    recorder("en", "faq", "ecny", "first")  # the database is open and ready
    with sqlite3.connect(path) as other:
        other.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'full'); END"
        )
    with caplog.at_level(logging.WARNING):
        for n in range(2 * EVENT_BATCH):
            recorder("en", "faq", "ecny", f"question {n}")
        recorder.close()
    assert warn.getvalue() == (
        f"payhelp: questions are not recorded: cannot use the database {path} (DATABASE_PATH): full\n"
    )
    assert [record.exc_info for record in caplog.records] == [None] * len(caplog.records)
