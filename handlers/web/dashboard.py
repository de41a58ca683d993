"""The supervisor dashboard at /staff/dashboard: every figure drawn as SVG and downloadable as CSV.

The figures come from bot.figures and bot.reports, the same queries /stats, `kb unanswered` and `report`
use; a from/to date range (GET) filters every figure that has dates. Staff sessions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot import figures
from bot.contract import LANGUAGE_NAMES
from bot.figures import Period, table_csv
from bot.reports import (
    COVERAGE_COLUMNS,
    PLACE_COLUMNS,
    coverage_rows,
    mapped_places,
    plan_coverage,
)
from handlers.web.console import Console, _nav, _page, console_of, staff_of
from handlers.web.page import esc
from handlers.web.plots import bar_chart, line_chart, map_chart


@dataclass(frozen=True)
class Table:
    """One figure's data: its CSV columns and rows."""

    columns: tuple[str, ...]
    rows: Sequence[tuple[object, ...]]


class BadDate(ValueError):
    """A from/to field that is not YYYY-MM-DD."""


def period_of(request: Request) -> tuple[Period, str, str]:
    """The date range from the query string (either end may be empty), and the fields as given."""
    given = {key: request.query_params.get(key, "").strip() for key in ("from", "to")}
    days: dict[str, date | None] = {}
    for key, value in given.items():
        try:
            days[key] = date.fromisoformat(value) if value else None
        except ValueError:
            raise BadDate(f"{key}: {value!r} is not a date (YYYY-MM-DD)") from None
    return Period.between(days["from"], days["to"]), given["from"], given["to"]


async def table(console: Console, period: Period, name: str) -> Table:
    """One figure of the dashboard, by name: a CSV download runs only its own query."""
    store, kb = console.store, console.kb
    if name == "messages":
        return Table(("day", "language", "messages"), await figures.messages_per_day(store, period))
    if name == "kinds":
        per_day = await figures.kinds_per_day(store, period)
        return Table(("day", "kind", "messages"), figures.grouped_kinds(per_day))
    if name == "topics":
        return Table(("topic", "answers"), await figures.top_topics(store, period))
    if name == "votes":
        return Table(
            ("topic", "helpful", "unhelpful"), await figures.votes_per_topic(store, period)
        )
    if name == "unanswered":
        return Table(("question", "language", "times"), await figures.unanswered(store, period))
    if name == "complaints":
        finder = console.engine.responder.finder
        rows = await figures.complaints_by_place(store, kb, finder, period)
        return Table(("kind", "city", "complaints"), rows)
    if name == "coverage":
        return Table(COVERAGE_COLUMNS, coverage_rows(plan_coverage(kb), kb))
    return Table(PLACE_COLUMNS, mapped_places(kb))


async def tables(console: Console, period: Period) -> dict[str, Table]:
    """Every figure of the dashboard, by name, in the order shown."""
    return {name: await table(console, period, name) for name in TITLES}


def _plot(console: Console, name: str, table: Table) -> str:
    """The figure's SVG: which columns are the label, the series and the value."""
    t, empty = console.t, console.t("staff.no_data")
    rows = table.rows
    if name == "messages":
        return line_chart(
            t("staff.fig_messages"),
            [(str(d), str(s), float(str(n))) for d, s, n in rows],
            empty,
            LANGUAGE_NAMES,
        )
    if name == "kinds":
        return line_chart(
            t("staff.fig_kinds"),
            [(str(d), str(s), float(str(n))) for d, s, n in rows],
            empty,
            {group: t(f"staff.group_{group}") for group in figures.GROUPS},
        )
    if name == "topics":
        return bar_chart(
            t("staff.fig_topics"), [(str(k), "", float(str(n))) for k, n in rows], empty
        )
    if name == "votes":
        bars = [
            (str(k), series, float(str(n)))
            for k, up, down in rows
            for series, n in (("👍", up), ("👎", down))
        ]
        return bar_chart(t("staff.fig_votes"), bars, empty)
    if name == "unanswered":
        return bar_chart(
            t("staff.fig_unanswered"),
            [(f"[{lang}] {text}", "", float(str(n))) for text, lang, n in rows],
            empty,
        )
    if name == "complaints":
        return bar_chart(
            t("staff.fig_complaints"),
            [
                (f"{_kind(console, str(kind))} · {_city(console, str(city))}", "", float(str(n)))
                for kind, city, n in rows
            ],
            empty,
        )
    if name == "coverage":
        return _coverage_table(console, table)
    boxes = [
        (r.id, r.names.first("zh")) for r in console.kb.regions.values() if r.kind == "province"
    ]
    spots = [
        (str(pid), str(zh), float(str(lat)), float(str(lon)), bool(foreign))
        for pid, zh, _, _, lat, lon, foreign, _ in rows
    ]
    return (
        map_chart(t("staff.fig_map"), boxes, spots)
        + f'<p class="note-map">{esc(t("staff.map_note"))}</p>'
    )


