"""Wire the Telegram Application: settings, rate limiter, storage and handlers. Only wiring here."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    ExtBot,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.callbacks import Complain, SkipDate, wants
from bot.contract import COMMANDS
from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers import buttons, commands, complaints, guard, messages, privacy, staff, upkeep
from handlers.context import CONTEXT_TYPES, BotData, Context, UserData
from handlers.errors import install_redaction, on_error
from handlers.retry import RetryingRequest

log = logging.getLogger(__name__)


# Handler groups, tried in this order for every update; within a group the first matching handler runs.
DEDUP, FLOOD, PREFS, DRAFT, ANSWER, UNKNOWN = -4, -3, -2, -1, 0, 1
App = Application[ExtBot[None], Context, UserData, dict[Any, Any], BotData, JobQueue[Context]]


def builder(
    settings: Settings, request: BaseRequest | None = None
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """How PayHelp's Application is built (request, retries, concurrency, rate limit, HTML by default);
    the benchmark's bare bots use it too."""
    built: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.TELEGRAM_BOT_TOKEN)
        .base_url(settings.TELEGRAM_BASE_URL)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(guard.PerChatProcessor(64))
        .request(RetryingRequest(request or HTTPXRequest(connection_pool_size=256)))
    )
    if settings.TELEGRAM_RATE_LIMIT > 0:
        built = built.rate_limiter(
            AIORateLimiter(overall_max_rate=settings.TELEGRAM_RATE_LIMIT, max_retries=3)
        )
    if request is not None:
        built = built.get_updates_request(request)
    return built


def build_application(
    settings: Settings, engine: Engine, request: BaseRequest | None = None
) -> App:
    """The real Application; tests and benchmarks pass a `FakeRequest` instead of the network."""
    install_redaction(settings.TELEGRAM_BOT_TOKEN)
    application: App = (
        builder(settings, request)
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    data = application.bot_data
    data.engine, data.settings, data.store = engine, settings, Store(settings.DATABASE_PATH)
    data.known_commands = frozenset(
        {*COMMANDS, "cancel"}
    )  # staff commands are unknown to non-staff
    add_handlers(application, settings)
    application.add_error_handler(on_error)
    return application


def add_handlers(application: App, settings: Settings) -> None:
    """Every handler, in the order an update meets them."""
    private, text = (
        filters.ChatType.PRIVATE,
        filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
    )
    is_staff = staff.staff_filter(settings.STAFF_USER_IDS, settings.STAFF_CHAT_ID)
    staff_users = filters.User(user_id=settings.STAFF_USER_IDS)
    add = application.add_handler
    add(TypeHandler(Update, guard.first_time_only), DEDUP)  # never answer an update twice
    add(TypeHandler(Update, guard.flood_limit), FLOOD)  # then the per-user flood limit
    add(TypeHandler(Update, guard.load_prefs), PREFS)  # then the user's saved choices, once
    add(
        MessageHandler(private & text, complaints.step), DRAFT
    )  # an open complaint takes typed text
    for name, callback in (
        ("stats", staff.stats_command),
        ("unanswered", staff.unanswered_command),
        ("reload", staff.reload_command),
        ("send", staff.send_command),
        ("close", staff.close_command),
    ):
        add(CommandHandler(name, callback, is_staff))
    if settings.STAFF_CHAT_ID is not None:
        add(
            MessageHandler(
                filters.Chat(chat_id=settings.STAFF_CHAT_ID) & is_staff & filters.REPLY & text,
                staff.staff_reply,
            )
        )
    add(CommandHandler("complain", complaints.begin, private))
    add(CallbackQueryHandler(complaints.begin, pattern=wants(Complain)))
    add(CallbackQueryHandler(complaints.skip_date, pattern=wants(SkipDate)))
    add(CommandHandler("cancel", complaints.cancel, private))
    add(CommandHandler("start", commands.start))
    add(CommandHandler("help", commands.help_command))
    add(CommandHandler("language", commands.language))
    add(CommandHandler("elder", commands.elder))
    add(CommandHandler("privacy", privacy.privacy))
    add(CommandHandler("forget", privacy.forget))
    add(
        MessageHandler(staff_users & private & text, messages.staff_text)
    )  # a visitor's question, for staff
    add(MessageHandler(text, messages.text))
    add(MessageHandler(filters.UpdateType.MESSAGE & private & filters.LOCATION, messages.location))
    add(
        MessageHandler(
            filters.UpdateType.MESSAGE & private & messages.UNREADABLE, messages.unreadable
        )
    )
    add(CallbackQueryHandler(buttons.callback))  # every other button, known or not, is answered
    add(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, messages.unknown_command),
        UNKNOWN,
    )


async def _post_init(application: App) -> None:
    upkeep.schedule(application)  # first, so a SIGHUP is handled as soon as the bot runs
    await commands.set_commands(application)


async def _post_shutdown(application: App) -> None:
    await application.bot_data.store.close()


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Where the webhook server listens and what Telegram is told: the same for run_webhook and start_webhook."""
    return {
        "listen": settings.TELEGRAM_WEBHOOK_LISTEN,
        "port": settings.TELEGRAM_WEBHOOK_PORT,
        "url_path": urlparse(settings.TELEGRAM_WEBHOOK_URL).path.lstrip("/"),
        "webhook_url": settings.TELEGRAM_WEBHOOK_URL,
        "secret_token": settings.TELEGRAM_WEBHOOK_SECRET or None,
    }


def run_telegram(settings: Settings, engine: Engine) -> int:
    """Poll Telegram until stopped, or serve a webhook when TELEGRAM_WEBHOOK_URL is set.

    Telegram unreachable (as on mainland networks) or a rejected token is one line on stderr, exit code 1.
    """
    logging.getLogger("httpx").setLevel(
        logging.WARNING
    )  # httpx logs request URLs, which hold the token
    install_redaction(settings.TELEGRAM_BOT_TOKEN)
    problem = asyncio.run(reachable(settings))
    if problem is not None:
        sys.stderr.write(f"payhelp: {problem}\n")
        return 1
    application = build_application(settings, engine)
    if settings.TELEGRAM_WEBHOOK_URL:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling()
    return 0


async def reachable(settings: Settings, request: BaseRequest | None = None) -> str | None:
    """One getMe before starting: None when Telegram answers, else the one line to print.

    python-telegram-bot would log its start-up failure as a long traceback; a user needs to know
    that Telegram is blocked on mainland networks and what to do instead.
    """
    bot = Bot(
        settings.TELEGRAM_BOT_TOKEN,
        base_url=settings.TELEGRAM_BASE_URL,
        request=request or HTTPXRequest(),
    )
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
