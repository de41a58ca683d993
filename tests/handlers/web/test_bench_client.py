"""The web bench's hand-written HTTP client reads what it was sent and refuses what it cannot measure."""

from __future__ import annotations

import asyncio

import pytest

from handlers.web.throughput import _Connection


async def _serve_once(reply: bytes) -> tuple[asyncio.Server, int, list[bytes]]:
    """A loopback server that answers each request with `reply` and keeps what it was sent."""
    received: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(h for h in head.split(b"\r\n") if h.startswith(b"Content-Length")).split(b":")[1]
        )
        received.append(head + await reader.readexactly(length))
        writer.write(reply)
        await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], received


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        (b'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{"ok": true}', b'{"ok": true}'),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK: no Content-Length",
        ),
        (
            b"HTTP/1.1 429 Too Many\r\nContent-Length: 4\r\n\r\nslow",
            "HTTP/1.1 429 Too Many: b'slow'",
        ),
    ],
)
async def test_a_reply_is_read_whole_or_refused_in_one_line(reply: bytes, outcome: object) -> None:
    server, port, received = await _serve_once(reply)
    async with server:
        connection = await _Connection.open(port)
        try:
            if isinstance(outcome, bytes):
                assert await connection.ask("where can I exchange money") == outcome
            else:
                with pytest.raises(RuntimeError) as error:
                    await connection.ask("where can I exchange money")
                assert str(error.value) == outcome
        finally:
            await connection.close()
    assert received[0].startswith(b"POST /api/v1/ask HTTP/1.1\r\n")
    assert received[0].endswith(b'{"text": "where can I exchange money", "lang": "en"}')
