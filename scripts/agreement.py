"""How often careful readers agree with the real questions' labels: a ceiling for the judged figures.

Two helpers, each alone and shown only the topic list (docs/label-agreement/brief.md), labelled 200 questions
drawn at random from the real tuning halves (docs/label-agreement/sample.jsonl). Each labeller is scored as if
it were the bot: its first label is its answer, "out-of-scope" its fallback. With --bot, PayHelp is scored on
the same questions the way scripts/unseen.py answers them (each half without its own examples).

Run: .venv/bin/python scripts/agreement.py [--bot]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.crosscheck import Collector, json_lines
from bot.evaluation import Case, Report, load_cases

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "docs" / "label-agreement"
REAL = ROOT / "knowledge" / "tests" / "real"
OUT = "out-of-scope"

Labels = tuple[str, ...]


def gold_of(case: Case) -> Labels:
    """What counts as right for one real question: its topics, place:<id>, or out-of-scope."""
    if case.kind == "fallback":
        return (OUT,)
    if case.kind == "place":
        return (f"place:{case.place}",)
    return case.topics


def score(gold: Sequence[Labels], answers: Sequence[Labels]) -> dict[str, float]:
    """A labeller's first label taken as its answer: top-1 on in-scope questions, fallback precision on
    out-of-scope ones, and answered-but-wrong (a topic that is not right) over all, as bot.evaluation counts.
    A labeller cannot ask back as the bot can, so two more: `any_label` (a right label among its labels, beside
    the bot's right-or-one-tap) and `wrong_with_none_right` (a wrong first label and no right one after it)."""
    pairs = list(zip(gold, answers, strict=True))
    inside = [(g, a) for g, a in pairs if g != (OUT,)]
    outside = [(g, a) for g, a in pairs if g == (OUT,)]
    wrong = [(g, a) for g, a in pairs if a[0] != OUT and a[0] not in g]
    return {
        "top1": sum(a[0] in g for g, a in inside) / len(inside) if inside else 1.0,
        "any_label": sum(bool(set(a) & set(g)) for g, a in inside) / len(inside) if inside else 1.0,
        "fallback_precision": sum(a[0] == OUT for _, a in outside) / len(outside)
        if outside
        else 1.0,
        "answered_but_wrong": len(wrong) / len(pairs) if pairs else 0.0,
        "wrong_with_none_right": sum(not set(a) & set(g) for g, a in wrong) / len(pairs)
        if pairs
        else 0.0,
    }


def between(first: Sequence[Labels], second: Sequence[Labels]) -> dict[str, float]:
    """How two labellers agree: the same first label, each one's first among the other's, in or out of scope."""
    pairs = list(zip(first, second, strict=True))
    return {
        "same_first": sum(a[0] == b[0] for a, b in pairs) / len(pairs),
        "first_among_second": sum(a[0] in b for a, b in pairs) / len(pairs),
        "second_among_first": sum(b[0] in a for a, b in pairs) / len(pairs),
        "same_scope": sum((a[0] == OUT) == (b[0] == OUT) for a, b in pairs) / len(pairs),
    }


def read(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file, read as the bot reads its own (lines end at "\\n" only: a question
    may hold U+2028); a broken line stops the script naming file and line."""
    collect = Collector(path)
    rows = [row for _, row in json_lines(collect, path)]
    if collect.problems:
        sys.exit(str(min(collect.problems)))
    return rows


def load(
    folder: Path = FOLDER, real: Path = REAL
) -> tuple[list[Case], list[Labels], dict[str, list[Labels]]]:
    """The sample's questions from their tuning halves (each half read once, as the bot's tests read it), their
    gold labels, and each labeller's labels by id."""
    sample = read(folder / "sample.jsonl")
    halves = {name: load_cases([real / name]) for name in sorted({str(i["file"]) for i in sample})}
    cases = []
    for item in sample:
        found = [c for c in halves[str(item["file"])] if c.text == item["text"]]
        if len({gold_of(c) for c in found}) != 1:  # missing, or the same text labelled twice
            sys.exit(
                f"{folder / 'sample.jsonl'}: id {item['id']}: {len(found)} lines in {item['file']}"
            )
        cases.append(found[0])
    labellers = {}
    for path in sorted(folder.glob("labeller-*.jsonl")):
        by_id: dict[int, Labels] = {int(r["id"]): tuple(r["labels"]) for r in read(path)}
        labellers[path.stem] = [by_id[int(item["id"])] for item in sample]
    return cases, [gold_of(c) for c in cases], labellers


def _bot(cases: list[Case]) -> dict[str, float]:
    """PayHelp's judged figures on the sample, each question answered as scripts/unseen.py answers its half."""
    import unseen

    wanted = {(case.source, case.text) for case in cases}
    outcomes = [
        outcome
        for _, report in unseen.reports(only=lambda case: (case.source, case.text) in wanted)
        for outcome in report.outcomes
    ]
    figures = Report(outcomes).figures()
    return {
        k: figures[k]
        for k in ("top1", "right_or_one_tap", "fallback_precision", "answered_but_wrong")
    }


def _line(name: str, figures: Mapping[str, float]) -> str:
    return f"{name:12} " + "  ".join(f"{k} {100 * v:.1f}" for k, v in figures.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bot", action="store_true", help="score PayHelp on the same questions")
    args = parser.parse_args()
    cases, gold, labellers = load()
    print(f"{len(cases)} questions, {sum(g != (OUT,) for g in gold)} in scope")
    for name, answers in labellers.items():
        print(_line(name, score(gold, answers)))
    names = list(labellers)
    for at, first in enumerate(names):
        for second in names[at + 1 :]:
            print(
                _line(
                    f"{first[-1]} with {second[-1]}", between(labellers[first], labellers[second])
                )
            )
    if args.bot:
        print(_line("PayHelp", _bot(cases)))


if __name__ == "__main__":
    main()
