"""The real `python -m bot run` process for tests: started against a loopback Bot API, waited on, stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from handlers.fake_api import LoopbackBotAPI
from tests.helpers import ROOT
from tests.telegram_helpers import TOKEN


def start(api: LoopbackBotAPI, tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "STAFF_"))}
    full.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        LOG_LEVEL="DEBUG",
        TELEGRAM_RATE_LIMIT="0",
        WEB_PORT="0",  # Telegram alone: these tests are about its process
        **env,
    )
    # stderr goes to a file: a pipe nobody reads fills up and blocks the bot's DEBUG logging
    log = open(tmp_path / f"bot-{time.monotonic_ns()}.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    process.log = log  # type: ignore[attr-defined]
    return process


def wait_for(api: LoopbackBotAPI, method: str, count: int, seconds: float = 60) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = api.api.sent(method)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"only {len(api.api.sent(method))} {method} calls: {api.api.calls}")


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the bot and return what it logged."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log = process.log  # type: ignore[attr-defined]
    log.seek(0)
    text = log.read()
    log.close()
    return text
