"""The supervisor dashboard in a real browser (Debian's chromium): sign in, open the dashboard, narrow the
dates; the plots are drawn (no script needed) and a screenshot is saved in tests/artifacts/."""

from __future__ import annotations

import pytest

from bot.accounts import add_staff
from bot.engine import Engine
from bot.settings import Settings
from bot.storage import Store
from handlers.web.app import build_app
from tests.browser import ARTIFACTS, DESKTOP, chromium, needs_chromium, serving, sign_in
from tests.web_helpers import DAY2, seed

pytestmark = needs_chromium("the dashboard")


async def test_a_supervisor_sees_the_plots_and_narrows_the_dates(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.async_api import expect

    store = Store(tmp_path_factory.mktemp("dashboard") / "dashboard.sqlite3")
    await add_staff(store, "wang", "correct horse battery")
    await seed(store)
    settings = Settings(_env_file=None, DATABASE_PATH=store.path, WEB_REQUESTS_PER_MINUTE=0)  # type: ignore[call-arg]
    try:
        async with serving(build_app(settings, engine, store)) as url, chromium() as browser:
            page = await browser.new_page(viewport=DESKTOP, locale="zh-CN")
            errors: list[str] = []
            page.on(  # a CSP violation or a missing resource is a console error (no favicon is fine)
                "console",
                lambda m: (
                    errors.append(m.text)
                    if m.type == "error" and not m.location.get("url", "").endswith("favicon.ico")
                    else None
                ),
            )
            await sign_in(page, url, "wang", "correct horse battery")
            await page.click('nav a:has-text("督导看板")')
            await expect(page.locator("h1")).to_have_text("督导看板")
            await expect(page.locator("#fig-topics rect.bar")).to_have_count(2)
            await expect(page.locator("#fig-messages circle.point")).to_have_count(8)
            box = await page.locator("#fig-places svg").bounding_box()
            assert box is not None and box["width"] > 300  # drawn, not collapsed
            await page.screenshot(path=str(ARTIFACTS / "staff-dashboard.png"), full_page=True)
            await page.fill('input[name="from"]', DAY2)
            await page.fill('input[name="to"]', DAY2)
            await page.click('button:has-text("查看")')
            await expect(page.locator("#fig-topics rect.bar")).to_have_count(1)
            await expect(page.locator("#fig-topics rect.bar")).to_have_attribute(
                "data-label", "atm"
            )
            async with page.expect_download() as download:
                await page.click("#fig-topics a.csv")
            saved = await (await download.value).path()
            assert saved.read_bytes().decode("utf-8-sig") == "topic,answers\r\natm,1\r\n"
            assert errors == []  # no CSP violation, no failed resource
    finally:
        await store.close()
