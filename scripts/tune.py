"""Grid-search the matcher's weights and the answer thresholds on the tuning sets; report a check half apart.

Run: .venv/bin/python scripts/tune.py [--quick]  — prints the best settings; copy them into bot/matcher.py and
bot/responder.py. It reads the written sets (knowledge/tests/*.jsonl) but those in bot.kbtools.HELD_OUT, and the
tuning halves of the real sets (knowledge/tests/real/tune*.jsonl), never knowledge/tests/real/held-out*.jsonl: held-out
sets are measured once, when they arrive, and then only to report; the quality test checks the bar on them alone. Sentence vectors come from the disk cache (bot/semantic.py), so a
second run encodes nothing.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.evaluation import Case, evaluate, load_cases
from bot.kbtools import real_files, tuning_files
from bot.knowledge import require_knowledge
from bot.matcher import Matcher, Weights
from bot.responder import Responder
from bot.semantic import CachedEncoder, E5Encoder, SemanticIndex, VectorCache, examples
from bot.settings import BUNDLED_KNOWLEDGE
from bot.thresholds import Thresholds

CACHE = Path(".payhelp-cache/vectors.sqlite3")


def objective(figures: dict[str, Any]) -> float:
    """Top-1, penalising confident wrong answers three times and missed fallbacks once."""
    return float(
        figures["top1"] - 3 * figures["answered_but_wrong"] + 0.5 * figures["fallback_precision"]
    )


def halves(cases: list[Case], seed: int = 7) -> tuple[list[Case], list[Case]]:
    """A fixed random split: tune on the first, check on the second."""
    shuffled = cases[:]
    random.Random(seed).shuffle(shuffled)
    return shuffled[::2], shuffled[1::2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="a small grid around the shipped settings"
    )
    args = parser.parse_args()
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    written = load_cases(tuning_files(BUNDLED_KNOWLEDGE / "tests"))
    real = load_cases(real_files(BUNDLED_KNOWLEDGE / "tests"))
    index = SemanticIndex(
        CachedEncoder(E5Encoder(), VectorCache(CACHE)), VectorCache(CACHE), examples(kb), memo=0
    )
    index.build()
    index.encoder.encode(
        [c.text for c in written + real]
    )  # every question's vector into the cache once
    w_tune, w_check = halves(written)
    r_tune, r_check = halves(real)

    def score(
        weights: Weights, limits: Thresholds, cases: list[Case], semantic: bool = True
    ) -> dict[str, Any]:
        responder = Responder(
            kb,
            thresholds=limits,
            matcher=Matcher(kb, weights),
            semantic=index if semantic else None,
        )
        return evaluate(cases, responder.answer).figures()

    if args.quick:
        weight_grid = [Weights(semantic=s) for s in (0.5, 0.7)]
        threshold_grid = [
            Thresholds(answer=a, semantic_gate=g, margin=m)
            for a, g, m in itertools.product((0.46, 0.52), (0.3, 0.45), (0.04, 0.07))
        ]
    else:
        weight_grid = [
            Weights(coverage=c, example=e, bayes=b, semantic=s, semantic_temperature=t)
            for c, e, b, s, t in itertools.product(
                (0.35, 0.45), (0.35, 0.45), (0.2, 0.3), (0.3, 0.5, 0.7, 0.9), (0.01, 0.015, 0.02)
            )
        ]
        threshold_grid = [
            Thresholds(answer=a, margin=m, sure=s, semantic_gate=g)
            for a, m, s, g in itertools.product(
                (0.46, 0.52, 0.58), (0.07, 0.1), (0.9, 1.0), (0.5, 0.7)
            )
        ]
    results = []
    for weights in weight_grid:
        matcher = Matcher(kb, weights)
        for limits in threshold_grid:
            responder = Responder(kb, thresholds=limits, matcher=matcher, semantic=index)
            fw = evaluate(w_tune, responder.answer).figures()
            fr = evaluate(r_tune, responder.answer).figures()
            results.append(((objective(fw) + objective(fr)) / 2, weights, limits, fw, fr))
    results.sort(key=lambda r: r[0], reverse=True)
    keys = ("top1", "right_or_one_tap", "answered_but_wrong", "fallback_precision", "clarify_rate")
    shipped = (Weights(), Thresholds())
    for label, (weights, limits) in [("shipped", shipped)] + [
        (f"{r[0]:.3f}", (r[1], r[2])) for r in results[:5]
    ]:
        cw, cr = score(weights, limits, w_check), score(weights, limits, r_check)
        print(f"{label} {weights}\n   {limits}")
        print(f"   check written {[cw[k] for k in keys]}  real {[cr[k] for k in keys]}")
    lw, lr = (
        score(Weights(), Thresholds(), w_check, False),
        score(Weights(), Thresholds(), r_check, False),
    )
    print(f"lexical only: check written {[lw[k] for k in keys]}  real {[lr[k] for k in keys]}")


if __name__ == "__main__":
    main()
