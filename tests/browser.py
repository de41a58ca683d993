"""What every browser test shares: Debian's chromium (skipped, saying why, when there is none), the
screenshot folder, an app served by uvicorn on a free port, and signing in to the staff console."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.types import ASGIApp

from handlers.web import server as web_server
from handlers.web.server import free_port
from tests.helpers import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, kept by CI as test artifacts
PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1280, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def needs_chromium(what: str) -> pytest.MarkDecorator:
    """Skip `what` when no chromium is installed, with the reason pytest's summary shows."""
    return pytest.mark.skipif(
        CHROMIUM is None,
        reason=f"browser tests of {what} skipped: no chromium found (apt-get install chromium fonts-noto-cjk)",
    )


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """`app` on 127.0.0.1 at a free port, as `python -m bot run` serves it; yields its address."""
    server, task = await web_server.start(app, "127.0.0.1", port := free_port())
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await web_server.stop(server, task)


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """A headless chromium driven by Playwright (imported here: only browser tests need it)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            await browser.close()


async def sign_in(page: Any, url: str, name: str, password: str) -> None:
    """Sign in to the staff console as its login form asks (in Chinese)."""
    await page.goto(f"{url}/staff")
    await page.fill('input[name="name"]', name)
    await page.fill('input[name="password"]', password)
    await page.click('button:has-text("登录")')
