"""The web API in-process (httpx's ASGI transport): the answer contract, the shared storage, the help
desk through the Telegram staff group, and what keeps it safe on the open internet."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import segno

from bot.answer import Query
from bot.channel import text_without_links
from bot.engine import Engine
from bot.reports import complaints_csv, stats, unanswered
from handlers.reply import TelegramDesk
from handlers.web.conversation import SESSION_PATTERN
from tests.helpers import run_cli
from tests.telegram_helpers import Harness, group_reply
from tests.web_helpers import Web

STAFF_GROUP = -500
STAFF_USER = 55


@pytest.fixture
async def web(engine: Engine, tmp_path: Path) -> AsyncIterator[Web]:
    site = Web(engine, tmp_path / "web.sqlite3")
    yield site
    await site.close()


async def test_ask_returns_the_answer_object_of_ask_json(web: Web, engine: Engine) -> None:
    reply = await web.client.post("/api/v1/ask", json={"text": "연길 공항 환전", "lang": "en"})
    assert reply.status_code == 200
    assert reply.json() == engine.answer(Query(text="연길 공항 환전", hint="en")).contract()


async def test_ask_with_a_location_finds_places_nearby(web: Web, engine: Engine) -> None:
    body = {"lat": 42.88, "lon": 129.45, "want": "exchange", "lang": "ru"}
    reply = await web.client.post("/api/v1/ask", json=body)
    expected = engine.answer(Query(lat=42.88, lon=129.45, want="exchange", hint="ru"))
    assert (reply.json()["kind"], reply.json()) == ("nearby", expected.contract())


async def test_topics_give_ids_titles_and_menu_per_language(web: Web, engine: Engine) -> None:
    data = (await web.client.get("/api/v1/topics")).json()
    kb = engine.responder.kb
    assert sorted(data) == ["en", "ja", "ko", "ru", "zh"]
    assert [t["id"] for t in data["ko"]["topics"]] == sorted(kb.topics)
    first = data["zh"]["menu"][0][0]
    assert first == {"label": kb.text("btn.exchange", "zh"), "action": "t:currency-exchange"}
    assert (await web.client.get("/api/v1/topics?lang=de")).status_code == 400


async def test_web_questions_and_feedback_count_in_stats_and_unanswered(web: Web) -> None:
    for text in ("where can I exchange money", "tell me a joke about cats"):
        await web.client.post("/api/v1/ask", json={"text": text})
    voted = await web.client.post(
        "/api/v1/feedback",
        json={"topic": "atm-foreign-card", "helpful": False, "question": "atm broken?"},
    )
    assert voted.status_code == 200
    figures = await stats(web.store)
    assert (figures["messages"], figures["unhelpful"]) == (2, 1)
    assert sorted(await unanswered(web.store)) == [
        ("atm broken?", "en", 1),
        ("tell me a joke about cats", "en", 1),
    ]


async def test_healthz_reports_the_knowledge_version(web: Web, engine: Engine) -> None:
    data = (await web.client.get("/healthz")).json()
    kb = engine.responder.kb
    assert (data["status"], data["knowledge"]["topics"], data["knowledge"]["places"]) == (
        "ok",
        len(kb.topics),
        len(kb.places),
    )
    assert re.fullmatch(r"[0-9a-f]{12}", data["knowledge"]["version"])


async def test_openapi_describes_the_api_and_the_docs_page_lists_it(web: Web) -> None:
    document = (await web.client.get("/api/v1/openapi.json")).json()
    assert {"/api/v1/ask", "/api/v1/topics", "/api/v1/feedback", "/healthz"} <= set(
        document["paths"]
    )
    assert document["components"]["schemas"]["Answer"]["properties"]["kind"]["enum"] == [
        "faq",
        "place",
        "nearby",
        "clarify",
        "greeting",
        "thanks",
        "handoff",
        "fallback",
    ]
    docs = (await web.client.get("/docs")).text
    assert "POST /api/v1/ask" in docs and "<script" not in docs


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "the body is not valid JSON"),
        (b"[1, 2]", "the body must be a JSON object"),
        (b"{}", '"text" (or "lat" and "lon") is required'),
        (b'{"lat": 42.9}', 'Value error, give both "lat" and "lon"'),
        (b'{"text": "hi", "lat": 500, "lon": 1}', "lat: Input should be less than or equal to 90"),
        (
            b'{"text": "hi", "want": "pizza"}',
            "want: Input should be 'atm', 'exchange', 'bank' or 'service-center'",
        ),
    ],
)
async def test_bad_requests_get_a_400_with_a_json_error(web: Web, body: bytes, error: str) -> None:
    reply = await web.client.post(
        "/api/v1/ask", content=body, headers={"content-type": "application/json"}
    )
    assert (reply.status_code, reply.json()) == (400, {"error": error})


async def test_a_100_kb_body_gets_a_413_and_the_next_request_is_answered(web: Web) -> None:
    big = b'{"text": "' + b"x" * 100_000 + b'"}'
    reply = await web.client.post(
        "/api/v1/ask", content=big, headers={"content-type": "application/json"}
    )
    assert (reply.status_code, reply.json()) == (
        413,
        {"error": "the request body is over 16384 bytes"},
    )

    async def chunks() -> AsyncIterator[bytes]:  # no content-length: counted while read
        for _ in range(10):
            yield b"x" * 10_000

    streamed = await web.client.post("/api/v1/chat", content=chunks())
    assert streamed.status_code == 413
    assert (await web.client.post("/api/v1/ask", json={"text": "ATM"})).status_code == 200


async def test_a_client_over_the_rate_limit_gets_a_429(engine: Engine, tmp_path: Path) -> None:
    site = Web(engine, tmp_path / "r.sqlite3", WEB_REQUESTS_PER_MINUTE=3)
    try:
        codes = [
            (await site.client.post("/api/v1/ask", json={"text": "ATM"})).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        assert (await site.client.get("/healthz")).status_code == 200  # liveness is never limited
        polls = [
            (await site.client.get("/api/v1/replies?session=x&after=0")).status_code
            for _ in range(5)
        ]
        assert 429 not in polls  # a page waiting for staff polls without using up the limit
    finally:
        await site.close()


async def test_no_cors_unless_origins_are_allowed(web: Web, engine: Engine, tmp_path: Path) -> None:
    headers = {"origin": "https://elsewhere.example", "access-control-request-method": "POST"}
    plain = await web.client.options("/api/v1/ask", headers=headers)
    assert "access-control-allow-origin" not in plain.headers
    site = Web(engine, tmp_path / "c.sqlite3", WEB_ALLOWED_ORIGINS="https://partner.example")
    try:
        allowed = await site.client.options(
            "/api/v1/ask", headers={**headers, "origin": "https://partner.example"}
        )
        other = await site.client.options("/api/v1/ask", headers=headers)
        assert allowed.headers["access-control-allow-origin"] == "https://partner.example"
        assert "access-control-allow-origin" not in other.headers
    finally:
        await site.close()


async def test_the_page_has_security_headers_no_inline_script_and_random_sessions(web: Web) -> None:
    first, second = (await web.client.get("/")), (await web.client.get("/"))
    csp = first.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert (first.headers["x-content-type-options"], first.headers["referrer-policy"]) == (
        "nosniff",
        "no-referrer",
    )
    assert re.findall(r"<script[^>]*>", first.text) == ['<script src="/static/chat.js" defer>']
    sessions = [
        re.search(r'name="session" value="([^"]+)"', r.text).group(1) for r in (first, second)
    ]  # type: ignore[union-attr]
    assert sessions[0] != sessions[1] and all(SESSION_PATTERN.fullmatch(s) for s in sessions)


async def test_every_answer_is_html_escaped_on_the_page(web: Web) -> None:
    page = await web.client.post("/", data={"text": "<script>alert(1)</script> ATM", "lang": "en"})
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ATM" in page.text


async def test_the_first_load_is_under_100_kb(web: Web) -> None:
    page = await web.client.get("/", headers={"accept-language": "zh-CN"})
    files = [
        await web.client.get(src)
        for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    ]
    assert [f.status_code for f in files] == [200, 200]
    assert len(page.content) + sum(len(f.content) for f in files) < 100_000


async def test_the_web_exposes_no_staff_function(web: Web) -> None:
    turn = (await web.client.post("/api/v1/chat", json={"text": "/stats"})).json()
    assert "📊" not in turn["bubbles"][0]["text"]
    for path in ("/api/v1/stats", "/api/v1/unanswered", "/api/v1/reload", "/stats"):
        assert (await web.client.get(path)).status_code in (404, 405)


async def test_without_a_staff_group_a_person_request_gives_the_hotline(
    web: Web, engine: Engine
) -> None:
    turn = (await web.client.post("/api/v1/chat", json={"action": "h", "lang": "ja"})).json()
    assert (turn["bubbles"][0]["text"], turn["ticket"]) == (
        engine.responder.kb.text("handoff_unavailable", "ja"),
        None,
    )


async def test_a_web_ticket_goes_to_the_staff_group_and_the_staff_reply_comes_back(
    engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "desk.sqlite3"
    desk = await Harness(
        engine, db, STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    store = desk.app.bot_data.store
    site = Web(
        engine, db, TelegramDesk(desk.app.bot, store, STAFF_GROUP), STAFF_CHAT_ID=STAFF_GROUP
    )
    try:
        asked = (
            await site.client.post("/api/v1/chat", json={"text": "연길 공항 환전", "lang": "ko"})
        ).json()
        sid = asked["session"]
        turn = (await site.client.post("/api/v1/chat", json={"action": "h", "session": sid})).json()
        posted = [c for c in desk.api.calls if c.params.get("chat_id") == str(STAFF_GROUP)]
        assert turn["bubbles"][0]["text"] == engine.responder.kb.text("handoff", "ko")
        assert (
            posted[0].params["text"].startswith("🎫 工单 #1 · 语言 ko · 网页\n问题：연길 공항 환전")
        )
        db_rows = await (
            await (await store.db()).execute("SELECT staff_message_id FROM tickets")
        ).fetchall()
        posted_id = db_rows[0][0]
        staff_reply = group_reply("您好，机场二楼有兑换柜台。", posted_id, STAFF_USER, STAFF_GROUP)
        confirmations = await desk.send(staff_reply)
        replies = (await site.client.get(f"/api/v1/replies?session={sid}&after=0")).json()[
            "replies"
        ]
        assert [r["text"] for r in replies] == [
            engine.responder.kb.text("staff_reply", "ko") + "\n您好，机场二楼有兑换柜台。"
        ]
        assert [c.params["text"] for c in confirmations] == ["✓ 已发送给工单 #1 的用户。"]
        later = (
            await site.client.get(f"/api/v1/replies?session={sid}&after={replies[0]['id']}")
        ).json()
        assert later == {"replies": []}
    finally:
        await site.close()
        await desk.stop()


async def test_a_web_complaint_is_in_the_report_and_forget_me_deletes_the_session(
    web: Web, engine: Engine
) -> None:
    turn = (
        await web.client.post(
            "/api/v1/complaint",
            json={"place": "Yanji market", "what": "refused cash", "date": "today", "lang": "en"},
        )
    ).json()
    assert turn["bubbles"][0]["text"] == engine.responder.kb.text(
        "complain_done", "en", ref="C-000001"
    )
    assert "C-000001" in await complaints_csv(web.store)
    sid = turn["session"]
    await web.client.post("/api/v1/chat", json={"text": "ATM", "session": sid})
    gone = (await web.client.post("/api/v1/forget", json={"session": sid, "lang": "en"})).json()
    assert (gone["bubbles"][0]["text"], gone["session"] != sid) == (
        engine.responder.kb.text("forget_done", "en"),
        True,
    )
    assert (await stats(web.store))["messages"] == 0


def test_qr_writes_a_png_of_the_public_url_opening_at_a_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_PUBLIC_URL", "https://payhelp.example/chat")
    out = tmp_path / "poster.png"
    code, text = run_cli("qr", "--place", "ynj-airport", "--lang", "ko", "--out", str(out))
    url = "https://payhelp.example/chat?place=ynj-airport&lang=ko"
    expected = tmp_path / "expected.png"
    segno.make(url, error="m").save(str(expected), kind="png", scale=10, border=4)
    assert (code, text) == (0, f"QR code of {url} written to {out}\n")
    assert out.read_bytes() == expected.read_bytes()
    assert run_cli("qr", "--place", "nowhere", "--out", str(out))[0] == 2


def test_run_serves_the_web_chat_prints_the_address_and_outlives_an_unreachable_telegram(
    tmp_path: Path,
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from handlers.web.server import free_port
    from tests.helpers import ROOT
    from tests.telegram_helpers import TOKEN

    web_port, closed = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "STAFF_", "WEB_"))}
    env.update(
        WEB_PORT=str(web_port),
        DATABASE_PATH=str(tmp_path / "run.sqlite3"),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed}/bot",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = f"http://127.0.0.1:{web_port}/"
        assert process.stdout is not None
        assert process.stdout.readline() == (
            f"PayHelp web chat: open {address} (API docs at {address}docs); Ctrl-C stops\n"
        )
        assert httpx.get(address + "healthz", timeout=10).json()["status"] == "ok"
        answer = httpx.post(address + "api/v1/ask", json={"text": "ATM"}, timeout=10).json()
        assert answer["kind"] == "faq"
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    stderr = process.stderr.read() if process.stderr else ""
    assert code == 0
    assert [line for line in stderr.splitlines() if line.startswith("payhelp:")] == [
        f"payhelp: cannot reach Telegram at http://127.0.0.1:{closed}/bot (TELEGRAM_BASE_URL): httpx.ConnectError: All connection attempts failed. "
        "Telegram is blocked on mainland China networks: use the web channel, or point TELEGRAM_BASE_URL at a self-hosted Bot API server"
    ]


async def test_a_qr_code_s_place_opens_the_chat_there(web: Web, engine: Engine) -> None:
    page = await web.client.get("/?place=ynj-airport&lang=ko")
    place = engine.responder.place("ynj-airport", "ko")
    assert f"<p>{html.escape(text_without_links(place))}</p>" in page.text
    assert f'href="{html.escape(place.links[0].url)}"' in page.text
    sid = re.search(r'name="session" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    turn = (await web.client.post("/api/v1/chat", json={"action": "w:atm", "session": sid})).json()
    coords = engine.responder.kb.places["ynj-airport"].coords
    assert coords is not None
    nearby = engine.answer(Query(lat=coords.lat, lon=coords.lon, want="atm", hint="ko"))
    assert turn["bubbles"][0]["answer"] == nearby.contract()


def test_run_with_the_web_port_taken_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    import socket

    from tests.helpers import run_process

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_process(
            "run",
            env={"WEB_PORT": str(port), "DATABASE_PATH": str(tmp_path / "p.sqlite3")},
            timeout=60,
        )
    lines = [line for line in result.stderr.splitlines() if "INFO" not in line]
    assert (result.returncode, len(lines)) == (1, 1)
    assert lines[0].startswith(f"payhelp: cannot serve the web chat on 127.0.0.1:{port}")


async def test_the_server_turns_nagle_off_on_every_connection() -> None:
    """With Nagle on, a response written in two parts waits ~40 ms for the client's delayed ACK."""
    import socket

    from starlette.responses import PlainTextResponse

    from handlers.web import server as web_server

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await PlainTextResponse("ok")(scope, receive, send)

    server, task = await web_server.start(app, "127.0.0.1", port := web_server.free_port())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/")).text == "ok"
            nodelay = [
                conn.transport.get_extra_info("socket").getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY
                )
                for conn in server.server_state.connections
            ]
        assert nodelay == [1]
    finally:
        await web_server.stop(server, task)


async def test_a_request_after_the_store_closed_gets_a_503_to_retry(web: Web) -> None:
    await web.store.close()  # the server is stopping while a complaint still arrives
    body = {"place": "Yanji market", "what": "refused cash", "date": "today", "lang": "en"}
    reply = await web.client.post("/api/v1/complaint", json=body)
    assert (reply.status_code, reply.headers.get("retry-after"), reply.json()) == (
        503,
        "5",
        {"error": "PayHelp is restarting; try again in a moment"},
    )


async def test_the_page_without_javascript_gets_a_short_page_in_its_language_when_the_store_closed(
    web: Web, engine: Engine
) -> None:
    await web.store.close()
    form = {"do": "complain", "place": "Yanji market", "what": "refused cash"}
    reply = await web.client.post("/", data=form, headers={"accept-language": "ru-RU,ru;q=0.9"})
    sorry = html.escape(engine.responder.kb.text("error_generic", "ru"))
    assert (
        reply.status_code,
        reply.headers.get("retry-after"),
        f"<p>{sorry}</p>" in reply.text,
    ) == (
        503,
        "5",
        True,
    )
