"""Wire the Telegram Application: settings, rate limiter, storage and handlers. Only wiring here."""

from __future__ import annotations

import asyncio
import logging
import sys
from urllib.parse import urlparse

from telegram import Bot
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot.contract import COMMANDS
from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers import buttons, commands, complaints, guard, messages, privacy, staff, upkeep
from handlers.errors import install_redaction, on_error
from handlers.retry import RetryingRequest

log = logging.getLogger(__name__)


def builder(settings: Settings, request: BaseRequest | None = None) -> ApplicationBuilder:
    """How PayHelp's Application is built (request, retries, concurrency, rate limit); the benchmark's bare bots use it too."""
    built = (
        ApplicationBuilder()
        .token(settings.TELEGRAM_BOT_TOKEN)
        .base_url(settings.TELEGRAM_BASE_URL)
        .concurrent_updates(guard.PerChatProcessor(64))
        .request(RetryingRequest(request or HTTPXRequest(connection_pool_size=256)))
    )
    if settings.TELEGRAM_RATE_LIMIT > 0:
        built = built.rate_limiter(AIORateLimiter(overall_max_rate=settings.TELEGRAM_RATE_LIMIT, max_retries=3))
    if request is not None:
        built = built.get_updates_request(request)
    return built


def build_application(settings: Settings, engine: Engine, request: BaseRequest | None = None) -> Application:
    """The real Application; tests and benchmarks pass a `FakeRequest` instead of the network."""
    install_redaction(settings.TELEGRAM_BOT_TOKEN)
    application = builder(settings, request).post_init(_post_init).post_shutdown(_post_shutdown).build()
    known = {*COMMANDS, "cancel"}  # staff commands are unknown to non-staff
    application.bot_data.update(engine=engine, settings=settings, store=Store(settings.DATABASE_PATH), known_commands=known)
    guard.register(application)
    staff.register(application, settings.STAFF_USER_IDS, settings.STAFF_CHAT_ID)
    complaints.register(application)
    commands.register(application)
    privacy.register(application)
    messages.register(application)
    buttons.register(application)
    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application) -> None:
    upkeep.schedule(application)  # first, so a SIGHUP is handled as soon as the bot runs
    await commands.set_commands(application)


async def _post_shutdown(application: Application) -> None:
    await application.bot_data["store"].close()


def run_telegram(settings: Settings, engine: Engine) -> int:
    """Poll Telegram until stopped, or serve a webhook when TELEGRAM_WEBHOOK_URL is set.

    Telegram unreachable (as on mainland networks) or a rejected token is one line on stderr, exit code 1.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs request URLs, which hold the token
    install_redaction(settings.TELEGRAM_BOT_TOKEN)
    problem = asyncio.run(reachable(settings))
    if problem is not None:
        sys.stderr.write(f"payhelp: {problem}\n")
        return 1
    application = build_application(settings, engine)
    if settings.TELEGRAM_WEBHOOK_URL:
        application.run_webhook(
            listen=settings.TELEGRAM_WEBHOOK_LISTEN, port=settings.TELEGRAM_WEBHOOK_PORT,
            url_path=urlparse(settings.TELEGRAM_WEBHOOK_URL).path.lstrip("/"),
            webhook_url=settings.TELEGRAM_WEBHOOK_URL, secret_token=settings.TELEGRAM_WEBHOOK_SECRET or None,
        )
    else:
        application.run_polling()
    return 0


async def reachable(settings: Settings, request: BaseRequest | None = None) -> str | None:
    """One getMe before starting: None when Telegram answers, else the one line to print.

    python-telegram-bot would log its start-up failure as a long traceback; a user needs to know
    that Telegram is blocked on mainland networks and what to do instead.
    """
    bot = Bot(settings.TELEGRAM_BOT_TOKEN, base_url=settings.TELEGRAM_BASE_URL, request=request or HTTPXRequest())
    try:
        async with bot:
            return None
    except InvalidToken:
        return "Telegram rejected TELEGRAM_BOT_TOKEN; get a new token from @BotFather"
    except NetworkError as exc:
        return (
            f"cannot reach Telegram at {settings.TELEGRAM_BASE_URL} (TELEGRAM_BASE_URL): {exc}. Telegram is blocked "
            "on mainland China networks: use the web channel, or point TELEGRAM_BASE_URL at a self-hosted Bot API server"
        )
