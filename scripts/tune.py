"""Grid-search matcher weights and answer thresholds on knowledge/tests (tune on one half, report the other).

The sets in bot.kbtools.HELD_OUT are never read here (tuning_files leaves them out): the quality test checks the bar on them alone.

Run: .venv/bin/python scripts/tune.py   — prints the best settings; copy them into bot/matcher.py / bot/responder.py.
It evaluates 72 matchers x 16 threshold sets on half of knowledge/tests: 15 to 30 minutes here.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.evaluation import evaluate, load_cases
from bot.kbtools import tuning_files
from bot.knowledge import require_knowledge
from bot.matcher import Matcher, Weights
from bot.responder import Responder, Thresholds
from bot.settings import BUNDLED_KNOWLEDGE


def objective(figures: dict) -> float:
    """Top-1, penalising confident wrong answers three times and missed fallbacks once."""
    return figures["top1"] - 3 * figures["answered_but_wrong"] + 0.5 * figures["fallback_precision"]


def main() -> None:
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    cases = load_cases(tuning_files(BUNDLED_KNOWLEDGE / "tests"))
    rng = random.Random(7)
    shuffled = cases[:]
    rng.shuffle(shuffled)
    tune, hold = shuffled[::2], shuffled[1::2]
    results = []
    weight_grid = [
        Weights(coverage=c, example=e, keyword=k, fuzzy=f, bayes=b)
        for c, e, k, f, b in itertools.product(
            (0.35, 0.45, 0.55), (0.35, 0.45), (0.15, 0.25), (0.15, 0.3), (0.0, 0.3, 0.4)
        )
    ]
    threshold_grid = [  # the current settings (answer 0.46, margin 0.07, sure 0.90, coverage 0.30) are in the grid
        Thresholds(answer=a, margin=m, clarify=0.26, sure=s, coverage=g)
        for a, m, s, g in itertools.product((0.42, 0.46), (0.04, 0.07), (0.8, 0.9), (0.0, 0.3))
    ]
    for weights in weight_grid:
        matcher = Matcher(kb, weights)
        for limits in threshold_grid:
            responder = Responder(kb, thresholds=limits, matcher=matcher)
            figures = evaluate(tune, responder.answer).figures()
            results.append((objective(figures), weights, limits, figures))
    results.sort(key=lambda r: r[0], reverse=True)
    for score, weights, limits, figures in results[:5]:
        held = evaluate(
            hold, Responder(kb, thresholds=limits, matcher=Matcher(kb, weights)).answer
        ).figures()
        print(f"{score:.3f} {weights} {limits}\n   tune {figures}\n   held {held}")


if __name__ == "__main__":
    main()
