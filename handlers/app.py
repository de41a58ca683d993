"""Wire the Telegram Application: settings, rate limiter and handlers. main() only wires."""

from __future__ import annotations

import logging

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.engine import Engine
from bot.settings import Settings
from handlers import messages

log = logging.getLogger(__name__)


def build_application(settings: Settings, engine: Engine, request: object | None = None) -> Application:
    """The real Application; tests pass a fake `request` (a telegram.request.BaseRequest)."""
    builder = ApplicationBuilder().token(settings.TELEGRAM_BOT_TOKEN).base_url(settings.TELEGRAM_BASE_URL)
    if settings.TELEGRAM_RATE_LIMIT > 0:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=settings.TELEGRAM_RATE_LIMIT, max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)  # type: ignore[arg-type]
    application = builder.build()
    application.bot_data["engine"] = engine
    application.bot_data["settings"] = settings
    messages.register(application)
    return application


def run_telegram(settings: Settings, engine: Engine) -> int:
    """Poll Telegram until stopped (webhook mode when TELEGRAM_WEBHOOK_URL is set)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs URLs, which contain the token
    application = build_application(settings, engine)
    if settings.TELEGRAM_WEBHOOK_URL:
        application.run_webhook(
            listen=settings.TELEGRAM_WEBHOOK_LISTEN,
            port=settings.TELEGRAM_WEBHOOK_PORT,
            webhook_url=settings.TELEGRAM_WEBHOOK_URL,
            secret_token=settings.TELEGRAM_WEBHOOK_SECRET or None,
        )
    else:
        application.run_polling()
    return 0
