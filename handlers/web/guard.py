"""What keeps the web channel safe on the open internet: a per-client rate limit, a body size limit and
security headers on every response. Pure ASGI (no per-request task), so it costs microseconds.
"""

from __future__ import annotations

import json
import time
from collections import deque

from cachetools import TTLCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 16 * 1024  # bytes; a question, a complaint or a feedback is far smaller
WINDOW_SECONDS = 60.0
CLIENTS = 100_000  # rate windows kept at most; each also expires a window after its last request
# Not counted: the page's own files, liveness checks, and the polls a page with an open ticket and the
# staff inbox make every few seconds (counted, three tabs behind one airport NAT would starve real questions).
UNLIMITED = ("/static/", "/healthz", "/api/v1/replies", "/staff/api/")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(self), camera=(), microphone=()"),
]


class TooLarge(Exception):
    """The request body passed MAX_BODY while it was read."""


class Guard:
    """Rate limit per client address, 413 for a body over MAX_BODY, security headers on every response."""

    def __init__(self, app: ASGIApp, per_minute: int, max_body: int = MAX_BODY) -> None:
        self.app, self.per_minute, self.max_body = app, per_minute, max_body
        self.windows: TTLCache[str, deque[float]] = TTLCache(CLIENTS, WINDOW_SECONDS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        if self._limited(scope):
            await _error(
                secured, 429, "too many requests; wait a minute", [(b"retry-after", b"60")]
            )
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _error(secured, 413, f"the request body is over {self.max_body} bytes")
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise TooLarge
            return message

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await secured(message)

        try:
            await self.app(scope, counted, tracked)
        except TooLarge:
            if not started:
                await _error(secured, 413, f"the request body is over {self.max_body} bytes")

    def _limited(self, scope: Scope) -> bool:
        """True when this client has made per_minute requests in the last minute."""
        if self.per_minute <= 0 or str(scope.get("path", "")).startswith(UNLIMITED):
            return False
        client = scope.get("client")
        address = client[0] if client else "?"
        now = time.monotonic()
        window = self.windows.get(address)
        if window is None:
            window = self.windows[address] = deque()
        while window and now - window[0] > WINDOW_SECONDS:
            window.popleft()
        if len(window) >= self.per_minute:
            return True
        window.append(now)
        self.windows[address] = window  # refresh its expiry
        return False


async def _error(
    send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A JSON error response."""
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})
