"""Figures for staff and supervisors: usage statistics, the unanswered queue, complaints CSV, plan coverage."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot import figures
from bot.casework import complaints
from bot.figures import Period, table_csv
from bot.knowledge import Knowledge
from bot.storage import Store

KEY_KINDS = ("airport", "railway-station", "scenic-spot", "district", "hotel", "hospital", "mall")


async def stats(store: Store, days: int = 7) -> dict[str, Any]:
    """Messages, users, languages, top topics, fallback rate and feedback over the last `days`."""
    period = Period.last_days(days)
    kinds = await figures.kinds_per_day(store, period)
    languages: Counter[str] = Counter()
    for _, lang, n in await figures.messages_per_day(store, period):
        languages[lang] += n
    votes = await figures.votes_per_topic(store, period)
    questions = sum(n for _, kind, n in kinds if kind != "nearby")
    fallbacks = sum(n for _, kind, n in kinds if kind == "fallback")
    return {
        "days": days,
        "messages": sum(n for _, _, n in kinds),
        "users": await figures.users(store, period),
        "languages": dict(languages.most_common()),
        "top_topics": await figures.top_topics(store, period),
        "fallback_rate": round(fallbacks / questions, 3) if questions else 0.0,
        "helpful": sum(up for _, up, _ in votes),
        "unhelpful": sum(down for _, _, down in votes),
    }


def format_stats(data: dict[str, Any]) -> str:
    """The statistics as short lines for the staff group."""
    lines = [
        f"📊 {data['days']} days: {data['messages']} messages, {data['users']} users",
        "languages: " + (", ".join(f"{k} {v}" for k, v in data["languages"].items()) or "-"),
        "top topics: " + (", ".join(f"{t} {n}" for t, n in data["top_topics"]) or "-"),
        f"fallback rate: {data['fallback_rate']:.0%}",
        f"feedback: 👍 {data['helpful']} · 👎 {data['unhelpful']}",
    ]
    return "\n".join(lines)


async def unanswered(store: Store, limit: int = 30) -> list[tuple[str, str, int]]:
    """The whole unanswered queue (bot.figures.unanswered over all time)."""
    return await figures.unanswered(store, Period(), limit)


def format_unanswered(queue: list[tuple[str, str, int]]) -> str:
    """The queue as numbered lines."""
    if not queue:
        return "No unanswered questions."
    return "\n".join(f"{n}× [{lang}] {text}" for text, lang, n in queue)


COMPLAINT_COLUMNS = ("reference", "created", "language", "place", "what happened", "date")


async def complaint_rows(store: Store, period: Period) -> list[tuple[object, ...]]:
    """Every complaint in the period, oldest first, as COMPLAINT_COLUMNS."""
    return [
        (c.reference, c.created, c.lang, c.place, c.what, c.happened_on or "")
        for c in await complaints(store)
        if period.holds(c.created)
    ]


async def complaints_csv(store: Store) -> str:
    """Every complaint as CSV (UTF-8 with BOM so Excel and WPS open it right)."""
    return table_csv(COMPLAINT_COLUMNS, await complaint_rows(store, Period()))


def plan_coverage(kb: Knowledge) -> dict[str, Any]:
    """The places against the plans' aims: foreign cards at key places, ATMs and exchange per city, service centers."""
    key = [p for p in kb.places.values() if p.kind in KEY_KINDS]
    per_city: dict[str, dict[str, int]] = {}
    for place in kb.places.values():
        city = per_city.setdefault(
            place.city, {"foreign_card_atms": 0, "exchange_points": 0, "places": 0}
        )
        city["places"] += 1
        city["foreign_card_atms"] += int(
            "foreign-card-atm" in place.services or place.kind == "atm"
        )
        city["exchange_points"] += int(
            "currency-exchange" in place.services or place.kind == "exchange-counter"
        )
    centers = sorted(
        p.id
        for p in kb.places.values()
        if "payment-service-center" in p.services or p.kind == "payment-service-center"
    )
    return {
        "key_places": len(key),
        "key_places_accepting_foreign_cards": sum(1 for p in key if p.takes_foreign_cards),
        "key_places_checked_accepting_foreign_cards": sum(
            1 for p in key if p.takes_foreign_cards and p.status == "checked"
        ),
        "places_checked": sum(1 for p in kb.places.values() if p.status == "checked"),
        "places_planned": sum(1 for p in kb.places.values() if p.status == "planned"),
        "share_accepting_foreign_cards": round(
            sum(1 for p in key if p.takes_foreign_cards) / len(key), 3
        )
        if key
        else 0.0,
        "per_city": dict(sorted(per_city.items())),
        "payment_service_centers": centers,
        "demo_zones": sorted(p.id for p in kb.places.values() if "demo-zone" in p.services),
    }


def format_coverage(coverage: dict[str, Any], kb: Knowledge) -> str:
    """The coverage summary as a readable block."""
    lines = [
        "Places against the plans' aims (from the place records; plan provisions, not inspections):",
        f"  records: {coverage['places_checked']} checked by a source, {coverage['places_planned']} planned only",
        f"  key places accepting foreign cards: {coverage['key_places_accepting_foreign_cards']} of {coverage['key_places']} ({coverage['share_accepting_foreign_cards']:.0%}), of which checked by a source: {coverage['key_places_checked_accepting_foreign_cards']}",
        "  per city: foreign-card ATMs / exchange points / places",
    ]
    for city, counts in coverage["per_city"].items():
        name = kb.regions[city].names.first("en") if city in kb.regions else city
        lines.append(
            f"    {name:14} {counts['foreign_card_atms']:3} / {counts['exchange_points']:3} / {counts['places']:3}"
        )
    lines.append(
        "  payment service centers: " + (", ".join(coverage["payment_service_centers"]) or "none")
    )
    lines.append("  demonstration zones: " + (", ".join(coverage["demo_zones"]) or "none"))
    return "\n".join(lines)


COVERAGE_COLUMNS = ("city", "name", "foreign_card_atms", "exchange_points", "places")
PLACE_COLUMNS = ("place", "name", "city", "kind", "lat", "lon", "foreign_cards", "source")


def coverage_rows(coverage: dict[str, Any], kb: Knowledge) -> list[tuple[object, ...]]:
    """plan_coverage's per-city table as COVERAGE_COLUMNS (names in Chinese)."""
    return [
        (
            city,
            kb.regions[city].names.first("zh") if city in kb.regions else city,
            counts["foreign_card_atms"],
            counts["exchange_points"],
            counts["places"],
        )
        for city, counts in coverage["per_city"].items()
    ]


def mapped_places(kb: Knowledge) -> list[tuple[object, ...]]:
    """Places with sourced coordinates, as PLACE_COLUMNS; places without coordinates are not guessed."""
    return [
        (
            p.id,
            p.names.first("zh"),
            p.city,
            p.kind,
            p.coords.lat,
            p.coords.lon,
            int(p.takes_foreign_cards),
            p.source,
        )
        for p in sorted(kb.places.values(), key=lambda p: p.id)
        if p.coords is not None
    ]
