"""Background upkeep: reload edited knowledge (also on SIGHUP), write and purge statistics."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.crosscheck import Problem
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


async def reload_knowledge(application: App) -> list[Problem]:
    """Reload in a thread; on errors keep the old knowledge, log, and tell the staff group."""
    data = application.bot_data
    errors = await asyncio.to_thread(data.engine.reload)
    data.knowledge_signature = signature(data.engine.root)
    staff = data.settings.STAFF_CHAT_ID
    if not errors:
        heap.resettle()
    if errors:
        log.error(
            "knowledge has %d error(s); still answering from the last good version: %s",
            len(errors),
            "; ".join(map(str, errors[:5])),
        )
        if staff is not None:
            text = f"⚠️ 知识库有 {len(errors)} 处错误，继续使用上一个正确版本：\n" + "\n".join(
                str(e) for e in errors[:15]
            )
            try:
                await application.bot.send_message(chat_id=staff, text=clip(text))
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
