"""Figures on the real tuning halves as if they were unseen: the knowledge without the examples written for
their misses.

Examples were written, in our own words, for the tuning halves' misses (commits in MISS_EXAMPLES). Since then
those halves score far above the halves kept out of tuning (79.5 against 55.1% top-1 on 2026-12-06). So they stopped
standing for new questions. This script builds a copy of knowledge/ without those examples, and reports the
written and real tuning sets on it, so a method change (weights, thresholds, rules) can be chosen on
questions that behave like unseen ones. It reads the tuning halves only (bot.kbtools.real_files).

Run: .venv/bin/python scripts/unseen.py [--set offer_margin=0.015 ...]; needs the git history (a clone has it).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.evaluation import evaluate, load_cases
from bot.kbtools import real_files, tuning_files
from bot.knowledge import require_knowledge
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
FIGURES = ("top1", "right_or_one_tap", "answered_but_wrong", "fallback_precision")

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a Thresholds field"
    )
    args = parser.parse_args()
    changes = {name: float(value) for name, value in (item.split("=", 1) for item in args.set)}
    limits = dataclasses.replace(Thresholds(), **changes)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "knowledge"
        print(f"{without_miss_examples(root)} examples written for tuning misses left out")
        kb = require_knowledge(root)
        cache = VectorCache(CACHE)
        index = SemanticIndex(CachedEncoder(E5Encoder(), cache), cache, examples(kb), memo=0)
        index.build()
        responder = Responder(kb, thresholds=limits, semantic=index)
        sets = {"written": tuning_files(BUNDLED_KNOWLEDGE / "tests")}
        sets.update({p.stem: [p] for p in real_files(BUNDLED_KNOWLEDGE / "tests")})
        for name, paths in sets.items():
            cases = load_cases(paths)
            index.encoder.encode([c.text for c in cases])
            figures = evaluate(cases, responder.answer).figures()
            shown = " ".join(f"{k} {100 * figures[k]:.1f}" for k in FIGURES)
            print(f"{name:8} {len(cases):5} {shown}")


if __name__ == "__main__":
    main()
