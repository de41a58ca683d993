"""Load `knowledge/` into one immutable snapshot, reporting every problem with file and line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from string import Formatter
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.asked import REAL, Asked, HeldOut, load_asked
from bot.contract import LANGUAGES, UI, UI_KEYS
from bot.crosscheck import (
    Collector,
    Entries,
    Entry,
    Problem,
    check_regression_files,
    cross_check,
    json_lines,
)
from bot.schema import Country, Intent, KindWords, NeedsFile, Place, Region, Texts, Topic
from bot.yamlfile import Located, YamlProblem, load_yaml


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
    countries: Mapping[str, Country] = field(
        default_factory=lambda: MappingProxyType({})
    )  # knowledge/countries.yaml: where paying is ours (the mainland) and where it is not
    asked: tuple[
        Asked, ...
    ] = ()  # knowledge/asked.jsonl: real questions, examples for the meaning only
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


def load_knowledge(root: Path, today: date | None = None) -> tuple[Knowledge | None, list[Problem]]:
    """Read and validate everything under `root`; the snapshot is None when there are errors."""
    collect = Collector(root)
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
    countries = (
        _load_list(collect, [root / "countries.yaml"], Country)
        if (root / "countries.yaml").exists()
        else []
    )
    if (
        not collect.unreadable
    ):  # a file that is not YAML hides its entries: every reference to them would fail too
        cross_check(collect, Entries(topics, places, regions, intents, countries), today)
        # The regression questions, then the real ones (knowledge/tests/real), each read once: checked, and
        # the real ones' held-out halves guard the real examples.
        tests, real = root / "tests", root / "tests" / REAL
        files = [*sorted(tests.glob("*.jsonl")), *sorted(real.glob("*.jsonl"))]
        batches = {path: list(json_lines(collect, path)) for path in files}
        topic_ids = {t.id for t, *_ in topics}
        check_regression_files(collect, batches, topic_ids, {p.id for p, *_ in places})
        held_out = HeldOut({p: rows for p, rows in batches.items() if p.parent == real})
        asked = load_asked(collect, root, topic_ids, held_out, today)
    else:
        asked = ()
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
        countries=MappingProxyType({c.id: c for c, *_ in countries}),
        asked=asked,
        root=root,
    )
    return snapshot, sorted(collect.problems)


def require_knowledge(root: Path) -> Knowledge:
    """Load the knowledge or raise KnowledgeError listing every problem."""
    snapshot, problems = load_knowledge(root)
    if snapshot is None:
        raise KnowledgeError([p for p in problems if p.severity == "error"])
    return snapshot


def _load_list(collect: Collector, files: Iterable[Path], model: type[BaseModel]) -> list[Entry]:
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


def _load_needs(collect: Collector, path: Path) -> NeedsFile | None:
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
    collect: Collector, path: Path, located: Located, index: int, raw: Any, model: type[BaseModel]
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


def _read(collect: Collector, path: Path) -> Located | None:
    try:
        return load_yaml(path)
    except YamlProblem as exc:
        collect.add(path, exc.line, "file", exc.message)
    except OSError as exc:
        collect.add(path, 1, "file", f"cannot read ({exc.strerror})")
    collect.unreadable.append(path)
    return None


def _load_ui(collect: Collector, path: Path) -> dict[str, Texts]:
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
    collect: Collector, path: Path, located: Located, key: str, texts: Texts
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
