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
from handlers import heap
from handlers.web import server as web_server
from handlers.web.app import build_app
from handlers.web.server import free_port

CONCURRENCY = 8  # requests in flight, as several visitors at once
TARGET_RPS = 300  # issue 15's target: this rate with p99 under 50 ms
PACED_CONNECTIONS = 32  # visitors' requests open at once in the steady-rate run, at most


async def _warm_up(client: httpx.AsyncClient, texts: list[str]) -> None:
    """50 questions before the clock starts: connections open, caches filled."""
    for text in texts[:50]:
        await client.post("/api/v1/ask", json={"text": text, "lang": "en"})


async def _load(
    port: int, texts: list[str], n: int, rate: float | None
) -> tuple[float, list[float]]:
    """The client: `n` questions, CONCURRENCY in flight (the most it serves), or at a steady `rate` of new
    requests a second, as visitors arrive (open loop: each latency counts from when its request was due, so a
    server that falls behind shows it, with at most PACED_CONNECTIONS open, as httpx's pool slows down badly
    with thousands queued); (seconds, latencies in ms)."""
    samples: list[float] = []
    connections = CONCURRENCY if rate is None else PACED_CONNECTIONS
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
        await _warm_up(client, texts)
        queue = iter(range(n))
        start = time.perf_counter()

        async def worker() -> None:
            for i in queue:
                due = time.perf_counter()
                if rate is not None:  # wait for this visitor's turn
                    due = start + i / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                body = {"text": texts[i % len(texts)], "lang": "en"}
                reply = await client.post("/api/v1/ask", json=body)
                samples.append((time.perf_counter() - due) * 1000)
                reply.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(connections)))
        return time.perf_counter() - start, samples


def _client_process(
    port: int, texts: list[str], n: int, rate: float | None
) -> tuple[float, list[float]]:
    return asyncio.run(_load(port, texts, n, rate))


async def measure_async(engine: Engine, n: int, rate: float | None = None) -> dict[str, Any]:
    """POST /api/v1/ask `n` times from a client in another process (the second core): CONCURRENCY at a
    time (the most it serves), or at a steady `rate` a second; requests/s and the client's p50/p99 in ms."""
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
                elapsed, samples = await loop.run_in_executor(
                    pool, _client_process, port, texts, n, rate
                )
        finally:
            await web_server.stop(server, task)
            await store.close()
    return {
        "requests": n,
        "concurrency": CONCURRENCY if rate is None else None,
        "offered_rps": rate,
        "rps": round(n / elapsed, 1),
        "p50_ms": round(percentile(samples, 0.5), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
    }


def measure(n: int) -> dict[str, Any]:
    """For the bench command (lexical evidence, like the Telegram path's figure): the most it serves with
    CONCURRENCY in flight, and the latency when visitors arrive at TARGET_RPS."""
    engine = Engine.load(BUNDLED_KNOWLEDGE)
    heap.settle()  # as `python -m bot run` does once it serves
    most = asyncio.run(measure_async(engine, n))
    return {**most, "at_target": asyncio.run(measure_async(engine, n, TARGET_RPS))}
