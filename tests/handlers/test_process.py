"""The real `python -m bot run` process against a loopback stand-in of the Bot API."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from handlers.fake_api import LoopbackBotAPI
from handlers.web.server import free_port
from tests.helpers import run_process
from tests.process_helpers import start, stop, wait_for
from tests.telegram_helpers import TOKEN, message


def test_polling_bot_answers_as_telegram_would_see_it(tmp_path: Path) -> None:
    with LoopbackBotAPI() as api:
        api.api.updates += [
            message("/start", lang="ko"),
            message("where can I exchange money", lang="en"),
        ]
        process = start(api, tmp_path)
        try:
            sent = wait_for(api, "sendMessage", 3)
        finally:
            err = stop(process)
    assert [c.params["chat_id"] for c in sent[:3]] == ["7", "7", "7"]
    assert "passport" in sent[2].params["text"].lower()
    assert len(api.api.sent("setMyCommands")) == 6
    assert TOKEN not in err and TOKEN.split(":")[1] not in err


def _post(url: str, body: dict, secret: str | None) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_webhook_mode_checks_the_secret(tmp_path: Path) -> None:
    port = free_port()
    with LoopbackBotAPI() as api:
        process = start(
            api,
            tmp_path,
            TELEGRAM_WEBHOOK_URL="https://payhelp.invalid/hook",
            TELEGRAM_WEBHOOK_SECRET="s3cret-token",
            TELEGRAM_WEBHOOK_PORT=str(port),
        )
        try:
            registered = wait_for(api, "setWebhook", 1)
            deadline = time.monotonic() + 30
            status = 0
            while time.monotonic() < deadline:
                try:
                    status = _post(f"http://127.0.0.1:{port}/hook", message("hello"), "wrong")
                    break
                except OSError:
                    time.sleep(0.2)
            assert status == 403
            assert (
                _post(f"http://127.0.0.1:{port}/hook", message("hello", lang="ja"), "s3cret-token")
                == 200
            )
            sent = wait_for(api, "sendMessage", 1)
        finally:
            err = stop(process)
    assert registered[0].params["secret_token"] == "s3cret-token"
    assert registered[0].params["url"] == "https://payhelp.invalid/hook"
    assert sent[0].params["chat_id"] == "7"
    assert TOKEN not in err


def _language_prompt_after_edit(
    tmp_path: Path, kb_copy: Path, old: str, new: str, watch: str, sighup: bool, expected: str
) -> str:
    """Start the bot, edit the language prompt in ui.yaml, let it reload (SIGHUP or the watch) and ask
    /language until the prompt is `expected` (at most 20 s); the last prompt it sent."""
    import signal

    ui = kb_copy / "ui.yaml"
    with LoopbackBotAPI() as api:
        process = start(api, tmp_path, KNOWLEDGE_DIR=str(kb_copy), KNOWLEDGE_WATCH_SECONDS=watch)
        try:
            wait_for(api, "deleteWebhook", 1)
            time.sleep(
                0.3
            )  # an edit in the same instant as the watch's first look has an mtime it saw
            ui.write_text(ui.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
            if sighup:
                process.send_signal(signal.SIGHUP)
            deadline, asked = time.monotonic() + 20, 0
            while True:
                api.api.updates.append(message("/language", lang="en"))
                asked += 1
                prompt = wait_for(api, "sendMessage", asked)[-1].params["text"]
                if prompt == expected or time.monotonic() > deadline:
                    return str(prompt)
                time.sleep(0.2)
        finally:
            stop(process)


def test_sighup_reloads_edited_knowledge(tmp_path: Path, kb_copy: Path) -> None:
    edited = "Pick a language, please"
    old, new = '  en: "Choose your language"', f"  en: {edited}"
    prompt = _language_prompt_after_edit(tmp_path, kb_copy, old, new, "0", True, edited)
    assert prompt == edited


def test_the_watch_reloads_edited_knowledge(tmp_path: Path, kb_copy: Path) -> None:
    edited = "Which language?"
    old, new = '  en: "Choose your language"', f"  en: {edited}"
    prompt = _language_prompt_after_edit(tmp_path, kb_copy, old, new, "0.5", False, edited)
    assert prompt == edited


def test_telegram_unreachable_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}/bot"
    result = run_process(
        "run",
        env={
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": base,
            "DATABASE_PATH": str(tmp_path / "db"),
            "WEB_PORT": "0",
        },
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"payhelp: cannot reach Telegram at {base} (TELEGRAM_BASE_URL): httpx.ConnectError: All connection attempts failed. "
        "Telegram is blocked on mainland China networks: use the web channel, or point TELEGRAM_BASE_URL at a self-hosted Bot API server\n"
    )


def test_a_token_telegram_rejects_is_one_line(tmp_path: Path) -> None:
    with LoopbackBotAPI() as api:
        api.api.fault = lambda method, params: (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
        result = run_process(
            "run",
            env={
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "DATABASE_PATH": str(tmp_path / "db"),
                "WEB_PORT": "0",
            },
            timeout=60,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "payhelp: Telegram rejected TELEGRAM_BOT_TOKEN; get a new token from @BotFather\n",
    )
