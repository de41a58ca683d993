"""A stand-in of the Telegram Bot API, shipped as real code for tests and benchmarks.

`FakeBotAPI` answers Bot API methods and records every call. Use it in-process as a
`telegram.request.BaseRequest` (`FakeRequest`), or over loopback HTTP (`LoopbackBotAPI`)
so a real `python -m bot run` process can talk to it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "PayHelp", "username": "payhelp_test_bot"}
Fault = Callable[[str, dict[str, Any]], "tuple[int, dict[str, Any]] | None"]


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]


@dataclass
class FakeBotAPI:
    """Answers Bot API methods like Telegram would, and remembers what was asked."""

    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    fault: Fault | None = None  # return (status, body) to inject an error for a call
    _message_id: int = 1000
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body Telegram would return for `method`."""
        if self.fault is not None:
            injected = self.fault(method, params)
            if injected is not None:
                return injected
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._take_updates(params)}
        with self._lock:
            self.calls.append(Call(method, params))
            self._message_id += 1
            message_id = self._message_id
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in ("sendMessage", "sendVenue", "editMessageText", "sendLocation"):
            return 200, {"ok": True, "result": self._message(method, params, message_id)}
        return 200, {"ok": True, "result": True}

    def _take_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        with self._lock:
            ready = [u for u in self.updates if u["update_id"] >= offset]
        return ready[:100]

    def _message(self, method: str, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = params.get("chat_id", 0)
        message: dict[str, Any] = {
            "message_id": int(params.get("message_id", message_id)),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private" if int(chat_id) > 0 else "supergroup"},
            "from": BOT_USER,
        }
        if method == "sendVenue":
            message["venue"] = {
                "location": {
                    "latitude": float(params["latitude"]),
                    "longitude": float(params["longitude"]),
                },
                "title": params.get("title", ""),
                "address": params.get("address", ""),
            }
        elif method == "sendLocation":
            message["location"] = {
                "latitude": float(params["latitude"]),
                "longitude": float(params["longitude"]),
            }
        else:
            message["text"] = params.get("text", "")
        return message

    def sent(self, *methods: str) -> list[Call]:
        """The calls of the given methods (all calls when none given), in order."""
        return [c for c in self.calls if not methods or c.method in methods]


def _decode(params: dict[str, Any]) -> dict[str, Any]:
    """Bot API parameters arrive JSON-encoded where they are objects; decode them."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                out[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        out[key] = value
    return out


class FakeRequest(BaseRequest):
    """A BaseRequest that sends nothing over the network: `FakeBotAPI` answers in-process.

    `latency` seconds pass before each answer, as a round trip to Telegram would take.
    """

    def __init__(self, api: FakeBotAPI | None = None, latency: float = 0.0) -> None:
        self.api = api or FakeBotAPI()
        self.latency = latency

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

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
        api_method = url.rsplit("/", 1)[-1]
        params = _decode(dict(request_data.json_parameters)) if request_data else {}
        if self.latency:
            await asyncio.sleep(self.latency)
        status, body = self.api.handle(api_method, params)
        return status, json.dumps(body).encode()


class LoopbackBotAPI:
    """The same stand-in served over HTTP on 127.0.0.1, for a real bot process."""

    def __init__(self, api: FakeBotAPI | None = None) -> None:
        self.api = api or FakeBotAPI()
        api_ref = self.api

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind and raw:
                    params = json.loads(raw)
                else:
                    params = {k: v[-1] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                if method == "getUpdates":
                    time.sleep(0.05)  # a short long-poll
                status, body = api_ref.handle(method, _decode(params))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The TELEGRAM_BASE_URL that points a bot at this stand-in."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def __enter__(self) -> LoopbackBotAPI:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
