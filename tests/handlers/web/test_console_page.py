"""The staff console in a real browser (Debian's chromium): sign in, the inbox refreshing itself, a reply,
and a forwarded question. Each step saves a screenshot in tests/artifacts/."""

from __future__ import annotations

import httpx
import pytest

from bot.accounts import add_staff
from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers.web import console as web_console
from handlers.web import page as web_page
from handlers.web.app import build_app
from tests.browser import ARTIFACTS, DESKTOP, PHONE, chromium, needs_chromium, serving, sign_in

pytestmark = needs_chromium("the staff console")


async def _web_ticket(client: httpx.AsyncClient, question: str, lang: str) -> str:
    sid = (await client.post("/api/v1/chat", json={"text": question, "lang": lang})).json()[
        "session"
    ]
    await client.post("/api/v1/chat", json={"action": "h", "session": sid})
    return str(sid)


async def test_staff_sign_in_see_tickets_arrive_reply_and_gloss_a_question(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.async_api import expect

    store = Store(tmp_path_factory.mktemp("console") / "console.sqlite3")
    await add_staff(store, "wang", "correct horse battery")
    settings = Settings(_env_file=None, DATABASE_PATH=store.path, WEB_REQUESTS_PER_MINUTE=0)  # type: ignore[call-arg]
    polls = (web_page.POLL_MS, web_console.INBOX_POLL_MS)
    web_page.POLL_MS = web_console.INBOX_POLL_MS = 300  # polled replies and tickets show up quickly
    try:
        async with (
            serving(build_app(settings, engine, store)) as url,
            httpx.AsyncClient(base_url=url) as client,
            chromium() as browser,
        ):
            # The visitor asks in the chat page and asks for a person: the ticket the console gets.
            visitor = await browser.new_page(viewport=PHONE, locale="ko-KR")
            await visitor.goto(f"{url}/?lang=ko")
            await visitor.get_by_role("textbox").first.fill("연길 공항 환전")
            await visitor.keyboard.press("Enter")
            await expect(visitor.locator("#log .bubble.bot")).to_have_count(2)
            await visitor.locator('.tools button[value="h"]').click()
            await expect(visitor.locator("#log .bubble.bot")).to_have_count(3)
            sid = await visitor.locator('input[name="session"]').input_value()
            page = await browser.new_page(viewport=DESKTOP, locale="zh-CN")
            await sign_in(page, url, "wang", "correct horse battery")
            ticket = page.locator("#ticket-1")
            await expect(ticket.locator(".question")).to_have_text("연길 공항 환전")
            await _web_ticket(client, "where can I exchange money", "en")
            await expect(page.locator("#ticket-2")).to_be_visible(timeout=10_000)  # polled in
            await page.screenshot(path=str(ARTIFACTS / "staff-inbox.png"), full_page=True)
            await page.locator("#ticket-1 textarea").fill("您好，机场二楼有兑换柜台。")
            await page.locator('#ticket-1 button:has-text("回复")').click()
            await expect(page.locator("#ticket-1 .history p")).to_have_text(
                [engine.responder.kb.text("staff_reply", "ko") + "\n您好，机场二楼有兑换柜台。"]
            )
            await page.screenshot(path=str(ARTIFACTS / "staff-reply.png"), full_page=True)
            await expect(visitor.locator("#log .bubble.staff p")).to_have_text(
                [engine.responder.kb.text("staff_reply", "ko") + "\n您好，机场二楼有兑换柜台。"],
                timeout=10_000,
            )  # the page polled the console's reply in
            await visitor.screenshot(path=str(ARTIFACTS / "staff-reply-visitor.png"))
            replies = (await client.get(f"/api/v1/replies?session={sid}&after=0")).json()
            assert [r["text"].split("\n")[-1] for r in replies["replies"]] == [
                "您好，机场二楼有兑换柜台。"
            ]
            await page.goto(f"{url}/staff/ask")
            await page.fill('textarea[name="text"]', "연길 공항 환전")
            await page.click('button:has-text("查答案")')
            await expect(page.locator('.gloss div[lang="zh"] .chinese')).to_be_visible()
            await page.screenshot(path=str(ARTIFACTS / "staff-forwarded.png"), full_page=True)
    finally:
        web_page.POLL_MS, web_console.INBOX_POLL_MS = polls
        await store.close()
