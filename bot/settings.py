"""Every setting PayHelp reads, from the environment and `.env` (one place, like httpx)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Literal

from dotenv import dotenv_values
from pydantic import Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.contract import Lang

BUNDLED_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


class SettingsError(Exception):
    """A setting has a bad value; the message is one line naming it."""


class Settings(BaseSettings):
    """PayHelp's settings; field names are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    TELEGRAM_BOT_TOKEN: str = ""
    TELEGRAM_BASE_URL: str = "https://api.telegram.org/bot"
    TELEGRAM_RATE_LIMIT: float = Field(default=30.0, ge=0)
    TELEGRAM_WEBHOOK_URL: str = ""
    TELEGRAM_WEBHOOK_SECRET: str = ""
    TELEGRAM_WEBHOOK_LISTEN: str = "127.0.0.1"
    TELEGRAM_WEBHOOK_PORT: int = Field(default=8443, ge=1, le=65535)
    KNOWLEDGE_DIR: Path = BUNDLED_KNOWLEDGE
    DATABASE_PATH: Path = Path("payhelp.sqlite3")
    STAFF_CHAT_ID: int | None = None
    STAFF_USER_IDS: Annotated[tuple[int, ...], NoDecode] = ()
    USER_MESSAGES_PER_MINUTE: int = Field(default=20, ge=0)
    DATA_RETENTION_DAYS: int = Field(default=90, ge=1)
    KNOWLEDGE_WATCH_SECONDS: float = Field(default=10.0, ge=0)
    DEFAULT_LANGUAGE: Lang = "en"
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    SEMANTIC_EVIDENCE: bool = True
    VECTOR_CACHE_PATH: Path = Path(".payhelp-cache/vectors.sqlite3")
    WEB_HOST: str = "127.0.0.1"
    WEB_PORT: int = Field(default=8080, ge=0, le=65535)
    WEB_PUBLIC_URL: str = ""
    WEB_ALLOWED_ORIGINS: Annotated[tuple[str, ...], NoDecode] = ()
    WEB_REQUESTS_PER_MINUTE: int = Field(default=60, ge=0)
    STAFF_SESSION_SECRET: str = ""
    STAFF_SESSION_HOURS: float = Field(default=12.0, gt=0)

    @field_validator("STAFF_USER_IDS", "WEB_ALLOWED_ORIGINS", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1, 2,3" as well as a list."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("STAFF_CHAT_ID", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """An empty STAFF_CHAT_ID= line means no help-desk group."""
        return None if value == "" else value

    @field_validator("LOG_LEVEL", "DEFAULT_LANGUAGE", mode="before")
    @classmethod
    def _normalise_case(cls, value: object) -> object:
        """LOG_LEVEL=info and DEFAULT_LANGUAGE=EN are meant kindly; accept them."""
        if isinstance(value, str):
            return (
                value.upper()
                if value.lower() in {"debug", "info", "warning", "error", "critical"}
                else value.lower()
            )
        return value

    @field_validator("TELEGRAM_BOT_TOKEN")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        """A BotFather token looks like 123456:ABC-def; catch pasting mistakes early."""
        if value and not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", value.strip()):
            raise ValueError("must look like 123456789:AA... (the token from @BotFather)")
        return value.strip()

    @field_validator("TELEGRAM_WEBHOOK_SECRET")
    @classmethod
    def _secret_shape(cls, value: str) -> str:
        """Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -."""
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("may only contain letters, digits, _ and - (at most 256)")
        return value

    @field_validator("TELEGRAM_BASE_URL")
    @classmethod
    def _http_url(cls, value: str) -> str:
        """A Bot API base must be an http(s) URL."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("WEB_PUBLIC_URL")
    @classmethod
    def _public_url(cls, value: str) -> str:
        """The address a QR code opens: an http(s) URL, or empty for http://WEB_HOST:WEB_PORT/."""
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("WEB_ALLOWED_ORIGINS")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Each origin is scheme://host[:port], as browsers send it."""
        for origin in value:
            if not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"each origin must look like https://example.org (got {origin!r})")
        return value

    @property
    def web_url(self) -> str:
        """Where people open the chat: WEB_PUBLIC_URL, else this machine's address."""
        if self.WEB_PUBLIC_URL:
            return self.WEB_PUBLIC_URL
        host = "127.0.0.1" if self.WEB_HOST in ("0.0.0.0", "::", "") else self.WEB_HOST
        return f"http://{host}:{self.WEB_PORT}/"


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read the settings; a bad value raises SettingsError with one line naming it."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"][:1]) or "settings"
        raise SettingsError(f"setting {name}: {_plain(error)}") from None


def unknown_names(env_file: str | Path = ".env") -> list[str]:
    """One warning for each name in `env_file` that is no setting (a typo is otherwise silently ignored)."""
    path = Path(env_file)
    if not path.is_file():
        return []
    warnings = []
    for name in dotenv_values(path):
        if name not in Settings.model_fields:
            close = difflib.get_close_matches(
                name.upper(), list(Settings.model_fields), n=1, cutoff=0.6
            )
            hint = f"did you mean {close[0]}?" if close else "see .env.example for the settings"
            warnings.append(f"{path}: {name} is not a setting; {hint}")
    return warnings


def _plain(error: ErrorDetails) -> str:
    """Turn a pydantic error into what is allowed, in plain words."""
    message = str(error.get("msg", "invalid value"))
    if error.get("type") == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"must be one of {expected}"
    value = error.get("input")
    if isinstance(value, str) and not any(
        secret in str(error.get("loc", "")) for secret in ("TOKEN", "SECRET")
    ):
        return f"{message} (got {value!r})"
    return message
