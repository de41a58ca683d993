"""Background upkeep: reload edited knowledge (also on SIGHUP), write and purge statistics."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes

from bot.engine import Engine
from handlers.render import escape

log = logging.getLogger(__name__)
STATISTICS_FLUSH_SECONDS = 30


def signature(root: Path) -> tuple:
    """What changes when an editor saves a knowledge file."""
    try:
        return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()))
    except OSError:
        return ()


async def reload_knowledge(application: Application) -> list:
    """Reload; on errors keep the old knowledge, log, and tell the staff group."""
    engine: Engine = application.bot_data["engine"]
    errors = await asyncio.to_thread(engine.reload)
    application.bot_data["knowledge_signature"] = signature(engine.root)
    staff = application.bot_data["settings"].STAFF_CHAT_ID
    if errors:
        log.error("knowledge has %d error(s); still answering from the last good version: %s", len(errors), "; ".join(map(str, errors[:5])))
        if staff is not None:
            text = f"⚠️ 知识库有 {len(errors)} 处错误，继续使用上一个正确版本：\n" + "\n".join(str(e) for e in errors[:15])
            try:
                await application.bot.send_message(chat_id=staff, text=escape(text)[:4096], parse_mode=ParseMode.HTML)
            except Exception:
                log.exception("could not tell the staff group about the knowledge errors")
    return errors


async def watch_knowledge(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: reload when any file under knowledge/ changed."""
    application = context.application
    root = application.bot_data["engine"].root
    current = await asyncio.to_thread(signature, root)
    if current != application.bot_data.get("knowledge_signature"):
        await reload_knowledge(application)


async def purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: delete statistics and feedback older than DATA_RETENTION_DAYS."""
    application = context.application
    gone = await application.bot_data["store"].purge(application.bot_data["settings"].DATA_RETENTION_DAYS)
    log.info("purged %d old rows", gone)


async def flush_statistics(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: write statistics kept in memory, so a quiet bot's /stats and reports stay current."""
    try:
        await context.application.bot_data["store"].flush()
    except Exception:
        log.exception("could not write statistics; kept for the next try")


def schedule(application: Application) -> None:
    """Start the jobs and the SIGHUP handler (called from post_init)."""
    settings = application.bot_data["settings"]
    application.bot_data["knowledge_signature"] = signature(application.bot_data["engine"].root)
    if application.job_queue is not None:
        application.job_queue.run_repeating(purge, interval=86_400, first=1)
        application.job_queue.run_repeating(flush_statistics, interval=STATISTICS_FLUSH_SECONDS, first=STATISTICS_FLUSH_SECONDS)
        if settings.KNOWLEDGE_WATCH_SECONDS > 0:
            application.job_queue.run_repeating(watch_knowledge, interval=settings.KNOWLEDGE_WATCH_SECONDS, first=settings.KNOWLEDGE_WATCH_SECONDS)
    try:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload_knowledge(application)))
    except (NotImplementedError, RuntimeError, AttributeError):  # no SIGHUP on this platform
        log.info("SIGHUP reload is not available here")
