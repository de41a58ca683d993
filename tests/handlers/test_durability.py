"""kill -9 right after the user is told a complaint is saved loses nothing; a restart answers no update twice."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

from handlers.fake_api import LoopbackBotAPI
from tests.process_helpers import start, stop, wait_for
from tests.telegram_helpers import callback, message


def test_complaint_survives_kill_minus_nine_and_nothing_is_answered_twice(tmp_path: Path) -> None:
    with LoopbackBotAPI() as api:
        api.api.updates += [
            message("/complain", user_id=77),
            message("Market stall at the night market", user_id=77),
            message("Refused my 100 yuan note", user_id=77),
            callback("cs", user_id=77),
        ]
        process = start(api, tmp_path)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                "C-000001" in c.params.get("text", "") for c in api.api.sent("sendMessage")
            ):
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            rows = db.execute("SELECT id, place, what FROM complaints").fetchall()
        assert rows == [(1, "Market stall at the night market", "Refused my 100 yuan note")]
        answered_before = len(api.api.sent("sendMessage"))
        # Telegram redelivers everything it was not told was handled; the restarted bot must skip it all.
        restarted = start(api, tmp_path)
        try:
            wait_for(api, "setMyCommands", 12)
            api.api.updates.append(message("hello", user_id=78))
            wait_for(api, "sendMessage", answered_before + 1)
            time.sleep(1.0)
        finally:
            stop(restarted)
        assert len(api.api.sent("sendMessage")) == answered_before + 1
