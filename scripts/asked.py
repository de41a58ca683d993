"""Add real questions to knowledge/asked.jsonl (examples for the meaning only): the in-scope questions of real
tuning halves, or lines collected as examples only.

Each FAQ question of a tuning half becomes one line: its text as written, its first topic, its page address, the
language it was written in and the date given; out-of-scope and place questions are left out (real
out-of-scope questions as out-of-scope examples: -4 right, -16 one tap, +4 caught of 451, 2026-12-07). A file
of collected examples (no `kind`; one topic id, as asked.jsonl holds them) is taken line by line, keeping its
own `as_of` where it gives one (the date given where it has none). A question that a held-out half holds, or
from the same page as one (a tuning question from such a page too, whatever address it was copied from), is
left out and counted: the held-out figures stand for pages never seen. A text already in the file is skipped,
so running it twice adds nothing. Every line is checked as the bot will load it before the file is replaced;
a bad one stops it with one line.

Run: .venv/bin/python scripts/asked.py --as-of 2026-12-07 knowledge/tests/real/tune-6.jsonl
     .venv/bin/python scripts/asked.py --as-of 2026-12-07 collected.jsonl
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.asked import FILE, HELD_OUT_HALVES, Asked, HeldOut, same_text
from bot.crosscheck import Collector, json_line, json_lines
from bot.knowledge import require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE


def stop(message: str) -> NoReturn:
    """One line on standard error, exit 1."""
    sys.exit(f"scripts/asked.py: {message}")


def read(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) of a JSON-lines file, read as the bot reads its own; the first bad line stops it."""
    collect = Collector(path)  # problems named by the path as given
    rows = list(json_lines(collect, path))
    if collect.problems:
        stop(str(min(collect.problems)))
    return rows


def rows_of(path: Path, as_of: date, topics: set[str]) -> list[Asked]:
    """The in-scope FAQ questions of one tuning half, or the lines of a collected file, checked as the bot
    loads them."""
    rows: list[Asked] = []
    for number, case in read(path):
        labels = case.get("topic") or []
        if "kind" not in case:  # a collected example: already one line of asked.jsonl
            if not isinstance(labels, str) or labels not in topics:
                stop(f"{path}:{number}: topic: one topic id is needed, not {labels!r}")
            row = {**case, "as_of": case["as_of"] if "as_of" in case else as_of}
        elif case.get("kind") != "faq" or not labels:
            continue
        elif not isinstance(labels, list) or labels[0] not in topics:
            stop(f"{path}:{number}: topic: a list of topic ids is needed, not {labels!r}")
        else:
            row = {
                "text": case.get("text"),
                "topic": labels[0],
                "url": case.get("url"),
                "wrote": case.get("wrote") or case.get("lang"),
                "genre": case.get("genre") or "",
                "as_of": as_of,
            }
        try:
            asked = Asked.model_validate(row)
        except ValidationError as exc:
            error = exc.errors()[0]
            stop(f"{path}:{number}: {'.'.join(map(str, error['loc']))}: {error['msg']}")
        if asked.as_of > date.today():
            stop(
                f"{path}:{number}: as_of: {asked.as_of} is in the future (the bot refuses such a line)"
            )
        rows.append(asked)
    return rows


def main() -> None:
    """Check the halves and the date, then add their questions to the file in one replace."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--as-of", required=True, help="when the questions were gathered (YYYY-MM-DD)"
    )
    parser.add_argument(
        "files", nargs="+", type=Path, help="real tuning halves (tune*.jsonl) or collected examples"
    )
    parser.add_argument(
        "--out", type=Path, default=BUNDLED_KNOWLEDGE / FILE, help="the file to extend"
    )
    args = parser.parse_args()
    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        stop(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)")
    if as_of > date.today():
        stop(f"--as-of {args.as_of}: in the future (the bot refuses such a line)")
    for path in args.files:
        if fnmatch.fnmatch(path.name, HELD_OUT_HALVES):
            stop(f"{path} is a held-out half: its questions must never be examples")
        if not path.is_file():
            stop(f"{path}: no such file")
    if not args.out.parent.is_dir():
        stop(f"{args.out.parent}: no such folder")
    held_out = HeldOut.read(BUNDLED_KNOWLEDGE)
    topics = set(require_knowledge(BUNDLED_KNOWLEDGE).topics)
    known = (
        {same_text(str(row.get("text"))) for _, row in read(args.out)}
        if args.out.exists()
        else set()
    )
    existing = args.out.read_text(encoding="utf-8-sig").split("\n") if args.out.exists() else []
    existing = [line for line in existing if line.strip()]  # kept as they are
    added: list[str] = []
    refused = 0
    for path in args.files:
        for asked in rows_of(path, as_of, topics):
            if held_out.why_not(asked.text, asked.url):
                refused += 1
            elif same_text(asked.text) not in known:
                known.add(same_text(asked.text))
                added.append(json_line(asked.model_dump(mode="json")))
    handle, temporary = tempfile.mkstemp(dir=args.out.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(f"{line}\n" for line in [*existing, *added]))
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the bot may run as another user
        os.replace(temporary, args.out)  # whole or not at all
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    print(
        f"{len(added)} question(s) added to {args.out} ({len(existing) + len(added)} in all); "
        f"{refused} left out as held out or from a held-out question's page"
    )


if __name__ == "__main__":
    main()
