"""Requests per second and latency of the web API (`bench`): uvicorn on a loopback port, a client in
another process sending questions from knowledge/tests, as visitors' phones would, over keep-alive
connections it writes by hand (not httpx) so that what is measured is the server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

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


class _Connection:
    """One visitor's keep-alive HTTP/1.1 connection, written by hand: the client must not be what is measured.

    httpx costs ~1.8 ms of CPU a request, about as much as the server; after any pause of the server the client
    fell behind on its own, then used a whole core and reported its own lag (2026-12-07: runs with p99 over 1 s
    whose server-side p99 was 12 ms, and the client's CPU doubled)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> _Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def ask(self, text: str) -> bytes:
        """POST /api/v1/ask and read the whole reply; its body (an error unless the status is 200)."""
        body = json.dumps({"text": text, "lang": "en"}).encode()
        head = (
            "POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status, *headers = (
            (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        )
        lengths = [
            int(line.split(":", 1)[1])
            for line in headers
            if line.lower().startswith("content-length:")
        ]
        if (
            not lengths
        ):  # uvicorn sends one with every JSON reply; anything else is not what we measure
            raise RuntimeError(f"{status}: no Content-Length")
        reply = await self.reader.readexactly(lengths[0])
        if status.split(" ")[1] != "200":
            raise RuntimeError(f"{status}: {reply[:200]!r}")
        return reply

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):  # the server may have gone first
            await self.writer.wait_closed()


async def _load(
    port: int, texts: list[str], n: int, rate: float | None
) -> tuple[float, list[float]]:
    """The client: `n` questions, CONCURRENCY in flight (the most it serves), or at a steady `rate` of new
    requests a second, as visitors arrive (open loop: each latency counts from when its request was due, so a
    server that falls behind shows it), over at most PACED_CONNECTIONS connections; (seconds, latencies in ms).
    Before the clock starts, every connection is opened and 50 questions fill the caches."""
    samples: list[float] = []
    connections: list[_Connection] = []
    try:
        for _ in range(CONCURRENCY if rate is None else PACED_CONNECTIONS):
            connections.append(await _Connection.open(port))
        for text in texts[:50]:
            await connections[0].ask(text)
        queue = iter(range(n))
        start = time.perf_counter()

        async def worker(connection: _Connection) -> None:
            for i in queue:
                due = time.perf_counter()
                if rate is not None:  # wait for this visitor's turn
                    due = start + i / rate
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await connection.ask(texts[i % len(texts)])
                samples.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(*(worker(c) for c in connections))
        return time.perf_counter() - start, samples
    finally:
        for connection in connections:
            await connection.close()


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
