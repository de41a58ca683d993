"""Figures for staff and supervisors: usage statistics, the unanswered queue, complaints CSV, plan coverage."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.casework import complaints
from bot.knowledge import Knowledge
from bot.storage import Store

KEY_KINDS = ("airport", "railway-station", "scenic-spot", "district", "hotel", "hospital", "mall")


def _since(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


async def stats(store: Store, days: int = 7) -> dict[str, Any]:
    """Messages, users, languages, top topics, fallback rate and feedback over the last `days`."""
    db = await store.db()
    await store.flush()
    since = _since(days)
    rows = list(
        await (
            await db.execute(
                "SELECT user_key, lang, kind, topic FROM events WHERE ts >= ?", (since,)
            )
        ).fetchall()
    )
    feedback = await (
        await db.execute(
            "SELECT helpful, COUNT(*) FROM feedback WHERE ts >= ? GROUP BY helpful", (since,)
        )
    ).fetchall()
    votes = {bool(h): n for h, n in feedback}
    questions = [r for r in rows if not (r[2] == "nearby")]
    return {
        "days": days,
        "messages": len(rows),
        "users": len({r[0] for r in rows}),
        "languages": dict(Counter(r[1] for r in rows).most_common()),
        "top_topics": Counter(r[3] for r in rows if r[3]).most_common(10),
        "fallback_rate": round(sum(1 for r in questions if r[2] == "fallback") / len(questions), 3)
        if questions
        else 0.0,
        "helpful": votes.get(True, 0),
        "unhelpful": votes.get(False, 0),
    }


def format_stats(figures: dict[str, Any]) -> str:
    """The statistics as short lines for the staff group."""
    lines = [
        f"📊 {figures['days']} days: {figures['messages']} messages, {figures['users']} users",
        "languages: " + (", ".join(f"{k} {v}" for k, v in figures["languages"].items()) or "-"),
        "top topics: " + (", ".join(f"{t} {n}" for t, n in figures["top_topics"]) or "-"),
        f"fallback rate: {figures['fallback_rate']:.0%}",
        f"feedback: 👍 {figures['helpful']} · 👎 {figures['unhelpful']}",
    ]
    return "\n".join(lines)


async def unanswered(store: Store, limit: int = 30) -> list[tuple[str, str, int]]:
    """Questions that fell back or got 👎: (text, language, times), most frequent first."""
    db = await store.db()
    await store.flush()
    rows = await (
        await db.execute(
            "SELECT text, lang FROM events WHERE kind = 'fallback' AND text IS NOT NULL AND text != '' AND text NOT LIKE '[%' "
            "UNION ALL SELECT question, lang FROM feedback WHERE helpful = 0 AND question IS NOT NULL AND question NOT LIKE '[%'"
        )
    ).fetchall()
    counted = Counter((text.strip(), lang or "?") for text, lang in rows if text and text.strip())
    return [(text, lang, n) for (text, lang), n in counted.most_common(limit)]


def format_unanswered(queue: list[tuple[str, str, int]]) -> str:
    """The queue as numbered lines."""
    if not queue:
        return "No unanswered questions."
    return "\n".join(f"{n}× [{lang}] {text}" for text, lang, n in queue)


async def complaints_csv(store: Store) -> str:
    """Every complaint as CSV (UTF-8 with BOM so Excel and WPS open it right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "created", "language", "place", "what happened", "date"])
    for c in await complaints(store):
        writer.writerow([c.reference, c.created, c.lang, c.place, c.what, c.happened_on or ""])
    return "\ufeff" + out.getvalue()


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
    for city, figures in coverage["per_city"].items():
        name = kb.regions[city].names.first("en") if city in kb.regions else city
        lines.append(
            f"    {name:14} {figures['foreign_card_atms']:3} / {figures['exchange_points']:3} / {figures['places']:3}"
        )
    lines.append(
        "  payment service centers: " + (", ".join(coverage["payment_service_centers"]) or "none")
    )
    lines.append("  demonstration zones: " + (", ".join(coverage["demo_zones"]) or "none"))
    return "\n".join(lines)
