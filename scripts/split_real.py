"""Split a new batch of real questions into a tuning half and a held-out half, as every batch was split.

Lines whose labels name no topic or place of the knowledge, or whose text an earlier batch already has, are
reported and left out. The split is random with the given seed, stratified by the language written in and
by in or out of scope; the first of each shuffled group goes to the held-out half.

Run: .venv/bin/python scripts/split_real.py --seed 20261207 --name 5 batch-a.jsonl batch-b.jsonl
(writes knowledge/tests/real/tune-5.jsonl and held-out-5.jsonl). Measure held-out-N once, on arrival.
A batch already split is never split again: a second split would move held-out questions into tuning.
`--by-page` keeps the questions of one page in one half (the seventh batch on): the tuning halves' questions
are examples for the meaning (knowledge/asked.jsonl), and a held-out question must come from a page never
seen. Without it the split is line by line, as batches one to six were (and are reproduced).
Bad input (a missing file, a line that is not a JSON object with text and kind) stops it with one line
naming the file and line, before anything is written.
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

from bot.asked import same_page
from bot.crosscheck import json_line, numbered_lines
from bot.knowledge import require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE

REAL = BUNDLED_KNOWLEDGE / "tests" / "real"
OURS = ("zh", "zh-Hant", "en", "ko", "ru", "ja")  # languages kept apart; the others form one group


class BadBatch(Exception):
    """A batch file that cannot be split: the message names the file and line."""


def read_batch(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, case) for each non-blank line of a batch file; BadBatch for the first bad one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise BadBatch(f"{path}: cannot read it ({error.__class__.__name__})") from None
    cases = []
    for number, line in numbered_lines(text):  # lines as every reader splits them
        try:
            case = json.loads(line)
        except json.JSONDecodeError:
            raise BadBatch(f"{path}:{number}: not JSON") from None
        if not isinstance(case, dict):
            raise BadBatch(f"{path}:{number}: not a JSON object")
        for field in ("text", "kind"):
            if not isinstance(case.get(field), str) or not case[field].strip():
                raise BadBatch(f"{path}:{number}: field {field!r} is missing or blank")
        topic = case.get("topic")
        if isinstance(topic, str):
            case["topic"] = topic = [
                topic
            ]  # one topic may be written alone, as load_cases reads it
        if topic is not None and not (
            isinstance(topic, list) and all(isinstance(t, str) for t in topic)
        ):
            raise BadBatch(f"{path}:{number}: field 'topic' is not a list of topic ids")
        if case.get("place") is not None and not isinstance(case["place"], str):
            raise BadBatch(f"{path}:{number}: field 'place' is not a place id")
        cases.append((number, case))
    return cases


def main() -> None:
    try:
        split(sys.argv[1:])
    except BadBatch as error:
        print(f"split_real: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def split(argv: list[str]) -> None:
    """Parse the arguments, check every batch file, then write the two halves."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument(
        "--name", required=True, help="the batch's suffix: tune-NAME, held-out-NAME"
    )
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--by-page",
        action="store_true",
        help="keep the questions of one page in one half (every batch from the seventh on)",
    )
    parser.add_argument(
        "--out", type=Path, default=REAL, help="where the batches are (tests: a copy)"
    )
    args = parser.parse_args(argv)
    if not args.out.is_dir():
        raise BadBatch(f"{args.out}: no such folder")
    outputs = {half: args.out / f"{half}-{args.name}.jsonl" for half in ("held-out", "tune")}
    for path in outputs.values():
        if path.exists():
            raise BadBatch(f"{path}: already there; batch {args.name!r} was split before")
    batches = [
        (path, read_batch(path)) for path in args.files
    ]  # every file checked before any is used
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    earlier = [case for path in args.out.glob("*.jsonl") for _, case in read_batch(path)]
    seen = {case["text"].strip() for case in earlier}
    # --by-page: a page an earlier batch used gives no new line (its held-out questions would stand beside
    # examples from their own page, which bot/asked.py refuses)
    used = {same_page(str(case.get("url") or "")) for case in earlier} if args.by_page else set()
    groups: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    for path, cases in batches:
        for number, case in cases:
            unknown = [t for t in case.get("topic") or [] if t not in kb.topics]
            if case.get("kind") == "place" and case.get("place") not in kb.places:
                unknown.append(case.get("place"))
            if unknown or case["text"].strip() in seen:
                print(f"{path}:{number}: left out ({unknown or 'already in a batch'})")
                continue
            if same_page(str(case.get("url") or "")) in used:
                print(f"{path}:{number}: left out (its page is in an earlier batch)")
                continue
            seen.add(case["text"].strip())
            written = case.get("wrote", case.get("lang", "en"))
            groups[(written if written in OURS else "other", case["kind"] == "fallback")].append(
                case
            )
    if not groups:
        raise BadBatch("no new question to split: every line is left out above")
    rng = random.Random(args.seed)
    halves: dict[str, list[dict[str, Any]]] = {"held-out": [], "tune": []}
    pages: dict[str, str] = {}  # with --by-page: the half a page's first question went to
    for key in sorted(groups):
        group = groups[key][:]
        rng.shuffle(group)
        position = 0
        for case in group:
            page = same_page(str(case.get("url") or "")) if args.by_page else ""
            half = pages.get(page) if page else None
            if half is None:
                half = "held-out" if position % 2 == 0 else "tune"
                position += 1
            if page:
                pages[page] = half
            halves[half].append(case)
    drafts = {half: outputs[half].with_suffix(".partial") for half in halves}
    for half, chosen in halves.items():  # both halves written in full before either takes its name
        text = "".join(json_line(c) + "\n" for c in chosen)
        drafts[half].write_text(text, "utf-8")
    for half, chosen in halves.items():
        drafts[half].replace(outputs[half])
        out = outputs[half]
        print(f"{out}: {len(chosen)} ({sum(c['kind'] == 'fallback' for c in chosen)} out of scope)")


if __name__ == "__main__":
    main()
