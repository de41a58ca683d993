"""The chat page in a real browser: Playwright driving Debian's chromium against uvicorn on a free port.

One browser and one server for the module; each test saves a screenshot at phone size and at kiosk
size in tests/artifacts/. Without a chromium the module is skipped, and pytest's summary says why.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from bot.answer import Query
from bot.channel import elder_labels, text_without_links
from bot.engine import Engine
from bot.settings import Settings
from handlers.reply import TelegramDesk
from handlers.web import page as web_page
from handlers.web.app import build_app
from tests.browser import ARTIFACTS, KIOSK, PHONE, chromium, needs_chromium, serving
from tests.telegram_helpers import Harness, message

pytestmark = [needs_chromium("the web page"), pytest.mark.asyncio(loop_scope="module")]
LOCALES = {"zh": "zh-CN", "en": "en-US", "ko": "ko-KR", "ru": "ru-RU", "ja": "ja-JP"}
STAFF_GROUP, STAFF_USER = -500, 55
YANJI_AIRPORT = (42.8817 + 0.004, 129.45 + 0.003)


@dataclass
class Site:
    url: str
    browser: object
    desk: Harness


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    db = tmp_path_factory.mktemp("web") / "web.sqlite3"
    desk = await Harness(
        engine, db, STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    store = desk.app.bot_data.store
    settings = Settings(_env_file=None, DATABASE_PATH=db, WEB_REQUESTS_PER_MINUTE=0)  # type: ignore[call-arg]
    app = build_app(settings, engine, store, TelegramDesk(desk.app.bot, store, STAFF_GROUP))
    web_page.POLL_MS = 300  # staff replies show up quickly in the test
    async with serving(app) as url, chromium() as browser:
        yield Site(url, browser, desk)
    web_page.POLL_MS = 3000
    await desk.stop()


async def open_page(site: Site, lang: str = "en", path: str = "/", **options: object):  # type: ignore[no-untyped-def]
    context = await site.browser.new_context(viewport=PHONE, locale=LOCALES[lang], **options)  # type: ignore[attr-defined]
    page = await context.new_page()
    await page.goto(site.url + path)
    return page


async def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot at phone size and at kiosk size."""
    await page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"))
    await page.set_viewport_size(KIOSK)
    await page.screenshot(path=str(ARTIFACTS / f"{name}-kiosk.png"))
    await page.set_viewport_size(PHONE)


async def bot_bubbles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t or "" for t in await page.locator("#log .bubble.bot p").all_text_contents()]


async def wait_for_bubbles(page, before: int, who: str = "bot") -> list[str]:  # type: ignore[no-untyped-def]
    await page.wait_for_function(
        "([n, who]) => document.querySelectorAll('#log .bubble.' + who).length > n",
        arg=[before, who],
        timeout=10_000,
    )
    return [t or "" for t in await page.locator(f"#log .bubble.{who} p").all_text_contents()]


async def ask(page, text: str) -> str:  # type: ignore[no-untyped-def]
    before = len(await bot_bubbles(page))
    await page.get_by_role("textbox").first.fill(text)
    await page.keyboard.press("Enter")
    return (await wait_for_bubbles(page, before))[-1]


DID_YOU_MEAN = ("老外能办卡吗", "超市收不收维萨卡", "카드", "支付")
QUESTIONS = {
    "zh": "在哪里可以换钱",
    "en": "where can I exchange money",
    "ko": "연길 공항 환전",
    "ru": "где снять наличные в банкомате",
    "ja": "両替はどこでできますか",
}


@pytest.mark.parametrize("lang", list(QUESTIONS))
async def test_a_question_in_each_language(site: Site, engine: Engine, lang: str) -> None:
    page = await open_page(site, lang)
    assert await page.get_attribute("html", "lang") == lang
    answer = await ask(page, QUESTIONS[lang])
    assert answer == text_without_links(engine.answer(Query(text=QUESTIONS[lang], hint=lang)))
    await snap(page, f"question-{lang}")
    await page.context.close()


FAILURES = {  # what the chat route answers instead of PayHelp: each is one kind line, the question kept
    "a 500 page": {"status": 500, "body": "Internal Server Error", "content_type": "text/plain"},
    "a 200 that is not our JSON": {"status": 200, "body": "<html>Wi-Fi sign-in</html>"},
    "an empty 200": {"status": 200, "body": ""},
    "a 503 while stopping": {
        "status": 503,
        "json": {"error": "PayHelp is restarting; try again in a moment"},
    },
}


