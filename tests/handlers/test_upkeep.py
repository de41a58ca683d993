"""The statistics job writes what is kept in memory, and a failed write costs nothing but a log line."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.storage import Store
from handlers.upkeep import flush_statistics


def _context(store: Store) -> SimpleNamespace:
    return SimpleNamespace(store=store)  # a job context: only .store is read


async def test_the_job_writes_statistics_kept_in_memory(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        await store.log_event(1, "ko", "faq", "ecny", "디지털 위안")
        await flush_statistics(_context(store))  # type: ignore[arg-type]
        with sqlite3.connect(tmp_path / "s.sqlite3") as db:
            assert db.execute("SELECT lang, topic FROM events").fetchall() == [("ko", "ecny")]
    finally:
        await store.close()


async def test_a_failed_write_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path / "s.sqlite3")
    try:
        await store.log_event(1, "en", "faq", "ecny", "e-CNY")
        with sqlite3.connect(tmp_path / "s.sqlite3") as db:
            db.execute("ALTER TABLE events RENAME TO gone")
        await flush_statistics(_context(store))  # type: ignore[arg-type]
        assert "could not write statistics" in caplog.text
    finally:
        with sqlite3.connect(tmp_path / "s.sqlite3") as db:
            db.execute("ALTER TABLE gone RENAME TO events")
        await store.close()
