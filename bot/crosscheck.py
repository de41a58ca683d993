"""Problems in knowledge files (`file:line: field: message`), and the checks that span entries and files:
unique ids, dates, references, enough examples, coordinates, the contract's ids, plain text, test files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.contract import LANGUAGES
from bot.geo import in_china
from bot.text import fold
from bot.yamlfile import Located

# Fixed ids from the content contract: answers, tests and reports refer to them.
SPEC_TOPICS: tuple[str, ...] = (
    "payment-overview",
    "mobile-pay-setup",
    "mobile-pay-limits-fees",
    "foreign-wallets",
    "mobile-pay-problems",
    "ecny",
    "card-acceptance",
    "card-problems",
    "cash-rights",
    "cash-refusal-complaint",
    "change-pack",
    "atm-foreign-card",
    "currency-exchange",
    "exchange-back",
    "open-account",
    "permanent-resident-card",
    "branch-green-channel",
    "payment-service-center",
    "demo-zones",
    "payment-guide",
    "complaints",
    "pay-transport",
    "pay-hotel",
    "pay-hospital",
    "pay-attractions",
    "pay-shopping-dining",
    "phone-sim",
    "elderly-mobile-pay",
    "fraud-safety",
)
SPEC_PLACES: tuple[str, ...] = (
    "cgq-airport",
    "ynj-airport",
    "changbaishan-station",
    "chibei-demo-zone",
    "tyn-airport",
    "yungang-grottoes",
    "wutaishan",
    "pingyao-ancient-city",
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a knowledge file, printed as `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {self.field}: {tag}{self.message}"


@dataclass
class Collector:
    """Gathers every problem of one load, with paths relative to the knowledge folder's parent."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)  # files that are not YAML at all

    def add(
        self, file: Path | str, line: int, name: str, message: str, severity: str = "error"
    ) -> None:
        rel = self.rel(file)
        self.problems.append(Problem(rel, line, name, message, severity))

    def at(
        self,
        entry: Entry,
        keys: tuple[str | int, ...],
        name: str,
        message: str,
        severity: str = "error",
    ) -> None:
        """A problem with one entry's field (`keys` lead to it, for its line); the message names the entry."""
        item, path, located, index = entry
        line = located.line_of((index, *keys))
        self.add(path, line, name, f"{message} (in {item.id})", severity)

    def rel(self, file: Path | str) -> str:
        path = Path(file)
        if path == self.root:
            return str(path)
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)


Entry = tuple[Any, Path, Located, int]


@dataclass(frozen=True)
class Entries:
    """Every validated entry, for the checks that span entries and files."""

    topics: list[Entry]
    places: list[Entry]
    regions: list[Entry]
    intents: list[Entry]
    countries: list[Entry] = field(default_factory=list)


def cross_check(collect: Collector, entries: Entries, today: date) -> None:
    """Checks that span entries, one function each."""
    for check in (
        _unique_ids,
        _dates,
        _related_topics,
        _enough_examples,
        _place_references,
        _coordinates,
        _provinces,
        _country_names,
        _contract_ids,
        _plain_text,
    ):
        check(collect, entries, today)


def _unique_ids(collect: Collector, entries: Entries, today: date) -> None:
    """No two topics (places, regions, intents) share an id."""
    for kind, group in (
        ("topic", entries.topics),
        ("place", entries.places),
        ("region", entries.regions),
        ("intent", entries.intents),
        ("country", entries.countries),
    ):
        seen: dict[str, str] = {}
        for item, path, located, index in group:
            where = f"{collect.rel(path)}:{located.line_of((index,))}"
            if item.id in seen:
                collect.add(
                    path,
                    located.line_of((index, "id")),
                    "id",
                    f"duplicate {kind} id {item.id!r} (first at {seen[item.id]})",
                )
            seen.setdefault(item.id, where)


def _dates(collect: Collector, entries: Entries, today: date) -> None:
    """An as_of date is never in the future."""
    for entry in entries.topics + entries.places:
        if entry[0].as_of > today:
            collect.at(entry, ("as_of",), "as_of", f"{entry[0].as_of} is in the future")


def _related_topics(collect: Collector, entries: Entries, today: date) -> None:
    """Every related topic exists."""
    topic_ids = {t.id for t, *_ in entries.topics}
    for entry in entries.topics:
        for position, ref in enumerate(entry[0].related):
            if ref not in topic_ids:
                collect.at(entry, ("related", position), "related", f"no topic {ref!r}")


def _enough_examples(collect: Collector, entries: Entries, today: date) -> None:
    """A warning for a language with fewer than three example questions."""
    for entry in entries.topics:
        for lang, examples in entry[0].examples.items():
            if len(examples) < 3 and lang != "other":  # other languages are optional
                message = f"only {len(examples)} example(s); write at least 3"
                collect.at(entry, ("examples", lang), f"examples.{lang}", message, "warning")