def fulfilling(response: dict[str, object]):  # type: ignore[no-untyped-def]
    """A route handler that answers every request with `response` instead of the server."""

    async def fulfil(route, request) -> None:  # type: ignore[no-untyped-def]
        await route.fulfill(**response)

    return fulfil


async def test_a_failing_or_unreachable_server_gets_one_kind_line_and_keeps_the_question(
    site: Site, engine: Engine
) -> None:
    page = await open_page(site, "ko")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sorry = "⚠️ " + engine.responder.kb.text("error_generic", "ko")
    box = page.get_by_role("textbox").first
    for name, response in FAILURES.items():
        await page.route("**/api/v1/chat", fulfilling(response))
        before = len(await bot_bubbles(page))
        assert (name, await ask(page, "ATM 어디"), await box.input_value()) == (
            name,
            sorry,
            "ATM 어디",
        )
        assert len(await bot_bubbles(page)) == before + 1
        await page.unroute("**/api/v1/chat")
    await page.route("**/api/v1/chat", lambda route: route.abort())  # the server cannot be reached
    assert (await ask(page, "환전"), await box.input_value()) == (sorry, "환전")
    await page.unroute("**/api/v1/chat")
    too_many = {"status": 429, "json": {"error": "too many requests; wait a minute"}}
    await page.route("**/api/v1/chat", fulfilling(too_many))
    assert (
        await ask(page, "환전") == "⚠️ too many requests; wait a minute"
    )  # our own message, as sent
    await page.unroute("**/api/v1/chat")
    before = len(await bot_bubbles(page))
    await page.keyboard.press(
        "Enter"
    )  # the kept question, sent again, in the same session and language
    expected = text_without_links(engine.answer(Query(text="환전", hint="ko")))
    assert ((await wait_for_bubbles(page, before))[-1], await box.input_value()) == (expected, "")
    assert errors == []
    await page.context.close()


async def test_a_did_you_mean_tap_opens_the_topic(site: Site, engine: Engine) -> None:
    # a question the matcher is unsure about today (the first of these that it asks back about)
    question = next(
        q for q in DID_YOU_MEAN if engine.answer(Query(text=q, hint="zh")).kind == "clarify"
    )
    page = await open_page(site, "zh")
    clarify = engine.answer(Query(text=question, hint="zh"))
    assert await ask(page, question) == clarify.text
    before = len(await bot_bubbles(page))
    await page.locator("#log .bubble.bot").last.get_by_role("button").first.click()
    opened = (await wait_for_bubbles(page, before))[-1]
    assert opened == text_without_links(engine.responder.faq(clarify.suggestions[0], clarify.lang))
    await snap(page, "did-you-mean")
    await page.context.close()


async def test_elder_mode_is_large_and_answers_short_with_a_phone(
    site: Site, engine: Engine
) -> None:
    page = await open_page(site, "zh")
    before = len(await bot_bubbles(page))
    normal_size = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    await page.locator('.tools button[value="e"]').click()
    await wait_for_bubbles(page, before)
    elder_size = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert (await page.get_attribute("body", "class"), elder_size > normal_size * 1.2) == (
        "elder",
        True,
    )
    menu = page.locator("#log .bubble.bot").last.get_by_role("button")
    assert await menu.all_text_contents() == list(elder_labels(engine.responder.kb, "zh"))
    widths = [(await b.bounding_box() or {"width": 0})["width"] for b in await menu.all()]
    assert min(widths) > PHONE["width"] * 0.7  # one big button a row
    before = len(await bot_bubbles(page))
    await menu.first.click()  # 换钱: the first need opens its short answer
    opened = (await wait_for_bubbles(page, before))[-1]
    assert opened == text_without_links(engine.responder.faq("currency-exchange", "zh", elder=True))
    answer = await ask(page, "外国卡在哪里取钱")
    assert answer == text_without_links(
        engine.answer(Query(text="外国卡在哪里取钱", hint="zh", elder=True))
    )
    await snap(page, "elder")
    await page.context.close()


async def test_a_shared_location_near_yanji_airport_lists_places_with_distances(
    site: Site, engine: Engine
) -> None:
    lat, lon = YANJI_AIRPORT
    page = await open_page(
        site, "en", geolocation={"latitude": lat, "longitude": lon}, permissions=["geolocation"]
    )
    before = len(await bot_bubbles(page))
    await page.locator('.tools button[value="locate"]').click()
    nearby = (await wait_for_bubbles(page, before))[-1]
    expected = engine.answer(Query(lat=lat, lon=lon, hint="en"))
    assert (nearby, expected.places[0]) == (text_without_links(expected), "ynj-airport")
    hrefs = (
        await page.locator(".bubble.bot")
        .last.locator("a.maplink")
        .evaluate_all("links => links.map(a => a.href)")
    )
    assert hrefs == [link.url for link in expected.links] and len(hrefs) == 3
    await snap(page, "location")
    await page.context.close()