def _kind(console: Console, kind: str) -> str:
    """The kind of place in Chinese ("机场"); a complaint naming no known place keeps "?"."""
    return console.kb.text(f"kind.{kind}", "zh") if kind != figures.UNKNOWN else kind


def _city(console: Console, city: str) -> str:
    region = console.kb.regions.get(city)
    return region.names.first("zh") if region else city


def _coverage_table(console: Console, table: Table) -> str:
    t = console.t
    coverage = plan_coverage(console.kb)
    head = "".join(
        f"<th>{esc(t(key))}</th>"
        for key in ("staff.col_city", "staff.col_atms", "staff.col_exchange", "staff.col_places")
    )
    body = "".join(
        f'<tr data-city="{esc(str(city))}"><td>{esc(str(name))}</td><td>{atms}</td><td>{exchange}</td><td>{places}</td></tr>'
        for city, name, atms, exchange, places in table.rows
    )
    return (
        f"<p>{esc(t('staff.key_places'))}：{coverage['key_places_accepting_foreign_cards']} / "
        f'{coverage["key_places"]}</p><table class="coverage"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


TITLES = {
    "messages": "staff.fig_messages",
    "kinds": "staff.fig_kinds",
    "topics": "staff.fig_topics",
    "votes": "staff.fig_votes",
    "unanswered": "staff.fig_unanswered",
    "complaints": "staff.fig_complaints",
    "coverage": "staff.fig_coverage",
    "places": "staff.fig_map",
}


async def dashboard(request: Request) -> Response:
    """GET /staff/dashboard?from=&to=: the figures for the range (all time when both are empty)."""
    console = console_of(request)
    session = await staff_of(request)
    if session is None:
        return RedirectResponse("/staff", status_code=303)
    try:
        period, first, last = period_of(request)
    except BadDate as exc:
        return Response(str(exc), status_code=400)
    t = console.t
    query = urlencode({"from": first, "to": last})
    sections = "".join(
        f'<section class="figure" id="fig-{name}"><h2>{esc(t(TITLES[name]))}</h2>'
        f"{_plot(console, name, table)}"
        f'<p><a class="csv" href="/staff/dashboard/{name}.csv?{esc(query)}" download>{esc(t("staff.csv"))}</a></p></section>'
        for name, table in (await tables(console, period)).items()
    )
    form = (
        f'<form method="get" action="/staff/dashboard" class="range">'
        f'<label>{esc(t("staff.from"))} <input type="date" name="from" value="{esc(first)}"></label>'
        f'<label>{esc(t("staff.to"))} <input type="date" name="to" value="{esc(last)}"></label>'
        f'<button type="submit">{esc(t("staff.apply"))}</button></form>'
    )
    body = f'{_nav(console, session)}<main class="dashboard"><h1>{esc(t("staff.dashboard"))}</h1>{form}{sections}</main>'
    return _page(console, t("staff.dashboard"), body, session)


async def figure_csv(request: Request) -> Response:
    """GET /staff/dashboard/{figure}.csv?from=&to=: one figure's rows, as the page draws them."""
    console = console_of(request)
    if await staff_of(request) is None:
        return Response("sign in first", status_code=401)
    try:
        period, _, _ = period_of(request)
    except BadDate as exc:
        return Response(str(exc), status_code=400)
    name = request.path_params["figure"]
    if name not in TITLES:
        return Response("no such figure", status_code=404)
    rows = await table(console, period, name)
    return Response(
        table_csv(rows.columns, rows.rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="payhelp-{name}.csv"'},
    )


def dashboard_routes() -> list[Route]:
    return [
        Route("/staff/dashboard", dashboard),
        Route("/staff/dashboard/{figure:str}.csv", figure_csv),
    ]
