"""`python -m bot kb check|stats|test`: the content editors' tools."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import IO, Any

from bot.asked import HELD_OUT_HALVES, REAL, TUNING_HALVES
from bot.contract import LANGUAGES
from bot.engine import Engine
from bot.evaluation import Report, evaluate, load_cases
from bot.knowledge import Knowledge, load_knowledge

# Regression sets that scripts/tune.py never sees: the quality bar is checked on these alone, so
# tuning on (or a lookup table of) the other sets cannot pass it. A set added for tuning stays out.
HELD_OUT: tuple[str, ...] = ("questions-7.jsonl",)
# What `kb test` prints first, in this order (bot/evaluation.py's figures).
TEST_FIGURES = (
    "top1",
    "language_right",
    "fallback_precision",
    "clarify_rate",
    "answered_but_wrong",
    "wrong_but_right_below",
)


def tuning_files(folder: Path) -> list[Path]:
    """The regression sets tuning may see: all but the held-out ones."""
    return [path for path in sorted(folder.glob("*.jsonl")) if path.name not in HELD_OUT]


def real_files(folder: Path, held_out: bool = False) -> list[Path]:
    """The real questions' tuning halves of every batch (tune*.jsonl), or their held-out halves."""
    return sorted((folder / REAL).glob(HELD_OUT_HALVES if held_out else TUNING_HALVES))


def check(root: Path, out: IO[str]) -> int:
    """Print every problem as file:line: field: message; 1 when there are errors."""
    _, problems = load_knowledge(root)
    for problem in problems:
        out.write(f"{problem}\n")
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    out.write(f"{errors} error(s), {warnings} warning(s) in {root}\n")
    return 1 if errors else 0


def stats(kb: Knowledge) -> dict[str, Any]:
    """Coverage of topics x languages, places by kind and province, foreign-card acceptance."""
    topics: dict[str, dict[str, Any]] = {
        topic.id: {
            "languages": [
                lang
                for lang in LANGUAGES
                if topic.answer.get(lang) and getattr(topic.examples, lang)
            ],
            "examples": {lang: len(phrases) for lang, phrases in topic.examples.items()},
            "keywords": sum(len(phrases) for _, phrases in topic.keywords.items()),
            "short": [lang for lang in LANGUAGES if getattr(topic.short, lang)],
            "as_of": topic.as_of.isoformat(),
            "source": topic.source,
        }
        for topic in kb.topics.values()
    }
    places = {}
    for place in kb.places.values():
        city = kb.regions[place.city]
        places[place.id] = {
            "kind": place.kind,
            "city": place.city,
            "province": city.province,
            "languages": [lang for lang in LANGUAGES if getattr(place.names, lang)],
            "accepts": list(place.accepts),
            "services": list(place.services),
            "foreign_cards": place.takes_foreign_cards,
            "coords": place.coords is not None,
            "parent": place.parent,
            "as_of": place.as_of.isoformat(),
        }
    return {
        "topics": topics,
        "places": places,
        "summary": {
            "topics": len(topics),
            "topics_in_all_languages": sum(
                1 for t in topics.values() if len(t["languages"]) == len(LANGUAGES)
            ),
            "places": len(places),
            "places_by_kind": dict(sorted(Counter(p["kind"] for p in places.values()).items())),
            "places_by_province": dict(
                sorted(Counter(str(p["province"]) for p in places.values()).items())
            ),
            "places_accepting_foreign_cards": sum(1 for p in places.values() if p["foreign_cards"]),
            "places_with_coordinates": sum(1 for p in places.values() if p["coords"]),
        },
    }


def print_stats(data: dict[str, Any], out: IO[str]) -> None:
    """The stats as a readable table."""
    out.write(f"{'topic':28} " + " ".join(f"{lang:>3}" for lang in LANGUAGES) + "  examples\n")
    for topic_id, info in data["topics"].items():
        marks = " ".join(f"{'✓' if lang in info['languages'] else '✗':>3}" for lang in LANGUAGES)
        out.write(f"{topic_id:28} {marks}  {sum(info['examples'].values())}\n")
    summary = data["summary"]
    out.write(
        f"\n{summary['topics']} topics, {summary['topics_in_all_languages']} in all five languages\n"
    )
    out.write(f"{summary['places']} places; by kind: {summary['places_by_kind']}\n")
    out.write(f"by province: {summary['places_by_province']}\n")
    out.write(
        f"accepting foreign cards: {summary['places_accepting_foreign_cards']}; with coordinates: {summary['places_with_coordinates']}\n"
    )


def regression(
    engine: Engine, root: Path, out: IO[str], min_top1: float = 0.9, verbose: bool = False
) -> tuple[int, Report]:
    """Run knowledge/tests through the real answering path; 1 when top-1 is below `min_top1`."""
    files = sorted((root / "tests").glob("*.jsonl"))
    report = evaluate(load_cases(files), engine.answer)
    figures = report.figures()
    out.write(
        f"{figures['questions']} questions from {', '.join(f.name for f in files) or 'no files'}\n"
    )
    for name in TEST_FIGURES:
        out.write(f"  {name:21} {figures[name]:.1%}\n")
    out.write("top-1 by language:\n")
    for lang, value in figures["top1_by_language"].items():
        out.write(f"  {lang:4} {value:.1%}\n")
    out.write("top-1 by topic / place / kind:\n")
    for label, group in report.by(lambda o: o.case.label).items():
        out.write(f"  {label:28} {sum(o.right for o in group)}/{len(group)}\n")
    misses = [
        o
        for o in report.outcomes
        if not (o.right or (o.case.kind == "fallback" and o.answer.kind == "fallback"))
        or not o.lang_right
    ]
    out.write(f"misses ({len(misses)}):\n")
    for o in misses:
        got = (
            o.answer.topic
            or (o.answer.places[0] if o.answer.places else "")
            or ",".join(o.answer.suggestions)
        )
        want = ",".join(o.case.topics) or o.case.place or ""
        out.write(
            f"  [{o.case.lang}] {o.case.text!r}: want {o.case.kind} {want} ({o.case.lang}); got {o.answer.kind} {got} ({o.answer.lang}) conf {o.answer.confidence}\n"
        )
        if verbose:
            for scored in engine.responder.matcher.rank(o.case.text):
                out.write(f"      {scored}\n")
    passed = report.top1 >= min_top1
    out.write(
        f"{'PASS' if passed else 'FAIL'}: top-1 {report.top1:.1%} (threshold {min_top1:.0%})\n"
    )
    return (0 if passed else 1), report


def stats_json(kb: Knowledge) -> str:
    """The stats as JSON."""
    return json.dumps(stats(kb), ensure_ascii=False, indent=2)
