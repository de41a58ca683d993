"""The one set of queries behind every figure: /stats, `kb unanswered`, `report` and the staff dashboard.

Each function reads the database for a Period and returns plain rows; bot.reports formats them as text,
the dashboard draws them and offers them as CSV. Nothing else queries events, feedback or complaints
for figures.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.casework import complaints
from bot.knowledge import Knowledge
from bot.places import PlaceFinder
from bot.question import TAP
from bot.storage import Store

# The answer kinds as supervisors count them: every answer from the knowledge base is "answered".
KIND_GROUPS = {
    "faq": "answered",
    "place": "answered",
    "nearby": "answered",
    "clarify": "clarify",
    "fallback": "fallback",
    "handoff": "handoff",
}  # greetings are neither a question nor an answer: left out
GROUPS = ("answered", "clarify", "fallback", "handoff")
UNKNOWN = "?"  # a complaint's place that names no place in the knowledge base


@dataclass(frozen=True)
class Period:
    """Timestamps from `since` (inclusive) to `until` (exclusive), ISO strings as stored; None = open."""

    since: str | None = None
    until: str | None = None

    @classmethod
    def last_days(cls, days: int) -> Period:
        return cls((datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds"))

    @classmethod
    def between(cls, first: date | None, last: date | None) -> Period:
        """Whole days, `first` to `last` inclusive."""
        return cls(
            first.isoformat() if first else None,
            (last + timedelta(days=1)).isoformat() if last else None,
        )

    def bounds(self) -> tuple[str, str]:
        """The parameters of every query's constant `ts >= ? AND ts < ?` (ISO times sort as text)."""
        return (self.since or "", self.until or "\uffff")

    def holds(self, ts: str) -> bool:
        return (self.since is None or ts >= self.since) and (self.until is None or ts < self.until)


async def _rows(store: Store, sql: str, period: Period, *more: object) -> list[tuple[object, ...]]:
    """The rows of a constant query whose parameters are the period's bounds, then `more`."""
    db = await store.db()
    await store.flush()
    params = (*period.bounds(), *more)
    return [tuple(row) for row in await (await db.execute(sql, params)).fetchall()]


async def _per_day(store: Store, period: Period, column: str) -> list[tuple[str, str, int]]:
    """(day, value of `column`, messages), by day then value; `column` is one of this module's constants."""
    rows = await _rows(
        store,
        f"SELECT substr(ts, 1, 10), {column}, COUNT(*) FROM events WHERE ts >= ? AND ts < ? "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        period,
    )
    return [(str(d), str(value), int(str(n))) for d, value, n in rows]


async def messages_per_day(store: Store, period: Period) -> list[tuple[str, str, int]]:
    """(day, language, messages), by day then language."""
    return await _per_day(store, period, "COALESCE(lang, '?')")


async def kinds_per_day(store: Store, period: Period) -> list[tuple[str, str, int]]:
    """(day, answer kind as stored, messages), by day then kind."""
    return await _per_day(store, period, "kind")


def grouped_kinds(per_day: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """(day, group, messages) for the four GROUPS, zero-filled, by day then group."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for day, kind, n in per_day:
        counts[day]  # every day with messages gets a row, even one of greetings only
        if kind in KIND_GROUPS:
            counts[day][KIND_GROUPS[kind]] += n
    return [(day, group, counts[day][group]) for day in sorted(counts) for group in GROUPS]


async def users(store: Store, period: Period) -> int:
    """How many different (hashed) users wrote."""
    rows = await _rows(
        store, "SELECT COUNT(DISTINCT user_key) FROM events WHERE ts >= ? AND ts < ?", period
    )
    return int(str(rows[0][0]))


async def top_topics(store: Store, period: Period, limit: int = 10) -> list[tuple[str, int]]:
    """(topic, answers), most answered first."""
    rows = await _rows(
        store,
        "SELECT topic, COUNT(*) FROM events WHERE ts >= ? AND ts < ? AND topic IS NOT NULL AND topic != '' "
        "GROUP BY topic ORDER BY 2 DESC, 1 LIMIT ?",
        period,
        limit,
    )
    return [(str(t), int(str(n))) for t, n in rows]


async def votes_per_topic(store: Store, period: Period) -> list[tuple[str, int, int]]:
    """(topic, 👍, 👎); feedback on no topic is counted under "-"."""
    rows = await _rows(
        store,
        "SELECT COALESCE(topic, '-'), SUM(helpful = 1), SUM(helpful = 0) FROM feedback WHERE ts >= ? AND ts < ? "
        "GROUP BY 1 ORDER BY 1",
        period,
    )
    return [(str(t), int(str(up)), int(str(down))) for t, up, down in rows]


async def unanswered(store: Store, period: Period, limit: int = 30) -> list[tuple[str, str, int]]:
    """Questions that fell back or got 👎: (text, language, times), most frequent first."""
    rows = await _rows(
        store,
        "SELECT text, lang FROM events WHERE kind = 'fallback' AND text IS NOT NULL AND text != '' "
        "AND ts >= ? AND ts < ? AND substr(text, 1, 1) != ? "
        "UNION ALL SELECT question, lang FROM feedback WHERE helpful = 0 AND question IS NOT NULL "
        "AND ts >= ? AND ts < ? AND substr(question, 1, 1) != ?",
        period,
        TAP,  # a tap is no question
        *period.bounds(),
        TAP,
    )
    counted = Counter(
        (str(text).strip(), str(lang or "?")) for text, lang in rows if text and str(text).strip()
    )
    return [(text, lang, n) for (text, lang), n in counted.most_common(limit)]


async def complaints_by_place(
    store: Store, kb: Knowledge, finder: PlaceFinder, period: Period
) -> list[tuple[str, str, int]]:
    """(kind of place, city, complaints): the place a complaint names, looked up like a question's."""
    places = kb.places
    counted: Counter[tuple[str, str]] = Counter()
    for complaint in await complaints(store):
        if not period.holds(complaint.created):
            continue
        hits = finder.find(complaint.place)
        place = places.get(hits[0].place_id) if hits else None
        counted[(place.kind, place.city) if place else (UNKNOWN, UNKNOWN)] += 1
    return [(kind, city, n) for (kind, city), n in sorted(counted.items())]


def table_csv(columns: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> str:
    """Rows as CSV, UTF-8 with BOM so Excel and WPS open Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()