async def test_a_complaint_gets_a_reference_and_reaches_the_staff_group(
    site: Site, engine: Engine
) -> None:
    page = await open_page(site, "en")
    await page.locator('.tools button[value="c"]').click()
    await page.locator("#complaint").wait_for(state="visible")
    await page.get_by_label(engine.responder.kb.text("web.complain_place", "en")).fill(
        "Yanji West Market"
    )
    await page.get_by_label(engine.responder.kb.text("complain_what", "en")).fill(
        "The stall refused cash"
    )
    before = len(await bot_bubbles(page))
    await page.locator('#complaint button[value="complain"]').click()
    done = (await wait_for_bubbles(page, before))[-1]
    db = await site.desk.app.bot_data.store.db()
    (last,) = await (await db.execute("SELECT MAX(id) FROM complaints")).fetchone()
    reference = f"C-{last:06d}"
    assert done == engine.responder.kb.text("complain_done", "en", ref=reference)
    notes = [
        c.params["text"] for c in site.desk.api.calls if c.params.get("chat_id") == str(STAFF_GROUP)
    ]
    assert notes[-1].startswith(f"📝 投诉 {reference} · 语言 en\n地点：Yanji West Market")
    assert await page.locator("#complaint").is_hidden()
    await snap(page, "complaint")
    await page.context.close()


async def test_a_handoff_shows_the_staff_reply_in_the_page(site: Site, engine: Engine) -> None:
    page = await open_page(site, "ru")
    await ask(page, "где снять наличные в банкомате")
    before = len(await bot_bubbles(page))
    await page.locator('.tools button[value="h"]').click()
    assert (await wait_for_bubbles(page, before))[-1] == engine.responder.kb.text("handoff", "ru")
    db = await site.desk.app.bot_data.store.db()
    (posted,) = await (await db.execute("SELECT MAX(staff_message_id) FROM tickets")).fetchone()
    reply_to = {
        "message_id": posted,
        "date": 0,
        "text": "🎫",
        "chat": {"id": STAFF_GROUP, "type": "supergroup", "title": "desk"},
    }
    await site.desk.send(
        message(
            "请到一楼的中国银行ATM。",
            user_id=STAFF_USER,
            lang="zh",
            chat_id=STAFF_GROUP,
            kind="supergroup",
            reply_to_message=reply_to,
        )
    )
    staff = await wait_for_bubbles(page, 0, who="staff")
    assert staff == [engine.responder.kb.text("staff_reply", "ru") + "\n请到一楼的中国银行ATM。"]
    await snap(page, "handoff")
    await page.context.close()


async def test_without_javascript_a_form_post_gets_a_page_back(site: Site, engine: Engine) -> None:
    page = await open_page(site, "en", java_script_enabled=False)
    await page.get_by_role("textbox").first.fill("which ATM takes my card")
    async with page.expect_navigation():
        await page.locator("button.send").click()
    texts = await bot_bubbles(page)
    assert await page.locator("#log .bubble.user p").all_text_contents() == [
        "which ATM takes my card"
    ]
    expected = engine.answer(Query(text="which ATM takes my card", hint="en"))
    assert texts[-1] == text_without_links(expected)
    hrefs = (
        await page.locator(".bubble.bot")
        .last.locator("a.maplink")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    assert hrefs == [link.url for link in expected.links]
    async with page.expect_navigation():
        await page.locator("#log .bubble.bot").last.get_by_role("button", name="👍").click()
    assert (await bot_bubbles(page))[-1] == engine.responder.kb.text("feedback_thanks", "en")
    await snap(page, "no-javascript")
    await page.context.close()


async def test_keyboard_alone_asks_and_every_control_has_a_name(site: Site, engine: Engine) -> None:
    page = await open_page(site, "ja")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "text"
    await page.keyboard.type("ATMはどこ")
    before = len(await bot_bubbles(page))
    await page.keyboard.press("Enter")
    answer = (await wait_for_bubbles(page, before))[-1]
    assert answer == text_without_links(engine.answer(Query(text="ATMはどこ", hint="ja")))
    unnamed = await page.evaluate(
        """() => [...document.querySelectorAll('button, input, textarea')]
        .filter(el => el.type !== 'hidden')
        .filter(el => !(el.textContent.trim() || el.labels?.length || el.getAttribute('aria-label')))
        .map(el => el.outerHTML)"""
    )
    assert unnamed == []
    await page.context.close()
