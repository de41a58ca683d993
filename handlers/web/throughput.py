"""Requests per second and latency of the web API (`bench`): uvicorn on a loopback port, an httpx
client in another process sending questions from knowledge/tests, as visitors' phones would."""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bot.bench import percentile
from bot.engine import Engine
from bot.evaluation import load_cases
from bot.settings import BUNDLED_KNOWLEDGE, Settings
from bot.storage import Store
from handlers.web import server as web_server
from handlers.web.app import build_app
from handlers.web.server import free_port

CONCURRENCY = 8  # requests in flight, as several visitors at once


async def _load(port: int, texts: list[str], n: int) -> tuple[float, list[float]]:
    """The client: `n` questions, CONCURRENCY in flight; (seconds, latencies in ms)."""
    samples: list[float] = []
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
        for text in texts[:50]:  # warm up
            await client.post("/api/v1/ask", json={"text": text, "lang": "en"})
        queue = iter(range(n))

        async def worker() -> None:
            for i in queue:
                body = {"text": texts[i % len(texts)], "lang": "en"}
                start = time.perf_counter()
                reply = await client.post("/api/v1/ask", json=body)
                samples.append((time.perf_counter() - start) * 1000)
                reply.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - start, samples


def _client_process(port: int, texts: list[str], n: int) -> tuple[float, list[float]]:
    return asyncio.run(_load(port, texts, n))


async def measure_async(engine: Engine, n: int) -> dict[str, Any]:
    """POST /api/v1/ask `n` times from a client in another process (the second core), CONCURRENCY at a
    time: requests/s and the client's p50/p99 in ms."""
    texts = [c.text for c in load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl")))]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite3"
        settings = Settings(_env_file=None, DATABASE_PATH=db, WEB_REQUESTS_PER_MINUTE=0)  # type: ignore[call-arg]
        store = Store(db)
        port = free_port()
        server, task = await web_server.start(build_app(settings, engine, store), "127.0.0.1", port)
        try:
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                loop = asyncio.get_running_loop()
                elapsed, samples = await loop.run_in_executor(pool, _client_process, port, texts, n)
        finally:
            await web_server.stop(server, task)
            await store.close()
    return {
        "requests": n,
        "concurrency": CONCURRENCY,
        "rps": round(n / elapsed, 1),
        "p50_ms": round(percentile(samples, 0.5), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
    }


def measure(n: int) -> dict[str, Any]:
    """Synchronous wrapper for the bench command (lexical evidence, like the Telegram path's figure)."""
    return asyncio.run(measure_async(Engine.load(BUNDLED_KNOWLEDGE), n))
