"""Retry what is safe: a 5xx or a failed connection means Telegram did not act, so sending again is safe.

Timeouts are not retried (the message may have been delivered); 429s are left to AIORateLimiter,
which waits out retry_after.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class RetryingRequest(BaseRequest):
    """Wraps another BaseRequest and repeats a call that failed before Telegram acted."""

    def __init__(self, inner: BaseRequest, attempts: int = 3, backoff: float = 0.5) -> None:
        self.inner = inner
        self.attempts = attempts
        self.backoff = backoff

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        for attempt in range(1, self.attempts + 1):
            try:
                status, payload = await self.inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except TimedOut:
                raise
            except NetworkError:
                if attempt == self.attempts:
                    raise
                status, payload = 0, b""
            if status not in RETRY_STATUSES and status != 0:
                return status, payload
            if attempt == self.attempts:
                return status, payload
            log.warning(
                "Telegram answered %s; retrying (%d/%d)",
                status or "no connection",
                attempt,
                self.attempts - 1,
            )
            await asyncio.sleep(self.backoff * attempt)
        raise AssertionError("unreachable")
