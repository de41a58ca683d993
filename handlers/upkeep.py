"""Background upkeep: reload edited knowledge (also on SIGHUP), write and purge statistics."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.contract import STAFF_LANG
from bot.crosscheck import Problem
from bot.engine import Engine
from handlers import heap
from handlers.context import BotData, Context
from handlers.render import clip

App = Application[Any, Any, Any, Any, BotData, Any]

log = logging.getLogger(__name__)
STATISTICS_FLUSH_SECONDS = 30


def signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when an editor saves a knowledge file."""
    try:
        return tuple(
            sorted(
                (str(p), p.stat().st_mtime_ns, p.stat().st_size)
                for p in root.rglob("*")
                if p.is_file()
            )
        )
    except OSError:
        return ()


async def swap_knowledge(engine: Engine) -> list[Problem]:
    """Reload in a thread (the bot keeps answering). On errors the old knowledge stays and they are logged;
    on success the heap is settled for the new snapshot (a server's, handlers/heap.py)."""
    errors = await asyncio.to_thread(engine.reload)
    if errors:
        log.error(
            "knowledge has %d error(s); still answering from the last good version: %s",
            len(errors),
            "; ".join(map(str, errors[:5])),
        )
    else:
        heap.resettle()
    return errors


def reload_report(engine: Engine, errors: list[Problem]) -> str:
    """What staff read after a reload: the errors (the old knowledge stays), or what the new one holds."""
    kb = engine.responder.kb  # after an error, still the last good snapshot
    if errors:
        shown = "\n".join(str(e) for e in errors[:15])
        return kb.text("staff.reload_failed", STAFF_LANG, count=len(errors), errors=shown)
    return kb.text("staff.reloaded", STAFF_LANG, topics=len(kb.topics), places=len(kb.places))


async def reload_knowledge(application: App) -> list[Problem]:
    """A reload nobody typed (the watch, SIGHUP): on errors the staff group is told too."""
    data = application.bot_data
    errors = await swap_knowledge(data.engine)
    data.knowledge_signature = signature(data.engine.root)
    staff = data.settings.STAFF_CHAT_ID
    if errors and staff is not None:
        try:
            text = clip(reload_report(data.engine, errors))
            await application.bot.send_message(chat_id=staff, text=text)
        except Exception:
            log.exception("could not tell the staff group about the knowledge errors")
    return errors


async def watch_knowledge(context: Context) -> None:
    """Job: reload when any file under knowledge/ changed."""
    current = await asyncio.to_thread(signature, context.engine.root)
    if current != context.bot_data.knowledge_signature:
        await reload_knowledge(context.application)


async def purge(context: Context) -> None:
    """Job: delete statistics and feedback older than DATA_RETENTION_DAYS."""
    gone = await context.store.purge(context.settings.DATA_RETENTION_DAYS)
    log.info("purged %d old rows", gone)


async def flush_statistics(context: Context) -> None:
    """Job: write statistics kept in memory, so a quiet bot's /stats and reports stay current."""
    try:
        await context.store.flush()
    except Exception:
        log.exception("could not write statistics; kept for the next try")


def schedule(application: App) -> None:
    """Start the jobs and the SIGHUP handler (called from post_init)."""
    settings = application.bot_data.settings
    application.bot_data.knowledge_signature = signature(application.bot_data.engine.root)
    if application.job_queue is not None:
        application.job_queue.run_repeating(purge, interval=86_400, first=1)
        application.job_queue.run_repeating(
            flush_statistics, interval=STATISTICS_FLUSH_SECONDS, first=STATISTICS_FLUSH_SECONDS
        )
        if settings.KNOWLEDGE_WATCH_SECONDS > 0:
            application.job_queue.run_repeating(
                watch_knowledge,
                interval=settings.KNOWLEDGE_WATCH_SECONDS,
                first=settings.KNOWLEDGE_WATCH_SECONDS,
            )
    try:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(
            signal.SIGHUP, lambda: asyncio.ensure_future(reload_knowledge(application))
        )
    except (NotImplementedError, RuntimeError, AttributeError):  # no SIGHUP on this platform
        log.info("SIGHUP reload is not available here")
