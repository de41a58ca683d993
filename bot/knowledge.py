"""Load `knowledge/` into one immutable snapshot, reporting every problem with file and line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from string import Formatter
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.contract import LANGUAGES, UI, UI_KEYS
from bot.geo import in_china
from bot.schema import Intent, KindWords, NeedsFile, Place, Region, Texts, Topic
from bot.yamlfile import Located, YamlProblem, load_yaml

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


@dataclass(frozen=True)
class Knowledge:
    """An immutable snapshot of everything the bot knows; swapped whole on reload."""

    topics: Mapping[str, Topic]
    places: Mapping[str, Place]
    regions: Mapping[str, Region]
    ui: Mapping[str, Texts]
    intents: Mapping[str, Intent]
    kinds: Mapping[str, KindWords] = field(default_factory=lambda: MappingProxyType({}))
    needs: NeedsFile | None = None  # knowledge/needs.yaml; None in a folder without one
    root: Path = Path(".")

    def examples(self) -> list[tuple[str, str]]:
        """(target, example question) of every topic, then every intent, in every language."""
        targets: list[Topic | Intent] = [*self.topics.values(), *self.intents.values()]
        return [
            (target.id, phrase)
            for target in targets
            for _, phrases in target.examples.items()
            for phrase in phrases
        ]

    def text(self, key: str, lang: str, **values: Any) -> str:
        """An interface text in `lang` with its placeholders filled."""
        texts = self.ui.get(key)
        template = texts.get(lang) if texts else key
        return template.format(**values) if values else template


class KnowledgeError(Exception):
    """The knowledge has errors; `problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge files")
        self.problems = problems


@dataclass
class _Collector:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)  # files that are not YAML at all

    def add(
        self, file: Path | str, line: int, name: str, message: str, severity: str = "error"
    ) -> None:
        rel = self.rel(file)
        self.problems.append(Problem(rel, line, name, message, severity))

    def rel(self, file: Path | str) -> str:
        path = Path(file)
        if path == self.root:
            return str(path)
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)


def load_knowledge(root: Path, today: date | None = None) -> tuple[Knowledge | None, list[Problem]]:
    """Read and validate everything under `root`; the snapshot is None when there are errors."""
    collect = _Collector(root)
    today = today or date.today()
    if not root.is_dir():
        collect.add(root, 1, "KNOWLEDGE_DIR", "folder not found")
        return None, collect.problems
    if next(root.rglob("*.yaml"), None) is None:
        collect.add(
            root,
            1,
            "KNOWLEDGE_DIR",
            "no knowledge files in this folder (faq/*.yaml, places/*.yaml, ui.yaml ...); is it the right one?",
        )
        return None, collect.problems
    topics = _load_list(collect, sorted((root / "faq").glob("*.yaml")), Topic)
    places = _load_list(collect, sorted((root / "places").glob("*.yaml")), Place)
    regions = _load_list(collect, [root / "regions.yaml"], Region)
    ui = _load_ui(collect, root / "ui.yaml")
    intents = _load_list(collect, [root / "intents.yaml"], Intent)
    kinds = (
        _load_list(collect, [root / "kinds.yaml"], KindWords)
        if (root / "kinds.yaml").exists()
        else []
    )
    needs = _load_needs(collect, root / "needs.yaml")
    if (
        not collect.unreadable
    ):  # a file that is not YAML hides its entries: every reference to them would fail too
        _cross_check(collect, _Entries(topics, places, regions, intents), today)
        _check_regression_files(
            collect, root / "tests", {t.id for t, *_ in topics}, {p.id for p, *_ in places}
        )
    errors = [p for p in collect.problems if p.severity == "error"]
    if errors:
        return None, sorted(collect.problems)
    snapshot = Knowledge(
        topics=MappingProxyType({t.id: t for t, *_ in topics}),
        places=MappingProxyType({p.id: p for p, *_ in places}),
        regions=MappingProxyType({r.id: r for r, *_ in regions}),
        ui=MappingProxyType(ui),
        intents=MappingProxyType({i.id: i for i, *_ in intents}),
        kinds=MappingProxyType({k.id: k for k, *_ in kinds}),
        needs=needs,
        root=root,
    )
    return snapshot, sorted(collect.problems)


def require_knowledge(root: Path) -> Knowledge:
    """Load the knowledge or raise KnowledgeError listing every problem."""
    snapshot, problems = load_knowledge(root)
    if snapshot is None:
        raise KnowledgeError([p for p in problems if p.severity == "error"])
    return snapshot


Entry = tuple[Any, Path, Located, int]


def _load_list(collect: _Collector, files: Iterable[Path], model: type[BaseModel]) -> list[Entry]:
    """Validate every list entry of every file against `model`."""
    entries: list[Entry] = []
    for path in files:
        if not path.exists():
            collect.add(path, 1, "file", "missing")
            continue
        located = _read(collect, path)
        if located is None:
            continue
        data = located.data if located.data is not None else []
        if not isinstance(data, list):
            collect.add(path, 1, "file", "must be a list of entries (each starting with '- id:')")
            continue
        for index, raw in enumerate(data):
            entries.extend(_validate(collect, path, located, index, raw, model))
    return entries


def _load_needs(collect: _Collector, path: Path) -> NeedsFile | None:
    """knowledge/needs.yaml, when the folder has one: one mapping validated whole, errors located by line."""
    if not path.exists():
        return None
    located = _read(collect, path)
    if located is None:
        return None
    try:
        return NeedsFile.model_validate(located.data)
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "file"
            collect.add(path, located.line_of(tuple(error["loc"])), name, _message(error))
    return None


def _validate(
    collect: _Collector, path: Path, located: Located, index: int, raw: Any, model: type[BaseModel]
) -> list[Entry]:
    """One entry through its model; each pydantic error becomes a located Problem."""
    line = located.line_of((index,))
    if not isinstance(raw, dict):
        collect.add(path, line, f"[{index}]", "must be a mapping of fields")
        return []
    try:
        return [(model.model_validate(raw), path, located, index)]
    except ValidationError as exc:
        for error in exc.errors():
            loc = (index,) + tuple(error["loc"])
            name = ".".join(str(part) for part in error["loc"]) or "entry"
            entry_id = raw.get("id", f"entry {index + 1}")
            collect.add(path, located.line_of(loc), name, f"{_message(error)} (in {entry_id})")
        return []


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see knowledge/README.md)"
    if kind == "literal_error":
        return f"must be one of {error.get('ctx', {}).get('expected', '')}"
    return str(error.get("msg", "invalid"))


def _read(collect: _Collector, path: Path) -> Located | None:
    try:
        return load_yaml(path)
    except YamlProblem as exc:
        collect.add(path, exc.line, "file", exc.message)
    except OSError as exc:
        collect.add(path, 1, "file", f"cannot read ({exc.strerror})")
    collect.unreadable.append(path)
    return None


def _load_ui(collect: _Collector, path: Path) -> dict[str, Texts]:
    """Interface texts: a mapping of key to the five languages."""
    if not path.exists():
        collect.add(path, 1, "file", "missing")
        return {}
    located = _read(collect, path)
    if located is None:
        return {}
    if not isinstance(located.data, dict):
        collect.add(path, 1, "file", "must be a mapping of keys to texts")
        return {}
    ui: dict[str, Texts] = {}
    for key, raw in located.data.items():
        try:
            ui[str(key)] = Texts.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = (key,) + tuple(error["loc"])
                collect.add(
                    path, located.line_of(loc), ".".join(str(p) for p in loc), _message(error)
                )
    for key in UI_KEYS:
        if key not in located.data:
            collect.add(path, 1, key, "required interface text is missing")
    for key, texts in ui.items():
        _check_placeholders(collect, path, located, key, texts)
    return ui


def _check_placeholders(
    collect: _Collector, path: Path, located: Located, key: str, texts: Texts
) -> None:
    """Each {placeholder} is one the code fills for this key; a misspelt one would crash every answer using it."""
    if key not in UI:
        return  # not asked for by the code (an optional topic title): shown as written
    filled = UI[key]
    for lang in LANGUAGES:
        try:
            names = [
                name for _, name, _, _ in Formatter().parse(texts.get(lang)) if name is not None
            ]
        except ValueError as exc:
            collect.add(
                path,
                located.line_of((key, lang)),
                f"{key}.{lang}",
                f"broken placeholder ({exc}); write {{{{ and }}}} for a literal brace",
            )
            continue
        for name in names:
            if name not in filled:
                offer = ", ".join("{" + f + "}" for f in filled) or "none"
                collect.add(
                    path,
                    located.line_of((key, lang)),
                    f"{key}.{lang}",
                    f"{{{name}}} is not filled by the code (placeholders here: {offer})",
                )


@dataclass(frozen=True)
class _Entries:
    """Every validated entry, for the checks that span entries and files."""

    topics: list[Entry]
    places: list[Entry]
    regions: list[Entry]
    intents: list[Entry]


def _cross_check(collect: _Collector, entries: _Entries, today: date) -> None:
    """Checks that span entries, one function each."""
    for check in (
        _unique_ids,
        _dates,
        _related_topics,
        _enough_examples,
        _place_references,
        _coordinates,
        _provinces,
        _contract_ids,
        _plain_text,
    ):
        check(collect, entries, today)


def _unique_ids(collect: _Collector, entries: _Entries, today: date) -> None:
    """No two topics (places, regions, intents) share an id."""
    for kind, group in (
        ("topic", entries.topics),
        ("place", entries.places),
        ("region", entries.regions),
        ("intent", entries.intents),
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


def _dates(collect: _Collector, entries: _Entries, today: date) -> None:
    """An as_of date is never in the future."""
    for item, path, located, index in entries.topics + entries.places:
        if item.as_of > today:
            collect.add(
                path,
                located.line_of((index, "as_of")),
                "as_of",
                f"{item.as_of} is in the future (in {item.id})",
            )


def _related_topics(collect: _Collector, entries: _Entries, today: date) -> None:
    """Every related topic exists."""
    topic_ids = {t.id for t, *_ in entries.topics}
    for topic, path, located, index in entries.topics:
        for position, ref in enumerate(topic.related):
            if ref not in topic_ids:
                collect.add(
                    path,
                    located.line_of((index, "related", position)),
                    "related",
                    f"no topic {ref!r} (in {topic.id})",
                )


def _enough_examples(collect: _Collector, entries: _Entries, today: date) -> None:
    """A warning for a language with fewer than three example questions."""
    for topic, path, located, index in entries.topics:
        for lang, examples in topic.examples.items():
            if len(examples) < 3 and lang != "other":  # other languages are optional
                collect.add(
                    path,
                    located.line_of((index, "examples", lang)),
                    f"examples.{lang}",
                    f"only {len(examples)} example(s); write at least 3 (in {topic.id})",
                    "warning",
                )


def _place_references(collect: _Collector, entries: _Entries, today: date) -> None:
    """A place's parent is another existing place and its city is a city in regions.yaml."""
    place_ids = {p.id for p, *_ in entries.places}
    regions = {r.id: r for r, *_ in entries.regions}
    for place, path, located, index in entries.places:
        if place.parent is not None and place.parent not in place_ids:
            collect.add(
                path,
                located.line_of((index, "parent")),
                "parent",
                f"no place {place.parent!r} (in {place.id})",
            )
        if place.parent == place.id:
            collect.add(
                path,
                located.line_of((index, "parent")),
                "parent",
                f"a place cannot be inside itself (in {place.id})",
            )
        region = regions.get(place.city)
        if region is None or region.kind != "city":
            collect.add(
                path,
                located.line_of((index, "city")),
                "city",
                f"no city {place.city!r} in regions.yaml (in {place.id})",
            )


def _coordinates(collect: _Collector, entries: _Entries, today: date) -> None:
    """Coordinates lie in China."""
    for place, path, located, index in entries.places:
        if place.coords is not None and not in_china(place.coords.lat, place.coords.lon):
            collect.add(
                path,
                located.line_of((index, "coords")),
                "coords",
                f"({place.coords.lat}, {place.coords.lon}) is outside China (in {place.id})",
            )


def _provinces(collect: _Collector, entries: _Entries, today: date) -> None:
    """Every city names a province of regions.yaml."""
    regions = {r.id: r for r, *_ in entries.regions}
    for region, path, located, index in entries.regions:
        if region.kind == "city" and (
            region.province not in regions or regions[region.province].kind != "province"
        ):
            collect.add(
                path,
                located.line_of((index, "province")),
                "province",
                f"no province {region.province!r} (in {region.id})",
            )


def _contract_ids(collect: _Collector, entries: _Entries, today: date) -> None:
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


def _plain_text(collect: _Collector, entries: _Entries, today: date) -> None:
    """Answers and summaries are plain text: HTML tags or Markdown would reach users as raw characters."""
    fields = [(entry, "answer") for entry in entries.topics] + [
        (entry, "short") for entry in entries.topics
    ]
    fields += [(entry, "summary") for entry in entries.places]
    for (item, path, located, index), name in fields:
        for lang in LANGUAGES:
            text = getattr(getattr(item, name), lang)
            found = MARKUP.search(text) if text else None
            if found:
                where = located.line_of((index, name, lang))
                collect.add(
                    path,
                    where,
                    f"{name}.{lang}",
                    f"write plain text, not HTML or Markdown: {found.group(0).strip()!r} (in {item.id})",
                )


def _check_regression_files(
    collect: _Collector, folder: Path, topic_ids: set[str], place_ids: set[str]
) -> None:
    """Regression questions must parse and name existing topics and places."""
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                collect.add(path, number, "line", f"not JSON ({exc.msg})")
                continue
            if not isinstance(case, dict) or not isinstance(case.get("text"), str):
                collect.add(path, number, "text", 'each line needs a "text"')
                continue
            for ref in case.get("topic") or []:
                if ref not in topic_ids:
                    collect.add(path, number, "topic", f"no topic {ref!r}")
            if case.get("place") and case["place"] not in place_ids:
                collect.add(path, number, "place", f"no place {case['place']!r}")
