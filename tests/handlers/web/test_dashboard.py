"""The supervisor dashboard: staff only; its SVG bars and points, its CSVs and the figures' queries agree,
and a date range filters them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import figures
from bot.accounts import add_staff
from bot.engine import Engine
from bot.figures import Period
from bot.reports import stats, unanswered
from bot.storage import Store
from handlers.web.staffauth import COOKIE
from tests.web_helpers import DAY1, DAY2, PASSWORD, Site, seed


@pytest.fixture
async def site(engine: Engine, tmp_path: Path) -> AsyncIterator[Site]:
    store = Store(tmp_path / "dashboard.sqlite3")
    await add_staff(store, "wang", PASSWORD)
    await seed(store)
    web = Site(engine, store)
    yield web
    await web.client.aclose()
    await store.close()


def marks(page: str, figure: str) -> list[tuple[str, str, float]]:
    """(label, series, value) of every bar or point in the figure's SVG, parsed as XML."""
    section = re.search(rf'<section class="figure" id="fig-{figure}">(.*?)</section>', page, re.S)
    assert section is not None
    svg = re.search(r"<svg .*?</svg>", section.group(1), re.S)
    assert svg is not None
    return [
        (e.attrib["data-label"], e.attrib.get("data-series", ""), float(e.attrib["data-value"]))
        for e in ET.fromstring(svg.group(0)).iter()
        if e.attrib.get("class") in {"bar", "point", "place"}
    ]


async def rows(site: Site, figure: str, query: str = "") -> list[list[str]]:
    response = await site.client.get(f"/staff/dashboard/{figure}.csv{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))


async def test_the_dashboard_and_its_csvs_are_for_signed_in_staff_only(site: Site) -> None:
    assert (await site.client.get("/staff/dashboard")).status_code == 303
    assert (await site.client.get("/staff/dashboard/messages.csv")).status_code == 401
    sid = (await site.client.post("/api/v1/chat", json={"text": "人工", "lang": "en"})).json()[
        "session"
    ]
    anonymous = (await site.client.get("/staff")).cookies[COOKIE]
    for cookie in (sid, anonymous):
        client = site.new_client()
        client.cookies.set(COOKIE, cookie, domain="payhelp.test", path="/staff")
        got = [
            (await client.get(f"/staff/dashboard{tail}?session={sid}")).status_code
            for tail in ("", "/messages.csv", "/places.csv")
        ]
        assert got == [303, 401, 401]
        await client.aclose()


async def test_the_plots_show_the_figures(site: Site) -> None:
    await site.sign_in()
    page = (await site.client.get("/staff/dashboard")).text
    assert "督导看板" in page and "<script>" not in page
    messages = marks(page, "messages")
    assert len(messages) == 2 * 4  # two days, four languages: a missing point is 0
    assert {(d, s): v for d, s, v in messages if v} == {
        (DAY1, "zh"): 2,
        (DAY1, "en"): 1,
        (DAY1, "ko"): 1,
        (DAY2, "en"): 1,
        (DAY2, "ru"): 1,
        (DAY2, "zh"): 1,
    }
    assert sorted(marks(page, "kinds")) == sorted(
        [
            (DAY1, "answered", 2),
            (DAY1, "clarify", 1),
            (DAY1, "fallback", 1),
            (DAY1, "handoff", 0),
            (DAY2, "answered", 1),
            (DAY2, "clarify", 0),
            (DAY2, "fallback", 0),
            (DAY2, "handoff", 1),
        ]
    )
    assert marks(page, "topics") == [("foreign-cards", "", 2), ("atm", "", 1)]
    assert marks(page, "votes") == [("foreign-cards", "👍", 1), ("foreign-cards", "👎", 1)]
    assert sorted(marks(page, "unanswered")) == [
        ("[en] how do I pay taxes", "", 1),
        ("[zh] 外卡在哪里用不了", "", 1),
    ]
    assert marks(page, "complaints") == [("机场 · 长春", "", 1)]
    places = {label for label, _, _ in marks(page, "places")}
    assert {"cgq-airport", "ynj-airport", "tyn-airport"} <= places
    kb = site.console.kb
    assert places == {p.id for p in kb.places.values() if p.coords is not None}


async def test_each_csv_holds_the_plotted_figure(site: Site) -> None:
    await site.sign_in()
    page = (await site.client.get("/staff/dashboard")).text
    assert (await rows(site, "topics")) == [
        ["topic", "answers"],
        ["foreign-cards", "2"],
        ["atm", "1"],
    ]
    kinds = await rows(site, "kinds")
    assert kinds[0] == ["day", "kind", "messages"]
    assert sorted((d, k, float(n)) for d, k, n in kinds[1:]) == sorted(marks(page, "kinds"))
    assert (await rows(site, "complaints")) == [
        ["kind", "city", "complaints"],
        ["airport", "changchun", "1"],
    ]
    assert (await rows(site, "votes"))[1:] == [["foreign-cards", "1", "1"]]
    coverage = await rows(site, "coverage")
    assert [r[0] for r in coverage[1:]] == re.findall(r'<tr data-city="([^"]+)">', page)
    assert (await site.client.get("/staff/dashboard/nothing.csv")).status_code == 404


async def test_a_date_range_filters_every_figure(site: Site) -> None:
    await site.sign_in()
    page = (await site.client.get(f"/staff/dashboard?from={DAY2}&to={DAY2}")).text
    assert f'value="{DAY2}"' in page
    assert {(d, s): v for d, s, v in marks(page, "messages")} == {
        (DAY2, "en"): 1,
        (DAY2, "ru"): 1,
        (DAY2, "zh"): 1,
    }
    assert marks(page, "topics") == [("atm", "", 1)]
    assert marks(page, "votes") == [("foreign-cards", "👍", 0), ("foreign-cards", "👎", 1)]
    assert marks(page, "unanswered") == [("[zh] 外卡在哪里用不了", "", 1)]
    day1 = f"?from={DAY1}&to={DAY1}"
    assert (await rows(site, "complaints", day1)) == [["kind", "city", "complaints"]]
    assert (await rows(site, "messages", day1))[1:] == [
        [DAY1, "en", "1"],
        [DAY1, "ko", "1"],
        [DAY1, "zh", "2"],
    ]
    assert "没有数据" in (await site.client.get("/staff/dashboard?from=2030-01-01")).text
    bad = await site.client.get("/staff/dashboard?from=March")
    assert (bad.status_code, bad.text) == (400, "from: 'March' is not a date (YYYY-MM-DD)")


async def test_stats_and_the_unanswered_queue_read_the_same_figures(tmp_path: Path) -> None:
    store = Store(tmp_path / "same.sqlite3")
    await seed(store)
    everything = Period()
    assert await unanswered(store) == await figures.unanswered(store, everything)
    data = await stats(store, days=100_000)
    assert (data["messages"], data["users"], data["top_topics"]) == (
        7,
        3,
        [("foreign-cards", 2), ("atm", 1)],
    )
    assert (data["helpful"], data["unhelpful"], data["fallback_rate"]) == (1, 1, round(1 / 7, 3))
    await store.close()


def test_legends_name_languages_and_answer_kinds_in_chinese() -> None:
    from handlers.web.plots import line_chart

    svg = line_chart("t", [("2026-12-01", "answered", 2.0)], "none", {"answered": "已回答"})
    assert ("已回答" in svg, 'data-series="answered"' in svg) == (True, True)