def _place_references(collect: Collector, entries: Entries, today: date) -> None:
    """A place's parent is another existing place and its city is a city in regions.yaml."""
    place_ids = {p.id for p, *_ in entries.places}
    regions = {r.id: r for r, *_ in entries.regions}
    for entry in entries.places:
        place = entry[0]
        if place.parent is not None and place.parent not in place_ids:
            collect.at(entry, ("parent",), "parent", f"no place {place.parent!r}")
        if place.parent == place.id:
            collect.at(entry, ("parent",), "parent", "a place cannot be inside itself")
        region = regions.get(place.city)
        if region is None or region.kind != "city":
            collect.at(entry, ("city",), "city", f"no city {place.city!r} in regions.yaml")


def _coordinates(collect: Collector, entries: Entries, today: date) -> None:
    """Coordinates lie in China."""
    for entry in entries.places:
        coords = entry[0].coords
        if coords is not None and not in_china(coords.lat, coords.lon):
            collect.at(
                entry, ("coords",), "coords", f"({coords.lat}, {coords.lon}) is outside China"
            )


def _provinces(collect: Collector, entries: Entries, today: date) -> None:
    """Every city names a province of regions.yaml."""
    regions = {r.id: r for r, *_ in entries.regions}
    for entry in entries.regions:
        region = entry[0]
        if region.kind == "city" and (
            region.province not in regions or regions[region.province].kind != "province"
        ):
            collect.at(entry, ("province",), "province", f"no province {region.province!r}")


def _country_names(collect: Collector, entries: Entries, today: date) -> None:
    """A name in countries.yaml belongs to one entry: otherwise which country it means is a guess."""
    owner: dict[str, str] = {}
    for entry in entries.countries:
        country = entry[0]
        for lang, names in country.names.items():
            for number, name in enumerate(names):
                first = owner.setdefault(fold(name), country.id)
                if first != country.id:
                    collect.at(
                        entry,
                        ("names", lang, number),
                        f"names.{lang}",
                        f"{name!r} is also {first}'s",
                    )


def _contract_ids(collect: Collector, entries: Entries, today: date) -> None:
    """The content contract's topics and places all exist."""
    topic_ids = {t.id for t, *_ in entries.topics}
    place_ids = {p.id for p, *_ in entries.places}
    for required, present, what, folder in (
        (SPEC_TOPICS, topic_ids, "topic", "faq"),
        (SPEC_PLACES, place_ids, "place", "places"),
    ):
        for item_id in required:
            if item_id not in present:
                collect.add(
                    collect.root / folder, 1, "id", f"the contract's {what} {item_id!r} is missing"
                )


MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z][^<>]*>|\*\*\S|__\S|`[^`]+`|\[[^\]]+\]\([^)]*\)|^\s{0,3}#{1,6}\s",
    re.MULTILINE,
)


def _plain_text(collect: Collector, entries: Entries, today: date) -> None:
    """Answers and summaries are plain text: HTML tags or Markdown would reach users as raw characters."""
    fields = [(entry, "answer") for entry in entries.topics] + [
        (entry, "short") for entry in entries.topics
    ]
    fields += [(entry, "summary") for entry in entries.places]
    for entry, name in fields:
        for lang in LANGUAGES:
            text = getattr(getattr(entry[0], name), lang)
            found = MARKUP.search(text) if text else None
            if found:
                message = f"write plain text, not HTML or Markdown: {found.group(0).strip()!r}"
                collect.at(entry, (name, lang), f"{name}.{lang}", message)


# (line number, object) of a JSON-lines file, as json_lines reads it
Rows = list[tuple[int, dict[str, Any]]]


def check_regression_files(
    collect: Collector, batches: Mapping[Path, Rows], topic_ids: set[str], place_ids: set[str]
) -> None:
    """Regression and real questions (each file's rows, read once by json_lines) must name existing topics
    and places."""
    for path, rows in batches.items():
        for number, case in rows:
            if not isinstance(case.get("text"), str):
                collect.add(path, number, "text", 'each line needs a "text"')
                continue
            topics = case.get("topic") or []
            for ref in [topics] if isinstance(topics, str) else topics:  # one may stand alone
                if ref not in topic_ids:
                    collect.add(path, number, "topic", f"no topic {ref!r}")
            if case.get("place") and case["place"] not in place_ids:
                collect.add(path, number, "place", f"no place {case['place']!r}")


def json_lines(collect: Collector, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of a JSON-lines file; a line that is not a JSON object, or a file that cannot be
    read as UTF-8 text, is reported instead. Lines end at "\\n" only: a question may hold U+2028."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        collect.add(path, 1, "file", f"cannot be read as UTF-8 text ({exc})")
        return
    for number, line in numbered_lines(text):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            collect.add(path, number, "line", f"not JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            collect.add(path, number, "line", "each line must be a JSON object {...}")
            continue
        yield number, row


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of every non-blank line of a JSON-lines text: every reader of these files splits
    them here, at "\n" only (a question may hold U+2028, which str.splitlines would cut at)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line


def json_line(value: object) -> str:
    """One JSON line as json_lines reads it back: readable text, with a line or paragraph separator inside a
    string escaped, so no reader that splits lines there (str.splitlines) cuts the line in two."""
    text = json.dumps(value, ensure_ascii=False)
    for separator in ("\u2028", "\u2029", "\x85"):
        text = text.replace(separator, json.dumps(separator)[1:-1])
    return text
