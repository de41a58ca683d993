"""Staff sign-in for the browser console: a signed session cookie, CSRF tokens, and the slow-down.

The cookie holds a random nonce, the staff name once signed in, and when it was issued, signed with
HMAC-SHA256 (STAFF_SESSION_SECRET). The CSRF token is an HMAC of the nonce, so it is bound to this
browser's session and changes at sign-in. Visitors' chat sessions are ids in JSON bodies, never this
cookie, so no visitor session can be read as a staff one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache

COOKIE = "payhelp_staff"
FREE_FAILURES = 3  # failed sign-ins before the slow-down starts
MAX_WAIT = 900.0  # seconds; the wait doubles with each failure up to this
FORGET_AFTER = 3600.0  # seconds after its last failure that a name or client starts afresh


@dataclass(frozen=True)
class Session:
    """A browser's staff session: its nonce, the staff name (empty before sign-in), when it was issued."""

    nonce: str
    name: str
    issued: float


class Keys:
    """Signs and reads session cookies and CSRF tokens with one secret."""

    def __init__(self, secret: str, hours: float, clock: Callable[[], float] = time.time) -> None:
        self.secret = secret.encode() if secret else secrets.token_bytes(32)
        self.seconds, self.clock = hours * 3600, clock

    def _mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def new(self, name: str = "") -> Session:
        """A fresh session (a new nonce: signing in never keeps the anonymous one)."""
        return Session(secrets.token_urlsafe(18), name, self.clock())

    def cookie(self, session: Session) -> str:
        body = base64.urlsafe_b64encode(
            json.dumps([session.nonce, session.name, session.issued]).encode()
        )
        return f"{body.decode()}.{self._mac(body)}"

    def read(self, value: str | None) -> Session | None:
        """The session in a cookie, or None when it is missing, forged, malformed or expired."""
        if not value or "." not in value:
            return None
        body, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            nonce, name, issued = json.loads(base64.urlsafe_b64decode(body.encode()))
        except (ValueError, TypeError):
            return None
        if not isinstance(issued, (int, float)) or self.clock() - issued > self.seconds:
            return None
        return Session(str(nonce), str(name), float(issued))

    def csrf(self, session: Session) -> str:
        """The token every form of this session carries."""
        return self._mac(f"csrf:{session.nonce}".encode())

    def csrf_ok(self, session: Session, token: str) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf(session), token)


class Throttle:
    """Failed sign-ins per staff name and per client: after FREE_FAILURES, each try waits twice as long."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: TTLCache[str, tuple[int, float]] = TTLCache(
            10_000, FORGET_AFTER, timer=clock
        )

    def wait(self, *keys: str) -> float:
        """Seconds until these (name, client) may try again; 0 when they may now."""
        longest = 0.0
        for key in keys:
            count, last = self.failures.get(key, (0, 0.0))
            if count >= FREE_FAILURES:
                delay = min(MAX_WAIT, 2.0 ** (count - FREE_FAILURES + 1))
                longest = max(longest, last + delay - self.clock())
        return max(0.0, longest)

    def failed(self, *keys: str) -> None:
        for key in keys:
            count, _ = self.failures.get(key, (0, 0.0))
            self.failures[key] = (count + 1, self.clock())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self.failures.pop(key, None)
