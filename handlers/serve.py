"""`python -m bot run`: every channel in one process and one event loop.

The web chat (uvicorn serving handlers.web) whenever WEB_PORT is not 0, and Telegram when a token
is set; both share the engine and the store, and the Telegram staff group is the web's help desk.
The two channels never import each other: only this module knows both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time
from typing import IO

from bot.casework import Courier, Desk
from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers import heap
from handlers.app import App, build_application, reachable, webhook_options
from handlers.errors import install_redaction
from handlers.reply import TelegramCourier, TelegramDesk
from handlers.upkeep import signature, swap_knowledge
from handlers.web import server as web_server
from handlers.web.app import build_app

log = logging.getLogger(__name__)
UPKEEP_SECONDS = (
    30.0  # how often the web alone writes statistics (and at most between knowledge checks)
)


def serve(settings: Settings, engine: Engine, out: IO[str] = sys.stdout) -> int:
    """Run until Ctrl-C or SIGTERM; an unreachable Telegram is one line, and the web goes on without it."""
    telegram = bool(settings.TELEGRAM_BOT_TOKEN)
    if telegram:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs hold the token
        install_redaction(settings.TELEGRAM_BOT_TOKEN)
        problem = asyncio.run(reachable(settings))
        if problem is not None:
            sys.stderr.write(f"payhelp: {problem}\n")
            if settings.WEB_PORT == 0:
                return 1
            telegram = False
    try:
        asyncio.run(_serve(settings, engine, telegram, out))
    except OSError as exc:  # the port is taken, or the address is not this machine's
        sys.stderr.write(
            f"payhelp: cannot serve the web chat on {settings.WEB_HOST}:{settings.WEB_PORT} (WEB_HOST, WEB_PORT): {exc.strerror or exc}\n"
        )
        return 1
    return 0


async def _serve(settings: Settings, engine: Engine, telegram: bool, out: IO[str]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    application: App | None = None
    desk: Desk | None = None
    courier: Courier | None = None
    if telegram:
        application = build_application(settings, engine)
        store = application.bot_data.store
        courier = TelegramCourier(application.bot)
        if settings.STAFF_CHAT_ID is not None:
            desk = TelegramDesk(application.bot, store, settings.STAFF_CHAT_ID)
    else:
        store = Store(settings.DATABASE_PATH)
    upkeep = (
        None if application is not None else asyncio.create_task(_upkeep(settings, engine, store))
    )
    server: web_server.Server | None = None
    task: asyncio.Task[None] | None = None
    try:
        if application is not None:
            await _start_telegram(application, settings)
        if settings.WEB_PORT:
            server, task = await web_server.start(
                build_app(settings, engine, store, desk, courier),
                settings.WEB_HOST,
                settings.WEB_PORT,
            )
            out.write(
                f"PayHelp web chat: open {settings.web_url} (API docs at {settings.web_url.rstrip('/')}/docs); Ctrl-C stops\n"
            )
            out.flush()
        heap.settle()
        await stop.wait()
    finally:
        if upkeep is not None:
            upkeep.cancel()
        if server is not None and task is not None:
            await web_server.stop(server, task)
        if application is not None:
            await _stop_telegram(application)
        else:
            await store.close()


async def _start_telegram(app: App, settings: Settings) -> None:
    """Start python-telegram-bot's Application inside this loop (what run_polling does, without owning the loop)."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    updater = app.updater
    assert updater is not None
    if settings.TELEGRAM_WEBHOOK_URL:
        await updater.start_webhook(**webhook_options(settings))
    else:
        await updater.start_polling()
    await app.start()
    log.info("Telegram is running beside the web chat")


async def _stop_telegram(app: App) -> None:
    """Stop polling, the Application and its store."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
    await app.shutdown()


async def _upkeep(settings: Settings, engine: Engine, store: Store) -> None:
    """The web alone has no Telegram job queue: reload edited knowledge, write statistics, purge old rows."""
    seen = await asyncio.to_thread(signature, engine.root)
    purged = 0.0
    while True:
        await asyncio.sleep(min(settings.KNOWLEDGE_WATCH_SECONDS or UPKEEP_SECONDS, UPKEEP_SECONDS))
        try:
            await store.flush()
            if settings.KNOWLEDGE_WATCH_SECONDS:
                current = await asyncio.to_thread(signature, engine.root)
                if current != seen:
                    seen = current
                    await swap_knowledge(engine)
            if time.monotonic() - purged > 86_400:
                purged = time.monotonic()
                await store.purge(settings.DATA_RETENTION_DAYS)
        except Exception:
            log.exception("web upkeep failed; trying again later")
