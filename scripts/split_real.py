"""Split a new batch of real questions into a tuning half and a held-out half, as every batch was split.

Lines whose labels name no topic or place of the knowledge, or whose text an earlier batch already has, are
reported and left out. The split is random with the given seed, stratified by the language written in and
by in or out of scope; the first of each shuffled group goes to the held-out half.

Run: .venv/bin/python scripts/split_real.py --seed 20261207 --name 5 batch-a.jsonl batch-b.jsonl
(writes knowledge/tests/real/tune-5.jsonl and held-out-5.jsonl). Measure held-out-N once, on arrival.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge import require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE

REAL = BUNDLED_KNOWLEDGE / "tests" / "real"
OURS = ("zh", "zh-Hant", "en", "ko", "ru", "ja")  # languages kept apart; the others form one group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument(
        "--name", required=True, help="the batch's suffix: tune-NAME, held-out-NAME"
    )
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    seen = {
        json.loads(line)["text"].strip()
        for path in REAL.glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    groups: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    for path in args.files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            unknown = [t for t in case.get("topic") or [] if t not in kb.topics]
            if case.get("kind") == "place" and case.get("place") not in kb.places:
                unknown.append(case.get("place"))
            if unknown or case["text"].strip() in seen:
                print(f"{path}:{number}: left out ({unknown or 'already in a batch'})")
                continue
            seen.add(case["text"].strip())
            written = case.get("wrote", case.get("lang", "en"))
            groups[(written if written in OURS else "other", case["kind"] == "fallback")].append(
                case
            )
    rng = random.Random(args.seed)
    halves: dict[str, list[dict[str, Any]]] = {"held-out": [], "tune": []}
    for key in sorted(groups):
        group = groups[key][:]
        rng.shuffle(group)
        for position, case in enumerate(group):
            halves["held-out" if position % 2 == 0 else "tune"].append(case)
    for half, cases in halves.items():
        out = REAL / f"{half}-{args.name}.jsonl"
        out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8")
        print(f"{out}: {len(cases)} ({sum(c['kind'] == 'fallback' for c in cases)} out of scope)")


if __name__ == "__main__":
    main()
