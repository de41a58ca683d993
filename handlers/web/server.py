"""uvicorn's Server for running inside an event loop someone else owns (`run`, tests, the benchmark)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp


class Server(uvicorn.Server):
    """uvicorn without its own signal handling: the owner of the loop decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now: for the bench and tests, which start servers of their own."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


async def start(app: ASGIApp, host: str, port: int) -> tuple[Server, asyncio.Task[None]]:
    """Serve `app` on host:port in the running loop; returns when it listens (OSError when it cannot)."""
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, server_header=False
    )
    server = Server(config)
    # Bound here, not by uvicorn: uvicorn calls sys.exit when it cannot bind, which no caller can turn
    # into the one-line "cannot serve" message; a failed bind() raises OSError (port taken, bad address).
    # proto=IPPROTO_TCP, not the default 0: asyncio turns Nagle off (TCP_NODELAY) only on connections whose
    # socket says TCP, and with Nagle on, a response written in two parts waited ~40 ms for the client's
    # delayed ACK (2026-12-06: 44 ms for /healthz from httpx; 1.5 ms from curl, which reads differently).
    listener = socket.socket(
        socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if task.done():
        listener.close()
        raise OSError(0, f"cannot listen on {host}:{port}")
    return server, task


async def stop(server: Server, task: asyncio.Task[None]) -> None:
    """Stop serving and wait for open requests (at most 10 s)."""
    server.should_exit = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, 10)
