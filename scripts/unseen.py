"""Figures on the real tuning halves as if they were unseen: the knowledge without the examples written for
their misses, and each half answered without its own questions among the real examples (knowledge/asked.jsonl).

Examples were written, in our own words, for the tuning halves' misses (commits in MISS_EXAMPLES). Since then
those halves score far above the halves kept out of tuning (79.5 against 55.1% top-1 on 2026-12-06). So they stopped
standing for new questions. This script builds a copy of knowledge/ without those examples, and reports the
written and real tuning sets on it, so a method change (weights, thresholds, rules) can be chosen on
questions that behave like unseen ones. Each tuning half is also a source of real examples (bot/asked.py); it is
answered with the other halves' only, and without any example from one of its own pages (collected examples
may come from them), so the figures say what the examples do for questions they do not contain.
Pooled figures over all halves close the report. It reads the tuning halves only (bot.kbtools.real_files).

Run: .venv/bin/python scripts/unseen.py [--set offer_margin=0.015 ...]; needs the git history (a clone has it).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.asked import same_page, same_text
from bot.evaluation import Case, Outcome, Report, evaluate, load_cases
from bot.kbtools import real_files, tuning_files
from bot.knowledge import Knowledge, require_knowledge
from bot.matcher import Matcher
from bot.responder import Responder
from bot.semantic import CachedEncoder, E5Encoder, SemanticIndex, VectorCache, examples
from bot.settings import BUNDLED_KNOWLEDGE
from bot.thresholds import Thresholds

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".payhelp-cache" / "vectors.sqlite3"
MISS_EXAMPLES = (
    "8310f93",
    "8e478bd",
)  # the commits that wrote examples for the tuning halves' misses
FIGURES = (
    "top1",
    "right_or_one_tap",
    "answered_but_wrong",
    "fallback_precision",
    "wrong_but_right_below",
)

Example = tuple[str, str, str]  # target id, language, text


def _examples_at(revision: str, relative: str) -> set[Example]:
    """Every example of one knowledge file as it was at `revision` (none if the file did not exist)."""
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:knowledge/{relative}"],
        capture_output=True,
        text=True,
    )
    data = yaml.safe_load(shown.stdout) if shown.returncode == 0 else None
    found: set[Example] = set()
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict):
            for lang, texts in (entry.get("examples") or {}).items():
                found.update((str(entry.get("id")), lang, str(text)) for text in texts)
    return found


def without_miss_examples(out: Path) -> int:
    """Copy knowledge/ to `out` without the examples MISS_EXAMPLES added; how many were left out."""
    for commit in MISS_EXAMPLES:
        known = subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
        )
        if known.returncode != 0:
            sys.exit(
                f"scripts/unseen.py: commit {commit} is not in this clone's history (git clone has it)"
            )
    shutil.copytree(BUNDLED_KNOWLEDGE, out)
    files = [str(p.relative_to(out)) for p in out.rglob("*.yaml")]
    added = {
        example
        for commit in MISS_EXAMPLES
        for relative in files
        for example in _examples_at(commit, relative) - _examples_at(f"{commit}^", relative)
    }
    dropped = 0
    for relative in files:
        path = out / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            continue
        for entry in data:
            for lang, texts in (entry.get("examples") or {}).items():
                kept = [t for t in texts if (entry.get("id"), lang, str(t)) not in added]
                dropped += len(texts) - len(kept)
                entry["examples"][lang] = kept
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dropped


def without_own(kb: Knowledge, half: list[Case]) -> Knowledge:
    """`kb` without the real examples that are questions of `half`, or come from one of its pages (collected
    examples may): a tuning half answered as if unseen."""
    own = {same_text(case.text) for case in half}
    pages = {same_page(case.url) for case in half if case.url}
    kept = tuple(
        a for a in kb.asked if same_text(a.text) not in own and same_page(a.url) not in pages
    )
    return dataclasses.replace(kb, asked=kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a Thresholds field"
    )
    args = parser.parse_args()
    defaults = Thresholds()
    changes: dict[str, Any] = {}
    for name, value in (item.split("=", 1) for item in args.set):
        if not hasattr(defaults, name):
            parser.error(f"--set {name}: no such Thresholds field")
        kind = type(getattr(defaults, name))  # next_topics is a count, the rest are scores
        try:
            changes[name] = kind(value)
        except ValueError:
            parser.error(f"--set {name}={value}: not a {kind.__name__}")
    limits = dataclasses.replace(defaults, **changes)
    pooled: list[Outcome] = []
    for name, report in reports(limits):
        pooled += report.outcomes if name != "written" else []
        _show(name, report)
    _show("pooled", Report(pooled))


def reports(
    limits: Thresholds = Thresholds(), only: Callable[[Case], bool] = lambda case: True
) -> Iterator[tuple[str, Report]]:
    """The written tuning set, then each real tuning half, answered as if unseen (`only` the cases it keeps; a
    set left with none is not built): the knowledge without the examples written for tuning misses, and each
    half without its own real examples."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "knowledge"
        print(f"{without_miss_examples(root)} examples written for tuning misses left out")
        kb = require_knowledge(root)
        cache = VectorCache(CACHE)
        matcher = Matcher(kb)  # the words do not read the real examples: one for every half
        tests = BUNDLED_KNOWLEDGE / "tests"
        sets = {"written": (load_cases(tuning_files(tests)), kb)}
        for path in real_files(
            tests
        ):  # each file read once: its questions, and the examples it rules out
            half = load_cases([path])
            sets[path.stem] = (half, without_own(kb, half))
        for name, (every, known) in sets.items():
            cases = [case for case in every if only(case)]
            if not cases:
                continue
            index = SemanticIndex(CachedEncoder(E5Encoder(), cache), cache, examples(known), memo=0)
            index.build()
            responder = Responder(known, thresholds=limits, matcher=matcher, semantic=index)
            index.encoder.encode([c.text for c in cases])
            yield name, evaluate(cases, responder.answer)


def _show(name: str, report: Report) -> None:
    """One row of figures: the set's name, its size and the four judged figures."""
    figures = report.figures()
    shown = " ".join(f"{k} {100 * figures[k]:.1f}" for k in FIGURES)
    print(f"{name:8} {len(report.outcomes):5} {shown}")


if __name__ == "__main__":
    main()
