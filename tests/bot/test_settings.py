"""Settings: defaults, .env, and one clear line for each bad value."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import BUNDLED_KNOWLEDGE, Settings, SettingsError, load_settings
from tests.helpers import run_cli, run_process


def test_defaults_need_nothing() -> None:
    settings = load_settings(None)
    assert (
        settings.TELEGRAM_BOT_TOKEN,
        settings.TELEGRAM_RATE_LIMIT,
        settings.KNOWLEDGE_DIR,
        settings.DEFAULT_LANGUAGE,
    ) == ("", 30.0, BUNDLED_KNOWLEDGE, "en")


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "DEFAULT_LANGUAGE=ko\nSTAFF_USER_IDS=1, 2,3\nSTAFF_CHAT_ID=-100123\nTELEGRAM_RATE_LIMIT=0\n"
    )
    settings = load_settings(env)
    assert (
        settings.DEFAULT_LANGUAGE,
        settings.STAFF_USER_IDS,
        settings.STAFF_CHAT_ID,
        settings.TELEGRAM_RATE_LIMIT,
    ) == ("ko", (1, 2, 3), -100123, 0.0)


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "RU")
    settings = load_settings(None)
    assert (settings.LOG_LEVEL, settings.DEFAULT_LANGUAGE) == ("DEBUG", "ru")


BAD_VALUES = [
    (
        "TELEGRAM_BOT_TOKEN",
        "not-a-token",
        "setting TELEGRAM_BOT_TOKEN: Value error, must look like 123456789:AA... (the token from @BotFather)",
    ),
    (
        "TELEGRAM_BASE_URL",
        "api.telegram.org",
        "setting TELEGRAM_BASE_URL: Value error, must start with http:// or https:// (got 'api.telegram.org')",
    ),
    (
        "TELEGRAM_RATE_LIMIT",
        "-1",
        "setting TELEGRAM_RATE_LIMIT: Input should be greater than or equal to 0 (got '-1')",
    ),
    (
        "TELEGRAM_RATE_LIMIT",
        "fast",
        "setting TELEGRAM_RATE_LIMIT: Input should be a valid number, unable to parse string as a number (got 'fast')",
    ),
    (
        "TELEGRAM_WEBHOOK_PORT",
        "70000",
        "setting TELEGRAM_WEBHOOK_PORT: Input should be less than or equal to 65535 (got '70000')",
    ),
    (
        "TELEGRAM_WEBHOOK_SECRET",
        "has space",
        "setting TELEGRAM_WEBHOOK_SECRET: Value error, may only contain letters, digits, _ and - (at most 256)",
    ),
    (
        "STAFF_CHAT_ID",
        "group",
        "setting STAFF_CHAT_ID: Input should be a valid integer, unable to parse string as an integer (got 'group')",
    ),
    (
        "STAFF_USER_IDS",
        "12,abc",
        "setting STAFF_USER_IDS: Input should be a valid integer, unable to parse string as an integer (got 'abc')",
    ),
    (
        "DEFAULT_LANGUAGE",
        "de",
        "setting DEFAULT_LANGUAGE: must be one of 'zh', 'en', 'ko', 'ru' or 'ja' (got 'de')",
    ),
    (
        "LOG_LEVEL",
        "LOUD",
        "setting LOG_LEVEL: must be one of 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL' (got 'loud')",
    ),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), BAD_VALUES, ids=[f"{n}={v}" for n, v, _ in BAD_VALUES]
)
def test_bad_value_is_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(None)
    assert str(caught.value) == message


def test_bad_setting_stops_the_program_without_traceback() -> None:
    result = run_process("ask", "hello", env={"DEFAULT_LANGUAGE": "klingon"})
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "payhelp: setting DEFAULT_LANGUAGE: must be one of 'zh', 'en', 'ko', 'ru' or 'ja' (got 'klingon')\n",
    )


def test_token_value_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    with pytest.raises(SettingsError) as caught:
        load_settings(None)
    assert "secret" not in str(caught.value)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError, match="frozen"):
        settings.LOG_LEVEL = "DEBUG"  # type: ignore[misc]


def test_a_misspelt_name_in_env_is_warned_about_with_the_closest_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKN=123456789:AAtest-token-for-offline-tests-only\nDEFAULT_LANGUAGE=ko\nFAVOURITE_COLOUR=blue\n"
    )
    code, out = run_cli("ask", "hello")
    assert (code, capsys.readouterr().err) == (
        0,
        (
            "payhelp: warning: .env: TELEGRAM_BOT_TOKN is not a setting; did you mean TELEGRAM_BOT_TOKEN?\n"
            "payhelp: warning: .env: FAVOURITE_COLOUR is not a setting; see .env.example for the settings\n"
        ),
    )
