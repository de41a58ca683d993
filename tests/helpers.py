"""Helpers shared by tests: run the CLI in-process or as a real process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


class FakeStdin(io.StringIO):
    """A stdin that says whether it is a terminal."""

    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def run_cli(*args: str, stdin: str = "", tty: bool = False) -> tuple[int, str]:
    """Run `python -m bot ARGS` in this process; (exit code, stdout)."""
    out = io.StringIO()
    code = main(list(args), stdin=FakeStdin(stdin, tty), stdout=out)
    return code, out.getvalue()


def run_process(
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` as a real process, as a user would."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "TELEGRAM_",
                "STAFF_",
                "KNOWLEDGE_DIR",
                "DEFAULT_LANGUAGE",
                "LOG_LEVEL",
                "DATABASE_PATH",
                "WEB_",
            )
        )
    }
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
