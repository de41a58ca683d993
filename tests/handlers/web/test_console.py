"""The staff console in-process (httpx's ASGI transport): accounts, sign-in, CSRF, the slow-down, and a
ticket's round trip from the web page and from Telegram through the console and back."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.accounts import add_staff
from bot.engine import Engine, gloss
from bot.storage import Store
from handlers.reply import TelegramCourier
from handlers.web.staffauth import COOKIE, FREE_FAILURES
from tests.helpers import run_cli
from tests.telegram_helpers import Harness, group_reply, message
from tests.web_helpers import PASSWORD, Site

STAFF_GROUP, STAFF_USER = -500, 55
ROUTES = [  # every staff route but the sign-in form, and what a request without a staff session gets
    ("GET", "/staff/api/tickets", 401),
    ("GET", "/staff/ask", 303),
    ("POST", "/staff/ask", 303),
    ("POST", "/staff/signout", 401),
    ("POST", "/staff/tickets/1/reply", 401),
    ("POST", "/staff/tickets/1/send", 401),
    ("POST", "/staff/tickets/1/close", 401),
]


@pytest.fixture
async def site(engine: Engine, tmp_path: Path) -> AsyncIterator[Site]:
    store = Store(tmp_path / "console.sqlite3")
    await add_staff(store, "wang", PASSWORD)
    web = Site(engine, store)
    yield web
    await web.client.aclose()
    await store.close()


def test_staff_accounts_are_added_listed_and_removed_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    assert run_cli("staff", "add", "wang", stdin=PASSWORD + "\n") == (
        0,
        "staff account added: wang\n",
    )
    assert run_cli("staff", "add", "li", stdin="short\n") == (2, "")
    assert run_cli("staff", "list") == (0, "wang\n")
    assert run_cli("staff", "remove", "wang") == (0, "staff account removed: wang\n")
    assert run_cli("staff", "remove", "wang") == (1, "")
    assert run_cli("staff", "list") == (0, "no staff accounts\n")


async def test_the_password_is_stored_hashed(site: Site) -> None:
    rows = await (await (await site.store.db()).execute("SELECT name, hash FROM staff")).fetchall()
    assert [
        (name, hashed.startswith("$argon2id$"), PASSWORD in hashed) for name, hashed in rows
    ] == [("wang", True, False)]


async def test_without_a_session_every_staff_route_is_refused(site: Site) -> None:
    form = (await site.client.get("/staff")).text
    assert 'action="/staff/signin"' in form and "登录" in form
    got = [(m, path, (await site.client.request(m, path)).status_code) for m, path, _ in ROUTES]
    assert got == ROUTES


async def test_a_visitor_session_never_reaches_a_staff_route(site: Site) -> None:
    sid = (await site.client.post("/api/v1/chat", json={"text": "人工", "lang": "en"})).json()[
        "session"
    ]
    anonymous = (await site.client.get("/staff")).cookies[COOKIE]  # a console cookie, not signed in
    for cookie in (sid, anonymous, anonymous[:-2] + "00"):
        client = site.new_client()
        client.cookies.set(COOKIE, cookie, domain="payhelp.test", path="/staff")
        got = [
            (m, path, (await client.request(m, f"{path}?session={sid}")).status_code)
            for m, path, _ in ROUTES
        ]
        assert got == ROUTES
        await client.aclose()


async def test_a_wrong_password_is_refused_and_the_right_one_signs_in(site: Site) -> None:
    wrong = await site.sign_in(password="wrong password")
    assert (wrong.status_code, "姓名或密码不对。" in wrong.text) == (401, True)
    unknown = await site.sign_in(name="nobody")
    assert unknown.status_code == 401
    right = await site.sign_in()
    assert (right.status_code, right.headers["location"]) == (303, "/staff")
    cookie = right.headers["set-cookie"]
    assert ("HttpOnly" in cookie, "SameSite=strict" in cookie, "Path=/staff" in cookie) == (
        True,
        True,
        True,
    )
    assert (await site.client.get("/staff/api/tickets")).status_code == 200


async def test_the_cookie_is_secure_when_the_public_address_is_https(
    engine: Engine, tmp_path: Path
) -> None:
    store = Store(tmp_path / "https.sqlite3")
    web = Site(engine, store, WEB_PUBLIC_URL="https://payhelp.example/")
    try:
        assert "Secure" in (await web.client.get("/staff")).headers["set-cookie"]
    finally:
        await web.client.aclose()
        await store.close()


async def test_repeated_failures_slow_down_sign_in_per_name_and_per_client(site: Site) -> None:
    now = [1000.0]
    site.console.throttle.clock = lambda: now[0]
    for _ in range(FREE_FAILURES):
        assert (await site.sign_in(password="wrong password")).status_code == 401
    slowed = await site.sign_in()  # even the right password waits
    assert (slowed.status_code, "2 秒后再试" in slowed.text) == (429, True)
    other_name = await site.sign_in(name="li")  # the same client is slowed down too
    assert other_name.status_code == 429
    now[0] += 2.5
    assert (await site.sign_in(password="wrong again")).status_code == 401
    slower = await site.sign_in()
    assert (slower.status_code, "4 秒后再试" in slower.text) == (429, True)
    now[0] += 4.5
    assert (await site.sign_in()).status_code == 303


async def test_a_post_without_the_csrf_token_is_forbidden(site: Site) -> None:
    await site.client.get("/staff")
    no_token = await site.client.post("/staff/signin", data={"name": "wang", "password": PASSWORD})
    assert no_token.status_code == 403
    await site.sign_in()
    assert (await site.client.post("/staff/signout")).status_code == 403
    forged = await site.client.post("/staff/ask", data={"text": "hi", "csrf": "0" * 64})
    assert forged.status_code == 403


async def _web_ticket(site: Site, question: str, lang: str) -> str:
    """A visitor asks on the web page and asks for a person; their session id."""
    sid = (await site.client.post("/api/v1/chat", json={"text": question, "lang": lang})).json()[
        "session"
    ]
    await site.client.post("/api/v1/chat", json={"action": "h", "session": sid})
    return str(sid)


async def test_a_web_ticket_is_in_the_inbox_and_the_staff_reply_reaches_the_page(
    site: Site, engine: Engine
) -> None:
    sid = await _web_ticket(site, "연길 공항 환전", "ko")
    await site.sign_in()
    inbox = (await site.client.get("/staff")).text
    card = inbox.split('id="ticket-1"', 1)[1]
    assert ("연길 공항 환전" in card, "中文版" in card, "· ko · web ·" in card) == (
        True,
        True,
        True,
    )
    token = await site.csrf()
    reply = await site.client.post(
        "/staff/tickets/1/reply", data={"text": "您好，机场二楼有兑换柜台。", "csrf": token}
    )
    assert reply.status_code == 303
    got = (await site.client.get(f"/api/v1/replies?session={sid}&after=0")).json()["replies"]
    kb = engine.responder.kb
    assert [r["text"] for r in got] == [
        kb.text("staff_reply", "ko") + "\n您好，机场二楼有兑换柜台。"
    ]
    await site.client.post(
        "/staff/tickets/1/send", data={"topic": "currency-exchange", "csrf": token}
    )
    await site.client.post("/staff/tickets/1/close", data={"csrf": token})
    later = (await site.client.get(f"/api/v1/replies?session={sid}&after=0")).json()["replies"]
    assert [r["text"] for r in later[1:]] == [
        engine.responder.faq("currency-exchange", "ko").text,
        kb.text("handoff_closed", "ko"),
    ]
    polled = (await site.client.get("/staff/api/tickets")).json()
    assert polled["tickets"] == [{"id": 1, "status": "closed", "replies": 3}]
    assert polled["html"].count('<span class="who">wang</span>') == 3


async def test_the_newest_ticket_comes_first(site: Site) -> None:
    await _web_ticket(site, "where can I exchange money", "en")
    await _web_ticket(site, "ATM 取现", "zh")
    await site.sign_in()
    assert [t["id"] for t in (await site.client.get("/staff/api/tickets")).json()["tickets"]] == [
        2,
        1,
    ]


@pytest.fixture
async def desk(engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    """The Telegram bot with its staff group, on a database that also has the console account `wang`."""
    harness = await Harness(
        engine, tmp_path / "tg.sqlite3", STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    await add_staff(harness.app.bot_data.store, "wang", PASSWORD)
    yield harness
    await harness.stop()


async def test_a_telegram_ticket_answered_in_the_console_is_sent_by_the_bot_and_group_replies_show(
    engine: Engine, desk: Harness
) -> None:
    web = Site(engine, desk.app.bot_data.store, TelegramCourier(desk.app.bot))
    try:
        await desk.send(message("연길 공항 환전", user_id=7, lang="ko"))
        await desk.send(message("상담원 연결해 주세요", user_id=7, lang="ko"))
        posted_id = desk.api._message_id - 1  # the staff post is answered before the user's reply
        await desk.send(group_reply("稍等，我查一下。", posted_id, STAFF_USER, STAFF_GROUP))
        await web.sign_in()
        before = len(desk.api.calls)
        await web.client.post(
            "/staff/tickets/1/reply",
            data={"text": "机场二楼有兑换柜台。", "csrf": await web.csrf()},
        )
        sent = [
            (c.params["chat_id"], c.params["text"])
            for c in desk.api.calls[before:]
            if c.method == "sendMessage"
        ]
        kb = engine.responder.kb
        assert sent == [("7", kb.text("staff_reply", "ko") + "\n机场二楼有兑换柜台。")]
        history = (await web.client.get("/staff/api/tickets")).json()["html"]
        assert re.findall(r'<span class="who">([^<]*)</span>', history) == [
            "Telegram: Visitor",
            "wang",
        ]
    finally:
        await web.client.aclose()


async def test_a_forwarded_question_is_answered_in_its_language_with_the_chinese_beside(
    site: Site, engine: Engine
) -> None:
    await site.sign_in()
    page = await site.client.post(
        "/staff/ask", data={"text": "연길 공항 환전", "csrf": await site.csrf("/staff/ask")}
    )
    answer, chinese = await gloss(engine.responder, "연길 공항 환전")
    assert chinese is not None
    shown = re.findall(r'<p class="(answer|chinese)">([^<]*)</p>', page.text)
    assert shown == [("answer", html.escape(answer.text)), ("chinese", html.escape(chinese.text))]
    assert answer.lang == "ko"


async def test_a_telegram_ticket_without_telegram_in_this_process_is_refused_and_stays_open(
    engine: Engine, desk: Harness
) -> None:
    web = Site(
        engine, desk.app.bot_data.store
    )  # no courier: Telegram is not running beside the web
    try:
        await desk.send(message("상담원 연결해 주세요", user_id=7, lang="ko"))
        await web.sign_in()
        closed = await web.client.post("/staff/tickets/1/close", data={"csrf": await web.csrf()})
        assert (closed.status_code, closed.text) == (
            503,
            engine.responder.kb.text("staff.not_delivered", "zh"),
        )
        polled = (await web.client.get("/staff/api/tickets")).json()["tickets"]
        assert polled == [{"id": 1, "status": "open", "replies": 0}]
    finally:
        await web.client.aclose()


async def test_a_removed_account_is_signed_out_at_once(site: Site) -> None:
    from bot.accounts import remove_staff

    await site.sign_in()
    assert (await site.client.get("/staff/api/tickets")).status_code == 200
    await remove_staff(site.store, "wang")
    assert (await site.client.get("/staff/api/tickets")).status_code == 401
